"""Backups: an administrator's checked copy, the app's own rotating copies, and a restore with
the app closed; and for every bad path or full disk, a clear refusal that leaves nothing
half-written under the backup's name and the database as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from ketamonitor.core.permissions import NotLoggedIn, PermissionDenied
from ketamonitor.core.settings import AUTOMATIC_BACKUP, BACKUP_FOLDER, BACKUP_KEEP
from ketamonitor.store import copies
from ketamonitor.store.backup import BackupFailed, RestoreRefused, restore_backup
from ketamonitor.store.errors import DatabaseInUse, StoreError
from ketamonitor.store.schema import APPLICATION_ID
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.charting import Charting
from tests.people import (
    ADMIN,
    FAST_HASHER,
    NURSE,
    PASSWORD,
    PHYSICIAN,
    audit_of,
    login_as,
)
from tests.store.steps import finished, row_counts
from tests.store.test_connection import damaged_database, files_beside, foreign_database


@pytest.fixture
def admin(store: Store) -> Store:
    login_as(store, ADMIN)
    return store


def read_only_rows(path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def mrns(path: Path) -> list[str]:
    return [row[0] for row in read_only_rows(path, "SELECT mrn FROM patients ORDER BY id")]


def backup_audits(store: Store, action: str = "backups.create") -> list[dict]:
    return [row for row in audit_of(store, "backups") if row["action"] == action]


def record_files(database: Path) -> dict[str, tuple[bytes, int]]:
    """The files in the database's folder, but its lock file (rewritten by each start)."""
    return {name: found for name, found in files_beside(database).items()
            if not name.endswith(".lock")}


def untouched(store: Store, db_path: Path, before: dict[str, int]) -> None:
    """The database as it was: the same rows, sound, and still taking entries."""
    assert row_counts(db_path) == before
    assert store.integrity_check() == ["ok"]
    assert verify_database(db_path) == []
    login_as(store, NURSE)
    Charting(store, store.clock).patient("MRN-STILL-CHARTING")


# -- an administrator's backup -------------------------------------------------------------


def test_a_backup_is_a_checked_self_contained_copy_audited_with_its_hash(
        admin, charting, tmp_path, clock):
    login_as(admin, NURSE)
    charting.patient("MRN-1")
    finished(charting)
    login_as(admin, ADMIN)
    out = tmp_path / "usb" / "clinic.db"
    out.parent.mkdir()
    result = admin.backup(out)
    assert result.path == out and out.is_file()
    # no temp, no -wal; the anchor log carried beside it
    assert sorted(p.name for p in out.parent.iterdir()) == ["clinic.db",
                                                            "clinic.db.anchor.jsonl"]
    assert mrns(out) == mrns(admin.path)
    assert read_only_rows(out, "PRAGMA integrity_check") == [("ok",)]
    assert read_only_rows(out, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert read_only_rows(out, "PRAGMA journal_mode") == [("delete",)]
    data = out.read_bytes()
    assert (result.sha256, result.size) == (hashlib.sha256(data).hexdigest(), len(data))
    [audit] = backup_audits(admin)
    assert audit["user"] == ADMIN
    assert json.loads(audit["new_value"]) == {"file": str(out), "sha256": result.sha256,
                                              "size": result.size}
    assert verify_database(admin.path) == []


def test_a_backup_into_a_folder_is_named_by_the_date_and_time(admin, tmp_path):
    result = admin.backup(tmp_path)
    assert result.path == tmp_path / "ketamonitor-20261123-073000.db"


@pytest.mark.parametrize("who", [NURSE, PHYSICIAN])
def test_only_an_administrator_makes_a_backup(store, db_path, tmp_path, who):
    login_as(store, who)
    before = row_counts(db_path)
    with pytest.raises(PermissionDenied, match="make or restore backups"):
        store.backup(tmp_path / "mine.db")
    assert not (tmp_path / "mine.db").exists()
    assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}  # the attempt
    assert audit_of(store)[-1]["action"] == "backup.refused"


def test_a_backup_never_overwrites_a_file_or_the_database(admin, db_path, tmp_path):
    existing = tmp_path / "report.pdf"
    existing.write_bytes(b"%PDF-1.7 the clinic's report")
    before = row_counts(db_path)
    with pytest.raises(BackupFailed, match="already exists"):
        admin.backup(existing)
    assert existing.read_bytes() == b"%PDF-1.7 the clinic's report"
    for own in (db_path, db_path.with_name(db_path.name + "-wal")):
        with pytest.raises(BackupFailed, match="the database itself"):
            admin.backup(own)
    assert row_counts(db_path) == before


