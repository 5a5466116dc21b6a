"""Problems with the database file itself: the environment, never a bug.

Each names the file and says what to do, in words for the person at the workstation, so no
one ever meets a traceback for a locked, read-only, broken or full file.
"""

from __future__ import annotations

from pathlib import Path


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


class StoreBug(Exception):
    """A failed statement that no disk, lock or file explains: a wrong column, a constraint
    a check in front of it missed, SQL that does not parse. It is a bug to fix, never told to
    the user as a problem with the file; the original sqlite3 error is its `__cause__`."""


class UnknownRecord(LookupError):
    """A patient or session id that is not in the record (a wrong id typed or passed)."""
