"""Screenshots of the window on a demo clinic, for the README and for looking at changes.

    python -m tools.screenshots [--out docs/screenshots] [--scale 1.25]

Renders offscreen at 1366x768 and 1920x1080 on a demo clinic frozen at a fixed moment, so
the pictures change only when the screens do (the room, the session pages of its chairs:
one with two alerts, esketamine in observation; a discharged chart under review); and the
chart as exported for summaries (chart-*.png: a demo session with a BP over the stop line
and a pause, a course of six sessions, a live session with its alerts, four hours of a
monitor's readings); the room with one critical tile among four chairs
(room-critical.png); and Clinic ▸ Monitors with beds on the map and others heard from
(monitors-dialog.png); a chair fed by its monitor, on the room's tile (monitor-tile.png) and
on its page (monitor-chart.png: readings waiting faint, accepted ones, an artifact).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ketamonitor.core.alerts import AlertRecord
    from ketamonitor.core.chart import SessionChart
    from ketamonitor.core.records import SessionListing
    from ketamonitor.store.store import Store
    from ketamonitor.ui.main_window import MainWindow

MOMENT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SIZES = ((1366, 768), (1920, 1080))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--scale", type=str, default="", help="QT_SCALE_FACTOR to render at")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = args.scale
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.core.phases import Phase
    from ketamonitor.demo import DEMO_PASSWORD, fill_demo_clinic
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.main_window import MainWindow

    args.out.mkdir(parents=True, exist_ok=True)
    suffix = f"-scale{args.scale}" if args.scale else ""
    with _scratch("demo") as folder:
        path = Path(folder) / "demo.db"
        fill_demo_clinic(path, seed=1, days=30, now=MOMENT, zone=UTC)
        clock = FakeClock(MOMENT)
        with Store.open(path, clock) as store:
            app = application()
            _login_shot(store, args.out / f"login{suffix}.png")
            store.login("nurse", DEMO_PASSWORD)
            window = MainWindow(store)
            running = {s.phase: s.session_id for s in store.unfinished_sessions()}
            for width, height in SIZES:
                window.resize(width, height)
                window.show_room()
                window.show()
                app.processEvents()
                _save(window, args.out / f"demo-room-{width}x{height}{suffix}.png")
                window.show_patients()
                app.processEvents()
                _save(window, args.out / f"patients-{width}x{height}{suffix}.png")
                for phase in (Phase.INFUSING, Phase.OBSERVATION, Phase.PRE_INFUSION):
                    if phase in running:
                        window.open_session(running[phase])
                        app.processEvents()
                        name = "session" if phase is Phase.INFUSING else f"session-{phase.value}"
                        _save(window, args.out / f"{name}-{width}x{height}{suffix}.png")
            _people_shots(window, args.out, suffix)
            window.ticker.stop()
            window.close()
            window.deleteLater()
            app.processEvents()
        _room_shots(args.out, suffix)
        _critical_room_shot(args.out, suffix)
        _override_shots(args.out, suffix)
        _monitors_shot(args.out, suffix)
        _monitor_feed_shots(args.out, suffix)
        _chart_shots(path, args.out, suffix)
    return 0


def _login_shot(store: Store, path: Path) -> None:
    """The first window: a login, after a wrong password."""
    from ketamonitor.ui.access import LoginWindow
    from ketamonitor.ui.app import application

    login = LoginWindow(store)
    login.resize(*SIZES[0])
    login.show()
    login.form.username.setText("nurse")
    login.form.password.setText("not-the-password")
    login.form.submit()
    application().processEvents()
    _save(login, path)
    login.close()
    login.deleteLater()
    store.clock.advance(seconds=2)  # past the throttle of that wrong try


def _people_shots(window: MainWindow, out: Path, suffix: str) -> None:
    """The idle lock over the room, then a physician's review queue and a chart signed."""
    from ketamonitor.demo import DEMO_PASSWORD
    from ketamonitor.ui.app import application

    app = application()
    window.resize(*SIZES[0])
    window.show_room()
    window.lock_screen()
    app.processEvents()
    _save(window, out / f"lock{suffix}.png")
    window.lock.form.username.setText("physician")
    window.lock.form.password.setText(DEMO_PASSWORD)
    window.lock.form.submit()
    queue = window.show_review()
    app.processEvents()
    _save(window, out / f"review-queue{suffix}.png")
    waiting = [queue.model.row_value(row).session_id for row in range(queue.model.rowCount())]
    store = window.store
    alarmed = next((session_id for session_id in waiting
                    if _alarm_and_pause(store.chart(session_id))), waiting[0])
    page = window.open_session(alarmed)
    for width, height in SIZES:  # the review of a discharged chart, before it is signed
        window.resize(width, height)
        app.processEvents()
        _save(window, out / f"review-discharged-{width}x{height}{suffix}.png")
    window.resize(*SIZES[0])
    late = page.open_late_entry()  # what a nurse fills in to add to this discharged chart
    app.processEvents()
    _save(late, out / f"late-entry{suffix}.png")
    late.close()
    app.processEvents()
    page.sign(DEMO_PASSWORD)
    page.add_addendum("Called the patient the next morning: slept well, no headache.",
                      DEMO_PASSWORD)
    app.processEvents()
    _save(window, out / f"signed-chart{suffix}.png")


