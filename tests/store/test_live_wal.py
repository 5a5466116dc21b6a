"""The opening check never deletes a live write-ahead log: another program that writes into
the file while ketamonitor checks it (a second opener, a backup tool) keeps every entry
it committed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.store import connection as opening
from ketamonitor.store.store import Store
from tests.people import FAST_HASHER, add_people


def test_a_wal_written_by_another_connection_during_the_check_is_kept(
        db_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as made:
        add_people(made)
    assert not db_path.with_name(db_path.name + "-wal").exists()  # closed: all in the file

    other = sqlite3.connect(db_path)  # another opener, kept open: its WAL is live
    check: Callable[[sqlite3.Connection, Path], None] = opening._check_integrity

    def check_while_another_writes(connection: sqlite3.Connection, path: Path) -> None:
        check(connection, path)
        other.execute("CREATE TABLE other_writer (entry TEXT)")
        other.execute("INSERT INTO other_writer VALUES ('acknowledged')")
        other.commit()

    monkeypatch.setattr(opening, "_check_integrity", check_while_another_writes)
    try:
        Store.open(db_path, clock, hasher=FAST_HASHER, create=True).close()
    finally:
        other.close()

    reader = sqlite3.connect(db_path)
    try:
        assert reader.execute("SELECT entry FROM other_writer").fetchall() == [
            ("acknowledged",)]
        assert reader.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        reader.close()