@pytest.mark.parametrize("where, problem", [
    ("missing/folder/backup.db", "does not exist"),
    ("a-file/backup.db", "does not exist"),  # a file where a folder should be
])
def test_an_unwritable_path_is_refused_naming_the_file_and_what_to_do(
        admin, db_path, tmp_path, where, problem):
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / where
    before = row_counts(db_path)
    with pytest.raises(BackupFailed) as refused:
        admin.backup(out)
    message = refused.value.message
    assert problem in message and str(out) in message
    assert "choose another folder" in message and "database itself is untouched" in message
    assert isinstance(refused.value, StoreError)
    assert not out.exists()
    untouched(admin, db_path, before)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_disk_that_fills_during_the_copy_leaves_no_file_and_the_database_as_it_was(
        admin, db_path, tmp_path):
    import resource
    import signal

    out = tmp_path / "stick" / "backup.db"
    out.parent.mkdir()
    before = row_counts(db_path)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # files may not grow past 16 KiB: the copy (200 KiB) cannot be written whole
    resource.setrlimit(resource.RLIMIT_FSIZE, (16_384, limits[1]))
    try:
        with pytest.raises(BackupFailed) as refused:
            admin.backup(out)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, handler)
    assert str(out) in refused.value.message
    assert list(out.parent.iterdir()) == []  # nothing under its name, no temporary file
    untouched(admin, db_path, before)


def test_a_full_disk_is_named_as_such(admin, db_path, tmp_path, monkeypatch):
    def full(source, temp):
        temp.write_bytes(b"half a copy")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(copies, "copy_database", full)
    before = row_counts(db_path)
    with pytest.raises(BackupFailed, match="is full") as refused:
        admin.backup(tmp_path / "backup.db")
    assert "Free space there, or choose another drive" in refused.value.message
    assert [p.name for p in tmp_path.iterdir()
            if "backup" in p.name and p.name != "backups"] == []  # the anchor log's folder
    untouched(admin, db_path, before)


def _sqlite_error(text: str, code: int | None) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    if code is not None:
        error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(("error", "said"), [
    (_sqlite_error("disk trouble", sqlite3.SQLITE_FULL), "is full"),
    (_sqlite_error("attempt to write", sqlite3.SQLITE_READONLY | (1 << 8)), "read-only"),
    # the words alone (another version's, another locale's) decide nothing
    (_sqlite_error("database or disk is full", None), "could not be written"),
])
def test_a_failed_copy_is_named_by_sqlites_code_not_its_words(admin, db_path, tmp_path,
                                                               monkeypatch, error, said):
    def failing(source, temp):
        raise error

    monkeypatch.setattr(copies, "copy_database", failing)
    with pytest.raises(BackupFailed, match=said):
        admin.backup(tmp_path / "backup.db")


def test_a_copy_failing_its_integrity_check_is_removed_and_refused(admin, db_path, tmp_path,
                                                                   monkeypatch):
    monkeypatch.setattr(copies, "integrity_problems",
                        lambda path: ["*** in database main ***", ("Page 7: btreeInitPage() "
                                                                  "returns error code 11")])
    before = row_counts(db_path)
    with pytest.raises(BackupFailed, match="failed its integrity check") as refused:
        admin.backup(tmp_path / "backup.db")
    assert "Page 7" in refused.value.message
    assert [p.name for p in tmp_path.iterdir()
            if "backup" in p.name and p.name != "backups"] == []  # the anchor log's folder
    assert backup_audits(admin) == []
    untouched(admin, db_path, before)


# -- the app's own backups -----------------------------------------------------------------


def test_the_daily_backup_is_made_once_a_day_by_whoever_is_logged_in(store, clock, db_path):
    assert store.account is not None and store.account.username == NURSE
    first = store.automatic_backup(clock.now(), discharged=False)
    assert first == db_path.parent / "backups" / "ketamonitor-20261123-073000.db"
    assert mrns(first) == mrns(db_path)
    clock.advance(minutes=6 * 60)
    assert store.automatic_backup(clock.now(), discharged=False) is None
    assert store.automatic_backup(clock.now(), discharged=True) is None  # daily: not per discharge
    clock.advance(minutes=17 * 60)  # 06:30 the next day
    second = store.automatic_backup(clock.now(), discharged=False)
    assert second is not None and second.name == "ketamonitor-20261124-063000.db"
    [made, next_day] = backup_audits(store, "backups.automatic")
    assert made["user"] == NURSE and made["reason"] == "the day's backup (daily)"
    assert json.loads(next_day["new_value"])["file"] == str(second)
    assert store.last_automatic_backup() == clock.now()


