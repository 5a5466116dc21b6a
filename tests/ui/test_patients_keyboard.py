"""Issue 15 on the patients page: no stale reasons, and a keyboard path that shows where it
is."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_whole_session import click, type_into


def test_the_duplicate_mrn_reason_goes_when_the_mrn_is_changed(qtbot, window, charting):
    charting.patient(mrn="KM-2041")
    window.show_patients()
    page = window.patients
    page.right.setCurrentWidget(page.patient_form)
    form = page.patient_form
    for name, text in {"mrn": "KM-2041", "family_name": "Okafor", "given_name": "Chidi",
                       "birth_date": "1979-03-14", "weight_kg": "84"}.items():
        type_into(qtbot, form.inputs[name], text)
    click(qtbot, window, "patient_save")
    assert form.errors.text("mrn") != ""
    assert form.inputs["mrn"].property("invalid") == "true"
    qtbot.keyClick(form.inputs["mrn"], Qt.Key.Key_Backspace)
    qtbot.keyClicks(form.inputs["mrn"], "2")
    assert form.errors.text("mrn") == ""
    assert form.inputs["mrn"].property("invalid") == "false"
    click(qtbot, window, "patient_save")
    assert page.session_form.patient is not None
    assert page.session_form.patient.mrn == "KM-2042"


def test_f2_opens_the_patients_page_ready_to_type_a_search(qtbot, window, charting):
    charting.patient(mrn="KM-2041")
    qtbot.keyClick(window.room_page, Qt.Key.Key_F2)
    assert window.pages.currentWidget() is window.patients
    assert window.focusWidget() is window.patients.search
    qtbot.keyClicks(window.focusWidget(), "KM-20")
    assert window.patients.patients_model.rowCount() == 1


def test_tab_into_the_patient_list_highlights_the_row_it_targets(qtbot, window, charting):
    for mrn in ("KM-0001", "KM-0002", "KM-0003"):
        charting.patient(mrn=mrn)
    window.show_patients()
    page = window.patients
    view = page.patients_view
    assert window.focusWidget() is page.search
    qtbot.keyClick(page.search, Qt.Key.Key_Tab)
    assert window.focusWidget() is view
    assert [index.row() for index in view.selectionModel().selectedRows()] == [
        view.currentIndex().row()] == [0]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert [index.row() for index in view.selectionModel().selectedRows()] == [1]
    assert page.session_form.patient.mrn == page.patients_model.row_value(1).mrn
