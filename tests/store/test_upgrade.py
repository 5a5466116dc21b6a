"""Upgrading: a newer ketamonitor keeps a checked copy of an older file, as it was, before it
migrates the file forward, and says so in the audit trail; if the copy cannot be made, the
file is not upgraded and is left exactly as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from ketamonitor.store import copies
from ketamonitor.store.backup import restore_backup
from ketamonitor.store.schema import MIGRATION_NAMES
from ketamonitor.store.store import Store
from ketamonitor.store.upgrade import UPGRADED, UpgradeRefused
from ketamonitor.store.verify import verify_database
from tests.people import ADMIN, FAST_HASHER, PASSWORD, audit_of
from tests.store.steps import charted_by_an_older_version
from tests.store.test_connection import files_beside


def applied(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute(
            "SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        connection.close()


def kept_copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.before-upgrade-*"))


def test_an_older_file_is_copied_as_it_was_before_it_is_migrated(tmp_path, clock):
    path = charted_by_an_older_version(tmp_path / "ketamonitor.db")
    before = path.read_bytes()

    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        upgraded = audit_of(store, "database")

    (copy,) = kept_copies(tmp_path)
    assert copy.name == "ketamonitor.db.before-upgrade-20261123-073000"  # the clock's time
    assert applied(copy) == MIGRATION_NAMES[:2]  # the older version's schema, untouched
    assert applied(path) == MIGRATION_NAMES
    connection = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT mrn FROM patients").fetchall() == [("OLD-1",)]
        # the same content as the file before: every table's rows equal
        original = sqlite3.connect(":memory:")
        original.deserialize(before)
        for (table,) in original.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            assert (connection.execute(f"SELECT * FROM {table}").fetchall()
                    == original.execute(f"SELECT * FROM {table}").fetchall()), table
    finally:
        connection.close()

    (row,) = upgraded
    assert (row["action"], row["user"]) == (UPGRADED, "ketamonitor")
    details = json.loads(row["new_value"])
    assert details["copy"] == str(copy)
    assert details["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
    assert (details["from"], details["applied"]) == (MIGRATION_NAMES[1], MIGRATION_NAMES[2:])
    assert verify_database(path) == []


def test_a_current_file_and_a_new_file_make_no_copy(tmp_path, clock):
    path = tmp_path / "ketamonitor.db"
    Store.open(path, clock, hasher=FAST_HASHER, create=True).close()  # new
    Store.open(path, clock, hasher=FAST_HASHER, create=True).close()  # current
    assert kept_copies(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("ketamonitor.db")] == []


def test_a_second_upgrade_in_the_same_second_keeps_both_copies(tmp_path, clock):
    for name in ("a.db", "b.db"):
        charted_by_an_older_version(tmp_path / name)
    first = tmp_path / "a.db.before-upgrade-20261123-073000"
    first.write_bytes(b"someone's file of that name")
    Store.open(tmp_path / "a.db", clock, hasher=FAST_HASHER, create=True).close()
    assert first.read_bytes() == b"someone's file of that name"
    assert (tmp_path / "a.db.before-upgrade-20261123-073000-2").exists()


@pytest.mark.parametrize("failure", ["full disk", "unsound copy"])
def test_no_copy_no_upgrade_and_the_file_is_left_as_it_was(tmp_path, clock, monkeypatch,
                                                             failure):
    path = charted_by_an_older_version(tmp_path / "ketamonitor.db")
    before = files_beside(path)
    if failure == "full disk":
        def full(source, temp):
            temp.write_bytes(b"half a copy")
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(copies, "copy_database", full)
    else:
        monkeypatch.setattr(copies, "integrity_problems", lambda path: ["Page 7: corrupt"])

    with pytest.raises(UpgradeRefused) as refused:
        Store.open(path, clock, hasher=FAST_HASHER, create=True)

    message = refused.value.message
    assert str(path) in message and "untouched, still at the older version" in message
    if failure == "full disk":
        assert "No space left on device" in message and "Free space" in message
    else:
        assert "Page 7" in message and "ketamonitor verify" in message
    assert files_beside(path) == before  # not migrated, no copy, no lock or temporary file

    monkeypatch.undo()  # space freed: the next start upgrades, copy first
    Store.open(path, clock, hasher=FAST_HASHER, create=True).close()
    assert len(kept_copies(tmp_path)) == 1 and applied(path) == MIGRATION_NAMES


def test_restoring_an_older_backup_keeps_no_second_copy(tmp_path, clock):
    """The backup restored is itself the file as it was; the restore migrates its copy
    forward without leaving a pre-upgrade copy of a temporary file."""
    backup = charted_by_an_older_version(tmp_path / "old-backup.db")
    target = tmp_path / "clinic" / "ketamonitor.db"
    restore_backup(backup, target, clock=clock, administrator=ADMIN, password=PASSWORD)
    assert kept_copies(tmp_path) == [] and kept_copies(target.parent) == []
    assert applied(target) == MIGRATION_NAMES
    assert verify_database(target) == []
