"""Issue 21 in the window: a monitor's readings on the tile and the page as they arrive,
marked as not validated; the nurse accepts the latest with one key or marks one an
artifact with a reason; the summary prints what was validated and what was not."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt

from ketamonitor.core.monitor_readings import FROM_MONITOR, artifact_reasons
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.monitor_panel import ACCEPT_KEY, ArtifactDialog
from ketamonitor.ui.room_page import ChairTile
from ketamonitor.ui.session import SessionPage
from tests.people import ADMIN, NURSE, PHYSICIAN, login_as
from tests.room.test_room_readings import APP, feed


@pytest.fixture
def chair3(window: MainWindow, charting, store, clock) -> int:
    """An infusion running in chair 3, whose bed an administrator mapped to it."""
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, "INFUSION", "INFUSION^^Chair1", "3")
    login_as(store, NURSE)
    session_id = charting.started()
    window.room.reload()
    window.show_room()
    return session_id


def tile_of(window: MainWindow, session_id: int) -> ChairTile:
    found = window.room_page.tile_for(session_id)
    assert found is not None
    return found


def press_accept_key(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F9)


def test_the_accept_key_is_f9_and_no_other_shortcut_of_the_window_takes_it(window):
    from PySide6.QtGui import QAction, QShortcut

    assert ACCEPT_KEY == "F9"
    taken = [shortcut.key().toString() for shortcut in window.findChildren(QShortcut)]
    taken += [action.shortcut().toString() for action in window.findChildren(QAction)]
    assert ACCEPT_KEY not in taken  # no session page is open: nothing else has it


def test_readings_show_on_the_tile_as_not_validated_then_the_nurse_validates_them(
        qtbot, window, chair3, store, clock, prompts, tmp_path):
    session_id = chair3
    tile = tile_of(window, session_id)
    assert tile.monitor.isHidden()  # no monitor has sent for this chair yet
    clock.advance(seconds=30)
    feed(store, clock, systolic=142, diastolic=88)
    window.tick()  # the room's tick reads it: no chart read again
    assert not tile.monitor.isHidden()
    assert "Monitor" in tile.monitor.text() and "not validated" in tile.monitor.text()
    assert "BP 142/88" in tile.monitor.text()
    assert "142/88" not in tile.vitals.text()  # not among the validated sets
    clock.advance(seconds=30)
    feed(store, clock, systolic=196, diastolic=114)  # over the stop line
    window.tick()
    assert "BP 196/114" in tile.monitor.text() and "2 waiting" in tile.monitor.text()
    # its alert is raised on this tick, before anyone validated the reading
    [stop_line] = [row for row in tile.alerts.rows if "stop line" in row.text.text()]
    assert "(monitor, not validated)" in stop_line.text.text()

    page = window.open_session(session_id)
    panel = page.monitor_panel
    assert panel.isVisible() and "BP 196/114" in panel.values.text()
    assert panel.accept_button.text() == f"Accept  ({ACCEPT_KEY})"
    press_accept_key(qtbot, window)  # one key: the latest set waiting, as hers
    accepted = page.chart.accepted_readings
    assert [r.vitals.systolic for r in accepted.values()] == [196]
    [vitals_id] = accepted
    entry = next(e for e in page.chart.vitals if e.id == vitals_id)
    assert entry.source == FROM_MONITOR and entry.entered_by == NURSE
    assert sources(page)[vitals_id] == f"Monitor ✓ {NURSE}"
    assert "BP 142/88" in panel.values.text()  # the one left waiting is shown now

    # the other one is an artifact: the dialog, a reason chosen, words of her own
    qtbot.mouseClick(panel.artifact_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in page.findChildren(ArtifactDialog) if d.isVisible()]
    dialog.submit()  # neither chosen nor typed: refused beside the field, dialog kept
    assert dialog.isVisible() and "say why" in dialog.errors.text("reason")
    cuff = artifact_reasons()[0]
    dialog.reason_buttons[0].setChecked(True)
    dialog.details.setText("arm moved")
    dialog.submit()
    assert not dialog.isVisible()
    [(reading, mark)] = page.chart.artifacts
    assert reading.vitals.systolic == 142 and mark.reason == f"{cuff.label}: arm moved"
    assert mark.marked_by == NURSE
    assert "artifact" in page.vitals_tab.artifacts.text() and "142/88" in \
        page.vitals_tab.artifacts.text()
    assert not panel.accept_button.isEnabled()  # nothing waits
    window.show_room()
    assert tile.monitor.isHidden()
    assert "196/114" in tile.vitals.text()  # the accepted set, an ordinary one now

    text = exported_text(qtbot, window, session_id, store, prompts, tmp_path)
    assert "Monitor, validated by" in text and "196/114" in text  # the validated reading
    # the artifact printed as a mark with its reason, and 142/88 nowhere but in it
    assert "Monitor readings marked as artifacts" in text and "arm moved" in text
    assert text.count("142/88") == 1


def test_the_summary_prints_the_reading_validated_from_the_monitor_and_the_artifact(
        qtbot, window, chair3, store, clock, prompts, tmp_path):
    clock.advance(seconds=30)
    feed(store, clock, systolic=142, diastolic=88)
    clock.advance(seconds=30)
    feed(store, clock, systolic=150, diastolic=92)
    window.tick()
    page = window.open_session(chair3)
    press_accept_key(qtbot, window)
    dialog = page.open_artifact_dialog()
    assert dialog is not None
    dialog.reason_buttons[0].setChecked(True)
    dialog.details.setText("arm moved")
    dialog.submit()
    text = exported_text(qtbot, window, chair3, store, prompts, tmp_path)
    assert "Monitor" in text and "150/92" in text
    assert "artifact" in text.lower() and "arm moved" in text


def exported_text(qtbot, window: MainWindow, session_id: int, store, prompts,
                  folder: Path) -> str:
    """The session's summary PDF, exported from its page by a physician, as text."""
    login_as(store, PHYSICIAN)
    page = window.open_session(session_id)
    page.reload()
    out = folder / "summary.pdf"
    page.export_summary(out)
    qtbot.waitUntil(lambda: bool(prompts.infos) or bool(prompts.problems), timeout=20_000)
    assert prompts.problems == []
    text = "\n".join(sheet.extract_text() for sheet in pypdf.PdfReader(out).pages)
    return " ".join(text.split())  # pypdf gives some spaces as tabs


