"""Issue 17: the store re-checks every dose rule in `start_session` whatever built the setup
(a 1,500 mg session was once stored from a script), and records the pump's volume infused."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from ketamonitor.core.dose import (
    DEVICES_GIVEN,
    FROM_TIME,
    PUMP_CONFIRMED,
    Dose,
    device_dose,
    dose_given,
    weight_based_dose,
)
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.phases import Action
from ketamonitor.core.setup import SessionSetup
from tests.charting import EARLY_END
from tests.people import audit_of

IV, NASAL = "iv-racemic-ketamine", "intranasal-esketamine"


def _setup(store, charting, protocol_id: str, weight: float, dose: Dose) -> SessionSetup:
    patient = charting.patient()
    return SessionSetup(patient.id, store.library.protocol(protocol_id), "3", "Ana Nurse",
                        weight, dose, "Dr Ada Obi")


def _counts(db_path) -> tuple[int, int]:
    with sqlite3.connect(db_path) as db:
        return (db.execute("SELECT count(*) FROM sessions").fetchone()[0],
                db.execute("SELECT count(*) FROM audit WHERE entity = 'sessions'").fetchone()[0])


def _iv(store, weight: float = 72, mg_per_kg: float = 0.5, concentration: float = 1.0) -> Dose:
    """The arithmetic alone, with no bound checked: what a script could hand the store."""
    return weight_based_dose(store.library.protocol(IV), weight, mg_per_kg, concentration)


#: (protocol, weight, how the script built the dose, the field named)
SCRIPTED = [
    (IV, 72, lambda store: replace(_iv(store), total_mg=1500.0), "total_mg"),
    (IV, 72, lambda store: _iv(store, mg_per_kg=0.05), "mg_per_kg"),
    (IV, 350, lambda store: _iv(store, 350, 1.0), "mg_per_kg"),
    (IV, 72, lambda store: _iv(store, concentration=0.01), "concentration"),
    (IV, 72, lambda store: replace(_iv(store), volume_ml=3.6), "volume_ml"),
    (IV, 72, lambda store: replace(_iv(store), pump_rate_ml_per_h=540.0), "pump_rate_ml_per_h"),
    (IV, 400, lambda store: _iv(store, 400, 0.5), "weight_kg"),
    (NASAL, 72, lambda store: device_dose(store.library.protocol(NASAL), 3), "devices"),
    (NASAL, 72, lambda store: Dose(total_mg=1500, devices=2), "total_mg"),
]


@pytest.mark.parametrize(("protocol_id", "weight", "built", "field"), SCRIPTED,
                         ids=[f"{case[0]}-{case[3]}-{n}" for n, case in enumerate(SCRIPTED)])
def test_a_scripted_dose_is_refused_naming_the_field_and_nothing_is_written(
        store, charting, db_path, protocol_id, weight, built, field):
    setup = _setup(store, charting, protocol_id, weight, built(store))
    before = _counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.start_session(setup)
    assert field in refused.value.reasons
    assert _counts(db_path) == before


def test_84_mg_is_allowed_once_the_course_has_begun(store, charting):
    patient = charting.patient()
    assert store.first_esketamine_treatment(patient.id)
    charting.course_begun(patient)
    assert not store.first_esketamine_treatment(patient.id)
    protocol = store.library.protocol(NASAL)
    session_id = store.start_session(SessionSetup(
        patient.id, protocol, "3", "Ana Nurse", 72, device_dose(protocol, 3)))
    assert store.chart(session_id).session.dose.total_mg == 84


def test_a_session_ended_before_its_first_device_is_no_treatment(store, charting):
    patient = charting.patient()
    session_id = charting.session(NASAL, patient=patient)
    store.change_phase(session_id, Action.END_SESSION_EARLY, reason="patient unwell",
                       early_end=EARLY_END)
    assert store.first_esketamine_treatment(patient.id)


def _stopped_early_at_31(charting, clock) -> int:
    session_id = charting.started()
    clock.advance(minutes=31)
    charting.store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="BP 190/112")
    return session_id


def test_an_early_stop_gives_the_time_infused_until_the_pump_volume_is_confirmed(
        store, charting, clock):
    session_id = _stopped_early_at_31(charting, clock)
    given = dose_given(store.chart(session_id))
    assert (given.mg, given.how) == (27.9, FROM_TIME)
    clock.advance(minutes=1)
    row = store.record_pump_volume(session_id, 27.5)
    given = dose_given(store.chart(session_id))
    assert (given.mg, given.how, given.volume_ml) == (27.5, PUMP_CONFIRMED, 27.5)
    (audit,) = audit_of(store, "pump_volumes")
    assert (audit["action"], audit["entity_id"], audit["user"]) == (
        "pump_volumes.create", row, "nurse.ana")


@pytest.mark.parametrize(("volume", "words"), [
    (0, "above 0"), (-1, "above 0"), (float("nan"), "above 0"),
    (38.0, "above the planned 36 mL (at most 37.8 mL)"),  # 36 + 5 %
])
def test_a_pump_volume_that_cannot_be_meant_is_refused_and_nothing_written(
        store, charting, clock, volume, words):
    session_id = _stopped_early_at_31(charting, clock)
    with pytest.raises(ValidationError) as refused:
        store.record_pump_volume(session_id, volume)
    assert words in refused.value.reasons["volume_ml"]
    assert audit_of(store, "pump_volumes") == []


def test_a_pump_volume_just_inside_the_tolerance_is_kept(store, charting, clock):
    session_id = _stopped_early_at_31(charting, clock)
    store.record_pump_volume(session_id, 37.8)
    assert dose_given(store.chart(session_id)).mg == 37.8


def test_a_pump_volume_before_the_infusion_ends_or_for_devices_is_refused(store, charting,
                                                                          clock):
    running = charting.started()
    with pytest.raises(ValidationError, match="once the infusion has ended"):
        store.record_pump_volume(running, 10)
    store.change_phase(running, Action.STOP_INFUSION_EARLY, reason="test")
    nasal = charting.session(NASAL, patient=charting.patient("MRN-2"))
    with pytest.raises(ValidationError, match="only an IV infusion"):
        store.record_pump_volume(nasal, 10)


def test_one_esketamine_device_then_stop_dosing_early_gave_28_mg(store, charting, clock):
    session_id = charting.session(NASAL)
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.record_device(session_id, "LOT-A1")
    clock.advance(minutes=1)
    store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="nosebleed")
    clock.advance(minutes=1)
    given = dose_given(store.chart(session_id))
    assert (given.mg, given.planned_mg, given.how) == (28, 56, DEVICES_GIVEN)
