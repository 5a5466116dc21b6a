"""The session page and the room at 1366x768 (and 1920x1080): nothing moves under a nurse's
hand, nothing is cut off, the window stays on the screen (issue 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.phases import Action, Phase
from ketamonitor.ui.live_text import LiveText
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.session import SessionPage
from tests.charting import EARLY_END
from tests.people import PHYSICIAN, login_as
from tests.ui.test_whole_session import enter_vitals, show_tab, type_into
from tools.room_scene import NOW, build_room

SIZES = [(1366, 768), (1920, 1080)]


def settle() -> None:
    """Let Qt run the layout passes a change asked for (posted, not done at once)."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def at_size(qtbot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    settle()


def fully_shown(widget: QWidget, window: QWidget) -> bool:
    """Shown whole: no part of it outside any parent (a scroll area's viewport, a tab, a
    splitter's side) nor outside the window."""
    if not widget.isVisible():
        return False
    area = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if not QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()).contains(area):
            return False
        parent = parent.parentWidget()
    return window.rect().contains(area)


def saying(page: SessionPage, words: str) -> list[QLabel]:
    """The labels on the page, as shown, whose text says `words`."""
    return [label for label in page.findChildren(QLabel)
            if label.isVisible() and words in label.text()]


@pytest.fixture
def two_alerts(charting, store, clock) -> int:
    """An infusion with a BP over the stop line, then a check overdue: two alerts waiting."""
    session_id = charting.started()
    clock.advance(minutes=5)
    charting.bp(session_id, 186, 112)
    clock.advance(minutes=20)  # the next check was due 10 minutes after that BP
    return session_id


# -- 1. nothing inserted above the form moves it ---------------------------------------------


def test_a_reminder_coming_due_moves_nothing_and_keeps_the_typing(qtbot, window, charting,
                                                                  clock):
    session_id = charting.started()
    page = window.open_session(session_id)
    settle()
    systolic = page.vitals_form.inputs["systolic"]
    type_into(qtbot, systolic, "128")
    type_into(qtbot, page.vitals_form.inputs["diastolic"], "8")
    form_at = page.form_frame.mapToGlobal(QPoint(0, 0))
    systolic_at = systolic.mapToGlobal(QPoint(0, 0))
    assert page.alerts.rows == []

    for minutes, words in ((10, "BP check due"), (10, "BP check overdue")):
        clock.advance(minutes=minutes)
        window.tick()
        settle()
        assert any(words in row.text.text() for row in page.alerts.rows)
        assert page.form_frame.mapToGlobal(QPoint(0, 0)) == form_at
        assert systolic.mapToGlobal(QPoint(0, 0)) == systolic_at
    assert systolic.text() == "128"
    assert page.vitals_form.inputs["diastolic"].text() == "8"
    assert window.height() <= 768


# -- 2. timers past an hour, whole -------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_page_timers_show_every_digit_past_ten_hours(qtbot, window, charting, clock,
                                                         width, height):
    """A session left running overnight: 'Infusion time over by 9:54:…' showed as '9:5…'."""
    session_id = charting.started()
    page = window.open_session(session_id)
    at_size(qtbot, window, width, height)
    clock.advance(minutes=10 * 60 + 32)
    window.tick()
    settle()
    assert page.timer.values["in_phase"].text() == "10:32:00"
    for name, value in page.timer.values.items():
        assert not value.is_elided(), (name, value.text(), value.width())


def test_the_room_tiles_show_their_timers_whole(qtbot, window, store, clock):
    """Six chairs, most with two or three alerts, on a large screen and then at 1366x768:
    tiles grown tall by a third alert kept it, and their type, and a chair's time in
    phase showed as '1…'."""
    build_room(store, clock)
    clock.set(NOW + timedelta(minutes=94))
    window.room.reload()
    window.show_room()
    for width, height in (*reversed(SIZES), *SIZES):
        at_size(qtbot, window, width, height)
        window.tick()
        settle()
        tiles = window.room_page.tiles
        assert len(tiles) == 6
        assert any(tile.phase_time.text().startswith("1:") for tile in tiles)  # past an hour
        for tile in tiles:
            for text in tile.findChildren(LiveText):
                assert not text.is_elided(), (width, tile.chair.text(), text.text())
            assert len(tile.alerts.rows) <= (2 if height == 768 else 3)


# -- 3. the newest vitals in view ----------------------------------------------------------------


def test_the_newest_vitals_set_is_in_view_after_a_save(qtbot, window, charting, clock):
    session_id = charting.started()
    for _ in range(14):
        clock.advance(minutes=3)
        charting.bp(session_id, 128, 80)
    page = window.open_session(session_id)
    settle()
    clock.advance(minutes=3)
    enter_vitals(qtbot, page, systolic="131", diastolic="83")
    settle()
    table = page.vitals_table
    last = page.vitals_model.rowCount() - 1
    assert page.vitals_model.row_value(last).entry.current.systolic == 131
    shown = table.visualRect(page.vitals_model.index(last, 0))
    assert table.viewport().rect().contains(shown), (shown, table.viewport().rect())