def sources(page: SessionPage) -> dict[int, str]:
    """Each set's Source cell, by its id."""
    model = page.vitals_model
    column = next(c for c in range(model.columnCount())
                  if model.headerData(c, Qt.Orientation.Horizontal) == "Source")
    return {model.row_value(r).entry.id: model.index(r, column).data()
            for r in range(model.rowCount())}


def test_a_stop_line_bp_from_the_monitor_is_on_the_tile_before_anyone_validates_it(
        window, chair3, store, clock):
    clock.advance(seconds=30)
    feed(store, clock, systolic=196, diastolic=114)
    window.tick()
    tile = tile_of(window, chair3)
    assert "not validated" in tile.monitor.text()
    assert any("stop line" in row.text.text() for row in tile.alerts.rows)


def test_an_older_reading_waiting_is_marked_an_artifact_by_choosing_it(
        qtbot, window, chair3, store, clock):
    """A cuff that moved three readings ago: the dialog offers every reading waiting, the
    latest first, and marks the one chosen; the others keep waiting."""
    for systolic in (232, 141, 143, 144):
        clock.advance(minutes=1)
        feed(store, clock, systolic=systolic, diastolic=70)
    window.tick()
    page: SessionPage = window.open_session(chair3)
    dialog = page.open_artifact_dialog()
    assert dialog is not None and dialog.reading.vitals.systolic == 144  # the latest
    offered = [dialog.readings.itemText(n) for n in range(dialog.readings.count())]
    assert [text.split("BP ")[1][:3] for text in offered] == ["144", "143", "141", "232"]
    dialog.readings.setCurrentIndex(3)
    dialog.reason_buttons[0].setChecked(True)
    dialog.submit()
    assert not dialog.isVisible()
    [(reading, _mark)] = page.chart.artifacts
    assert reading.vitals.systolic == 232
    assert [r.vitals.systolic for r in page.chart.pending_readings] == [141, 143, 144]


