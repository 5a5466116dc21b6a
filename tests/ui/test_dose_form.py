"""Issue 17 through the window: the session form refuses a dose outside the protocol's
bounds beside its field, and nothing is written."""

from __future__ import annotations

import pytest

from tests.ui.test_whole_session import type_into


def _form(window, charting, protocol_id: str):
    window.show_patients()
    home = window.patients
    home.choose_patient(charting.patient())
    form = home.session_form
    form.protocol.setCurrentIndex(form.protocol.findData(protocol_id))
    return form


@pytest.mark.parametrize(("typed", "field", "reason"), [
    ({"mg_per_kg": "0.05"}, "mg_per_kg", "below the protocol's minimum of 0.1 mg/kg"),
    ({"concentration": "0.01"}, "concentration", "must be 0.1 to 100 mg/mL"),
    ({"weight_kg": "350", "mg_per_kg": "1"}, "mg_per_kg",
     "350 mg is above the protocol's ceiling of 200 mg"),
])
def test_an_iv_dose_outside_the_bounds_is_refused_beside_its_field(qtbot, window, store,
                                                                  charting, typed, field,
                                                                  reason):
    form = _form(window, charting, "iv-racemic-ketamine")
    type_into(qtbot, form.inputs["chair"], "2")
    for name, text in typed.items():
        type_into(qtbot, form.inputs[name], text)
    assert form.submit() is None
    assert form.errors.text(field) == reason
    assert store.unfinished_sessions() == []


def test_84_mg_on_the_first_esketamine_treatment_is_refused(qtbot, window, store, charting):
    form = _form(window, charting, "intranasal-esketamine")
    type_into(qtbot, form.inputs["chair"], "2")
    form.devices.setCurrentIndex(form.devices.findData(3))
    assert form.submit() is None
    assert form.errors.text("devices") == ("at most 2 on the first treatment of a course "
                                           "(56 mg on day 1)")
    assert store.unfinished_sessions() == []
    form.devices.setCurrentIndex(form.devices.findData(2))
    assert form.submit() is not None