def _chart_shots(demo: Path, out: Path, suffix: str) -> None:
    """The chart as exported for summaries: a demo session with a BP over the stop line and
    a pause, its patient's course, a live session with its alerts, and a monitor's four
    hours."""
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.core.protocol import Route
    from ketamonitor.demo import DEMO_PASSWORD
    from ketamonitor.export.chart_image import course_image, save_png, session_chart_image
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from tests.core.builders import monitored
    from tests.people import FAST_HASHER, add_people
    from tools.room_scene import NOW, START, build_room

    application()
    with Store.open(demo, FakeClock(MOMENT)) as store:
        store.login("physician", DEMO_PASSWORD)
        listings = store.sessions_between(MOMENT - timedelta(days=60), MOMENT)
        chart = next(c for c in map(store.chart, (s.session_id for s in listings))
                     if _alarm_and_pause(c))
        _write(save_png(session_chart_image(chart, UTC, size=(1200, 760), now=MOMENT,
                                            library=store.library),
                        out / f"chart-demo-alarm-pause{suffix}.png"))
        course = next(charts for charts in _courses(store, listings)
                      if len(charts) == 6 and charts[0].protocol.route is Route.IV)
        _write(save_png(course_image(course, UTC, size=(1400, 760)),
                        out / f"chart-course-six-sessions{suffix}.png"))
    with _scratch("room") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "room.db", clock, hasher=FAST_HASHER) as store:
            add_people(store)
            build_room(store, clock)
            clock.set(NOW)
            chair_1 = next(s for s in store.unfinished_sessions() if s.chair == "1")
            alerts = store.alerts([chair_1.session_id])[chair_1.session_id]
            _write(save_png(session_chart_image(store.chart(chair_1.session_id), UTC,
                                                size=(1200, 760), now=NOW,
                                                library=store.library, alerts=alerts),
                            out / f"chart-live-alerts{suffix}.png"))
    _write(save_png(session_chart_image(monitored(4 * 60 * 60), UTC, size=(1200, 760)),
                    out / f"chart-monitor-4h{suffix}.png"))


def _courses(store: Store, listings: list[SessionListing]) -> Iterator[list[SessionChart]]:
    """Each patient's course, the patient of the latest session first."""
    patients = list(dict.fromkeys(listing.patient_id for listing in reversed(listings)))
    for patient in patients:
        yield [store.chart(s.session_id) for s in store.patient_sessions(patient)]


def _alarm_and_pause(chart: SessionChart) -> bool:
    """A BP charted over the stop line, and the infusion paused."""
    from ketamonitor.core.phases import Action

    paused = any(change.action is Action.PAUSE_INFUSION for change in chart.timeline.changes)
    return paused and any(flag.code == "bp_above_stop_line" for flagged in chart.flagged_vitals
                          for flag in flagged.flags)


def _write(path: Path) -> None:
    sys.stdout.write(f"{path}\n")


