"""One ketamonitor per database file: locks held for the process's life.

Two locks, both needed:

- `<database>.lock` beside the database, named after it: it says who holds the file (a
  person reads it), and it is what two workstations opening the same path on a shared
  folder both see.
- a lock on the file itself, whatever path reaches it: a hard link, a symbolic link or a
  path through `..` names the same file under another name, and a lock by name alone let
  two instances open it and corrupt it. This one is keyed by the file's device and inode
  number, in a folder every process on the machine shares (`/run/lock`, else the temporary
  folder), so any two paths to one file meet at one lock file. It is never an OS lock on
  the database file itself: SQLite holds POSIX locks there, and closing any other
  descriptor of the file in this process would silently drop them (POSIX semantics), which
  would let another process delete the live write-ahead log.

The operating system drops both when the process dies, even by kill -9 or a power cut, so a
crash never leaves a stale lock that stops the nurse from starting again.

The locks keep out a second *writer* (a second window, `demo`, account changes, a restore),
which could chart over the first. Commands that only read and write their own audit rows
(`verify`, exports, `backup`, `users list`) do not hold them: see StoreBase.open_beside_app.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import tempfile
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

#: Where the locks on files by inode live, if the machine has it (FHS: lock files).
_SHARED_LOCK_FOLDER = Path("/run/lock")


def lock_path_for(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def file_lock_folder() -> Path:
    """The folder shared by every process on this machine where the locks by inode live."""
    if _SHARED_LOCK_FOLDER.is_dir() and os.access(_SHARED_LOCK_FOLDER, os.W_OK | os.X_OK):
        return _SHARED_LOCK_FOLDER
    return Path(tempfile.gettempdir())


def file_lock_path(database: Path) -> Path:
    """The lock file of the file at `database` (following links): one per device and inode,
    so every path to the same file gives the same lock file."""
    found = database.stat()
    return file_lock_folder() / f"ketamonitor-{found.st_dev}-{found.st_ino}.lock"


def _holder(database: Path) -> str:
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"pid {os.getpid()} on {socket.gethostname()} since {started}, as {database}\n"


def _in_use(database: Path, holder: str) -> DatabaseInUse:
    return DatabaseInUse(
        database,
        f"This database is already open in another ketamonitor ({holder}).",
        "Use the window that is already open, or close it first. Two windows on one "
        "record could chart over each other, so a second one is not started.",
    )


class InstanceLock:
    """An exclusive, non-blocking lock on `<database>.lock` and on the file by its inode."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path_for(database)
        self._file: IO[str] | None = None
        self._created = False
        self._on_file: _FileLock | None = None

    def acquire(self) -> None:
        """Both locks (the one on the file once it exists: see `hold_file`), or a
        DatabaseInUse naming the holder and nothing held."""
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
        if self._created:  # it names the holder: the owner's alone, like the database
            with contextlib.suppress(OSError):
                self.path.chmod(0o600)
        if not _try_lock(handle.fileno()):
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise _in_use(self.database, holder)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(_holder(self.database))
            handle.flush()
        except OSError as error:  # even the lock's one line cannot be written
            handle.close()
            if error.errno in NO_SPACE:
                raise disk_full(self.path, "the database's lock file") from None
            raise _lock_unwritable(self.database, error) from None
        self._file = handle
        if self.database.exists():
            try:
                self.hold_file()
            except BaseException:
                self.abandon()
                raise

    def hold_file(self) -> None:
        """Take the lock on the database file by its inode, if not held yet: at `acquire`,
        or right after a new database file was made under the lock beside it."""
        if self._on_file is None:
            self._on_file = _FileLock.acquire(self.database)

    def release(self) -> None:
        if self._on_file is not None:
            self._on_file.release()
            self._on_file = None
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


class _FileLock:
    """The lock on a database file by its device and inode (see the module's note).

    The lock file is removed on release, while still locked; so a process that opened it
    just before could lock a file no longer at its name, and each taker checks, once it
    holds the lock, that the name still leads to the file it locked (else it tries again)."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor: int | None = descriptor

    @classmethod
    def acquire(cls, database: Path) -> _FileLock:
        for _ in range(10):
            path = file_lock_path(database)
            descriptor = _open_shared(path)
            if not _try_lock(descriptor):
                holder = _read(descriptor).strip() or "another process"
                os.close(descriptor)
                raise _in_use(database, holder)
            if _still_at(path, descriptor):
                _write(descriptor, _holder(database))
                return cls(path, descriptor)
            os.close(descriptor)
        raise _in_use(database, "another process, starting at the same moment")

    def release(self) -> None:
        if self._descriptor is None:
            return
        # while still locked: see the class's note (Windows keeps an open file: left there)
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        os.close(self._descriptor)
        self._descriptor = None


def _open_shared(path: Path) -> int:
    """The lock file, made readable by every account (another person's ketamonitor on the
    same machine must be able to lock it too; a read-only descriptor can be locked)."""
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError as error:
            raise DatabaseReadOnly(
                path, f"ketamonitor cannot open its lock file ({error.strerror}).",
                "Ask the administrator: another account has made this lock file "
                "unreadable.") from None
    return descriptor


def _still_at(path: Path, descriptor: int) -> bool:
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _read(descriptor: int) -> str:
    try:
        return os.pread(descriptor, 4096, 0).decode("utf-8", "replace")
    except (OSError, AttributeError):  # Windows: no pread, and the locked byte unreadable
        return ""


def _write(descriptor: int, text: str) -> None:
    try:
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, text.encode("utf-8"), 0)
    except (OSError, AttributeError):
        pass  # opened read-only (another account made it), or Windows: only the lock counts


def _try_lock(descriptor: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