def test_after_each_discharge_a_backup_follows_every_discharge(admin, store, clock, db_path):
    admin.set_setting(AUTOMATIC_BACKUP.key, "after_each_discharge")
    login_as(store, NURSE)
    made = [store.automatic_backup(clock.now(), discharged=False)]
    for _ in range(2):
        clock.advance(minutes=40)
        made.append(store.automatic_backup(clock.now(), discharged=True))
    assert store.automatic_backup(clock.now(), discharged=False) is None
    assert [path.name for path in made] == [
        "ketamonitor-20261123-073000.db", "ketamonitor-20261123-081000.db",
        "ketamonitor-20261123-085000.db"]
    assert [row["reason"] for row in backup_audits(store, "backups.automatic")] == [
        "the day's backup (after_each_discharge)",
        "after a discharge (after_each_discharge)",
        "after a discharge (after_each_discharge)"]


def test_off_makes_none(admin, store, clock, db_path):
    admin.set_setting(AUTOMATIC_BACKUP.key, "off")
    assert store.automatic_backup(clock.now(), discharged=True) is None
    assert not list((db_path.parent / "backups").glob("*.db"))  # the anchor log only


def test_rotation_keeps_the_newest_and_never_touches_other_files(admin, store, clock, tmp_path):
    folder = tmp_path / "clinic-backups"
    admin.set_setting(BACKUP_FOLDER.key, str(folder))
    admin.set_setting(BACKUP_KEEP.key, "3")
    folder.mkdir()
    theirs = ["notes.txt", "ketamonitor-before-upgrade.db", "ketamonitor.db"]
    for name in theirs:
        (folder / name).write_text("the clinic's own file")
    login_as(store, NURSE)
    made = []
    for _ in range(5):
        made.append(store.automatic_backup(clock.now(), discharged=False))
        clock.advance(minutes=24 * 60)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*theirs, *(path.name for path in made[-3:]), "ketamonitor.db.anchor.jsonl",
         *(f"{path.name}.anchor.jsonl" for path in made[-3:])])  # each carries its log
    audits = backup_audits(store, "backups.automatic")
    assert [json.loads(row["new_value"])["deleted"] for row in audits] == [
        [], [], [], [made[0].name], [made[1].name]]


def test_a_relative_backup_folder_is_taken_from_the_database_folder(admin, store, clock,
                                                                     db_path):
    admin.set_setting(BACKUP_FOLDER.key, "copies/daily")
    assert store.backup_folder() == db_path.parent / "copies" / "daily"
    made = store.automatic_backup(clock.now(), discharged=False)
    assert made is not None and made.parent == db_path.parent / "copies" / "daily"


def test_an_automatic_backup_behind_a_locked_screen_still_runs(store, clock):
    store.lock_screen()
    assert store.automatic_backup(clock.now(), discharged=False) is not None


def test_nobody_logged_in_triggers_no_backup(store, clock, db_path):
    store.logout()
    with pytest.raises(NotLoggedIn):
        store.automatic_backup(clock.now(), discharged=True)
    assert not list((db_path.parent / "backups").glob("*.db"))  # the anchor log only


def test_an_unusable_backup_folder_is_a_clear_refusal(admin, store, clock, tmp_path, db_path):
    (tmp_path / "a-file").write_text("not a folder")
    admin.set_setting(BACKUP_FOLDER.key, str(tmp_path / "a-file" / "backups"))
    login_as(store, NURSE)
    before = row_counts(db_path)
    with pytest.raises(BackupFailed, match="cannot be made") as refused:
        store.automatic_backup(clock.now(), discharged=True)
    assert "choose another folder in Settings" in refused.value.message
    assert row_counts(db_path) == before


# -- restore ---------------------------------------------------------------------------------

#: The administrator of the backups' accounts who restores them.
AS_ADMIN = {"administrator": ADMIN, "password": PASSWORD}


@pytest.fixture
def backed_up(admin, charting, tmp_path) -> tuple[Path, Path]:
    """A backup holding one patient, and then a second patient charted after it; the app
    closed: (backup, database)."""
    login_as(admin, NURSE)
    charting.patient("MRN-BEFORE")
    login_as(admin, ADMIN)
    made = admin.backup(tmp_path / "backup.db").path
    login_as(admin, NURSE)
    charting.patient("MRN-AFTER")
    admin.close()
    return made, admin.path


def test_a_restore_puts_the_backup_in_place_and_keeps_the_file_it_replaces(backed_up, clock):
    backup, database = backed_up
    backup_bytes = backup.read_bytes()
    clock.advance(minutes=90)
    result = restore_backup(backup, database, clock=clock, **AS_ADMIN)
    kept = database.with_name("ketamonitor.db.before-restore-20261123-090000")
    assert result.kept == kept and result.target == database
    assert result.sha256 == hashlib.sha256(backup_bytes).hexdigest()
    assert backup.read_bytes() == backup_bytes  # the backup itself is never changed
    assert mrns(database) == [mrns(kept)[0]] == ["MRN-BEFORE"]
    assert mrns(kept) == ["MRN-BEFORE", "MRN-AFTER"]
    assert verify_database(database) == []
    with Store.open(database, clock, hasher=FAST_HASHER, create=True) as reopened:
        login_as(reopened, ADMIN)
        [restore] = list(reopened.audit_trail(action="backups.restore"))
        assert restore["user"] == ADMIN == result.restored_by
        assert json.loads(restore["new_value"])["sha256"] == result.sha256
        assert json.loads(restore["new_value"])["kept"] == str(kept)