def _room_shots(out: Path, suffix: str) -> None:
    """The room with six chairs in mixed phases and alerts, at both sizes."""
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.main_window import MainWindow
    from tests.people import FAST_HASHER, add_people
    from tools.room_scene import NOW, START, build_room

    with _scratch("room") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "room.db", clock, hasher=FAST_HASHER) as store:
            add_people(store)
            build_room(store, clock)
            app = application()
            window = MainWindow(store)
            clock.set(NOW)
            window.tick()
            for width, height in SIZES:
                window.resize(width, height)
                window.show_room()
                window.show()
                app.processEvents()
                _save(window, out / f"room-{width}x{height}{suffix}.png")
            _room_page_shots(window, out, suffix)
            window.ticker.stop()
            window.close()
            window.deleteLater()  # Qt objects go before the interpreter tears down (PySide6)
            app.processEvents()
    return 0


def _room_page_shots(window: MainWindow, out: Path, suffix: str) -> None:
    """Pages of the room's chairs at both sizes (issue 15's done-when): chair 4 with two
    alerts waiting (a third acknowledged) and chair 3, esketamine in observation."""
    from ketamonitor.core.escalation import Escalation
    from ketamonitor.ui.app import application

    app = application()
    room = window.room
    chairs = {state.listing.chair: state.session_id for state in room.in_room()}
    waiting = room.state(chairs["4"]).waiting()
    acts_now = [record for state in room.in_room() for record in state.waiting()
                if record.priority.acts_now]
    high = next((r for r in acts_now if r.kind == "bp_above_stop_line"), None) or next(
        iter(acts_now), None)
    if high is not None:  # the issue 16 picture: a stop-line BP acknowledged with a call
        window.resize(*SIZES[0])
        dialog = escalation_dialog(window, high)
        _save(dialog, out / f"escalation-dialog{suffix}.png")
        dialog.close()
    room.acknowledge(waiting[-1].id, "Physician informed",
                     Escalation(done=("BP rechecked",)) if waiting[-1].priority.acts_now
                     else None)
    window.tick()
    for width, height in SIZES:
        window.resize(width, height)
        for chair, name in (("4", "session-two-alerts"), ("3", "esketamine-observation")):
            window.open_session(chairs[chair])
            app.processEvents()
            _save(window, out / f"{name}-{width}x{height}{suffix}.png")
    window.show_room()


def escalation_dialog(window: MainWindow, record: AlertRecord) -> QWidget:
    """The escalation dialog over the window for `record`, filled in as a nurse would after
    calling the physician (shown, for a picture; the caller saves it, and it is closed and
    deleted when the window is)."""
    from ketamonitor.core.escalation import DONE_CHOICES
    from ketamonitor.ui.app import application
    from ketamonitor.ui.escalation_dialog import EscalationDialog

    store = window.store
    dialog = EscalationDialog(window, record, store.library.reasons_for(DONE_CHOICES),
                              store.escalation_physicians(record.session_id),
                              store.clock.now(), store.clock.local_zone)
    for tick in dialog.done_ticks[:2]:
        tick.setChecked(True)
    dialog.called.setChecked(True)
    dialog.ordered.setEditText("Clonidine 0.1 mg PO; recheck BP in 10 min")
    dialog.show()
    application().processEvents()
    return dialog
