"""A checked copy of an open database: the whole record in a self-contained file (no -wal
beside it), its SHA-256 and size returned; a copy that fails its integrity check is not
kept, and no temporary file is left either way."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from ketamonitor.store import copies
from ketamonitor.store.copies import (
    CopyNotSound,
    integrity_problems,
    remove_with_side_files,
    sha256_of,
    write_checked_copy,
)


@pytest.fixture
def source(tmp_path):
    connection = sqlite3.connect(tmp_path / "live.db")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE vitals (id INTEGER PRIMARY KEY, systolic INTEGER)")
    connection.executemany("INSERT INTO vitals (systolic) VALUES (?)", [(124,), (186,)])
    connection.commit()
    yield connection
    connection.close()


def test_the_copy_holds_the_record_in_one_file_with_its_hash_and_size(tmp_path, source):
    (tmp_path / "backups").mkdir()
    out = tmp_path / "backups" / "copy.db"
    digest, size = write_checked_copy(source, out)
    data = out.read_bytes()
    assert (digest, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.db"]
    copy = sqlite3.connect(out)
    assert copy.execute("SELECT systolic FROM vitals ORDER BY id").fetchall() == [(124,), (186,)]
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    copy.close()
    assert integrity_problems(out) == ["ok"]


def test_a_copy_that_fails_its_check_is_not_kept(tmp_path, source, monkeypatch):
    monkeypatch.setattr(copies, "integrity_problems", lambda path: ["page 3: bad", "page 4"])
    with pytest.raises(CopyNotSound, match="page 3: bad; page 4") as refused:
        write_checked_copy(source, tmp_path / "copy.db")
    assert refused.value.problems == ["page 3: bad", "page 4"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.db", "live.db-shm",
                                                           "live.db-wal"]


def test_a_file_is_removed_with_what_sqlite_keeps_beside_it(tmp_path):
    for name in ("x.db", "x.db-journal", "x.db-wal", "x.db-shm", "x.db.keep"):
        (tmp_path / name).write_text("")
    remove_with_side_files(tmp_path / "x.db")
    remove_with_side_files(tmp_path / "gone.db")  # nothing there: nothing to do
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db.keep"]


def test_the_hash_and_size_of_a_file(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * ((1 << 20) + 3))  # more than one block
    assert sha256_of(path) == (hashlib.sha256(path.read_bytes()).hexdigest(), (1 << 20) + 3)