def test_an_extreme_reading_is_asked_about_before_the_key_charts_it(
        qtbot, window, chair3, store, clock):
    clock.advance(seconds=30)
    feed(store, clock, systolic=35, diastolic=20)
    window.tick()
    page: SessionPage = window.open_session(chair3)
    panel = page.monitor_panel
    press_accept_key(qtbot, window)
    assert page.chart.accepted_readings == {}  # asked, not charted
    assert not panel.confirm.isHidden() and panel.problem.text()
    press_accept_key(qtbot, window)  # again without saying yes: still asked
    assert page.chart.accepted_readings == {}
    panel.confirm.setChecked(True)
    press_accept_key(qtbot, window)
    [reading] = page.chart.accepted_readings.values()
    assert reading.vitals.systolic == 35
    assert panel.confirm.isHidden() and panel.problem.isHidden()


def test_manual_entry_stays_beside_the_monitor(qtbot, window, chair3, store, clock):
    clock.advance(seconds=30)
    feed(store, clock)
    window.tick()
    page = window.open_session(chair3)
    assert page.vitals_form.isVisible() and page.monitor_panel.isVisible()
    assert page.save_vitals({"systolic": "130", "diastolic": "84"}) is not None
    assert set(sources(page).values()) == {"Typed"}
    assert len(page.chart.pending_readings) == 1  # the reading still waits


def test_the_chart_draws_waiting_readings_faint_appended_as_they_come(
        qtbot, window, chair3, store, clock, monkeypatch):
    from tests.ui.test_session_chart import data, every_mouse_move_counts, point_on_screen

    assert every_mouse_move_counts  # its fixture's moves: used below through mouseMove
    for systolic in (140, 144, 148):
        clock.advance(minutes=5)  # apart on screen, for the pointer to tell them apart
        feed(store, clock, systolic=systolic, diastolic=88)
        window.tick()
    page = window.open_session(chair3)
    plot = page.chart_view.plot
    waiting = plot.pending_traces["bp"]
    assert data(waiting.curves["systolic"])[1] == [140, 144, 148]
    assert data(plot.systolic)[1] == [124]  # only the validated: the baseline typed
    # one more reading a tick later: appended to the buffers, the plot not built again
    for trace in (*plot.traces.values(), *plot.pending_traces.values()):
        monkeypatch.setattr(trace, "clear", lambda: pytest.fail("drawn again whole"))
    clock.advance(minutes=5)
    feed(store, clock, systolic=152, diastolic=90)
    window.tick()
    assert data(waiting.curves["systolic"])[1] == [140, 144, 148, 152]
    monkeypatch.undo()
    press_accept_key(qtbot, window)  # the latest: an ordinary point now, faint no more
    assert data(plot.systolic)[1] == [124, 152]
    assert data(waiting.curves["systolic"])[1] == [140, 144, 148]
    dialog = page.open_artifact_dialog()
    assert dialog is not None and dialog.reading.vitals.systolic == 148
    dialog.details.setText("cuff slipped")
    dialog.submit()
    assert data(plot.artifact_marks["bp"])[1] == [148]
    assert plot.artifact_marks["bp"].opts["symbol"] == "x"
    x148 = data(plot.artifact_marks["bp"])[0][0]
    qtbot.mouseMove(page.chart_view.canvas.viewport(), point_on_screen(page, "bp", x148, 148))
    assert plot.hovered is not None and "cuff slipped" in plot.hovered.text
    x140 = data(waiting.curves["systolic"])[0][0]
    qtbot.mouseMove(page.chart_view.canvas.viewport(), point_on_screen(page, "bp", x140, 140))
    assert plot.hovered is not None and "not validated" in plot.hovered.text