def _critical_room_shot(out: Path, suffix: str) -> None:
    """The room at 1366x768 with one critical tile among four chairs: chair 2's SpO2 at
    78 % and RR 6 on a running infusion, its critical alert waiting."""
    from ketamonitor.core.alerts import Priority
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.core.phases import Action
    from ketamonitor.core.vitals import Vitals
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.main_window import MainWindow
    from tests.people import FAST_HASHER, add_people
    from tools.room_scene import START, _arrive

    with _scratch("critical") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "room.db", clock, hasher=FAST_HASHER) as store:
            add_people(store)
            sessions = {}
            for chair, family, given, protocol_id in (
                    ("1", "Okafor", "Chidi", "iv-racemic-ketamine"),
                    ("2", "Lindqvist", "Maja", "iv-racemic-ketamine"),
                    ("3", "Tanaka", "Ren", "intranasal-esketamine"),
                    ("4", "Silva", "Ana", "im-racemic-ketamine")):
                sessions[chair] = _arrive(store, clock, chair, family, given, protocol_id)
                clock.advance(minutes=2)
                store.change_phase(sessions[chair], Action.START_INFUSION)
                clock.advance(minutes=3)
            clock.advance(minutes=4)
            for chair in ("1", "3", "4"):
                store.record_vitals(sessions[chair], Vitals(clock.now(), 128, 80, 76, 98, 14))
            store.record_vitals(sessions["2"], Vitals(clock.now(), 132, 84, 118, 78, 6))
            app = application()
            window = MainWindow(store)
            window.tick()
            assert any(record.priority is Priority.CRITICAL
                       for record in window.room.state(sessions["2"]).alerts)
            window.resize(*SIZES[0])
            window.show_room()
            window.show()
            app.processEvents()
            _save(window, out / f"room-critical{suffix}.png")
            window.ticker.stop()
            window.close()
            window.deleteLater()
            app.processEvents()


def _override_shots(out: Path, suffix: str) -> None:
    """A start held by a history of psychosis and a baseline above the pre-dose line: the
    session page at 1366x768 with the holds in its "Next:" panel, and the physician's
    override dialog filled in over it."""
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.core.entries import checklist_answer
    from ketamonitor.core.vitals import Vitals
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.main_window import MainWindow
    from tests.people import FAST_HASHER, PHYSICIAN, add_people
    from tools.room_scene import START, _arrive

    with _scratch("override") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "room.db", clock, hasher=FAST_HASHER) as store:
            add_people(store)
            session_id = _arrive(store, clock, "2", "Lindqvist", "Maja", "iv-racemic-ketamine")
            clock.advance(minutes=3)
            store.record_vitals(session_id, Vitals(clock.now(), 164, 96, 80, 98, 14))
            checklist = store.library.checklist("pre_session")
            store.record_checklist_answer(session_id, checklist_answer(
                checklist, "psychosis_history", "yes", clock.now()))
            app = application()
            window = MainWindow(store)
            window.resize(*SIZES[0])
            window.show()
            page = window.open_session(session_id)
            app.processEvents()
            _save(window, out / f"session-held-start{suffix}.png")
            dialog = page.open_override_dialog()
            assert dialog is not None
            dialog.physician.setCurrentIndex(dialog.physician.findData(PHYSICIAN))
            dialog.password.setText("a password")
            dialog.reason.setPlainText("Single episode 12 years ago, stable since; BP rechecked "
                                  "after rest; benefit outweighs the risk")
            app.processEvents()
            _save(dialog, out / f"override-dialog{suffix}.png")
            dialog.reject()
            window.ticker.stop()
            window.close()
            window.deleteLater()
            app.processEvents()


def _monitors_shot(out: Path, suffix: str) -> None:
    """Clinic ▸ Monitors: a Mindray gateway with five beds, a GE monitor and a Philips
    Information Center heard from for forty minutes, two of the gateway's beds and the GE
    monitor on chairs."""
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.core.oru_build import Flavour
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.monitors_dialog import MonitorsDialog
    from tests.people import ADMIN, FAST_HASHER, add_people, login_as
    from tests.ui.test_monitors_dialog import GE, MINDRAY, heard
    from tools.room_scene import START

    with _scratch("monitors") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "room.db", clock, hasher=FAST_HASHER,
                        create=True) as store:
            add_people(store)
            for _ in range(6):
                for chair in range(1, 6):
                    heard(store, MINDRAY, f"INFUSION^^Chair{chair}")
                heard(store, GE, "", flavour=Flavour.GE)
                heard(store, ("PHILIPS_PIIC", "ROOM B"), "INF^^Bed 6")
                clock.advance(minutes=7)
            login_as(store, ADMIN)
            clock.advance(minutes=3)
            store.map_monitor_bed(*MINDRAY, "INFUSION^^Chair1", "1")
            clock.advance(minutes=2)
            store.map_monitor_bed(*MINDRAY, "INFUSION^^Chair2", "2")
            store.map_monitor_bed(*GE, "", "Window 4")
            app = application()
            dialog = MonitorsDialog(store)
            dialog.show()
            app.processEvents()
            _save(dialog, out / f"monitors-dialog{suffix}.png")
            dialog.reject()
            dialog.deleteLater()
            app.processEvents()


