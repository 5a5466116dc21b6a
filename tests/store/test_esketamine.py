"""Intranasal esketamine: checks before dosing, at 40 minutes and before discharge, and an
observation that ends only when sedation, dissociation and breathing have settled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketamonitor.core.administration import device_spacing
from ketamonitor.core.entries import checklist_answer, scale_answer
from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.rems import rems_form
from ketamonitor.core.timers import session_timers
from tests.people import ADMIN, NURSE, audit_of, login_as


@pytest.fixture
def dosed(charting, store, clock):
    """Two devices given (dose start at 07:32), dosing complete at 5 minutes."""
    session_id = charting.started("intranasal-esketamine", devices="2")
    clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_INFUSION)
    return session_id


def due(store, clock, session_id):
    return session_timers(store.chart(session_id), clock.now()).next_vitals_due


def test_bp_is_due_at_40_minutes_then_before_discharge(dosed, store, clock, charting):
    dose = store.chart(dosed).timeline.dose_started_at
    assert due(store, clock, dosed) == dose + timedelta(minutes=40)
    clock.advance(minutes=32)  # 37 minutes after the dose: inside the grace, it counts
    charting.bp(dosed, 138, 86)
    assert due(store, clock, dosed) == dose + timedelta(minutes=120 - 15)
    clock.advance(minutes=70)
    charting.bp(dosed, 128, 80)  # at 107 minutes: the BP before discharge
    assert due(store, clock, dosed) is None


def moaas(store, clock, session_id, score):
    scale = store.library.scale("moaas")
    store.record_scale_score(session_id, scale_answer(scale, {"moaas": score}, clock.now()))


def dissociation(store, clock, session_id, present=()):
    checklist = store.library.checklist("dissociation")
    store.record_assessment(session_id, [
        checklist_answer(checklist, item.key, "present" if item.key in present else "absent",
                         clock.now()) for item in checklist.items])


def test_observation_ends_only_when_sedation_dissociation_and_breathing_have_resolved(
        dosed, store, clock, charting):
    clock.advance(minutes=40)
    charting.vitals(dosed, systolic="140", diastolic="88", respiratory_rate="9", spo2="95")
    moaas(store, clock, dosed, 3)
    dissociation(store, clock, dosed, present=("detached",))
    clock.advance(minutes=80)  # two hours from the first device
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(dosed, Action.COMPLETE_OBSERVATION)
    assert list(refused.value.missing) == [
        "Sedation resolved: MOAA/S is 3 (needs 5)",
        ("Dissociation resolved: still present at the last assessment (Feels detached from "
        "body or surroundings)"),
        "Respiratory depression resolved: last RR 9 below the line",
    ]
    moaas(store, clock, dosed, 5)
    dissociation(store, clock, dosed)
    charting.vitals(dosed, systolic="126", diastolic="80", respiratory_rate="14", spo2="97")
    assert store.change_phase(dosed, Action.COMPLETE_OBSERVATION).phase is (
        Phase.READY_FOR_DISCHARGE)


def test_the_two_hours_count_from_the_first_device_whatever_has_resolved(dosed, store, clock,
                                                                          charting):
    clock.advance(minutes=60)
    moaas(store, clock, dosed, 5)
    dissociation(store, clock, dosed)
    charting.vitals(dosed, respiratory_rate="14", spo2="98")
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(dosed, Action.COMPLETE_OBSERVATION)
    assert refused.value.missing == ("Observation time (120 min): 55:00 left",)


def test_iv_observation_asks_for_no_resolution_checks(charting, store, clock):
    session_id = charting.started()
    charting.through_observation(session_id)
    assert store.chart(session_id).phase is Phase.READY_FOR_DISCHARGE


def session_ready_for_devices(charting, store, devices="3", prescriber="Dr Ada Obi"):
    patient = charting.patient()
    if devices == "3":  # 84 mg follows a first treatment of 56 mg (the label's day 1)
        charting.course_begun(patient)
    session_id = charting.session("intranasal-esketamine", patient=patient, devices=devices,
                                  prescriber=prescriber)
    charting.ready_to_start(session_id)
    return session_id


def test_each_device_is_charted_with_its_lot_the_first_starts_the_clock(charting, store, clock):
    session_id = session_ready_for_devices(charting, store)
    clock.advance(minutes=3)
    first = store.record_device(session_id, "LOT-A123")
    chart = store.chart(session_id)
    assert (first.number, first.of, first.amount_mg) == (1, 3, 28)
    assert chart.phase is Phase.INFUSING
    assert chart.timeline.dose_started_at == clock.now()
    spacing = device_spacing(chart)
    assert (spacing.number, spacing.from_at) == (2, clock.now() + timedelta(minutes=5))
    clock.advance(minutes=5)
    store.record_device(session_id, "LOT-A123")
    clock.advance(minutes=5)
    last = store.record_device(session_id, "LOT-B7")
    chart = store.chart(session_id)
    assert last.is_last and chart.phase is Phase.OBSERVATION  # the last device ends dosing
    assert [(a.number, a.lot) for a in chart.administrations] == [
        (1, "LOT-A123"), (2, "LOT-A123"), (3, "LOT-B7")]
    assert [r["action"] for r in audit_of(store, "administrations")] == [
        "administrations.create"] * 4  # the day-1 device of the course, and these three
    with pytest.raises(ValidationError, match="all 3 devices"):
        store.record_device(session_id, "LOT-C")


def test_a_device_needs_its_lot_and_the_first_needs_the_start_gate(charting, store, clock):
    session_id = charting.session("intranasal-esketamine")
    with pytest.raises(ValidationError, match="lot number"):
        store.record_device(session_id, "  ")
    with pytest.raises(PhaseChangeRefused, match="Baseline vitals"):
        store.record_device(session_id, "LOT-1")
    assert store.chart(session_id).administrations == ()  # nothing half-written


def test_the_rems_form_is_filled_from_the_record(charting, store, clock, library):
    session_id = session_ready_for_devices(charting, store, devices="2")
    login_as(store, ADMIN)
    store.set_setting("clinic_name", "Harbour Clinic")
    login_as(store, NURSE)
    clock.advance(minutes=2)
    store.record_device(session_id, "LOT-9X")
    clock.advance(minutes=5)
    store.record_device(session_id, "LOT-9X")
    clock.advance(minutes=36)  # ~40 min after the first device
    charting.vitals(session_id, systolic="146", diastolic="90", respiratory_rate="14",
                    spo2="97")
    moaas(store, clock, session_id, 4)
    dissociation(store, clock, session_id, present=("unreal",))
    clock.advance(minutes=30)
    store.record_ready_without_minimum(session_id, clock.now())
    clock.advance(minutes=40)
    moaas(store, clock, session_id, 5)
    dissociation(store, clock, session_id)
    charting.vitals(session_id, systolic="128", diastolic="82", respiratory_rate="14",
                    spo2="98")
    clock.advance(minutes=10)
    store.change_phase(session_id, Action.COMPLETE_OBSERVATION)
    questions = library.checklist("rems")
    for key, value in [("vitals_acceptable_before_dosing", "yes"),
                       ("vitals_acceptable_before_end", "yes"), ("sedation_occurred", "yes"),
                       ("dissociation_occurred", "yes"),
                       ("respiratory_depression_occurred", "no"), ("first_treatment", "yes"),
                       ("patient_enrolled", "yes"), ("concomitant_cns_depressants", "no"),
                       ("serious_adverse_event", "no")]:
        store.record_checklist_answer(session_id, checklist_answer(questions, key, value,
                                                                   clock.now()))
    form = rems_form(store.chart(session_id), questions, store.setting("clinic_name"),
                     clock.local_zone)
    assert form.missing == ()
    assert (form.patient, form.mrn, form.prescriber, form.monitored_by, form.setting) == (
        "RIVERA, Ana", "MRN-1001", "Dr Ada Obi", "Ana Nurse", "Harbour Clinic")
    assert (form.dose_label, form.lots, form.total_minutes) == ("56 mg", ("LOT-9X",), 121)
    assert (form.bp_before_dosing, form.bp_at_40_minutes, form.bp_before_end) == (
        "124/80", "146/90", "128/82")
    assert form.ready_without_minimum_at == form.first_device_at + timedelta(minutes=71)
    assert form.answers["respiratory_depression_occurred"] == "no"
    assert form.treatment_date.isoformat() == "2026-11-23"


def test_the_rems_form_lists_what_the_record_cannot_answer_yet(charting, store, clock,
                                                              library):
    session_id = session_ready_for_devices(charting, store, prescriber="")
    form = rems_form(store.chart(session_id), library.checklist("rems"), None,
                     clock.local_zone)
    assert "Prescriber (set at the start of the session)" in form.missing
    assert "Lot numbers of the devices" in form.missing
    assert ("When the patient would have been ready to leave without the 2-hour minimum"
            in form.missing)
    assert "REMS monitoring form: Sedation occurred" in form.missing


def test_ready_without_the_minimum_cannot_precede_the_first_device(charting, store, clock):
    session_id = session_ready_for_devices(charting, store)
    with pytest.raises(ValidationError, match="no device"):
        store.record_ready_without_minimum(session_id, clock.now())
    clock.advance(minutes=5)
    store.record_device(session_id, "L1")
    with pytest.raises(ValidationError, match="before the first device"):
        store.record_ready_without_minimum(session_id, clock.now() - timedelta(minutes=1))


def test_no_device_is_offered_or_charted_once_dosing_is_over(charting, store, clock):
    """One device of two, then dosing stopped early: observation neither offers the second
    device nor lets the store chart one (the form's rule, checked again by the store)."""
    session_id = session_ready_for_devices(charting, store, devices="2")
    store.record_device(session_id, "LOT-9X")
    assert device_spacing(store.chart(session_id)) is not None
    clock.advance(minutes=5)
    store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="Patient declined")
    chart = store.chart(session_id)
    assert chart.phase is Phase.OBSERVATION
    assert device_spacing(chart) is None
    with pytest.raises(ValidationError, match="dosing is over"):
        store.record_device(session_id, "LOT-9X")
    assert len(store.chart(session_id).administrations) == 1
