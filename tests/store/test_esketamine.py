"""Intranasal esketamine: checks before dosing, at 40 minutes and before discharge, and an
observation that ends only when sedation, dissociation and breathing have settled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketamonitor.core.entries import checklist_answer, scale_answer
from ketamonitor.core.errors import PhaseChangeRefused
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.timers import session_timers


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
        "Dissociation resolved: still present at the last assessment (Feels detached from "
        "body or surroundings)",
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