def _monitor_feed_shots(out: Path, suffix: str) -> None:
    """Chair 3's monitor on its bed's map, sending a set every three minutes through an
    infusion; the nurse accepted most, marked one (a cuff moved) an artifact, and the last
    few wait: the room (monitor-tile.png) and the chair's page (monitor-chart.png)."""
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.core.monitor_readings import artifact_reasons
    from ketamonitor.core.oru_build import build_oru, observation
    from ketamonitor.core.phases import Action
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.main_window import MainWindow
    from tests.charting import Charting
    from tests.monitor_frames import journal_and_read
    from tests.people import ADMIN, FAST_HASHER, NURSE, add_people, login_as
    from tests.room.test_room_readings import APP
    from tools.room_scene import START

    def send(clock: FakeClock, store: Store, number: int, systolic: int, diastolic: int,
             heart_rate: int, spo2: int) -> None:
        raw = build_oru([observation(150021, systolic), observation(150022, diastolic),
                         observation(147842, heart_rate), observation(150456, spo2)],
                        control_id=f"S{number}", observed_at=clock.now())
        journal_and_read(store, raw)

    with _scratch("monitor-feed") as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "room.db", clock, hasher=FAST_HASHER,
                        create=True) as store:
            add_people(store)
            login_as(store, ADMIN)
            store.map_monitor_bed(APP, "INFUSION", "INFUSION^^Chair1", "3")
            login_as(store, NURSE)
            charting = Charting(store, clock)
            for chair, mrn in (("1", "MRN-2001"), ("2", "MRN-2002")):
                session_id = charting.session(patient=charting.patient(mrn), chair=chair)
                charting.ready_to_start(session_id)
                store.change_phase(session_id, Action.START_INFUSION)
                clock.advance(minutes=4)
            chair3 = charting.started(patient=charting.patient("MRN-2003"))
            app = application()
            window = MainWindow(store)
            window.idle_lock = False
            window.automatic_backups = False
            window.ticker.stop()  # the moments are set here, not by a running clock
            window.resize(1366, 768)
            window.show()
            page = window.open_session(chair3)
            sets = [(128, 80, 78, 98), (134, 84, 82, 98), (141, 88, 86, 97),
                    (146, 90, 88, 97), (212, 64, 118, 97), (150, 92, 90, 96),
                    (148, 90, 88, 96), (152, 94, 92, 96), (149, 92, 90, 96),
                    (154, 95, 93, 95)]
            for number, values in enumerate(sets):
                clock.advance(minutes=3)
                send(clock, store, number, *values)
                window.tick()
                if number == 4:  # the cuff moved: an artifact
                    artifact = page.open_artifact_dialog()
                    assert artifact is not None
                    artifact.reason_buttons[0].setChecked(True)
                    artifact.details.setText("arm moved during the NIBP")
                    artifact.submit()
                    assert not artifact.isVisible()
                elif number < 7:
                    assert page.accept_reading() is not None
            reason = artifact_reasons()[0].label
            assert any(mark.reason.startswith(reason) for _, mark in page.chart.artifacts)
            clock.advance(seconds=40)
            window.tick()
            app.processEvents()
            _save(window, out / f"monitor-chart{suffix}.png")
            window.show_room()
            app.processEvents()
            _save(window, out / f"monitor-tile{suffix}.png")
            window.close()
            window.deleteLater()
            app.processEvents()


@contextmanager
def _scratch(name: str) -> Iterator[str]:
    """A folder with the same name every run: the status bar shows the database's path, and a
    random one would change every picture each time they are made. One per use, since they
    nest (the demo's folder must outlive the room's)."""
    folder = Path(tempfile.gettempdir()) / "ketamonitor-screenshots" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield str(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _save(window: QWidget, path: Path) -> None:
    window.grab().save(str(path))
    sys.stdout.write(f"{path}\n")


if __name__ == "__main__":
    sys.exit(main())
