"""A failed write told by SQLite's result code: the disk, the file or another program is
named to the user (a StoreError); anything else is a bug, raised as one with its traceback
logged, never told as "check the disk"."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from ketamonitor.store.connection import environment_error
from ketamonitor.store.errors import (
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFull,
    StoreBug,
    StoreError,
)
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.store.steps import running


def failed(code: int | None, text: str = "failed") -> sqlite3.OperationalError:
    """An error as sqlite3 raises it, with SQLite's (extended) result code set."""
    error = sqlite3.OperationalError(text)
    if code is not None:
        error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(("code", "kind", "words"), [
    (sqlite3.SQLITE_BUSY, DatabaseUnavailable, "locked by another program"),
    (sqlite3.SQLITE_LOCKED, DatabaseUnavailable, "locked by another program"),
    (sqlite3.SQLITE_BUSY | (1 << 8), DatabaseUnavailable, "locked by another program"),
    (sqlite3.SQLITE_FULL, DiskFull, "full"),
    (sqlite3.SQLITE_READONLY, DatabaseReadOnly, "read-only"),
    (sqlite3.SQLITE_READONLY | (1 << 8), DatabaseReadOnly, "read-only"),
    (sqlite3.SQLITE_IOERR, DatabaseUnavailable, "Check the disk"),
    (sqlite3.SQLITE_IOERR | (4 << 8), DatabaseUnavailable, "Check the disk"),  # IOERR_FSYNC
    (sqlite3.SQLITE_CANTOPEN, DatabaseUnavailable, "Check the disk"),
    (sqlite3.SQLITE_CORRUPT, DatabaseUnavailable, "Do not restore"),  # no file: unchecked
    (sqlite3.SQLITE_NOTADB, DatabaseUnavailable, "Do not restore"),
])
def test_the_environment_is_named_by_its_code(code: int, kind: type[StoreError], words: str,
                                              tmp_path: Path) -> None:
    problem = environment_error(tmp_path / "k.db", failed(code, "some words"))
    assert type(problem) is kind
    assert words in problem.message


@pytest.mark.parametrize("code", [
    sqlite3.SQLITE_ERROR, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_CONSTRAINT | (8 << 8),
    sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE, None,
])
def test_anything_else_is_not_the_environment_whatever_its_words(code: int | None,
                                                                  tmp_path: Path) -> None:
    # the words once matched ("full", "locked", "readonly") no longer decide
    assert environment_error(tmp_path / "k.db", failed(code, "disk full, locked, readonly")) \
        is None


def test_a_full_disk_is_told_as_one(store: Store, charting: Charting) -> None:
    session_id, _ = running(charting)
    used = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {used}")
    with pytest.raises(DiskFull) as refused:
        for _ in range(200):  # fill the last free pages until a write fails
            charting.bp(session_id, 124, 80)
    assert isinstance(refused.value.__cause__, sqlite3.OperationalError)


def test_a_read_only_file_is_told_as_one(store: Store, charting: Charting) -> None:
    session_id, _ = running(charting)
    store._db.execute("PRAGMA query_only = 1")
    with pytest.raises(DatabaseReadOnly):
        charting.bp(session_id, 124, 80)


def test_a_file_locked_by_another_program_is_told_as_one(store: Store, charting: Charting,
                                                         db_path: Path) -> None:
    session_id, _ = running(charting)
    store._db.execute("PRAGMA busy_timeout = 0")  # no waiting its turn in a test
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseUnavailable, match="locked by another program"):
            charting.bp(session_id, 124, 80)
    finally:
        other.execute("ROLLBACK")
        other.close()
    charting.bp(session_id, 124, 80)  # the lock gone, the entry goes in


def test_a_wrong_column_is_a_bug_with_its_traceback(store: Store, charting: Charting,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    session_id, _ = running(charting)
    with caplog.at_level(logging.ERROR), pytest.raises(StoreBug) as bug, store.batch():
        store._insert("vitals", {"session_id": session_id, "no_such_column": 1})
    assert not isinstance(bug.value, StoreError)
    assert isinstance(bug.value.__cause__, sqlite3.OperationalError)
    assert "no_such_column" in str(bug.value)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged and logged[-1].exc_info is not None  # the traceback, not "check the disk"
    assert "disk" not in logged[-1].getMessage()


def test_a_constraint_a_check_missed_is_a_bug_and_writes_nothing(
        store: Store, charting: Charting) -> None:
    session_id, _ = running(charting)
    before = len(store.chart(session_id).vitals)
    with pytest.raises(StoreBug) as bug, store.batch():
        charting.bp(session_id, 124, 80)
        store._insert("vitals", {"session_id": session_id, "observed_at": "x", "spo2": 95,
                                 "oxygen_l_per_min": 99.0, "entered_at": "x",
                                 "entered_by": "x"})
    assert isinstance(bug.value.__cause__, sqlite3.IntegrityError)
    assert len(store.chart(session_id).vitals) == before  # the whole batch rolled back


def test_a_misused_module_is_a_bug(store: Store) -> None:
    with pytest.raises(StoreBug) as bug, store.batch():
        store._db.execute("SELECT ?, ?", [1])  # one value for two marks
    assert isinstance(bug.value.__cause__, sqlite3.ProgrammingError)
