"""Backups of the record: when the app makes one by itself, what the files are called, and
which old ones it deletes.

An automatic backup is the app acting, not a person: it is made "daily" (the first chance
of each local calendar day), "after each discharge" (and still at least daily, so a day of
registrations and account changes without a discharge is kept too), or never ("off").
Its file is `ketamonitor-YYYYMMDD-HHMMSS.db`, named by the workstation's local time; the
newest `backup_keep` of them are kept, and only files named so are ever deleted, whatever
else lies in the folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from enum import StrEnum

from ketamonitor.core.errors import ValidationError


class BackupMode(StrEnum):
    AFTER_EACH_DISCHARGE = "after_each_discharge"
    DAILY = "daily"
    OFF = "off"


BACKUP_PREFIX = "ketamonitor-"
BACKUP_SUFFIX = ".db"
#: Only files named exactly so are automatic backups: the only ones rotation may delete.
BACKUP_NAME = re.compile(r"^ketamonitor-(\d{8})-(\d{6})\.db$")
#: The folder of automatic backups when none is set: beside the database.
DEFAULT_FOLDER_NAME = "backups"


def backup_name(moment: datetime, zone: tzinfo) -> str:
    """The file name of a backup made at `moment`, in the workstation's local time."""
    local = moment.astimezone(zone)
    return f"{BACKUP_PREFIX}{local:%Y%m%d-%H%M%S}{BACKUP_SUFFIX}"


def is_backup_name(name: str) -> bool:
    """A name our automatic backups have (and a real date and time in it)."""
    found = BACKUP_NAME.match(name)
    if found is None:
        return False
    try:
        datetime.strptime(found[1] + found[2], "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def backup_due(mode: BackupMode | str, *, last: datetime | None, now: datetime,
               zone: tzinfo, discharged: bool) -> bool:
    """Whether the app makes an automatic backup now.

    `last` is when it last made one (None: never); `discharged` says a session was just
    discharged. A `last` later than `now` means the clock was set back: a backup is due
    rather than none until the clock catches up."""
    mode = BackupMode(mode)
    if mode is BackupMode.OFF:
        return False
    if mode is BackupMode.AFTER_EACH_DISCHARGE and discharged:
        return True
    if last is None or last > now:
        return True
    return last.astimezone(zone).date() < now.astimezone(zone).date()


def backups_to_delete(names: Iterable[str], keep: int) -> list[str]:
    """The automatic backups beyond the newest `keep`, oldest first; any other file name
    (the clinic's own copies, a half-written `.part`) is never among them."""
    if keep < 1:
        raise ValueError("at least one backup is kept")
    ours = sorted((name for name in set(names) if is_backup_name(name)), reverse=True)
    return sorted(ours[keep:])


def parse_keep(text: str) -> int:
    """The `backup_keep` setting as a number of files (at least 1)."""
    try:
        keep = int(text.strip())
    except ValueError:
        raise ValidationError({"backup_keep": "must be a whole number of backups"}) from None
    if keep < 1:
        raise ValidationError({"backup_keep": "keep at least one backup"})
    return keep
