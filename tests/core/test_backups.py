"""When the app makes a backup by itself, what it calls the file, and which old ones go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.backups import (
    BackupMode,
    backup_due,
    backup_name,
    backups_to_delete,
    is_backup_name,
    parse_keep,
)
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.settings import SETTINGS, check_setting

NEW_YORK = ZoneInfo("America/New_York")
#: 08:00 in New York on Monday 23 November 2026.
NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def due(mode, last, *, now=NOW, discharged=False, zone=NEW_YORK):
    return backup_due(mode, last=last, now=now, zone=zone, discharged=discharged)


def test_daily_means_once_per_local_calendar_day():
    assert due(BackupMode.DAILY, None)  # never made one
    assert not due(BackupMode.DAILY, NOW - timedelta(hours=7))  # 01:00 today, local
    # 23:30 yesterday in New York, though already "today" in UTC
    assert due(BackupMode.DAILY, datetime(2026, 11, 23, 4, 30, tzinfo=UTC))
    assert not due(BackupMode.DAILY, NOW - timedelta(minutes=1), discharged=True)


def test_after_each_discharge_backs_up_at_every_discharge_and_still_daily():
    mode = BackupMode.AFTER_EACH_DISCHARGE
    assert due(mode, NOW - timedelta(minutes=1), discharged=True)
    assert not due(mode, NOW - timedelta(minutes=1))
    assert due(mode, NOW - timedelta(days=1))  # a day without a discharge is kept too


def test_off_never_backs_up():
    assert not due("off", None, discharged=True)


def test_a_clock_set_back_does_not_stop_the_backups():
    assert due(BackupMode.DAILY, NOW + timedelta(days=30))


def test_an_unknown_mode_is_a_bug_not_a_quiet_no():
    with pytest.raises(ValueError, match="weekly"):
        due("weekly", None)


def test_the_name_is_the_local_date_and_time():
    assert backup_name(NOW, NEW_YORK) == "ketamonitor-20261123-080000.db"
    assert backup_name(NOW, UTC) == "ketamonitor-20261123-130000.db"
    assert is_backup_name("ketamonitor-20261123-080000.db")
    for other in ("ketamonitor-20261323-080000.db", "ketamonitor-20261123-0800.db",
                  "ketamonitor.db", "ketamonitor-20261123-080000.db.part",
                  ".ketamonitor-20261123-080000.db.x.part", "Ketamonitor-20261123-080000.db",
                  "ketamonitor-20261123-080000.db.before-restore-20261124-090000"):
        assert not is_backup_name(other), other


def test_rotation_keeps_the_newest_and_touches_only_our_files():
    ours = [f"ketamonitor-202611{day:02d}-220000.db" for day in range(1, 21)]
    others = ["notes.txt", "ketamonitor.db", "ketamonitor-before-upgrade.db",
              ".ketamonitor-20261101-220000.db.abc.part"]
    gone = backups_to_delete([*others, *reversed(ours)], keep=14)
    assert gone == ours[:6]  # the six oldest, oldest first
    assert backups_to_delete(ours[:3], keep=14) == []
    assert backups_to_delete(ours, keep=1) == ours[:-1]
    with pytest.raises(ValueError, match="at least one"):
        backups_to_delete(ours, keep=0)


def test_the_backup_settings_are_declared_with_their_defaults():
    assert SETTINGS["backup_folder"].default == ""
    assert SETTINGS["backup_keep"].default == "14"
    assert SETTINGS["automatic_backup"].default == "daily"
    assert SETTINGS["automatic_backup"].choices == ("after_each_discharge", "daily", "off")
    assert check_setting("backup_folder", "/media/clinic/backups") == "/media/clinic/backups"
    with pytest.raises(ValidationError, match="automatic_backup"):
        check_setting("automatic_backup", "hourly")
    with pytest.raises(ValidationError, match="backup_keep"):
        check_setting("backup_keep", "0")
    assert parse_keep("14") == 14
    for bad in ("", "x", "0", "-2"):
        with pytest.raises(ValidationError, match="backup_keep"):
            parse_keep(bad)
