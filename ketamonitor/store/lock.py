"""One ketamonitor per database file: a lock file beside it, held for the process's life.

The operating system drops the lock when the process dies, even by kill -9 or a power cut,
so a crash never leaves a stale lock that stops the nurse from starting again.

The lock keeps out a second *writer* (a second window, `demo`, account changes, a restore),
which could chart over the first. Commands that only read and write their own audit rows
(`verify`, exports, `backup`, `users list`) do not hold it: see StoreBase.open_beside_app.
"""

from __future__ import annotations

import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ketamonitor.store.errors import (
    NO_SPACE,
    DatabaseInUse,
    DatabaseReadOnly,
    DatabaseUnavailable,
    disk_full,
)


def lock_path_for(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class InstanceLock:
    """An exclusive, non-blocking lock on `<database>.lock`."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path_for(database)
        self._file: IO[str] | None = None
        self._created = False

    def acquire(self) -> None:
        self._created = not self.path.exists()
        try:
            handle = self.path.open("a+", encoding="utf-8")
        except OSError as error:
            if error.errno in NO_SPACE:
                raise disk_full(self.path, "the database's lock file") from None
            if not isinstance(error, PermissionError):
                raise _lock_unwritable(self.database, error) from None
            raise DatabaseReadOnly(
                self.database,
                "ketamonitor cannot create its lock file beside the database.",
                f"Make the folder {self.database.parent} writable for this account, or "
                "choose another file with --db.",
            ) from None
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise DatabaseInUse(
                self.database,
                f"This database is already open in another ketamonitor ({holder}).",
                "Use the window that is already open, or close it first. Two windows on one "
                "record could chart over each other, so a second one is not started.",
            )
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {started}\n")
            handle.flush()
        except OSError as error:  # even the lock's one line cannot be written
            handle.close()
            if error.errno in NO_SPACE:
                raise disk_full(self.path, "the database's lock file") from None
            raise _lock_unwritable(self.database, error) from None
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the lock
            self._file = None

    def abandon(self) -> None:
        """Release after a refused start, removing the lock file if this start made it, so a
        file that was not opened is left with nothing new beside it."""
        created = self._created and self._file is not None
        self.release()
        if created:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _lock_unwritable(database: Path, error: OSError) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        database, f"ketamonitor cannot write its lock file beside the database "
                  f"({error.strerror or error}).",
        f"Check the disk holding {database.parent}, then start again; nothing charted has "
        "been lost.")


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
