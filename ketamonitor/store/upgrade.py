"""The copy kept before a newer ketamonitor migrates a clinic's file forward.

Migrations change the schema of the only copy of the record. If one went wrong (a bug, a
power cut the transaction survives but a person does not trust), the clinic needs the file
exactly as the older version left it, so the copy is made first, checked, and named beside
the database: `<name>.before-upgrade-YYYYMMDD-HHMMSS`. If it cannot be made, the file is
not upgraded and stays usable by the older version. The copy is never deleted by the app;
`ketamonitor restore --backup` puts it back (with the older version installed again).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ketamonitor.store.copies import CopyNotSound, write_checked_copy
from ketamonitor.store.errors import StoreError

log = logging.getLogger(__name__)

#: The audit row written once the migrations have run (the chain may not exist before).
UPGRADED = "database.upgrade"


class UpgradeRefused(StoreError):
    title = "The database was not upgraded"


@dataclass(frozen=True)
class UpgradeCopy:
    path: Path
    sha256: str
    size: int
    #: The newest migration the file had, and the ones this version is about to apply.
    applied_last: str
    pending: tuple[str, ...]


def copy_before_upgrade(connection: sqlite3.Connection, database: Path, *,
                        applied: list[str], pending: list[str],
                        local_time: datetime) -> UpgradeCopy:
    """A checked copy of the database as it is, before `pending` are applied; an
    UpgradeRefused (naming the database and what to do) if it cannot be made."""
    out = _free_name(database, local_time)
    try:
        digest, size = write_checked_copy(connection, out)
    except CopyNotSound as unsound:
        log.error("the pre-upgrade copy %s failed integrity_check: %s", out,
                  unsound.problems[:10])
        raise UpgradeRefused(
            database, f"A copy of the database as it is could not be checked before "
                      f"upgrading it ({unsound}).",
            "Run `ketamonitor verify` on the database and ask the administrator. The "
            "database itself is untouched, still at the older version.") from None
    except (OSError, sqlite3.Error) as error:
        log.error("the pre-upgrade copy %s failed: %s", out, error)
        reason = getattr(error, "strerror", None) or str(error)
        raise UpgradeRefused(
            database, f"This version of ketamonitor upgrades the database, and first keeps a "
                      f"copy of it beside it, {out.name}; the copy could not be written "
                      f"({reason}).",
            "Free space on the disk holding the database (room for one more copy of it) and "
            "make its folder writable for this account, then start ketamonitor again. The "
            "database itself is untouched, still at the older version.") from None
    log.warning("upgrading %s from %s: the file as it was is kept as %s (sha256 %s)",
                database, applied[-1], out, digest)
    return UpgradeCopy(out, digest, size, applied[-1], tuple(pending))


def _free_name(database: Path, local_time: datetime) -> Path:
    stamp = local_time.strftime("%Y%m%d-%H%M%S")
    out = database.with_name(f"{database.name}.before-upgrade-{stamp}")
    number = 2
    while out.exists():
        out = database.with_name(f"{database.name}.before-upgrade-{stamp}-{number}")
        number += 1
    return out
