"""A full disk is said so, naming the disk and saying nothing charted is lost; "damaged"
only once the file's own integrity check says so; a lock file that cannot be written is a
message, never a traceback (issue 20, item 5)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ketamonitor.store.connection import environment_error
from ketamonitor.store.errors import (
    DatabaseCorrupt,
    DatabaseUnavailable,
    DiskFull,
    StoreError,
)
from ketamonitor.store.lock import InstanceLock
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.store.steps import running


def failed(code: int, text: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    return error


def test_a_full_disk_names_the_disk_and_says_nothing_is_lost(store: Store,
                                                             charting: Charting) -> None:
    session_id, _ = running(charting)
    used = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {used}")
    with pytest.raises(DiskFull) as refused:
        for _ in range(200):
            charting.bp(session_id, 124, 80)
    message = refused.value.message
    assert str(store.path.parent) in message
    assert "mounted at" in message
    assert "Nothing already charted has been lost" in message
    assert "damaged" not in message


def test_a_damage_code_on_a_sound_file_is_not_called_damage(store: Store) -> None:
    problem = environment_error(store.path, failed(sqlite3.SQLITE_CORRUPT,
                                                   "database disk image is malformed"))
    assert type(problem) is DatabaseUnavailable
    assert "restore" not in problem.message.lower().replace("do not restore", "")
    assert "Nothing charted has been lost" in problem.message


def test_a_damage_code_on_a_damaged_file_is_damage(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    connection.close()
    raw = bytearray(path.read_bytes())
    raw[4096 + 8:4096 + 200] = b"\xff" * 192  # scribble over the second page's cells
    path.write_bytes(bytes(raw))
    problem = environment_error(path, failed(sqlite3.SQLITE_CORRUPT, "malformed"))
    assert type(problem) is DatabaseCorrupt


def test_a_full_disk_while_opening_the_database_folder(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ketamonitor.store import connection

    def no_space(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "mkdir", no_space)
    with pytest.raises(DiskFull) as refused:
        connection.prepare_new_location(tmp_path / "new" / "k.db")
    assert "mounted at" in refused.value.message


class _FullFile:
    """A lock file whose one line cannot be written: the disk is full."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["open", "write"])
def test_a_lock_file_that_cannot_be_written_is_a_message(
        where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = Path.open

    def full_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if where == "open":
            raise OSError(errno.ENOSPC, "No space left on device")
        return _FullFile(real_open(self, *args, **kwargs))

    monkeypatch.setattr(Path, "open", full_open)
    lock = InstanceLock(tmp_path / "k.db")
    with pytest.raises(StoreError) as refused:
        lock.acquire()
    assert isinstance(refused.value, DiskFull)
    assert "lock file" in refused.value.message
