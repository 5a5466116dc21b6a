"""PHQ-9 item 9 in the whole window: the mark on the room tile, the patients page and the
review queue; the physician's risk assessment through its real dialog; signing refused
until it is made, also when item 9 was scored after discharge."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.phases import Action
from ketamonitor.ui.session import SessionPage
from tests.charting import ASSESSMENT
from tests.people import NURSE, PASSWORD, PHYSICIAN
from tests.ui.test_escalation import sign_from_the_page

NEEDED = "Item 9: 2 — assessment needed"


def log_in(window, username: str) -> None:
    window.switch_user()
    form = window.lock.form
    form.username.setText(username)
    form.password.setText(PASSWORD)
    assert form.submit()


def queue_cell(page, row: int, header: str) -> str:
    model = page.model
    column = next(c for c in range(model.columnCount())
                  if model.headerData(c, Qt.Orientation.Horizontal) == header)
    return model.index(row, column).data()


def assess_through_the_dialog(qtbot, page: SessionPage) -> None:
    qtbot.mouseClick(page.risk_button, Qt.MouseButton.LeftButton)
    dialog = page.risk_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.outcome.setCurrentText(ASSESSMENT.outcome)
    dialog.plan.setCurrentText(ASSESSMENT.plan)
    qtbot.keyClicks(dialog.note, "Seen with his sister")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_item_9_marks_the_tile_and_the_patients_page_while_in_the_room(qtbot, window,
                                                                       charting):
    session_id = charting.started()
    charting.phq9(session_id, 2)
    window.session_charted(session_id)
    window.show_room()
    tile = window.room_page.tile_for(session_id)
    assert tile is not None and tile.item9.isVisibleTo(tile)
    assert tile.item9.text() == f"⚠ PHQ-9 {NEEDED}"
    window.show_patients()
    patients = window.patients
    texts = [patients.patients_model.index(0, c).data()
             for c in range(patients.patients_model.columnCount())]
    assert NEEDED in texts
    page = window.open_session(session_id)
    assert page.item9_bar.isVisibleTo(page) and NEEDED in page.item9_line.text()
    assert not page.risk_button.isVisibleTo(page)  # a nurse does not record it


def test_item_9_after_discharge_is_in_the_queue_and_signing_waits_for_the_assessment(
        qtbot, window, store, charting, clock):
    session_id = charting.started()
    charting.through_observation(session_id)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    charting.bp(session_id, 126, 80)
    store.change_phase(session_id, Action.DISCHARGE)
    clock.advance(minutes=5)
    charting.phq9(session_id, 2, "after session")  # answered at the desk on the way out
    dialog = sign_from_the_page(qtbot, window, session_id)
    queue = window.show_review()
    assert queue_cell(queue, 0, "PHQ-9 item 9") == NEEDED
    dialog.password.setText(PASSWORD)
    dialog.submit()
    assert dialog.isVisible()
    assert dialog.errors.text("general") == ("PHQ-9 item 9 answered 2: a physician's risk "
                                             "assessment is needed before signing")
    dialog.reject()
    page = window.open_session(session_id)
    assess_through_the_dialog(qtbot, page)
    assert "Item 9: 2 — assessed" in page.item9_line.text()
    assert "Plan: " + ASSESSMENT.plan in page.item9_line.text()
    qtbot.mouseClick(page.signature_panel.sign_button, Qt.MouseButton.LeftButton)
    page.sign_dialog.password.setText(PASSWORD)
    page.sign_dialog.submit()
    assert store.signatures(session_id)
    assert not page.risk_button.isVisible()  # signed: nothing more to record


def test_the_gap_and_the_assessment_in_the_next_panel_before_discharge(qtbot, window, store,
                                                                      charting):
    session_id = charting.started()
    charting.phq9(session_id, 2)
    charting.through_observation(session_id)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    charting.bp(session_id, 126, 80)
    page = window.open_session(session_id)
    assert ("PHQ-9 item 9 answered 2: a physician's risk assessment is needed before "
            "discharge") in page.next_step.text()
    log_in(window, PHYSICIAN)
    page = window.open_session(session_id)
    assess_through_the_dialog(qtbot, page)
    log_in(window, NURSE)
    page = window.open_session(session_id)
    assert "PHQ-9 item 9" not in page.next_step.text()
    assert page.perform(Action.DISCHARGE)
