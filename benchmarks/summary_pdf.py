"""What a session summary PDF costs: the target is under 0.5 s.

summary_pdf_s: median wall time of `export_summary(store, id, "pdf", path)` (the whole
               export: permission check, reading the record, drawing the chart, laying out
               and writing the PDF atomically, the audit row), over a few runs after one
               warm-up, for one signed demo session with an alarm.

The session is the demo clinic's (`fill_demo_clinic`, fixed seed, moment and zone): the
finished IV session whose BP crossed the stop line, with the room's alert on that reading
acknowledged by the nurse, and the chart signed by the physician, as in the clinic.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
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


def run() -> list[str]:
    from PySide6.QtWidgets import QApplication

    from ketamonitor.export.summary import export_summary

    app = QApplication.instance() or QApplication(["bench"])  # Qt paints only with one
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-summary-") as folder:
        path, session_id = signed_demo_session(Path(folder) / "ketamonitor.db")
        clock = FakeClock(NOW + timedelta(hours=1), local_zone=ZONE)
        with Store.open(path, clock) as store:
            store.login("physician", DEMO_PASSWORD)
            samples = []
            for number in range(RUNS + 1):
                out = Path(folder) / f"summary-{number}.pdf"
                started = time.perf_counter()
                export_summary(store, session_id, "pdf", out)
                samples.append(time.perf_counter() - started)
    assert app is not None
    return [f"bench summary_pdf_s: {statistics.median(samples[1:]):.3f} s"]


def signed_demo_session(path: Path, *, route: Route = Route.IV) -> tuple[Path, int]:
    """The demo clinic at `path` (named), with one finished session of `route` whose BP
    crossed the stop line: the room's alert raised on that reading and acknowledged, the
    chart signed. Returns the file and the session's id."""
    fill_demo_clinic(path, seed=SEED, days=DAYS, now=NOW, zone=ZONE)
    clock = FakeClock(NOW, local_zone=ZONE)
    with Store.open(path, clock) as store:
        store.login("admin", DEMO_PASSWORD)
        store.set_setting("clinic_name", CLINIC)
        store.logout()
        store.login("nurse", DEMO_PASSWORD)
        # the demo's room raised the alert on that reading and the nurse acknowledged it
        session_id, _entry_id, _flag = _session_with_stop_line_bp(store, route)
        store.logout()
        store.login("physician", DEMO_PASSWORD)
        store.sign(session_id, DEMO_PASSWORD)
    return path, session_id


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
