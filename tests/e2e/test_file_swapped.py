"""The database deleted and replaced while a nurse charts in another process: the writer
stops acknowledging within one save, and every save it acknowledged is in the file it had
open (kept by a hard link made before the delete, as the test cannot open a deleted inode
otherwise). The store used to go on acknowledging hundreds of saves into the deleted file.

The child is this module run with `python -m`: it charts vitals in a loop like
`writer.py`, printing `saved <id> <CLOCK_MONOTONIC ns>` once each save has returned, and
`refused <error>` for each save the store refuses; after a few refusals it stops.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

#: The saves the writer makes before the test swaps the file.
SAVES_BEFORE = 25
#: The saves the writer tries after its first refusal, each of which must be refused too.
TRIES_AFTER = 3


def charted_ids(path: Path) -> set[int]:
    """The vitals ids in the file at `path` (a hard link of the original, with its -wal)."""
    connection = sqlite3.connect(path)  # read-write: recovers the -wal kept beside it
    try:
        return {row[0] for row in connection.execute("SELECT id FROM vitals")}
    finally:
        connection.close()


def test_a_writer_stops_acknowledging_when_its_file_is_deleted_and_replaced(
        tmp_path: Path) -> None:
    from tests.e2e.writer import Child

    db_path = tmp_path / "room" / "ketamonitor.db"
    db_path.parent.mkdir()
    kept = tmp_path / "room" / "original.db"
    wal = db_path.with_name(db_path.name + "-wal")
    with Child([sys.executable, "-m", "tests.e2e.test_file_swapped", str(db_path)],
               log_dir=tmp_path / "logs") as writer:
        saved: dict[int, int] = {}
        while len(saved) < SAVES_BEFORE:
            line = writer.line(timeout=30)
            assert line is not None, writer.stderr()
            word, *rest = line.split()
            if word == "saved":
                saved[int(rest[0])] = int(rest[1])

        os.link(db_path, kept)  # the original inode, and its log, kept to look in after
        os.link(wal, kept.with_name(kept.name + "-wal"))
        replacement = tmp_path / "replacement.db"
        shutil.copyfile(kept, replacement)
        db_path.unlink()
        deleted_at = time.monotonic_ns()
        replacement.replace(db_path)  # another file now has the database's name

        refused: list[str] = []
        while (line := writer.line(timeout=30)) is not None:
            word, *rest = line.split()
            if word == "saved":
                assert not refused, f"a save acknowledged after a refusal: {line}"
                saved[int(rest[0])] = int(rest[1])
                late = [vitals_id for vitals_id, at in saved.items() if at > deleted_at]
                assert len(late) <= 1, f"acknowledged after the delete: {late}"
            else:
                assert word == "refused", line
                refused.append(rest[0])
        assert writer.process.wait(timeout=30) == 0, writer.stderr()
        assert refused == ["DatabaseMoved"] * (1 + TRIES_AFTER), writer.stderr()

    missing = set(saved) - charted_ids(kept)
    assert not missing, f"acknowledged but not in the original file: {sorted(missing)}"


def _chart_until_refused(db_path: Path) -> int:
    """The child: chart vitals until the store has refused 1 + TRIES_AFTER saves."""
    from ketamonitor.core.clock import SystemClock
    from ketamonitor.core.vitals import parse_vitals
    from ketamonitor.store.errors import StoreError
    from ketamonitor.store.store import Store
    from tests.e2e.writer import MAX_SECONDS, running_session, say
    from tests.people import FAST_HASHER

    clock = SystemClock()
    deadline = time.monotonic() + MAX_SECONDS
    refusals = 0
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        session_id, _ = running_session(store)
        began = store.chart(session_id).session.began_at
        n = 0
        while refusals <= TRIES_AFTER and time.monotonic() < deadline:
            typed = {"systolic": str(110 + n % 40), "diastolic": str(60 + n % 30),
                     "heart_rate": str(60 + n % 41), "spo2": str(94 + n % 7),
                     "respiratory_rate": str(10 + n % 9)}
            n += 1
            vitals = parse_vitals(typed, now=clock.now(), session_began=began,
                                  zone=clock.local_zone)
            try:
                vitals_id = store.record_vitals(session_id, vitals)
            except StoreError as refused:
                refusals += 1
                say(f"refused {type(refused).__name__}")
                continue
            say(f"saved {vitals_id} {time.monotonic_ns()}")
    return 0


if __name__ == "__main__":
    sys.exit(_chart_until_refused(Path(sys.argv[1])))
