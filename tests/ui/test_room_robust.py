"""One bad rule, one bad tick or one clinic-made scale never silences the room: the other
chairs are still judged, the fault is said once (one alert, one log entry, at most one
dialog), and the window keeps ticking."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import ketamonitor.room
import ketamonitor.room.judging
from ketamonitor.core.alerts import AlertKind, Priority
from ketamonitor.core.entries import scale_answer
from ketamonitor.core.library import resource_text
from ketamonitor.store.store import Store
from ketamonitor.ui.main_window import MainWindow
from tests.charting import Charting
from tests.people import FAST_HASHER, add_people

CLINIC_PHQ9 = "clinic_phq9"
CLINIC_PROTOCOL = "clinic-iv-phq9"


@pytest.fixture
def store(db_path: Path, clock, clinic_protocol_folder: Path) -> Iterator[Store]:
    """The clinic's own copy of the PHQ-9 (its own id, item 9 flagged, as the README
    invites) and an IV protocol that scores it, read from the clinic's folder."""
    clinic_protocol_folder.mkdir()
    (clinic_protocol_folder / "our-phq9.toml").write_text(
        resource_text("checklists", "phq9.toml").replace('id = "phq9"',
                                                         f'id = "{CLINIC_PHQ9}"'))
    (clinic_protocol_folder / "our-iv.toml").write_text(
        resource_text("protocols", "iv-racemic-ketamine.toml")
        .replace('id = "iv-racemic-ketamine"', f'id = "{CLINIC_PROTOCOL}"')
        .replace('name = "IV racemic ketamine, 0.5 mg/kg over 40 min"', 'name = "Our IV"')
        .replace('"phq9"', f'"{CLINIC_PHQ9}"'))
    opened = Store.open(db_path, clock, hasher=FAST_HASHER,
                        extra_protocol_folders=[clinic_protocol_folder], create=True)
    assert opened.library.problems == ()
    add_people(opened)
    yield opened
    opened.close()


@pytest.fixture
def chairs(window: MainWindow, charting: Charting) -> dict[str, int]:
    """Chair 1 on the clinic's protocol, chair 2 on the shipped IV one, both infusing."""
    sessions = {
        "1": charting.started(CLINIC_PROTOCOL, chair="1", patient=charting.patient("MRN-1")),
        "2": charting.started(chair="2", patient=charting.patient("MRN-2")),
    }
    window.room.reload()
    window.show_room()
    return sessions


def failing_for(session_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The room's rules raise for one session only, on every judging."""
    real = ketamonitor.room.judging.alert_conditions

    def judged(chart, *args):
        if chart.session.id == session_id:
            raise ZeroDivisionError("a rule the clinic's data never foresaw")
        return real(chart, *args)

    monkeypatch.setattr(ketamonitor.room.judging, "alert_conditions", judged)


def score_item_9(store: Store, session_id: int, clock) -> None:
    scale = store.library.scale(CLINIC_PHQ9)
    scores = {item.key: 0 for item in scale.items} | {"q9": 1}
    store.record_scale_score(session_id, scale_answer(scale, scores, clock.now(),
                                                      "before session"))


def room_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "ketamonitor.room"]


def kinds(window: MainWindow, session_id: int) -> list[str]:
    return [record.kind for record in window.room.state(session_id).alerts]


def test_a_clinic_scale_flags_and_a_failing_rule_leave_the_other_chair_alerted(
        qtbot, window, chairs, charting, store, clock, prompts, monkeypatch, caplog):
    score_item_9(store, chairs["1"], clock)
    window.session_charted(chairs["1"])
    assert kinds(window, chairs["1"]) == [f"{CLINIC_PHQ9}_q9"]  # its kind is its own text

    failing_for(chairs["1"], monkeypatch)
    caplog.set_level(logging.ERROR)
    clock.advance(minutes=1)
    charting.bp(chairs["2"], 196, 118)  # over the stop line
    window.session_charted(chairs["2"])
    for _ in range(10):
        clock.advance(seconds=1)
        window.tick()
    window.show_room()

    assert "bp_above_stop_line" in kinds(window, chairs["2"])
    chair_1 = window.room.state(chairs["1"]).alerts
    assert [(a.kind, a.priority, a.is_active) for a in chair_1] == [
        (f"{CLINIC_PHQ9}_q9", Priority.HIGH, True),  # not cleared while it cannot be judged
        (AlertKind.RULE_FAILED, Priority.HIGH, True)]
    assert chair_1[1].message.startswith("Could not judge the alerts for chair 1")
    logged = room_log(caplog)
    assert len(logged) == 1
    assert "Traceback" in logged[0].getMessage()
    assert "ZeroDivisionError: a rule the clinic's data never foresaw" in logged[0].getMessage()
    assert prompts.problems == []  # no dialog: the alert on the chair says it
    tiles = {tile.session_id: tile for tile in window.room_page.tiles}
    assert any("Could not judge the alerts for chair 1" in row.text.text()
               for row in tiles[chairs["1"]].alerts.rows)
    assert any("above the stop line" in row.text.text() for row in tiles[chairs["2"]].alerts.rows)


