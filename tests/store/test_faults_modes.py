"""The database holds Argon2 hashes and patients' records: what ketamonitor creates is
readable by its own account only, the file and its -wal/-shm 0600, the folder it makes
0700, its lock file and backups too (issue 20, item 5). A folder that was there already is
left as the clinic set it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.store.store import Store
from tests.people import ADMIN, FAST_HASHER, PASSWORD, add_people


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> object:
    """The usual desktop umask (022), under which SQLite made the file 0644."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_database_its_folder_and_side_files_are_the_owners_alone(
        tmp_path: Path, clock: FakeClock) -> None:
    folder = tmp_path / "clinic" / "data"
    path = folder / "ketamonitor.db"
    store = Store.open(path, clock, hasher=FAST_HASHER, create=True)
    try:
        add_people(store)
        assert mode(path) == 0o600
        for suffix in ("-wal", "-shm", ".lock"):
            side = path.with_name(path.name + suffix)
            assert side.exists(), suffix
            assert mode(side) == 0o600, suffix
        assert mode(folder) == 0o700
        store.login(ADMIN, PASSWORD)
        backup = store.backup(tmp_path / "copy.db").path
        assert mode(backup) == 0o600
        made = store.automatic_backup(clock.now(), discharged=True)
        assert made is not None
        assert mode(made) == 0o600
        assert mode(made.parent) == 0o700
    finally:
        store.close()


def test_a_folder_that_was_there_keeps_its_mode(tmp_path: Path, clock: FakeClock) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    store = Store.open(folder / "ketamonitor.db", clock, hasher=FAST_HASHER, create=True)
    store.close()
    assert mode(folder) == 0o755
    assert mode(folder / "ketamonitor.db") == 0o600
