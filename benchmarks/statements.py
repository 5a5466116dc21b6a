"""What an entry and an opening cost the file, in SQL statements, through the real window.

save_vitals_statements: the statements a routine vitals set typed into a session page's
                        form and saved runs (the write, the room's one chart read, the alerts
                        judged, the typing kept cleared); the first set, which also clears the
                        "BP check due" alert (six statements more), is saved before, uncounted;
open_page_statements:   the statements opening the page of a session the room holds runs
                        (no chart read: the page draws the room's copy).
Counts, not times: the same on any machine, so a figure that grows is a new read.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.people import NURSE_NAME, add_nurse
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.patient import parse_patient
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.store.store import Store
from ketamonitor.ui.app import application
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.vitals_form import VitalsForm
from tests.statements import counting

START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
TYPED = {"systolic": "128", "diastolic": "82", "heart_rate": "74", "spo2": "98",
         "respiratory_rate": "14"}


def _session(store: Store, clock: FakeClock) -> int:
    patient = store.register_patient(parse_patient(
        {"mrn": "BENCH-1", "family_name": "Rivera", "given_name": "Ana",
         "birth_date": "1984-05-06", "weight_kg": "72"}, today=clock.now().date()))
    setup = parse_session_setup(
        {"chair": "1", "nurse": NURSE_NAME, "weight_kg": "72", "mg_per_kg": "0.5",
         "concentration": "1", "devices": "2", "prescriber": "Dr Ada Obi"},
        patient, store.library.protocol("iv-racemic-ketamine"))
    return store.start_session(setup)


def _type(form: VitalsForm) -> None:
    for name, text in TYPED.items():
        form.inputs[name].setText(text)


def run() -> list[str]:
    application()
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "statements.db", clock, create=True) as store:
            add_nurse(store)
            session_id = _session(store, clock)
            window = MainWindow(store)
            window.idle_lock = window.automatic_backups = False
            window.resize(1366, 768)
            window.show()
            window.room.reload()
            with counting(store) as opening:
                page = window.open_session(session_id)
            form = page.vitals_form
            _type(form)
            form.submit()  # the first set: the check that was due is done
            clock.advance(minutes=1)
            _type(form)
            with counting(store) as saving:
                form.submit()
            if len(store.chart(session_id).vitals) != 2:
                raise RuntimeError("the benchmark's vitals were not saved")
            window.ticker.stop()
            window.close()
            window.deleteLater()
    return [
        f"bench save_vitals_statements: {len(saving)} statements",
        f"bench open_page_statements: {len(opening)} statements",
    ]
