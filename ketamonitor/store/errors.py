"""Problems with the database file itself: the environment, never a bug.

Each names the file and says what to do, in words for the person at the workstation, so no
one ever meets a traceback for a locked, read-only, broken or full file.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from ketamonitor.core.errors import ValidationError


class StoreError(Exception):
    """The database file cannot be used as asked; `message` is for the user."""

    title = "The database cannot be used"

    def __init__(self, path: Path | str, problem: str, advice: str) -> None:
        self.path = Path(path)
        self.problem = problem
        self.advice = advice
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.problem}\n\nFile: {self.path}\n\n{self.advice}"


class DatabaseInUse(StoreError):
    title = "Already open elsewhere"


class DatabaseReadOnly(StoreError):
    title = "The database is read-only"


class DatabaseCorrupt(StoreError):
    title = "The database is damaged"


class NotAKetamonitorDatabase(StoreError):
    title = "Not a ketamonitor database"


class DatabaseFromNewerVersion(StoreError):
    title = "Made by a newer ketamonitor"


class DiskFull(StoreError):
    title = "The disk is full"


class DatabaseUnavailable(StoreError):
    title = "The database cannot be reached"


class DatabaseMissing(StoreError):
    """No database file at the path: a command never makes one there (a mistyped path would
    start an empty record); only the first start of a new clinic does."""

    title = "No database here"


class DatabaseMoved(StoreError):
    """The file at the database's path is no longer the one the store opened (deleted,
    moved, or another put in its place): the store's connection would go on writing into a
    file no one will read again, so every write from then on is refused (see
    store.identity)."""

    title = "The database file was deleted or replaced"


class StoreBug(Exception):
    """A failed statement that no disk, lock or file explains: a wrong column, a constraint
    a check in front of it missed, SQL that does not parse. It is a bug to fix, never told to
    the user as a problem with the file; the original sqlite3 error is its `__cause__`."""


class ValueRefused(ValidationError, StoreBug):
    """A value a check in front of the file missed, refused by the file's own constraint
    (NOT NULL, CHECK, UNIQUE, a STRICT column's type): shown as the refusal of that field
    it is, and a bug to fix (a check is missing), logged with its traceback; the
    sqlite3.IntegrityError is its `__cause__`."""


class UnknownRecord(LookupError):
    """A patient or session id that is not in the record (a wrong id typed or passed)."""


def disk_full(path: Path | str, what: str = "the database") -> DiskFull:
    """The full-disk error for `path`, naming the disk (its folder and the mount it is on)
    so the person knows which disk to free, and saying that nothing charted is lost: a
    write that fails for space is rolled back whole, and earlier entries are untouched."""
    path = Path(path).absolute()
    folder = path.parent
    mount = _mount_of(folder)
    free = _free_space(folder)
    return DiskFull(
        path,
        f"The disk holding {what} is full (folder {folder}, on the disk mounted at "
        f"{mount}{free}), so the last entry could not be saved.",
        "Nothing already charted has been lost, and what was being typed is kept on screen. "
        f"Free space on the disk mounted at {mount} (delete or move old exports, downloads "
        "or other large files; not the database, its -wal file or its backups), or ask the "
        "administrator to, then save again.")


def _mount_of(folder: Path) -> Path:
    """The mount point the folder is on (the folder itself when that cannot be told)."""
    try:
        here = folder.resolve()
        while not os.path.ismount(here) and here.parent != here:
            here = here.parent
        return here
    except OSError:
        return folder


def _free_space(folder: Path) -> str:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    return f"; {free / 1_000_000:.1f} MB free"


#: The errno values of a write refused for want of space (a full disk, a full quota).
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
