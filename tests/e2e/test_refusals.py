"""The real `ketamonitor` command refuses a file it must not chart into: exit status 3, a
message naming the file and saying why, no traceback, and the file left exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ketamonitor.cli import EXIT_DATABASE
from tests.e2e.writer import Child
from tests.store.test_connection import (
    damaged_database,
    files_beside,
    foreign_database,
    ketamonitor_database,
    random_bytes_file,
    read_only_database,
)

pytestmark = pytest.mark.e2e

#: Refusing must be quick: no waiting on SQLite's busy timeout (10 s) or on a window.
REFUSAL_SECONDS = 5.0


def run_ketamonitor(db_path: Path, log_dir: Path) -> tuple[subprocess.CompletedProcess[str],
                                                           float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KETAMONITOR_LOG_DIR": str(log_dir)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "ketamonitor", "--db", str(db_path)],
        env=env, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    return result, time.monotonic() - started


def assert_refused(result: subprocess.CompletedProcess[str], db_path: Path, *words: str) -> None:
    stderr = result.stderr
    assert result.returncode == EXIT_DATABASE == 3, stderr
    assert str(db_path) in stderr, stderr
    for word in words:
        assert word in stderr.lower(), stderr
    assert "Traceback" not in stderr, stderr


def test_a_second_instance_is_refused_and_touches_nothing(tmp_path: Path) -> None:
    db_path = ketamonitor_database(tmp_path / "room" / "ketamonitor.db")
    with Child.writer(db_path, "--hold", log_dir=tmp_path / "logs") as first:
        assert first.line() == "ready", first.stderr()
        before = files_beside(db_path)
        assert f"{db_path.name}-wal" in before  # the first instance has the file open

        result, seconds = run_ketamonitor(db_path, tmp_path / "logs")

        assert_refused(result, db_path, "already open")
        assert seconds < REFUSAL_SECONDS
        assert files_beside(db_path) == before
        assert first.process.poll() is None, "the first instance must still be running"


def test_a_read_only_file_is_refused_and_nothing_is_made_beside_it(tmp_path: Path) -> None:
    db_path = read_only_database(tmp_path / "room" / "archived.db")
    before = files_beside(db_path)
    assert list(before) == ["archived.db"]

    result, seconds = run_ketamonitor(db_path, tmp_path / "logs")

    assert_refused(result, db_path, "read-only")
    assert seconds < REFUSAL_SECONDS
    assert files_beside(db_path) == before  # no .lock, -wal or -shm


@pytest.mark.parametrize(("make", "words"), [
    (random_bytes_file, "not a sqlite file"),
    (damaged_database, "damaged"),
    (foreign_database, "not a ketamonitor database"),
], ids=["random-bytes", "damaged", "foreign"])
def test_a_file_that_is_not_a_sound_record_is_refused_untouched(
        tmp_path: Path, make: Callable[[Path], Path], words: str) -> None:
    db_path = make(tmp_path / "room" / "ketamonitor.db")
    before = files_beside(db_path)

    result, seconds = run_ketamonitor(db_path, tmp_path / "logs")

    assert_refused(result, db_path, words)
    assert seconds < REFUSAL_SECONDS
    assert files_beside(db_path) == before
