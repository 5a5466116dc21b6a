"""Bad input: the reason beside the field, nothing written, nothing typed thrown away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ketamonitor.core.phases import Action, Phase
from ketamonitor.ui.main_window import MainWindow
from tests.ui.test_whole_session import type_into


@pytest.fixture
def page(window: MainWindow, charting):
    session_id = charting.session()
    return window.open_session(session_id)


@pytest.mark.parametrize(("typed", "field", "reason"), [
    ({"systolic": "400", "diastolic": "80"}, "systolic", "must be 20–300 mmHg"),
    ({"systolic": "abc", "diastolic": "80"}, "systolic", "not a number"),
    ({"systolic": "120", "diastolic": "80", "spo2": "120"}, "spo2", "must be 0–100 %"),
    ({"systolic": "110", "diastolic": "120"}, "diastolic", "must be below systolic"),
    ({"heart_rate": "80", "time": "07:50"}, "time", "is in the future"),
    ({"heart_rate": "80", "time": "07:00"}, "time", "is before the session began (07:30)"),
])
def test_bad_vitals_show_the_reason_beside_the_field_and_keep_the_text(
        qtbot, page, store, typed, field, reason):
    for name, text in typed.items():
        type_into(qtbot, page.vitals_form.inputs[name], text)
    qtbot.keyClick(page.vitals_form.inputs["heart_rate"], Qt.Key.Key_Return)
    assert page.vitals_form.errors.text(field) == reason
    assert all(page.vitals_form.inputs[name].text() == text for name, text in typed.items())
    assert store.chart(page.session_id).vitals == ()


def test_a_corrected_entry_saves_and_clears_the_reason(qtbot, page, store):
    type_into(qtbot, page.vitals_form.inputs["systolic"], "1200")
    type_into(qtbot, page.vitals_form.inputs["diastolic"], "80")
    page.vitals_form.submit()
    assert page.vitals_form.errors.text("systolic")
    type_into(qtbot, page.vitals_form.inputs["systolic"], "120")
    page.vitals_form.submit()
    assert page.vitals_form.errors.text("systolic") == ""
    assert [e.current.systolic for e in store.chart(page.session_id).vitals] == [120]
    assert page.vitals_form.inputs["systolic"].text() == ""


def test_registration_refuses_each_bad_field(qtbot, window, store):
    window.show_patients()
    form = window.patients.patient_form
    for name, text in {"mrn": "", "family_name": "Lee", "given_name": "Sam",
                       "birth_date": "14/03/1979", "weight_kg": "0"}.items():
        type_into(qtbot, form.inputs[name], text)
    assert form.submit() is None
    assert form.errors.text("mrn") == "required"
    assert form.errors.text("birth_date") == "use YYYY-MM-DD"
    assert form.errors.text("weight_kg") == "must be 20–350 kg"
    assert form.inputs["family_name"].text() == "Lee"
    assert store.find_patients("") == []


def test_a_dose_over_the_protocol_maximum_is_refused_beside_the_dose(qtbot, window, store,
                                                                      charting):
    window.show_patients()
    home = window.patients
    home.choose_patient(charting.patient())
    form = home.session_form
    form.protocol.setCurrentIndex(form.protocol.findData("iv-racemic-ketamine"))
    type_into(qtbot, form.inputs["chair"], "2")
    type_into(qtbot, form.inputs["mg_per_kg"], "1.5")
    assert form.submit() is None
    assert form.errors.text("mg_per_kg") == "above the protocol's maximum of 1 mg/kg"
    assert store.unfinished_sessions() == []


def test_an_illegal_phase_change_is_refused_with_its_reason(page, prompts, store):
    assert not page.action_buttons[Action.STOP_INFUSION_EARLY].isVisible()
    assert page.perform(Action.STOP_INFUSION_EARLY, "BP") is False
    assert "has not been started" in prompts.problems[-1][1]
    assert store.chart(page.session_id).phase is Phase.PRE_INFUSION


def test_a_cancelled_confirmation_charts_nothing(page, prompts, charting, store):
    charting.ready_to_start(page.session_id)
    page.reload()
    prompts.confirm_answer = False
    assert page.request(Action.START_INFUSION) is False
    assert store.chart(page.session_id).phase is Phase.PRE_INFUSION


def test_a_full_disk_keeps_the_typed_vitals_and_says_so(qtbot, page, store, prompts):
    used = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {used}")  # the disk is now "full"
    for name, text in {"systolic": "132", "diastolic": "84", "heart_rate": "80"}.items():
        type_into(qtbot, page.vitals_form.inputs[name], "")
        type_into(qtbot, page.vitals_form.inputs[name], text)
    for _ in range(40):  # fill the last free pages until a write fails
        page.vitals_form.submit()
        if prompts.problems:
            break
        for name, text in {"systolic": "132", "diastolic": "84", "heart_rate": "80"}.items():
            type_into(qtbot, page.vitals_form.inputs[name], text)
    title, message = prompts.problems[-1]
    assert title == "The disk is full"
    assert str(store.path) in message
    assert "still on the screen" in message
    assert page.vitals_form.inputs["systolic"].text() == "132"


def test_enter_on_an_empty_form_is_ignored_not_an_error(qtbot, page, store):
    type_into(qtbot, page.vitals_form.inputs["heart_rate"], "72")
    qtbot.keyClick(page.vitals_form.inputs["heart_rate"], Qt.Key.Key_Return)
    qtbot.keyClick(page.vitals_form.inputs["systolic"], Qt.Key.Key_Return)  # a double Enter
    assert page.vitals_form.errors.text("systolic") == ""
    assert len(store.chart(page.session_id).vitals) == 1
