"""The session chart on the page, read back through what its plot items hold."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from ketamonitor.core.chart_marks import MarkKind
from ketamonitor.core.entries import checklist_answer, note_draft
from ketamonitor.core.flags import Level
from ketamonitor.core.phases import Action, Phase
from ketamonitor.plotting.session_plot import BP, EVENTS, SessionPlot
from ketamonitor.ui.session import SessionPage


@pytest.fixture(autouse=True)
def every_mouse_move_counts():
    """pyqtgraph drops a mouse move that comes within 10 ms of the last (its mouseRateLimit,
    to thin a real mouse's flood); a test's moves come that fast, and one dropped left the
    readout on the reading before (a flaky failure). Every move is delivered here."""
    before = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", before)


def known_session(store, charting, clock) -> int:
    """Baseline 124/80 at -2 min, dose at 0, 150/92 at 10, 186/112 with HR 128 and SpO2 91
    at 20, paused at 21 (nausea charted at 22, a note at 25), resumed at 26, 132/84 at 30."""
    session_id = charting.session()
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.change_phase(session_id, Action.START_INFUSION)
    clock.advance(minutes=10)
    charting.bp(session_id, 150, 92)
    clock.advance(minutes=10)
    charting.vitals(session_id, systolic="186", diastolic="112", heart_rate="128", spo2="91",
                    respiratory_rate="16")
    clock.advance(minutes=1)
    store.change_phase(session_id, Action.PAUSE_INFUSION, reason="BP above the stop line")
    clock.advance(minutes=1)
    effects = store.library.checklist("side_effects")
    store.record_checklist_answer(session_id, checklist_answer(
        effects, "nausea", "present", clock.now(), severity="moderate",
        intervention="ondansetron"))
    clock.advance(minutes=3)
    store.record_note(session_id, note_draft("Calm, resting with eyes closed", clock.now()))
    clock.advance(minutes=1)
    store.change_phase(session_id, Action.RESUME_INFUSION)
    clock.advance(minutes=4)
    charting.bp(session_id, 132, 84)
    return session_id


def plot_of(page: SessionPage) -> SessionPlot:
    return page.chart_view.plot


def data(item) -> tuple[list[float], list[float]]:
    """The points an item was given (a curve's own, before clipping to the view)."""
    x, y = (item.xData, item.yData) if hasattr(item, "xData") else item.getData()
    return ([round(v, 3) for v in x], [float(v) for v in y]) if x is not None else ([], [])


def wheel(page: SessionPage, panel: str, steps: int) -> None:
    """Turn the mouse wheel over the middle of a panel, as a user zooming the time."""
    canvas = page.chart_view.canvas
    view = plot_of(page).panels[panel].view
    where = canvas.mapFromScene(view.sceneBoundingRect().center())
    event = QWheelEvent(QPointF(where), QPointF(canvas.viewport().mapToGlobal(where)),
                        QPoint(0, 0), QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas.viewport(), event)


def point_on_screen(page: SessionPage, panel: str, x: float, y: float) -> QPoint:
    view = plot_of(page).panels[panel].view
    return page.chart_view.canvas.mapFromScene(view.mapViewToScene(QPointF(x, y)))


def test_the_readings_are_drawn_where_they_were_taken(window, store, charting, clock):
    session_id = known_session(store, charting, clock)
    plot = plot_of(window.open_session(session_id))
    assert data(plot.systolic) == ([-2, 10, 20, 30], [124, 150, 186, 132])
    assert data(plot.diastolic) == ([-2, 10, 20, 30], [80, 92, 112, 84])
    assert data(plot.measures["heart_rate"].curves["y"]) == ([-2, 10, 20, 30], [76, 76, 128, 76])
    assert data(plot.measures["spo2"].curves["y"]) == ([-2, 10, 20, 30], [98, 98, 91, 98])
    assert data(plot.measures["respiratory_rate"].curves["y"])[1] == [14, 14, 16, 14]
    # beyond the protocol's lines: ringed where they cross, a circle for "act now"
    assert data(plot.bp.rings[Level.HIGH][1]) == ([20], [186])
    assert data(plot.measures["heart_rate"].rings[Level.HIGH][1]) == ([20], [128])
    assert data(plot.measures["spo2"].rings[Level.HIGH][1]) == ([20], [91])
    assert data(plot.bp.rings[Level.CAUTION][1]) == ([], [])
    assert plot.bp.rings[Level.HIGH][1].opts["symbol"] == "o"
    assert plot.bp.rings[Level.CAUTION][1].opts["symbol"] == "s"


def test_phases_are_shaded_in_every_panel_and_named(window, store, charting, clock):
    session_id = known_session(store, charting, clock)
    plot = plot_of(window.open_session(session_id))
    assert [span.phase for span in plot.spans] == [
        Phase.PRE_INFUSION, Phase.INFUSING, Phase.PAUSED, Phase.INFUSING]
    for panel in plot.panels.values():
        shaded = [(round(start, 3), round(end, 3), phase)
                  for start, end, phase in panel.shade.spans]
        assert shaded == [(-2, 0, Phase.PRE_INFUSION), (0, 21, Phase.INFUSING),
                          (21, 26, Phase.PAUSED), (26, 30, Phase.INFUSING)]  # the last: now
    assert [label.toPlainText() for label in plot.phase_labels] == [
        "Baseline", "Infusing", "Paused", "Infusing"]


def test_the_protocols_lines_are_drawn_with_their_numbers(window, store, charting, clock):
    session_id = known_session(store, charting, clock)
    plot = plot_of(window.open_session(session_id))
    limits = store.chart(session_id).protocol.thresholds
    assert {key: line.value() for key, line in plot.thresholds.items()} == {
        "stop_systolic_above": limits.stop_systolic_above,
        "stop_diastolic_above": limits.stop_diastolic_above,
        "heart_rate_above": limits.heart_rate_above,
        "heart_rate_below": limits.heart_rate_below,
        "spo2_below": limits.spo2_below,
        "respiratory_rate_below": limits.respiratory_rate_below,
        "respiratory_rate_above": limits.respiratory_rate_above,
    }
    right = plot.panels[BP].plot.getAxis("right")
    assert [text for _value, text in right._tickLevels[0]] == [
        str(limits.stop_systolic_above), str(limits.stop_diastolic_above)]
    # the pre-dose line runs over the baseline only, up to the dose
    x, y = data(plot.predose)
    assert (x, y) == ([-2, 0, -2, 0], [limits.predose_systolic_above] * 2
                      + [limits.predose_diastolic_above] * 2)


def test_events_are_marked_with_their_words(window, store, charting, clock):
    session_id = known_session(store, charting, clock)
    plot = plot_of(window.open_session(session_id))
    x, _y = data(plot.events)
    assert x == [0, 21, 22, 25, 26]
    assert [mark.kind for mark in plot.marks] == [
        MarkKind.PHASE, MarkKind.PHASE, MarkKind.SIDE_EFFECT, MarkKind.NOTE, MarkKind.PHASE]
    assert plot.marks[1].text == "Pause infusion: BP above the stop line"
    assert plot.marks[2].text == "Nausea (moderate); given: Ondansetron"
    assert plot.marks[3].text == "Note: Calm, resting with eyes closed"
    assert [point.symbol() for point in plot.events.points()] == ["d", "d", "x", "s", "d"]


def test_a_new_reading_is_added_without_resetting_the_view(qtbot, window, store, charting,
                                                           clock):
    session_id = known_session(store, charting, clock)
    page = window.open_session(session_id)
    plot = plot_of(page)
    first = plot.readings[0]
    whole = plot.panels[BP].view.viewRange()[0]
    wheel(page, BP, 3)  # zoom in on the time
    zoomed = plot.panels[BP].view.viewRange()[0]
    assert zoomed[1] - zoomed[0] < whole[1] - whole[0]
    assert not plot.following
    assert page.chart_view.reset_button.isVisible()
    clock.advance(minutes=10)
    page.save_vitals({"systolic": "128", "diastolic": "82", "heart_rate": "74"})
    assert data(plot.systolic) == ([-2, 10, 20, 30, 40], [124, 150, 186, 132, 128])
    assert data(plot.measures["heart_rate"].curves["y"])[0] == [-2, 10, 20, 30, 40]
    assert data(plot.measures["spo2"].curves["y"])[0] == [-2, 10, 20, 30]  # not taken
    assert plot.readings[0] is first  # appended to what was drawn, not redrawn
    assert plot.panels[BP].view.viewRange()[0] == pytest.approx(zoomed)
    assert plot.panels["heart_rate"].view.viewRange()[0] == pytest.approx(zoomed)


def test_one_key_brings_back_the_whole_session_and_follows_it_again(qtbot, window, store,
                                                                     charting, clock):
    session_id = known_session(store, charting, clock)
    page = window.open_session(session_id)
    plot = plot_of(page)
    whole = plot.panels[BP].view.viewRange()[0]
    wheel(page, BP, 3)
    page.chart_view.canvas.setFocus()
    qtbot.keyClick(page.chart_view.canvas, Qt.Key.Key_R)
    assert plot.following
    assert plot.panels[BP].view.viewRange()[0] == pytest.approx(whole)
    assert not page.chart_view.reset_button.isVisible()
    clock.advance(minutes=30)
    page.save_vitals({"systolic": "128", "diastolic": "82"})
    low, high = plot.panels[BP].view.viewRange()[0]
    assert low == pytest.approx(whole[0]) and high > 60  # following: the new reading shows


def test_hovering_near_a_reading_shows_its_values_time_and_who_entered_it(qtbot, window, store,
                                                                          charting, clock):
    session_id = known_session(store, charting, clock)
    page = window.open_session(session_id)
    plot = plot_of(page)
    near = point_on_screen(page, BP, 20, 186) + QPoint(6, 5)
    qtbot.mouseMove(page.chart_view.canvas.viewport(), near)
    assert plot.hovered is not None and plot.hovered.reading is not None
    assert plot.hovered.reading.entry.current.systolic == 186
    shown = plot.readout.toPlainText()
    assert "07:52 · 20 min after dose start" in shown
    assert "BP 186/112 (MAP 137)  HR 128/min  SpO2 91 %  RR 16/min" in shown
    assert "entered by nurse.ana at 07:52" in shown
    assert "above the stop line" in shown
    assert plot.readout.isVisible()
    # the nearest of two: between 10 and 20 min, closer to 10, on the diastolic caret
    qtbot.mouseMove(page.chart_view.canvas.viewport(), point_on_screen(page, BP, 10.3, 92))
    assert plot.hovered is not None and plot.hovered.reading.entry.current.systolic == 150
    # the same reading from the heart-rate panel
    qtbot.mouseMove(page.chart_view.canvas.viewport(),
                    point_on_screen(page, "heart_rate", 29.8, 76))
    assert plot.hovered.reading.entry.current.systolic == 132
    # far from any reading: nothing
    qtbot.mouseMove(page.chart_view.canvas.viewport(), point_on_screen(page, BP, 5, 190))
    assert plot.hovered is None and not plot.readout.isVisible()


def test_hovering_a_marker_shows_the_event(qtbot, window, store, charting, clock):
    session_id = known_session(store, charting, clock)
    page = window.open_session(session_id)
    plot = plot_of(page)
    qtbot.mouseMove(page.chart_view.canvas.viewport(), point_on_screen(page, EVENTS, 21, 0.5))
    assert plot.hovered is not None
    assert "07:53 · Pause infusion: BP above the stop line" in plot.readout.toPlainText()


def test_a_correction_redraws_the_corrected_value(qtbot, window, store, charting, clock):
    session_id = known_session(store, charting, clock)
    page = window.open_session(session_id)
    entry = store.chart(session_id).bp_sets()[1]
    page.correct_vitals(entry.id, {"systolic": "140"}, "typed 150 for 140")
    assert data(plot_of(page).systolic)[1] == [124, 140, 186, 132]
    page.strike_vitals(entry.id, "wrong patient")
    assert data(plot_of(page).systolic)[1] == [124, 186, 132]


def test_alerts_are_marked_in_the_events_strip(qtbot, window, store, charting, clock):
    session_id = charting.started()
    page = window.open_session(session_id)
    clock.advance(minutes=20)
    page.save_vitals({"systolic": "186", "diastolic": "112"})  # the room raises an alert
    plot = plot_of(page)
    alerts = [m for m in plot.marks if m.kind is MarkKind.ALERT]
    assert len(alerts) == 1 and "186/112" in alerts[0].text
    assert data(plot.events)[0][-1] == 20
    assert plot.events.points()[-1].symbol() == "star"


def test_a_session_just_begun_counts_minutes_from_arrival(qtbot, window, store, charting,
                                                          clock):
    session_id = charting.session()
    clock.advance(minutes=4)
    page = window.open_session(session_id)
    plot = plot_of(page)
    assert data(plot.systolic) == ([], [])
    assert plot.minutes_axis.labelText == "minutes from arrival"
    assert plot.panels[BP].shade.spans == ((0, 4, Phase.PRE_INFUSION),)  # arrival to now
    clock.advance(minutes=1)
    page.save_vitals({"systolic": "124", "diastolic": "80"})
    assert data(plot.systolic) == ([5], [124])
    assert plot.panels[BP].shade.spans == ((0, 5, Phase.PRE_INFUSION),)
