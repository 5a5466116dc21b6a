"""What a day of opening charts costs in memory.

pages_rss_mb:          the process's resident memory after 120 opens of session pages
                       across 60 sessions (6 still in the room, 54 finished), going back to
                       the room after each, with the event loop's deferred deletes run as
                       the real loop runs them;
pages_rss_baseline_mb: the same window after one open of one page and back: the floor;
pages_rss_ratio:       the first over the second. Pages no one uses are let go, so the day
                       should cost a few pages' worth, not one page per chart opened.
"""

from __future__ import annotations

import gc
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from benchmarks.people import add_nurse
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.patient import parse_patient
from ketamonitor.core.phases import Action
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.store.store import Store
from ketamonitor.ui.app import application
from ketamonitor.ui.main_window import MainWindow
from tests.charting import EARLY_END

SESSIONS = 60
RUNNING = 6
OPENS = 120
START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def _resident_mb() -> float:
    """Resident memory now (not the peak: freed pages count as freed)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _sessions(store: Store, clock: FakeClock) -> list[int]:
    protocol = store.library.protocol("iv-racemic-ketamine")
    sessions = []
    for number in range(SESSIONS):
        patient = store.register_patient(parse_patient(
            {"mrn": f"MRN-{number:04d}", "family_name": f"Patient{number}",
             "given_name": "Day", "birth_date": "1980-01-01", "weight_kg": "72"},
            today=clock.now().date()))
        setup = parse_session_setup(
            {"chair": str(number % 8 + 1), "nurse": "Ana Ruiz", "weight_kg": "72",
             "mg_per_kg": "0.5", "concentration": "1", "prescriber": "Dr Ada Obi"},
            patient, protocol)
        session_id = store.start_session(setup)
        if number >= RUNNING:
            store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                               reason="bench")
        sessions.append(session_id)
        clock.advance(minutes=1)
    return sessions


def _settle(app: QApplication, *, collect: bool = False) -> None:
    """What the event loop does between a nurse's clicks: events, then deferred deletes."""
    app.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    if collect:  # before a measurement only: cycles go when Python's collector runs
        gc.collect()


def run() -> list[str]:
    app = application()
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "pages.db", clock, create=True) as store:
            add_nurse(store)
            sessions = _sessions(store, clock)
            clock.advance(minutes=5)
            window = MainWindow(store)
            window.idle_lock = window.automatic_backups = False
            window.resize(1366, 768)
            window.show()
            window.room.reload()
            window.open_session(sessions[0])
            window.show_room()
            _settle(app, collect=True)
            baseline = _resident_mb()
            for number in range(OPENS):
                window.open_session(sessions[number % SESSIONS])
                window.show_room()
                _settle(app)
            _settle(app, collect=True)
            day = _resident_mb()
            window.ticker.stop()
            window.close()
            window.deleteLater()
            _settle(app)
    return [
        f"bench pages_rss_mb: {day:.0f} MB",
        f"bench pages_rss_baseline_mb: {baseline:.0f} MB",
        f"bench pages_rss_ratio: {day / baseline:.1f} x",
    ]
