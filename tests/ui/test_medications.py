"""A medicine given, charted from the session page: chosen from the clinic's list, refused
with the reason beside the field and the typing kept, then listed on the page and marked on
the chart's event strip; offered only to those who may chart."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.chart_marks import MarkKind
from ketamonitor.core.phases import Action
from ketamonitor.ui.medication_dialog import MedicationDialog
from ketamonitor.ui.session import SessionPage
from tests.charting import EARLY_END
from tests.people import ADMIN, login_as


def medicines_tab(page: SessionPage) -> None:
    page.tabs.setCurrentWidget(page.medicines_tab)


def open_dialog(qtbot, page: SessionPage) -> MedicationDialog:
    """Opened from the keyboard, as a nurse with her hands on the keys does."""
    medicines_tab(page)
    page.medication_button.setFocus()
    qtbot.keyClick(page.medication_button, Qt.Key.Key_Space)
    dialog = page.medication_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def cell(page: SessionPage, row: int, column: int) -> str:
    model = page.medications_model
    return model.data(model.index(row, column))


def test_a_slip_is_refused_beside_the_dose_the_typing_kept_then_charted_and_shown(
        qtbot, window, store, charting, clock):
    session_id = charting.started()
    page = window.open_session(session_id)
    clock.advance(minutes=12)
    dialog = open_dialog(qtbot, page)
    assert dialog.drug.currentIndex() == -1  # nothing chosen until the nurse chooses
    assert dialog.unit.count() == 0 and dialog.route.count() == 0
    assert dialog.ordered_by.text() == "Dr Ada Obi"  # the session's prescriber
    assert dialog.given_by.text() == "Ana Ruiz"      # the nurse logged in
    dialog.choose("ondansetron")
    assert (dialog.unit.currentText(), dialog.route.currentText()) == ("mg", "IV")
    qtbot.keyClicks(dialog.dose, "4000")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.errors.text("dose") == "at most 8 mg IV for ondansetron: check the dose"
    assert dialog.dose.text() == "4000" and dialog.chosen().id == "ondansetron"
    assert store.chart(session_id).medications == ()

    dialog.dose.setText("4")
    dialog.time.setText(clock.now().astimezone(store.clock.local_zone).strftime("%H:%M"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    (given,) = store.chart(session_id).medications
    assert (given.drug, given.dose, given.unit, given.route, given.ordered_by,
            given.given_by, given.entered_by) == (
        "ondansetron", 4.0, "mg", "IV", "Dr Ada Obi", "Ana Ruiz", "nurse.ana")
    assert [cell(page, 0, column) for column in range(1, 5)] == [
        "Ondansetron", "4 mg IV", "Dr Ada Obi", "Ana Ruiz"]
    marks = [m for m in page.chart_view.plot.marks if m.kind is MarkKind.MEDICATION]
    assert [m.text for m in marks] == [
        "Given: Ondansetron 4 mg IV; ordered by Dr Ada Obi, given by Ana Ruiz"]


def test_changing_the_medicine_offers_its_own_units_and_routes_and_keeps_the_dose(
        qtbot, window, charting):
    page = window.open_session(charting.started())
    dialog = open_dialog(qtbot, page)
    dialog.choose("ondansetron")
    dialog.dose.setText("2")
    dialog.choose("oxygen")
    assert [dialog.unit.itemText(i) for i in range(dialog.unit.count())] == ["L/min"]
    assert [dialog.route.itemText(i) for i in range(dialog.route.count())] == ["inhaled"]
    assert dialog.dose.text() == "2"
    dialog.reject()


def test_nothing_chosen_and_no_dose_are_refused_at_once(qtbot, window, store, charting):
    session_id = charting.started()
    page = window.open_session(session_id)
    dialog = open_dialog(qtbot, page)
    dialog.ordered_by.clear()
    dialog.submit()
    assert (dialog.errors.text("drug"), dialog.errors.text("dose"),
            dialog.errors.text("ordered_by")) == ("choose one from the list", "required",
                                                  "required")
    assert dialog.isVisible() and store.chart(session_id).medications == ()
    dialog.reject()


def test_a_medicine_charted_in_error_is_struck_and_leaves_the_chart_marks(
        qtbot, window, store, charting, clock, prompts):
    session_id = charting.started()
    page = window.open_session(session_id)
    dialog = open_dialog(qtbot, page)
    dialog.choose("oxygen")
    dialog.dose.setText("2")
    dialog.submit()
    assert not dialog.isVisible()
    prompts.reason_answer = "Duplicate entry"
    page.medications_table.selectRow(0)
    qtbot.mouseClick(page.strike_medication_button, Qt.MouseButton.LeftButton)
    assert cell(page, 0, 1) == "Oxygen  (entered in error)"
    assert store.chart(session_id).medications[0].in_error
    corrections = page.corrections_model
    assert corrections.data(corrections.index(0, 1)).startswith("Medicine given: Oxygen of ")
    assert not [m for m in page.chart_view.plot.marks if m.kind is MarkKind.MEDICATION]


def test_only_those_who_may_chart_an_open_chart_are_offered_the_button(
        qtbot, window, store, charting):
    session_id = charting.started()
    page = window.open_session(session_id)
    medicines_tab(page)
    assert page.medication_button.isVisible()
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient request")
    page.reload()
    assert not page.medication_button.isVisible()  # finished: a late entry, not this
    other = charting.started(patient=charting.patient("MRN-2002"))
    login_as(store, ADMIN)
    page = window.open_session(other)
    medicines_tab(page)
    assert not page.medication_button.isVisible()