def test_a_rule_that_recovers_clears_its_alert_and_a_new_fault_is_raised_again(
        qtbot, window, chairs, clock, monkeypatch, caplog):
    caplog.set_level(logging.ERROR)
    with monkeypatch.context() as patched:
        failing_for(chairs["2"], patched)
        window.tick()
    clock.advance(seconds=1)
    window.tick()  # judged again: the fault has gone, so has its condition
    failed = [a for a in window.room.state(chairs["2"]).alerts
              if a.kind == AlertKind.RULE_FAILED]
    assert len(failed) == 1 and not failed[0].is_active and failed[0].needs_attention

    failing_for(chairs["2"], monkeypatch)
    clock.advance(seconds=1)
    window.tick()
    window.tick()
    failed = [a for a in window.room.state(chairs["2"]).alerts
              if a.kind == AlertKind.RULE_FAILED]
    assert [a.is_active for a in failed] == [False, True]
    assert len(room_log(caplog)) == 2  # one per fault, not one per tick


def test_a_fault_in_the_tick_is_told_once_and_the_room_keeps_ticking(
        qtbot, window, chairs, clock, prompts, monkeypatch, caplog):
    caplog.set_level(logging.ERROR)
    real_tick = window.room.tick

    def broken() -> list:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(window.room, "tick", broken)
    for _ in range(10):
        clock.advance(seconds=1)
        window.tick()
    assert len(prompts.problems) == 1
    title, message = prompts.problems[0]
    assert "something went wrong" in title
    assert "OverflowError: date value out of range" in message
    assert "alerts may not be current" in window.problem.text()
    told = [r for r in caplog.records if r.name == "ketamonitor.ui.main_window"]
    assert len(told) == 1 and told[0].exc_info is not None

    monkeypatch.setattr(window.room, "tick", real_tick)
    clock.advance(seconds=1)
    window.tick()
    assert window.problem.text() == ""  # working again: the line goes


def test_a_fault_while_drawing_the_room_is_told_once_too(qtbot, window, chairs, clock, prompts,
                                                         monkeypatch):
    def broken(*_args) -> None:
        raise KeyError("chair")

    monkeypatch.setattr(window.room_page, "show_room", broken)
    for _ in range(5):
        clock.advance(seconds=1)
        window.tick()
    assert len(prompts.problems) == 1
    assert window.ticker.isActive()


def test_a_chair_whose_times_cannot_be_worked_out_leaves_the_other_tiles_drawn(
        qtbot, window, chairs, clock, prompts, monkeypatch):
    """A protocol number no one meant (an interval of 1e12 minutes) once made the timers
    overflow: the window did not open. Now that chair's tile says so, the others tick."""
    real = ketamonitor.room.ChairState.timers

    def timers(state, now):
        if state.session_id == chairs["1"]:
            raise OverflowError("date value out of range")
        return real(state, now)

    monkeypatch.setattr(ketamonitor.room.ChairState, "timers", timers)
    window.show_room()
    seen = []
    for _ in range(5):
        clock.advance(seconds=1)
        window.tick()
        seen.append(window.room_page.tile_for(chairs["2"]).phase_time.text())
    assert len(set(seen)) == 5  # chair 2's timer goes on, second by second
    broken = window.room_page.tile_for(chairs["1"])
    assert broken.next_check.text().startswith("⚠ Times cannot be shown")
    assert broken.phase_time.text() == "–:––:––"
    assert len(prompts.problems) == 1
    assert "OverflowError" in prompts.problems[0][1]


def test_the_bug_dialog_shows_each_distinct_problem_once(qapp, monkeypatch, caplog):
    """A fault in a slot run every second (outside the tick) reaches the app's excepthook:
    logged each time, shown once per kind and line, not once per second."""
    from ketamonitor.ui import app

    shown = []
    monkeypatch.setattr(app, "_SHOWN_BUGS", app.ShownOnce())
    monkeypatch.setattr(app, "_can_show_dialogs", lambda: True)
    monkeypatch.setattr(app.QMessageBox, "critical",
                        lambda _parent, title, text: shown.append(text))

    def fail(value: int) -> None:
        raise ValueError(f"bad value {value}")  # the message changes; the place does not

    caplog.set_level(logging.ERROR)
    for n in range(5):
        try:
            fail(n)
        except ValueError as error:
            app._report_bug(ValueError, error, error.__traceback__)
    try:
        {}["missing"]
    except KeyError as error:
        app._report_bug(KeyError, error, error.__traceback__)
    assert len(shown) == 2
    assert "ValueError: bad value 0" in shown[0] and "KeyError" in shown[1]
    assert len([r for r in caplog.records if r.name == "ketamonitor.ui.app"]) == 6


def test_the_window_opens_after_login_when_a_chair_cannot_be_drawn(
        qtbot, store, charting, prompts, monkeypatch):
    """An interval of 1e12 minutes once made the first tick overflow, inside the window's
    constructor: nobody could get past the login. Now the window opens and says it once."""
    from ketamonitor.ui.app import application

    charting.started(chair="1", patient=charting.patient("MRN-1"))
    charting.started(chair="2", patient=charting.patient("MRN-2"))

    def timers(state, now):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(ketamonitor.room.ChairState, "timers", timers)
    application()
    main = MainWindow(store, prompts)
    main.idle_lock = False
    main.automatic_backups = False
    qtbot.addWidget(main)
    try:
        main.resize(1366, 768)
        main.show()
        main.show_room()
        assert [tile.phase_time.text() for tile in main.room_page.tiles] == ["–:––:––"] * 2
        assert len(prompts.problems) == 1
    finally:
        main.ticker.stop()
        main.close()