# -- 4. the window stays on the screen, everything in it whole ------------------------------


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_two_alerts_keep_the_window_on_the_screen_and_the_chart_whole(
        qtbot, window, two_alerts, width, height):
    page = window.open_session(two_alerts)
    at_size(qtbot, window, width, height)
    window.tick()
    settle()
    assert len(page.alerts.rows) == 2
    assert window.height() <= height
    canvas = page.chart_view.canvas
    seen = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    for key, panel in page.chart_view.plot.panels.items():
        assert seen.contains(panel.plot.sceneBoundingRect()), key
        assert panel.view.sceneBoundingRect().height() >= 20, key
    assert seen.contains(page.chart_view.plot.minutes_axis.sceneBoundingRect())
    for row in page.alerts.rows:
        assert fully_shown(row.button, window), row.text.text()
    show_tab(page, "Alerts")
    settle()
    assert fully_shown(page.alerts_table, window)
    show_tab(page, "Dissociation")
    settle()
    assert fully_shown(page.dissociation.save, window)
    show_tab(page, "Side effects")
    settle()
    assert fully_shown(page.side_effects.add, window)
    show_tab(page, "Vitals")


def test_the_window_never_grows_past_the_screen_as_alerts_come(qtbot, window, charting,
                                                               store, clock):
    """Alerts come one after another (a check due, overdue, a side effect, the infusion time
    reached): the window stays 768 pixels high throughout."""
    session_id = charting.started()
    window.open_session(session_id)
    settle()
    for minutes in (10, 5, 5, 5, 20):
        clock.advance(minutes=minutes)
        window.tick()
        settle()
        assert window.height() <= 768
        assert window.minimumSizeHint().height() <= 768
    effects = store.library.checklist("side_effects")
    store.record_checklist_answer(session_id, checklist_answer(
        effects, "nausea", "present", clock.now(), severity="severe"))
    window.session_charted(session_id)
    settle()
    assert len(window.current_session().alerts.rows) >= 3
    assert window.height() <= 768
    # and no layout asks for more: a window manager would otherwise grow it past the screen
    assert window.minimumSizeHint().height() <= 768


def test_an_alert_is_said_once_and_goes_when_acknowledged(qtbot, window, two_alerts, prompts):
    page = window.open_session(two_alerts)
    window.tick()
    settle()
    words = "BP 186/112 above the stop line"
    assert len(saying(page, words)) == 1  # its alert row, and no box repeating it
    alert_id = next(row.record_id for row in page.alerts.rows if words in row.text.text())
    prompts.reason_answer = "Physician informed; infusion paused"
    assert window.acknowledge(alert_id)
    settle()
    assert saying(page, words) == []
    assert saying(page, "hold the infusion and call the physician") == []


# -- esketamine: no device in observation --------------------------------------------------------


def test_no_device_is_offered_once_dosing_is_over(qtbot, window, charting, store, clock,
                                                   prompts):
    """One device of two given, then dosing stopped early: observation offers no device."""
    session_id = charting.session("intranasal-esketamine", devices="2")
    charting.ready_to_start(session_id)
    store.record_device(session_id, "LOT-77A")
    clock.advance(minutes=5)
    store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="Patient declined")
    page = window.open_session(session_id)
    at_size(qtbot, window, 1366, 768)
    assert page.chart.phase is Phase.OBSERVATION
    assert not page.devices.button.isVisible()
    assert not page.devices.lot.isVisible()
    assert "Give device" not in page.next_step.text()
    assert saying(page, "Give device") == []


def test_the_esketamine_list_before_the_first_device_keeps_the_chart_on_the_screen(
        qtbot, window, charting, clock):
    """Nothing charted yet but a high BP: the list of what is missing before 'Give device
    1 of 2' is long, and it once pushed the chart below the screen's edge."""
    session_id = charting.session("intranasal-esketamine", devices="2")
    charting.bp(session_id, 168, 102)
    page = window.open_session(session_id)
    at_size(qtbot, window, 1366, 768)
    window.tick()
    settle()
    assert "Before “Give device 1 of 2”" in page.next_step.text()
    assert page.alerts.rows
    assert window.height() <= 768
    assert window.minimumSizeHint().height() <= 768
    canvas = page.chart_view.canvas
    seen = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert seen.contains(page.chart_view.plot.minutes_axis.sceneBoundingRect())
    assert fully_shown(canvas, window)


def test_a_finished_chart_under_review_fits_the_screen(qtbot, window, charting, store,
                                                         clock):
    """The physician's review of a finished chart: the signature panel above, and no
    empty action bar nor empty attention slot to push the window past 768 pixels."""
    session_id = charting.started()
    charting.bp(session_id, 186, 112)  # a flag, history once the chart is finished
    clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="Patient unwell")
    login_as(store, PHYSICIAN)
    page = window.open_session(session_id)
    at_size(qtbot, window, 1366, 768)
    window.tick()
    settle()
    assert page.chart.phase.is_finished
    assert page.signature_panel.isVisible()
    assert window.height() <= 768
    assert window.minimumSizeHint().height() <= 768
    assert not page.action_bar.isVisible()
    assert saying(page, "hold the infusion") == []
    canvas = page.chart_view.canvas
    seen = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert seen.contains(page.chart_view.plot.minutes_axis.sceneBoundingRect())
