"""What a nurse's Enter costs: from the typed vitals to a durable, audited row.

ours:     `parse_vitals` + `Store.record_vitals` (validation, the permission check, the row and
          its chained audit row in one transaction, committed with synchronous=FULL) on a
          fresh database with a session, charted by a nurse logged in to her account;
baseline: a bare sqlite3 connection with the same pragmas, one INSERT into a table of the
          same shape as `vitals`, and a commit: the least any durable save can cost here.

Both write files in one temporary folder (the same disk), alternating rounds so disk noise
falls on both alike, after a warm-up; the figures are medians of every timed save.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.people import NURSE, NURSE_NAME, add_nurse
from ketamonitor.core.clock import SystemClock
from ketamonitor.core.patient import parse_patient
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.core.times import to_stored
from ketamonitor.core.vitals import parse_vitals
from ketamonitor.store.store import Store

WARM_UP = 50
ROUNDS = 5
PER_ROUND = 100

_BARE_VITALS = """
    CREATE TABLE vitals (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL,
        observed_at TEXT NOT NULL,
        systolic INTEGER,
        diastolic INTEGER,
        heart_rate INTEGER,
        spo2 INTEGER,
        respiratory_rate INTEGER,
        source TEXT NOT NULL DEFAULT 'manual',
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL
    ) STRICT
"""
_BARE_INSERT = """
    INSERT INTO vitals (session_id, observed_at, systolic, diastolic, heart_rate, spo2,
                        respiratory_rate, source, entered_at, entered_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _typed(n: int) -> dict[str, str]:
    """What a nurse types into the vitals form, varying from one Enter to the next."""
    return {"systolic": str(110 + n % 40), "diastolic": str(60 + n % 30),
            "heart_rate": str(60 + n % 41), "spo2": str(94 + n % 7),
            "respiratory_rate": str(10 + n % 9), "time": ""}


def _baseline(folder: Path) -> tuple[Callable[[int], None], Callable[[], None]]:
    connection = sqlite3.connect(folder / "baseline.db")
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                   "busy_timeout = 10000"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(_BARE_VITALS)
    connection.execute("CREATE INDEX vitals_by_session ON vitals(session_id, observed_at)")
    connection.commit()

    def save(n: int) -> None:
        values = _typed(n)
        now = to_stored(datetime.now(UTC))
        connection.execute(_BARE_INSERT, [
            1, now, int(values["systolic"]), int(values["diastolic"]),
            int(values["heart_rate"]), int(values["spo2"]), int(values["respiratory_rate"]),
            "manual", now, NURSE])
        connection.commit()

    return save, connection.close


def _ours(folder: Path) -> tuple[Callable[[int], None], Callable[[], None]]:
    clock = SystemClock()
    store = Store.open(folder / "ketamonitor.db", clock, create=True)
    add_nurse(store)
    patient = store.register_patient(parse_patient(
        {"mrn": "BENCH-1", "family_name": "Rivera", "given_name": "Ana",
         "birth_date": "1984-05-06", "weight_kg": "72"}, today=clock.now().date()))
    setup = parse_session_setup(
        {"chair": "1", "nurse": NURSE_NAME, "weight_kg": "72", "mg_per_kg": "0.5",
         "concentration": "1", "devices": "2"},
        patient, store.library.protocol("iv-racemic-ketamine"))
    session_id = store.start_session(setup)
    began = store.chart(session_id).session.began_at  # what the open chart already shows
    zone = clock.local_zone

    def save(n: int) -> None:
        vitals = parse_vitals(_typed(n), now=clock.now(), session_began=began, zone=zone)
        store.record_vitals(session_id, vitals)

    return save, store.close


def _timed(save: Callable[[int], None], start: int, count: int) -> list[float]:
    samples = []
    for n in range(start, start + count):
        began = time.perf_counter()
        save(n)
        samples.append(time.perf_counter() - began)
    return samples


def run() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-") as name:
        folder = Path(name)
        baseline, close_baseline = _baseline(folder)
        ours, close_ours = _ours(folder)
        try:
            _timed(baseline, 0, WARM_UP)
            _timed(ours, 0, WARM_UP)
            samples: dict[str, list[float]] = {"baseline": [], "ours": []}
            savers = {"baseline": baseline, "ours": ours}
            for round_number in range(ROUNDS):
                order = ("baseline", "ours") if round_number % 2 == 0 else ("ours", "baseline")
                for kind in order:
                    start = WARM_UP + round_number * PER_ROUND
                    samples[kind] += _timed(savers[kind], start, PER_ROUND)
        finally:
            close_ours()
            close_baseline()
    ours_ms = statistics.median(samples["ours"]) * 1000
    baseline_ms = statistics.median(samples["baseline"]) * 1000
    return [
        f"bench save_vitals_ms: {ours_ms:.2f} ms",
        f"bench save_vitals_baseline_ms: {baseline_ms:.2f} ms",
        f"bench save_vitals_ratio: {ours_ms / baseline_ms:.2f} x",
    ]
