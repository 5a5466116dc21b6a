"""Checked, self-contained copies of the open database: the one way backups and the copy
kept before an upgrade are made.

The copy goes through SQLite's online backup API (consistent while the app runs, never a
file mid-write) into a temporary file beside the final one, is checked with
`PRAGMA integrity_check`, flushed to disk and only then renamed to its final name. A failed
copy leaves nothing under that name, and the database is only ever read. The copy uses a
rollback journal (no -wal beside it), so it opens from a read-only stick.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

#: The files SQLite may keep beside a database; they belong to it.
SIDE_SUFFIXES = ("-journal", "-wal", "-shm")


class CopyNotSound(Exception):
    """The copy failed its integrity check, so it was not kept."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


def write_checked_copy(source: sqlite3.Connection, out: Path) -> tuple[str, int]:
    """Copy, check and flush into a temporary file beside `out`, then rename it; the copy's
    SHA-256 and size. Raises CopyNotSound, or the OSError / sqlite3.Error of a failed write
    (for the caller to put in its own words)."""
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(handle)
    temp = Path(name)
    try:
        copy_database(source, temp)
        problems = integrity_problems(temp)
        if problems != ["ok"]:
            raise CopyNotSound(problems)
        flush(temp)
        digest, size = sha256_of(temp)
        temp.replace(out)
        flush_folder(out.parent)
    finally:
        remove_with_side_files(temp)
    return digest, size


def copy_database(source: sqlite3.Connection, temp: Path) -> None:
    """The whole database through the online backup API, made a self-contained file."""
    target = sqlite3.connect(temp)
    try:
        source.backup(target)
        mode = target.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError(f"the copy stayed in {mode} journal mode")
    finally:
        target.close()


def integrity_problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` says of the file (["ok"] when sound)."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def sha256_of(path: Path) -> tuple[str, int]:
    """The file's SHA-256 (hex) and size, for the audit row that names a copy."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def flush(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def flush_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no folder handles to flush)."""
    if sys.platform == "win32":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def remove_with_side_files(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)
