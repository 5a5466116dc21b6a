"""What a session summary PDF costs: the target is under 2 s with a 100 kB note, under
0.5 s without.

summary_pdf_s:       median wall time of `export_summary(store, id, "pdf", path)` (the whole
                     export: permission check, reading the record, drawing the chart, laying
                     out and writing the PDF atomically, the audit row), over a few runs after
                     one warm-up, for one signed demo session with an alarm and a 100 kB
                     note (issue 19: the export must be linear in the record's size; a 1 MB
                     note took 412 s). The store now refuses a note over 4,000 characters,
                     so the note is written as a record made before that cap holds it.
summary_pdf_plain_s: the same for the same session without the note (the figure named
                     summary_pdf_s before issue 19).
summary_pdf_1mb_s:   the same with a 1 MB note (issue 19: under 2 s; 412 s before), the one
                     timing the test suite no longer takes (tests/export/pdf/test_summary.py
                     checks every word of a long note is printed, not how fast).

The session is the demo clinic's (`fill_demo_clinic`, fixed seed, moment and zone): the
finished IV session whose BP crossed the stop line, with the room's alert on that reading
acknowledged by the nurse, and the chart signed by the physician, as in the clinic.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.flags import Flag, Level
from ketamonitor.core.protocol import Route
from ketamonitor.demo import DEMO_PASSWORD, fill_demo_clinic
from ketamonitor.store.store import Store

SEED = 1
DAYS = 10
#: The demo's "now" (in the past, as the demo requires) and its room's time zone.
NOW = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)
ZONE = ZoneInfo("America/New_York")
RUNS = 5
CLINIC = "Harbour Demo Clinic"


#: The old note's size in characters (the issue's "100 kB note").
NOTE_CHARACTERS = 100_000
#: The largest note issue 19 timed (412 s before it).
LONG_NOTE_CHARACTERS = 1_000_000


def run() -> list[str]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["bench"])  # Qt paints only with one
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-summary-") as folder:
        plain, noted = Path(folder) / "ketamonitor.db", Path(folder) / "noted.db"
        long_noted = Path(folder) / "long-noted.db"
        session_id = alerted_demo_session(plain)
        _copy(plain, noted)  # the same session, and an old note on it
        _copy(plain, long_noted)
        _old_note(noted, session_id, NOTE_CHARACTERS)
        _old_note(long_noted, session_id, LONG_NOTE_CHARACTERS)
        for path in (plain, noted, long_noted):
            _signed(path, session_id)
        with_note = _median_export(noted, session_id, Path(folder))
        without = _median_export(plain, session_id, Path(folder))
        with_long_note = _median_export(long_noted, session_id, Path(folder), runs=2)
    assert app is not None
    return [f"bench summary_pdf_s: {with_note:.3f} s",
            f"bench summary_pdf_plain_s: {without:.3f} s",
            f"bench summary_pdf_1mb_s: {with_long_note:.3f} s"]


def _median_export(path: Path, session_id: int, folder: Path, runs: int = RUNS) -> float:
    from ketamonitor.export.summary import export_summary

    clock = FakeClock(NOW + timedelta(hours=1), local_zone=ZONE)
    with Store.open(path, clock, create=True) as store:
        store.login("physician", DEMO_PASSWORD)
        samples = []
        for number in range(runs + 1):
            out = folder / f"summary-{number}.pdf"
            started = time.perf_counter()
            export_summary(store, session_id, "pdf", out)
            samples.append(time.perf_counter() - started)
    return statistics.median(samples[1:])


def signed_demo_session(path: Path, *, route: Route = Route.IV) -> tuple[Path, int]:
    """The demo clinic at `path` (named), with one finished session of `route` whose BP
    crossed the stop line: the room's alert raised on that reading and acknowledged, the
    chart signed. Returns the file and the session's id."""
    session_id = alerted_demo_session(path, route=route)
    _signed(path, session_id)
    return path, session_id


def alerted_demo_session(path: Path, *, route: Route = Route.IV) -> int:
    """`signed_demo_session` before the signature: the session's id."""
    fill_demo_clinic(path, seed=SEED, days=DAYS, now=NOW, zone=ZONE)
    clock = FakeClock(NOW, local_zone=ZONE)
    with Store.open(path, clock, create=True) as store:
        store.login("admin", DEMO_PASSWORD)
        store.set_setting("clinic_name", CLINIC)
        store.logout()
        store.login("nurse", DEMO_PASSWORD)
        # the demo's room raised the alert on that reading and the nurse acknowledged it
        session_id, _entry_id, _flag = _session_with_stop_line_bp(store, route)
    return session_id


def _signed(path: Path, session_id: int) -> None:
    with Store.open(path, FakeClock(NOW, local_zone=ZONE), create=True) as store:
        store.login("physician", DEMO_PASSWORD)
        store.sign(session_id, DEMO_PASSWORD)


def _old_note(path: Path, session_id: int, characters: int) -> None:
    """A note of `characters` on the session, as a record made before the store capped
    notes holds it (written straight into the file: the store of today refuses it)."""
    words = "Patient calm, talking with the escort about the drive home; no complaints. "
    text = (words * (characters // len(words) + 1))[:characters]
    with closing(sqlite3.connect(path)) as db, db:
        (ended,) = db.execute("SELECT max(occurred_at) FROM events WHERE session_id = ?",
                              [session_id]).fetchone()
        db.execute("INSERT INTO events (session_id, kind, phase, text, occurred_at, "
                   "entered_at, entered_by) VALUES (?, 'note', NULL, ?, ?, ?, 'nurse')",
                   [session_id, text, ended, ended])


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as read, closing(sqlite3.connect(target)) as write:
        read.backup(write)


def _session_with_stop_line_bp(store: Store, route: Route) -> tuple[int, int, Flag]:
    listings = store.sessions_between(NOW - timedelta(days=DAYS + 1), NOW)
    for listing in listings:
        if not listing.phase.is_finished:
            continue
        chart = store.chart(listing.session_id)
        if chart.protocol.route is not route:
            continue
        for flagged in chart.flagged_vitals:
            for flag in flagged.flags:
                if flag.code == "bp_above_stop_line" and flag.level is Level.HIGH:
                    return listing.session_id, flagged.entry.id, flag
    raise RuntimeError(f"the demo clinic has no finished {route.label} session whose BP "
                       "crossed the stop line: change SEED or DAYS")
