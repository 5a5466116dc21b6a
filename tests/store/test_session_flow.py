"""Timers and gates through a charted session: values come from stored timestamps."""

from datetime import timedelta

import pytest

from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.errors import PhaseChangeRefused
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.timers import session_timers


def timers(store, clock, session_id):
    return session_timers(store.chart(session_id), clock.now())


def test_baseline_vitals_are_due_on_arrival_then_none_until_the_dose(store, charting, clock):
    session_id = charting.session()
    clock.advance(minutes=3)
    due = timers(store, clock, session_id)
    assert due.vitals_due_in == timedelta(minutes=-3)
    charting.bp(session_id, 120, 80)
    assert timers(store, clock, session_id).next_vitals_due is None


def test_iv_timer_counts_infusion_without_the_pause(store, charting, clock):
    session_id = charting.started()
    clock.advance(minutes=15)
    store.change_phase(session_id, Action.PAUSE_INFUSION, reason="nausea")
    clock.advance(minutes=5)
    paused = timers(store, clock, session_id)
    assert paused.phase is Phase.PAUSED
    assert paused.in_phase == timedelta(minutes=5)
    assert paused.since_dose_start == timedelta(minutes=20)
    assert paused.infusion_remaining == timedelta(minutes=25)
    store.change_phase(session_id, Action.RESUME_INFUSION)
    clock.advance(minutes=10)
    assert timers(store, clock, session_id).infusion_remaining == timedelta(minutes=15)


def test_vitals_due_follow_the_protocol_interval_and_go_overdue(store, charting, clock):
    session_id = charting.started()
    assert timers(store, clock, session_id).vitals_due_in == timedelta(minutes=10)
    clock.advance(minutes=10)
    charting.bp(session_id, 130, 84)
    assert timers(store, clock, session_id).vitals_due_in == timedelta(minutes=10)
    clock.advance(minutes=15)
    assert not timers(store, clock, session_id).vitals_overdue  # within the 5-min grace
    clock.advance(seconds=1)
    assert timers(store, clock, session_id).vitals_overdue


def test_observation_counts_from_infusion_end_for_iv(store, charting, clock):
    session_id = charting.started()
    clock.advance(minutes=40)
    store.change_phase(session_id, Action.END_INFUSION)
    clock.advance(minutes=20)
    state = timers(store, clock, session_id)
    assert state.observation_remaining == timedelta(minutes=40)
    assert state.vitals_due_in == timedelta(minutes=-5)  # 15-min cadence from infusion end
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.COMPLETE_OBSERVATION)
    assert "40:00 left" in refused.value.missing[0]


def test_esketamine_observation_counts_from_the_first_device(store, charting, clock):
    session_id = charting.started("intranasal-esketamine")
    clock.advance(minutes=10)
    store.change_phase(session_id, Action.END_INFUSION)
    clock.advance(minutes=30)
    state = timers(store, clock, session_id)
    assert state.observation_remaining == timedelta(minutes=80)
    dose_started = store.chart(session_id).timeline.dose_started_at
    assert state.next_vitals_due == dose_started + timedelta(minutes=40)


def test_discharge_lists_everything_missing(store, charting, clock):
    session_id = charting.started()
    charting.through_observation(session_id)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE)
    missing = " | ".join(refused.value.missing)
    assert "Modified Aldrete score" in missing
    assert "Escort / ride home present" in missing
    assert "Alert and oriented" in missing


def test_discharge_checks_bp_against_baseline(store, charting, clock):
    session_id = charting.started()
    charting.through_observation(session_id)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    clock.advance(minutes=1)
    charting.bp(session_id, 160, 98)  # baseline 124/80: more than 20 % above
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE)
    assert refused.value.missing == (
        "BP back near baseline: 160/98 is not within 20 % of 124/80: recheck",)
    clock.advance(minutes=10)
    charting.bp(session_id, 134, 84)
    assert store.change_phase(session_id, Action.DISCHARGE).phase is Phase.DISCHARGED


def test_a_no_answer_on_the_discharge_checklist_blocks_with_the_answer_shown(store, charting,
                                                                            clock):
    session_id = charting.started()
    charting.through_observation(session_id)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    checklist = store.library.checklist("discharge")
    store.record_checklist_answer(session_id, checklist_answer(checklist, "escort_present", "no",
                                                               clock.now()))
    charting.bp(session_id, 126, 80)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE)
    assert refused.value.missing == (("Discharge checklist: Escort / ride home present "
                                     "(answered no)"),)


def test_a_phase_change_cannot_be_dated_before_the_last_one(store, charting, clock):
    session_id = charting.started()
    clock.advance(minutes=10)
    with pytest.raises(PhaseChangeRefused, match="before the last phase change"):
        store.change_phase(session_id, Action.PAUSE_INFUSION, reason="x",
                           at=clock.now() - timedelta(minutes=11))


def test_infusion_complete_before_its_time_asks_for_an_early_stop(store, charting, clock):
    session_id = charting.started()
    clock.advance(minutes=5)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.END_INFUSION)
    assert "has run 05:00 of 40:00" in refused.value.missing[0]
    assert "Stop infusion early" in refused.value.missing[0]
    change = store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="BP 190/112")
    assert change.phase is Phase.OBSERVATION
    assert store.chart(session_id).timeline.stopped_early.reason == "BP 190/112"


@pytest.mark.parametrize(("devices", "minutes", "allowed"), [(2, 5, True), (3, 5, False),
                                                             (3, 10, True)])
def test_esketamine_dosing_time_follows_the_device_count(store, charting, clock, devices,
                                                         minutes, allowed):
    patient = charting.patient()
    if devices == 3:  # 84 mg follows the course's day 1 of 56 mg
        charting.course_begun(patient)
    session_id = charting.started("intranasal-esketamine", patient=patient,
                                  devices=str(devices))
    clock.advance(minutes=minutes)
    if allowed:
        assert store.change_phase(session_id, Action.END_INFUSION).phase is Phase.OBSERVATION
    else:
        with pytest.raises(PhaseChangeRefused, match="has run 05:00 of 10:00"):
            store.change_phase(session_id, Action.END_INFUSION)
