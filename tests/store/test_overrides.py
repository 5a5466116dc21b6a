"""Holds and the physician's override through the store (issue 17, item 3): every path in
(change_phase, the first esketamine device) is refused with the holds named, and only a
physician's override of exactly those holds, with the physician's password, lets it go."""

from __future__ import annotations

import sqlite3

import pytest

from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.signature import chart_content
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.store import PasswordNotConfirmed
from ketamonitor.store.verify import verify_database
from tests.people import NURSE, PASSWORD, PHYSICIAN, audit_of, login_as

IV, ESKETAMINE = "iv-racemic-ketamine", "intranasal-esketamine"
REASON = "Discussed with the patient; benefit outweighs the risk"


def held(charting, store, protocol_id=IV, bp=(124, 80), **answers):
    """A session with its baseline and every pre-session item answered, as expected but
    for `answers`."""
    session_id = charting.session(protocol_id)
    charting.bp(session_id, *bp)
    checklist = store.library.checklist("pre_session")
    route = store.chart(session_id).protocol.route
    for item in checklist.items_for(route):
        value = answers.get(item.key, item.expected.value)
        store.record_checklist_answer(session_id, checklist_answer(
            checklist, item.key, value, charting.clock.now()))
    charting.clock.advance(minutes=2)
    return session_id


def phase_events(store, session_id):
    return [e for e in store.chart(session_id).events if e.phase is not None]


@pytest.mark.parametrize(("answers", "bp", "hold"), [
    ({"psychosis_history": "yes"}, (124, 80), "History of psychosis: yes"),
    ({"aneurysmal_vascular_disease": "yes"}, (124, 80), "arteriovenous malformation: yes"),
    ({"escort_arranged": "no"}, (124, 80), "Escort / ride home arranged"),
    ({}, (196, 118), "Baseline BP 196/118 above the pre-dose line 140/90"),
], ids=["psychosis", "aneurysm_avm", "no_escort", "baseline_196_118"])
def test_a_held_start_is_refused_with_the_hold_named_and_nothing_written(
        charting, store, answers, bp, hold):
    session_id = held(charting, store, bp=bp, **answers)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.START_INFUSION)
    assert len(refused.value.missing) == 1 and hold in refused.value.missing[0]
    assert phase_events(store, session_id) == []
    assert store.chart(session_id).phase is Phase.PRE_INFUSION


@pytest.mark.parametrize(("answers", "bp"), [
    ({"psychosis_history": "yes"}, (124, 80)),
    ({"aneurysmal_vascular_disease": "yes"}, (124, 80)),
    ({"escort_arranged": "no"}, (124, 80)),
    ({}, (196, 118)),
], ids=["psychosis", "aneurysm_avm", "no_escort", "baseline_196_118"])
def test_the_first_esketamine_device_is_held_too(charting, store, answers, bp):
    session_id = held(charting, store, ESKETAMINE, bp=bp, **answers)
    with pytest.raises(PhaseChangeRefused, match="held until a physician overrides"):
        store.record_device(session_id, "LOT-1")
    chart = store.chart(session_id)
    assert chart.administrations == () and chart.phase is Phase.PRE_INFUSION


def test_a_physician_at_the_nurses_workstation_overrides_the_holds(charting, store, clock):
    session_id = held(charting, store, bp=(196, 118), psychosis_history="yes")
    holds = store.override_items(session_id, Action.START_INFUSION)
    assert len(holds) == 2
    given = store.override(session_id, Action.START_INFUSION, f"  {REASON} ", PHYSICIAN,
                           PASSWORD)
    assert (given.items, given.reason, given.physician, given.physician_name,
            given.entered_by, given.overridden_at) == (
        holds, REASON, PHYSICIAN, "Dr Ada Obi", NURSE, clock.now())
    assert store.account.username == NURSE  # the nurse stays logged in
    audit = audit_of(store, "overrides")[-1]
    assert (audit["action"], audit["user"], audit["reason"]) == (
        "overrides.create", PHYSICIAN, REASON)
    store.change_phase(session_id, Action.START_INFUSION)
    assert store.chart(session_id).phase is Phase.INFUSING


