"""A chart opened from the review queue is read-only; a late entry is the one way to add a
set to a finished, unsigned chart, and it is marked late on the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QPlainTextEdit

from ketamonitor.core.phases import Action
from tests.charting import EARLY_END
from tests.people import PHYSICIAN, login_as

MONTH = 30 * 24 * 60


@pytest.fixture
def discharged(charting, store, clock) -> int:
    """A session charted through to discharge, a month ago."""
    session_id = charting.started()
    charting.through_observation(session_id)
    charting.answer_all(session_id, "discharge")
    charting.aldrete(session_id)
    store.change_phase(session_id, Action.DISCHARGE)
    clock.advance(minutes=MONTH)
    return session_id


def typed_keys(qtbot, keys: str) -> None:
    """Keys as a nurse types them, into whatever has the focus ('|' for Tab, '$' for Enter)."""
    for key in keys:
        target = QApplication.focusWidget()
        assert target is not None
        if key == "|":
            qtbot.keyClick(target, Qt.Key.Key_Tab)
        elif key == "$":
            qtbot.keyClick(target, Qt.Key.Key_Return)
        else:
            qtbot.keyClicks(target, key)


def test_a_chart_opened_from_the_review_queue_is_read_only_and_typing_saves_nothing(
        qtbot, window, store, discharged):
    login_as(store, PHYSICIAN)
    window.session_charted(discharged)
    queue = window.show_review()
    queue.table.selectRow(0)
    queue.table.setFocus()
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    page = window.session_pages[discharged]
    assert window.pages.currentWidget() is page
    before = len(store.chart(discharged).vitals)
    assert page.read_only_reason.isVisible()
    assert "read-only" in page.read_only_reason.text()
    assert "Discharged at" in page.read_only_reason.text()
    assert not page.form_frame.isVisible()
    assert not any(button.isVisible() for button in page.action_buttons.values())
    assert not page.note_text.isVisible()
    assert page.late_button.isVisible()
    assert not isinstance(QApplication.focusWidget(), (QLineEdit, QPlainTextEdit))

    typed_keys(qtbot, "120|80|70|98|14$")

    assert len(store.chart(discharged).vitals) == before
    assert window.pages.currentWidget() is page


def test_a_late_entry_is_charted_with_its_date_time_and_reason_and_shown_late(
        qtbot, window, store, discharged, prompts):
    page = window.open_session(discharged)
    began = store.chart(discharged).session.began_at
    qtbot.mouseClick(page.late_button, Qt.MouseButton.LeftButton)
    dialog = page.late_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.fields["date"].text() == "2026-11-23"
    taken = began + timedelta(minutes=20)
    dialog.fields["time"].setText(f"{taken:%H:%M}")
    for name, text in (("systolic", "131"), ("diastolic", "83"), ("heart_rate", "71")):
        dialog.fields[name].setText(text)
    dialog.save_button.click()
    assert "why" in dialog.errors.text("reason")  # refused without a reason; dialog stays
    assert dialog.isVisible()
    dialog.fields["reason"].setText("Written on paper while the monitor was down")
    dialog.save_button.click()
    assert not dialog.isVisible()
    late = [entry for entry in store.chart(discharged).vitals if entry.is_late]
    assert len(late) == 1 and late[0].current.systolic == 131
    row = next(r for r in range(page.vitals_model.rowCount())
               if page.vitals_model.row_value(r).entry.is_late)
    assert page.vitals_model.index(row, 0).data() == f"{taken:%H:%M}  late"
    entered = page.vitals_model.index(row, 6).data()
    assert "on Wed 23 Dec 2026" in entered and "(late entry)" in entered
    tip = page.vitals_model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Written on paper while the monitor was down" in tip
    assert prompts.problems == []


def test_a_late_entry_outside_the_session_is_refused_beside_the_time(qtbot, window, store,
                                                                     discharged):
    page = window.open_session(discharged)
    dialog = page.open_late_entry()
    dialog.fields["date"].setText("2026-12-23")
    dialog.fields["time"].setText("06:00")
    dialog.fields["heart_rate"].setText("70")
    dialog.fields["reason"].setText("forgot")
    dialog.submit()
    assert "after the session ended" in dialog.errors.text("time")
    assert dialog.isVisible()
    dialog.close()


def test_the_late_entry_dialog_closes_by_its_button_by_esc_and_with_the_window(
        qtbot, window, discharged):
    page = window.open_session(discharged)
    dialog = page.open_late_entry()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible()
    dialog = page.open_late_entry()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    dialog = page.open_late_entry()
    assert dialog.isVisible()
    window.close()
    assert not dialog.isVisible()


def test_a_running_chart_offers_no_late_entry_and_its_form_has_the_focus(qtbot, window,
                                                                         charting):
    page = window.open_session(charting.started())
    assert not page.late_button.isVisible() and page.form_frame.isVisible()
    assert QApplication.focusWidget() is page.vitals_form.inputs["systolic"]


def test_the_charts_time_axis_spans_the_session_with_a_late_entry_in_it(
        qtbot, window, store, discharged):
    from ketamonitor.plotting.session_plot import BP

    page = window.open_session(discharged)
    plot = page.chart_view.plot
    before = plot.panels[BP].view.viewRange()[0]
    dialog = page.open_late_entry()
    taken = store.chart(discharged).session.began_at + timedelta(minutes=20)
    dialog.fields["time"].setText(f"{taken:%H:%M}")
    dialog.fields["heart_rate"].setText("71")
    dialog.fields["reason"].setText("on paper")
    dialog.submit()
    assert not dialog.isVisible()
    low, high = plot.panels[BP].view.viewRange()[0]
    assert (low, high) == pytest.approx(before)
    assert high - low < 24 * 60  # the session's hours, not the month since


def test_finished_today_dates_an_arrival_of_another_day(qtbot, window, store, charting, clock):
    session_id = charting.session()
    clock.advance(minutes=17 * 60)  # past midnight: 00:30 on Tuesday
    window.tick()  # the room's new day: the session, still running, stays in it
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="Patient declined")
    window.session_charted(session_id)
    window.show_room()
    model = window.room_page.finished_model
    assert model.rowCount() == 1
    assert model.index(0, 4).data() == "07:30 on Mon 23 Nov 2026"
    assert model.index(0, 6).data() == "00:30"
