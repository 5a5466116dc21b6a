"""The physician's override through the session page and its dialog: the holds listed in
the "Next:" panel, "Physician override…" opening the dialog, a wrong password beside its
field with nothing written, and the override then shown on the page."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.phases import Action, Phase
from ketamonitor.ui.override_dialog import OverrideDialog
from tests.people import NURSE, PASSWORD, PHYSICIAN, login_as
from tests.store.test_overrides import held
from tests.ui.test_whole_session import type_into

PSYCHOSIS = "History of psychosis: yes"


def open_dialog(qtbot, page) -> OverrideDialog:
    assert page.override_button.isVisible()
    qtbot.mouseClick(page.override_button, Qt.MouseButton.LeftButton)
    dialog = page.override_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def fill(qtbot, dialog: OverrideDialog, physician: str, password: str, reason: str) -> None:
    dialog.physician.setCurrentIndex(dialog.physician.findData(physician))
    type_into(qtbot, dialog.password, password)
    type_into(qtbot, dialog.reason, reason)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)


def test_the_held_start_is_listed_with_the_override_button(qtbot, window, charting, store):
    session_id = held(charting, store, psychosis_history="yes")
    page = window.open_session(session_id)
    assert "is held until a physician overrides" in page.next_step.text()
    assert PSYCHOSIS in page.next_step.text()
    assert "For the physician" not in page.next_step.text()  # said once, as a hold
    assert page.override_button.isVisible()


def test_no_hold_no_override_button(qtbot, window, charting, store):
    page = window.open_session(held(charting, store))
    assert not page.override_button.isVisible()


def test_a_wrong_password_is_shown_beside_its_field_and_nothing_is_overridden(
        qtbot, window, charting, store):
    page = window.open_session(held(charting, store, psychosis_history="yes"))
    dialog = open_dialog(qtbot, page)
    assert PSYCHOSIS in dialog.items.text()
    assert dialog.physician.currentData() == ""  # a nurse is logged in: choose who
    fill(qtbot, dialog, PHYSICIAN, "a-guess", "benefit outweighs the risk")
    assert dialog.isVisible()
    assert "did not match" in dialog.errors.text("password")
    assert dialog.reason.toPlainText() == "benefit outweighs the risk"  # typing kept
    assert page.chart.overrides == ()
    dialog.reject()


def test_the_physician_and_reason_are_asked_beside_their_fields(qtbot, window, charting,
                                                                 store):
    page = window.open_session(held(charting, store, escort_arranged="no"))
    dialog = open_dialog(qtbot, page)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "physician" in dialog.errors.text("physician")
    fill(qtbot, dialog, PHYSICIAN, PASSWORD, "   ")
    assert dialog.isVisible() and "why" in dialog.errors.text("reason")
    dialog.reject()
    assert page.chart.overrides == ()


def test_the_override_is_charted_shown_and_the_start_goes_ahead(qtbot, window, charting,
                                                                store, clock):
    page = window.open_session(held(charting, store, psychosis_history="yes"))
    dialog = open_dialog(qtbot, page)
    fill(qtbot, dialog, PHYSICIAN, PASSWORD, "Stable for years; benefit outweighs the risk")
    assert not dialog.isVisible()
    (given,) = page.chart.overrides
    assert (given.physician, given.entered_by, given.items) == (PHYSICIAN, NURSE,
                                                                (PSYCHOSIS,))
    assert not page.override_button.isVisible()
    assert page.overrides_note.isVisible()
    assert "Physician override of the start by Dr Ada Obi" in page.overrides_note.text()
    assert page.next_step.text() == "<b>Next: Start infusion</b>"
    assert page.perform(Action.START_INFUSION)
    assert page.chart.phase is Phase.INFUSING


def test_the_logged_in_physician_is_chosen_already(qtbot, window, charting, store):
    session_id = held(charting, store, bp=(196, 118))
    login_as(store, PHYSICIAN)
    page = window.open_session(session_id)
    dialog = open_dialog(qtbot, page)
    assert dialog.physician.currentData() == PHYSICIAN
    dialog.reject()