def test_the_logged_in_physician_overrides_with_their_own_password(charting, store):
    session_id = held(charting, store, ESKETAMINE, escort_arranged="no")
    login_as(store, PHYSICIAN)
    store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, PASSWORD)
    assert store.record_device(session_id, "LOT-1").is_first


def test_a_wrong_password_writes_only_the_failed_check(charting, store):
    session_id = held(charting, store, psychosis_history="yes")
    before = len(audit_of(store))
    with pytest.raises(PasswordNotConfirmed, match="nothing was overridden"):
        store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, "a-guess")
    written = audit_of(store)[before:]
    assert [(row["action"], row["user"]) for row in written] == [
        ("signature.password_wrong", PHYSICIAN), ("overrides.refused", NURSE)]
    assert store.chart(session_id).overrides == ()
    with pytest.raises(PhaseChangeRefused):
        store.change_phase(session_id, Action.START_INFUSION)


def test_wrong_passwords_count_towards_the_physicians_lock(charting, store, clock):
    session_id = held(charting, store, psychosis_history="yes")
    for wait in (1, 2, 4, 8, 16):
        with pytest.raises(PasswordNotConfirmed):
            store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, "a-guess")
        clock.advance(seconds=wait)
    with pytest.raises(LoginRefused, match="locked"):
        store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, PASSWORD)
    store.logout()
    with pytest.raises(LoginRefused, match="locked"):
        store.login(PHYSICIAN, PASSWORD)
    login_as(store, NURSE)
    assert store.chart(session_id).overrides == ()


@pytest.mark.parametrize(("physician", "reason", "field"), [
    (NURSE, REASON, "physician"),          # not a physician
    ("nobody", REASON, "physician"),       # no such account
    (PHYSICIAN, "   ", "reason"),
])
def test_an_override_needs_a_physician_and_a_reason(charting, store, physician, reason, field):
    session_id = held(charting, store, psychosis_history="yes")
    before = len(audit_of(store))
    with pytest.raises(ValidationError) as refused:
        store.override(session_id, Action.START_INFUSION, reason, physician, PASSWORD)
    assert field in refused.value.reasons
    assert len(audit_of(store)) == before


def test_nothing_to_override_is_refused(charting, store):
    session_id = held(charting, store)
    with pytest.raises(ValidationError, match="nothing to override"):
        store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, PASSWORD)


def test_a_hold_after_the_override_holds_the_start_again(charting, store, clock):
    session_id = held(charting, store, psychosis_history="yes")
    store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, PASSWORD)
    charting.bp(session_id, 188, 104)  # the baseline now above the line: a new hold
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.START_INFUSION)
    assert refused.value.missing == ("History of psychosis: yes",
                                     "Baseline BP 188/104 above the pre-dose line 140/90")


def test_a_discharge_with_a_gap_needs_the_physicians_override(charting, store, clock):
    session_id = charting.started()
    charting.through_observation(session_id)
    charting.answer_all(session_id, "discharge")
    charting.bp(session_id, 126, 80)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE)
    gaps = refused.value.missing
    assert any("Aldrete" in gap for gap in gaps)
    with pytest.raises(ValidationError, match="only while the session is pre-infusion"):
        store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, PASSWORD)
    store.override(session_id, Action.DISCHARGE, REASON, PHYSICIAN, PASSWORD)
    assert store.chart(session_id).overrides[-1].items == gaps
    store.change_phase(session_id, Action.DISCHARGE)
    assert store.chart(session_id).phase is Phase.DISCHARGED


def test_overrides_are_append_only_verified_and_signed(charting, store, db_path):
    session_id = held(charting, store, psychosis_history="yes")
    store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, PASSWORD)
    assert chart_content(store.chart(session_id))["overrides"][0]["physician"] == PHYSICIAN
    assert verify_database(db_path) == []
    with sqlite3.connect(db_path) as raw, pytest.raises(sqlite3.IntegrityError,
                                                         match="never changed"):
        raw.execute("UPDATE overrides SET reason = 'other'")


def test_the_physicians_to_choose_from(store):
    assert store.physicians() == [(PHYSICIAN, "Dr Ada Obi")]
