"""One ketamonitor per database file: the lock beside it keeps out a second writer, naming
the one that holds it, and is free again once released; a refused start leaves no lock file
it made."""

from __future__ import annotations

import os

import pytest

from ketamonitor.store.errors import DatabaseInUse
from ketamonitor.store.lock import InstanceLock, lock_path_for


def test_the_lock_file_is_beside_the_database(tmp_path):
    assert lock_path_for(tmp_path / "clinic.db") == tmp_path / "clinic.db.lock"


def test_a_second_writer_is_refused_naming_the_holder_until_the_first_releases(tmp_path):
    database = tmp_path / "clinic.db"
    with InstanceLock(database):
        assert f"pid {os.getpid()} on " in lock_path_for(database).read_text()
        with pytest.raises(DatabaseInUse, match=f"another ketamonitor \\(pid {os.getpid()} on"):
            InstanceLock(database).acquire()
    second = InstanceLock(database)
    second.acquire()
    second.release()


def test_abandoning_a_start_removes_the_lock_file_it_made_and_only_that(tmp_path):
    made = InstanceLock(tmp_path / "new.db")
    made.acquire()
    made.abandon()
    assert not lock_path_for(tmp_path / "new.db").exists()

    lock_path_for(tmp_path / "old.db").write_text("")
    kept = InstanceLock(tmp_path / "old.db")
    kept.acquire()
    kept.abandon()
    assert lock_path_for(tmp_path / "old.db").exists()
