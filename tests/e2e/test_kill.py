"""kill -9 at random moments: nothing the store confirmed is lost, and the session resumes.

A real child process (writer.py) charts vitals as fast as it can and says `saved <id>` once
each write has returned; the test kills it with SIGKILL at a random moment, then opens the
file as the app would after a crash and looks for every confirmed entry.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from ketamonitor.core.clock import SystemClock
from ketamonitor.core.phases import Phase
from ketamonitor.core.timers import session_timers
from ketamonitor.core.times import from_stored
from ketamonitor.store.errors import StoreError, UnknownRecord
from ketamonitor.store.store import Store
from tests.e2e.writer import Child
from tests.people import FAST_HASHER, NURSE, login_as

pytestmark = pytest.mark.e2e

CHARTING_TRIALS = 17
OPENING_TRIALS = 10
#: From the writer's "opening" to its first entry takes some 40 ms on a fresh file: creating
#: it, the pragmas, the migrations, the patient, the session and its baseline.
OPENING_WINDOW_S = 0.06


@dataclass
class Seen:
    """What a writer told its parent: its session, when its dose started, what it saved."""

    session_id: int | None = None
    dose_started: datetime | None = None
    saved: list[int] = field(default_factory=list)

    def take(self, lines: list[str]) -> None:
        for line in lines:
            word, *rest = line.split()
            if word == "started":
                session_id, dose_started = int(rest[0]), from_stored(rest[1])
                if self.session_id is not None:
                    assert (session_id, dose_started) == (self.session_id, self.dose_started), (
                        "the writer did not resume the running session as it was")
                self.session_id, self.dose_started = session_id, dose_started
            elif word == "saved":
                self.saved.append(int(rest[0]))
            else:
                assert word == "opening", f"unexpected line from the writer: {line!r}"


def _random() -> tuple[random.Random, int]:
    """A fresh random order of kills each run; the seed is in every failure's message."""
    seed = int.from_bytes(os.urandom(4), "big")
    return random.Random(seed), seed


def _check_after_kill(db_path: Path, seen: Seen, context: str) -> None:
    """Open the file as the app does after a crash (so the lock must be free), and check."""
    try:
        store = Store.open(db_path, SystemClock(), hasher=FAST_HASHER, create=True)
    except StoreError as error:
        pytest.fail(f"{context}: the file no longer opens after kill -9: "
                    f"{type(error).__name__}: {error.problem}")
    try:
        assert store.integrity_check() == ["ok"], context
        if seen.session_id is None:
            return
        login_as(store, NURSE)
        try:
            chart = store.chart(seen.session_id)
        except UnknownRecord:
            pytest.fail(f"{context}: session {seen.session_id} is gone after kill -9")
        charted = {entry.id for entry in chart.vitals}
        lost = [vitals_id for vitals_id in seen.saved if vitals_id not in charted]
        assert not lost, f"{context}: confirmed vitals missing after kill -9: {lost}"
        assert chart.phase is Phase.INFUSING, context
        now = store.clock.now()
        assert seen.dose_started is not None
        assert session_timers(chart, now).since_dose_start == now - seen.dose_started, context
    finally:
        store.close()


def test_kill_while_charting_loses_no_confirmed_entry(tmp_path: Path) -> None:
    rng, seed = _random()
    db_path = tmp_path / "ketamonitor.db"
    seen = Seen()
    for trial in range(CHARTING_TRIALS):
        # 0: killed in the first write after the session started (or resumed)
        wanted = 0 if rng.random() < 0.15 else rng.randint(1, 40)
        context = f"trial {trial}, killed after {wanted} saved, seed {seed}"
        with Child.writer(db_path, log_dir=tmp_path / "logs") as child:
            lines: list[str] = []
            while True:
                line = child.line()
                assert line is not None, f"{context}: the writer ended:\n{child.stderr()}"
                lines.append(line)
                saved = sum(seen_line.startswith("saved") for seen_line in lines)
                if line.startswith(("started", "saved")) and saved >= wanted:
                    break
            lines += child.lines_for(rng.uniform(0, 0.004))
            lines += child.kill()
        seen.take(lines)
        _check_after_kill(db_path, seen, context)
    assert len(seen.saved) >= CHARTING_TRIALS  # the trials did chart something


def test_kill_while_opening_leaves_a_file_that_opens(tmp_path: Path) -> None:
    """Killed while the file is created and migrated, or the session is set up."""
    rng, seed = _random()
    for trial in range(OPENING_TRIALS):
        db_path = tmp_path / f"fresh-{trial}.db"
        delay = rng.uniform(0, OPENING_WINDOW_S)
        context = (f"trial {trial}, killed {delay * 1000:.1f} ms after opening began, "
                   f"seed {seed}")
        with Child.writer(db_path, log_dir=tmp_path / "logs") as child:
            first = child.line()
            assert first == "opening", f"{context}: {first!r}\n{child.stderr()}"
            lines = child.lines_for(delay)
            lines += child.kill()
        seen = Seen()
        seen.take(lines)
        _check_after_kill(db_path, seen, context)
