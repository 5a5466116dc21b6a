"""The discharge gate and its entries, refused through the store as well as the form: a
script calling the store is a way in too, and a refusal writes nothing."""

from __future__ import annotations

import pytest

from ketamonitor.core.entries import checklist_answer, scale_answer
from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.phases import Action, Phase
from tests.people import audit_of

ALDRETE_10 = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2,
              "oxygen_saturation": 2}


def _counts(store, session_id: int) -> dict[str, int]:
    chart = store.chart(session_id)
    return {"events": len(chart.events), "entries": len(chart.checklist_entries),
            "scores": len(chart.scale_scores), "audit": len(audit_of(store))}


def _ready(charting, clock) -> int:
    session_id = charting.started()
    charting.through_observation(session_id)
    clock.advance(minutes=1)
    return session_id


def test_a_last_spo2_of_86_refuses_the_discharge_and_writes_nothing(store, charting, clock):
    session_id = _ready(charting, clock)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    clock.advance(minutes=1)
    charting.vitals(session_id, systolic="126", diastolic="80", heart_rate="78", spo2="86",
                    respiratory_rate="14")
    before = _counts(store, session_id)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE)
    assert "Last SpO2 86 % is below 92 %: recheck on room air" in refused.value.missing
    assert _counts(store, session_id) == before
    assert store.chart(session_id).phase is Phase.READY_FOR_DISCHARGE


def test_a_discharge_typed_before_the_entries_that_satisfied_it_is_refused(store, charting,
                                                                           clock):
    session_id = _ready(charting, clock)
    typed_for = clock.now()
    clock.advance(minutes=2)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    clock.advance(minutes=1)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE, at=typed_for)
    missing = " | ".join(refused.value.missing)
    assert "Modified Aldrete score after dosing ended" in missing
    assert "Escort / ride home present" in missing
    assert store.change_phase(session_id, Action.DISCHARGE).phase is Phase.DISCHARGED


def test_an_aldrete_contradicting_the_chart_is_refused_by_the_store(store, charting, clock):
    session_id = _ready(charting, clock)
    charting.vitals(session_id, systolic="126", diastolic="80", heart_rate="78", spo2="86",
                    respiratory_rate="14")
    before = _counts(store, session_id)
    scale = store.library.scale("modified_aldrete")
    with pytest.raises(ValidationError) as refused:
        store.record_scale_score(session_id, scale_answer(scale, ALDRETE_10, clock.now()))
    assert "the chart gives 0 (last SpO2 86 %)" in refused.value.reasons["oxygen_saturation"]
    assert _counts(store, session_id) == before


def test_a_severe_side_effect_holds_discharge_until_charted_resolved(store, charting, clock):
    session_id = _ready(charting, clock)
    effects = store.library.checklist("side_effects")
    store.record_checklist_answer(session_id, checklist_answer(
        effects, "psychotic_symptoms", "present", clock.now(), severity="severe"))
    clock.advance(minutes=5)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE)
    assert ("Side effect still present: Psychotic symptoms or mania (severe) for 5 min — "
            "chart it resolved or ask the physician") in refused.value.missing
    store.record_checklist_answer(session_id, checklist_answer(
        effects, "psychotic_symptoms", "resolved", clock.now()))
    assert store.change_phase(session_id, Action.DISCHARGE).phase is Phase.DISCHARGED


def test_resolving_what_was_never_charted_present_is_refused(store, charting, clock):
    session_id = charting.started()
    effects = store.library.checklist("side_effects")
    before = _counts(store, session_id)
    with pytest.raises(ValidationError) as refused:
        store.record_checklist_answer(session_id, checklist_answer(
            effects, "nausea", "resolved", clock.now()))
    assert "not charted present" in refused.value.reasons["item"]
    assert _counts(store, session_id) == before
