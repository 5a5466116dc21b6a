"""A session's setup as typed on the form: the dose worked out from weight, mg/kg and
concentration (or esketamine's devices), refused over the protocol's maximum, and a chair
and a nurse required. Moved from the patient's tests (core/test_patient.py)."""

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import Patient, parse_patient
from ketamonitor.core.setup import parse_session_setup
from tests.core.test_patient import GOOD, TODAY


def _patient() -> Patient:
    from datetime import UTC, datetime

    return Patient(1, parse_patient(GOOD, today=TODAY), datetime(2026, 1, 1, tzinfo=UTC))


def test_iv_dose_total_and_pump_rate(library):
    setup = parse_session_setup(
        {"chair": "2", "nurse": "Ana", "weight_kg": "80", "mg_per_kg": "0.5",
         "concentration": "0.5"}, _patient(), library.protocol("iv-racemic-ketamine"))
    assert setup.dose.total_mg == 40
    assert setup.dose.volume_ml == 80
    assert setup.dose.pump_rate_ml_per_h == 120  # 80 mL over 40 min
    assert "pump 120 mL/h" in setup.dose.describe()


def test_a_dose_over_the_protocol_maximum_is_refused(library):
    with pytest.raises(ValidationError) as refused:
        parse_session_setup({"chair": "2", "nurse": "Ana", "weight_kg": "80", "mg_per_kg": "1.5",
                             "concentration": "1"}, _patient(),
                            library.protocol("iv-racemic-ketamine"))
    assert "maximum of 1 mg/kg" in refused.value.reasons["mg_per_kg"]


def test_esketamine_is_dosed_in_devices(library):
    protocol = library.protocol("intranasal-esketamine")
    setup = parse_session_setup({"chair": "1", "nurse": "Ana", "weight_kg": "70",
                                 "devices": "3"}, _patient(), protocol)
    assert setup.dose.total_mg == 84
    with pytest.raises(ValidationError) as refused:
        parse_session_setup({"chair": "1", "nurse": "Ana", "weight_kg": "70", "devices": "4"},
                            _patient(), protocol)
    assert "2–3" in refused.value.reasons["devices"] or "one of" in refused.value.reasons["devices"]


def test_a_session_needs_a_chair_and_a_nurse(library):
    with pytest.raises(ValidationError) as refused:
        parse_session_setup({"weight_kg": "70", "mg_per_kg": "0.5", "concentration": "1"},
                            _patient(), library.protocol("iv-racemic-ketamine"))
    assert set(refused.value.reasons) == {"chair", "nurse"}


def test_control_characters_in_the_names_are_refused_beside_their_fields(library):
    """A terminal escape or a bell in the chair, nurse or prescriber is refused by the form
    (the store would refuse the row too, but without the reason beside its field); a tab is
    tidied to a space."""
    with pytest.raises(ValidationError) as refused:
        parse_session_setup({"chair": "1\x07", "nurse": "Ana\x00", "prescriber":
                             "Dr \x1b[31mObi", "weight_kg": "70", "mg_per_kg": "0.5",
                             "concentration": "1"},
                            _patient(), library.protocol("iv-racemic-ketamine"))
    assert set(refused.value.reasons) == {"chair", "nurse", "prescriber"}
    assert "U+001B" in refused.value.reasons["prescriber"]
    setup = parse_session_setup({"chair": "1", "nurse": "Ana\tRuiz", "weight_kg": "70",
                                 "mg_per_kg": "0.5", "concentration": "1"},
                                _patient(), library.protocol("iv-racemic-ketamine"))
    assert setup.nurse == "Ana Ruiz"