def test_the_kept_file_takes_its_write_ahead_log_along(admin, charting, tmp_path, clock):
    """A workstation killed mid-day leaves entries only in the -wal beside the database;
    the kept copy must still hold them."""
    login_as(admin, ADMIN)
    backup = admin.backup(tmp_path / "backup.db").path
    login_as(admin, NURSE)
    charting.patient("MRN-IN-THE-WAL")
    killed = tmp_path / "killed"
    killed.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{admin.path}{suffix}", killed / f"ketamonitor.db{suffix}")
    assert (killed / "ketamonitor.db-wal").stat().st_size > 0
    result = restore_backup(backup, killed / "ketamonitor.db", clock=clock, **AS_ADMIN)
    assert result.kept is not None
    assert not (killed / "ketamonitor.db-wal").exists()
    assert "MRN-IN-THE-WAL" in mrns(result.kept)
    assert "MRN-IN-THE-WAL" not in mrns(killed / "ketamonitor.db")


def test_a_restore_waits_for_the_app_to_be_closed(admin, tmp_path, db_path):
    backup = admin.backup(tmp_path / "backup.db").path
    before = files_beside(db_path)
    with pytest.raises(DatabaseInUse):
        restore_backup(backup, db_path, **AS_ADMIN)
    assert files_beside(db_path) == before


def not_a_backup(tmp_path: Path) -> Path:
    path = tmp_path / "holiday.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a database" * 100)
    return path


def newer_version(tmp_path: Path, backup: Path) -> Path:
    newer = tmp_path / "newer.db"
    shutil.copyfile(backup, newer)
    connection = sqlite3.connect(newer)
    connection.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                       "VALUES ('ketamonitor', '9999_future', '2030-01-01')")
    connection.commit()
    connection.close()
    return newer


@pytest.mark.parametrize("make, problem", [
    (lambda tmp, backup: not_a_backup(tmp), "not a SQLite database"),
    (lambda tmp, backup: foreign_database(tmp / "other.db"), "not a ketamonitor database"),
    (lambda tmp, backup: damaged_database(tmp / "damaged" / "k.db"), "damaged"),
    (lambda tmp, backup: newer_version(tmp, backup), "newer version"),
    (lambda tmp, backup: tmp / "nowhere.db", "no backup file"),
])
def test_an_unsound_backup_is_refused_and_nothing_changes(backed_up, tmp_path, make, problem):
    backup, database = backed_up
    chosen = make(tmp_path, backup)
    before = record_files(database)
    with pytest.raises(RestoreRefused) as refused:
        restore_backup(chosen, database, **AS_ADMIN)
    assert problem in refused.value.problem and str(chosen) in refused.value.message
    assert record_files(database) == before


def test_a_file_still_open_in_a_program_is_not_a_finished_backup(backed_up, tmp_path):
    backup, database = backed_up
    backup.with_name(backup.name + "-wal").write_bytes(b"frames not yet checkpointed")
    before = record_files(database)
    with pytest.raises(RestoreRefused, match="open in a program"):
        restore_backup(backup, database, **AS_ADMIN)
    assert record_files(database) == before


def test_restoring_the_database_onto_itself_is_refused(backed_up):
    _, database = backed_up
    with pytest.raises(RestoreRefused, match="the database itself"):
        restore_backup(database, database, **AS_ADMIN)


def test_a_restore_onto_a_new_workstation_keeps_nothing(backed_up, tmp_path, clock):
    backup, _ = backed_up
    target = tmp_path / "new-workstation" / "ketamonitor.db"
    result = restore_backup(backup, target, clock=clock, **AS_ADMIN)
    assert result.kept is None and mrns(target) == ["MRN-BEFORE"]
    [row] = [r for r in read_only_rows(target, "SELECT user, action FROM audit")
             if r[1] == "backups.restore"]
    assert row[0] == ADMIN


def test_a_clock_set_back_gives_an_older_name_but_rotation_keeps_the_new_backup(
        admin, store, clock):
    admin.set_setting(BACKUP_KEEP.key, "3")
    login_as(store, NURSE)
    for _ in range(3):
        store.automatic_backup(clock.now(), discharged=False)
        clock.advance(minutes=24 * 60)
    clock.set(clock.now() - timedelta(days=30))
    made = store.automatic_backup(clock.now(), discharged=False)
    assert made is not None and made.exists()
