"""Holds on the start and the physician's override (issue 17, item 3): each case named in
the issue is one row, refused through core.check_action with the hold named."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.gates import check_action, next_step
from ketamonitor.core.holds import (
    check_override,
    covered,
    held_words,
    override_words,
    start_holds,
)
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import ChecklistEntry, Override
from tests.core.builders import ChartBuilder, minutes

PRE = "pre_session"


def ready(protocol_id: str = "iv-racemic-ketamine", systolic: int = 124, diastolic: int = 80,
          **answers: str) -> SessionChart:
    """A session before its dose: a baseline and every pre-session item answered as
    expected, but for `answers`."""
    builder = ChartBuilder(protocol_id).reading(2, systolic, diastolic, heart_rate=76,
                                                spo2=98, respiratory_rate=14)
    checklist = builder.library.checklist(PRE)
    for number, item in enumerate(checklist.items_for(builder.protocol.route)):
        assert item.expected is not None
        value = answers.get(item.key, item.expected.value)
        builder.entries.append(ChecklistEntry(900 + number, 1, PRE, item.key, item.label,
                                              value, minutes(3), minutes(3), "ana"))
    return builder.build()


def start(chart: SessionChart) -> None:
    check_action(chart, Action.START_INFUSION, minutes(8), minutes(8),
                 ChartBuilder().library, zone=UTC)


def override(chart: SessionChart, action: Action, items: tuple[str, ...],
             number: int = 1) -> SessionChart:
    given = Override(number, 1, action.value, items, "benefit outweighs the risk", "doc",
                     "Dr Doc", minutes(5), "ana")
    return replace(chart, overrides=(*chart.overrides, given))


@pytest.mark.parametrize(("answers", "hold"), [
    ({"psychosis_history": "yes"}, "History of psychosis: yes"),
    ({"aneurysmal_vascular_disease": "yes"},
     ("Aneurysmal vascular disease (aortic, intracranial, peripheral) or arteriovenous "
     "malformation: yes")),
    ({"intracerebral_haemorrhage": "yes"}, "History of intracerebral haemorrhage: yes"),
    ({"pregnancy": "yes"}, "Pregnant or possibly pregnant: yes"),
    ({"uncontrolled_hypertension": "yes"},
     "Uncontrolled hypertension (known, untreated or not at target): yes"),
    ({"escort_arranged": "no"},
     "Escort / ride home arranged (no driving until the next day, after sleep): no"),
    ({"fasting": "no"}, "Fasting as instructed (no food 2 h, no liquids 30 min before): no"),
], ids=["psychosis", "aneurysm_avm", "haemorrhage", "pregnancy", "hypertension", "no_escort",
        "not_fasting"])
def test_a_holding_answer_refuses_the_start_and_names_the_hold(answers, hold):
    chart = ready(**answers)
    assert start_holds(chart, ChartBuilder().library) == (hold,)
    with pytest.raises(PhaseChangeRefused) as refused:
        start(chart)
    assert refused.value.missing == (hold,)
    assert "physician" in refused.value.summary


@pytest.mark.parametrize(("systolic", "diastolic", "held"), [
    (140, 90, False),   # on the pre-dose line: not above it
    (141, 90, True),    # just over, systolic
    (140, 91, True),    # just over, diastolic
    (139, 89, False),   # just under
    (196, 118, True),   # the case
])
def test_a_baseline_above_the_pre_dose_line_holds(systolic, diastolic, held):
    chart = ready(systolic=systolic, diastolic=diastolic)
    words = f"Baseline BP {systolic}/{diastolic} above the pre-dose line 140/90"
    assert start_holds(chart, ChartBuilder().library) == ((words,) if held else ())
    if held:
        with pytest.raises(PhaseChangeRefused) as refused:
            start(chart)
        assert refused.value.missing == (words,)
    else:
        start(chart)


def test_an_expected_answer_holds_nothing():
    chart = ready()
    assert start_holds(chart, ChartBuilder().library) == ()
    start(chart)


def test_esketamine_holds_the_same_answers():
    chart = ready("intranasal-esketamine", psychosis_history="yes")
    with pytest.raises(PhaseChangeRefused, match="History of psychosis: yes"):
        start(chart)


def test_an_override_of_exactly_the_holds_lets_the_start_go_ahead():
    chart = ready(psychosis_history="yes", systolic=196, diastolic=118)
    holds = start_holds(chart, ChartBuilder().library)
    assert len(holds) == 2
    start(override(chart, Action.START_INFUSION, holds))


@pytest.mark.parametrize("listed", [0, 1], ids=["none_listed", "one_of_two_listed"])
def test_an_override_that_missed_a_hold_does_not_cover_it(listed):
    chart = ready(psychosis_history="yes", escort_arranged="no")
    holds = start_holds(chart, ChartBuilder().library)
    with pytest.raises(PhaseChangeRefused) as refused:
        start(override(chart, Action.START_INFUSION, holds[:listed]))
    assert refused.value.missing == holds


def test_a_hold_that_appears_after_the_override_holds_again():
    before = ready(psychosis_history="yes")
    overridden = override(before, Action.START_INFUSION,
                          start_holds(before, ChartBuilder().library))
    start(overridden)
    later = replace(overridden, vitals=(*overridden.vitals, *ChartBuilder().reading(
        6, 180, 100).vitals))  # a new baseline above the line, after the override
    with pytest.raises(PhaseChangeRefused, match="Baseline BP 180/100"):
        start(later)


def test_the_latest_override_is_the_one_that_stands():
    chart = ready(psychosis_history="yes")
    holds = start_holds(chart, ChartBuilder().library)
    chart = override(override(chart, Action.START_INFUSION, holds, 1),
                     Action.START_INFUSION, ("something else",), 2)
    assert not covered(chart, Action.START_INFUSION, holds)


def test_a_discharge_override_does_not_cover_the_start():
    chart = ready(psychosis_history="yes")
    holds = start_holds(chart, ChartBuilder().library)
    with pytest.raises(PhaseChangeRefused):
        start(override(chart, Action.DISCHARGE, holds))


def test_unanswered_items_are_gaps_no_override_covers():
    chart = ready()
    chart = replace(chart, checklist_entries=chart.checklist_entries[1:])
    with pytest.raises(PhaseChangeRefused, match="needs"):
        start(override(chart, Action.START_INFUSION, ("anything",)))


def test_the_next_step_lists_the_holds_apart_from_the_cautions():
    chart = ready(psychosis_history="yes")
    step = next_step(chart, ChartBuilder().library, minutes(8))
    assert step.held == ("History of psychosis: yes",) and step.gaps == ()
    assert "History of psychosis: yes" not in step.cautions
    holds = start_holds(chart, ChartBuilder().library)
    assert next_step(override(chart, Action.START_INFUSION, holds), ChartBuilder().library,
                     minutes(8)).held == ()


def _ready_for_discharge() -> SessionChart:
    builder = ChartBuilder().phase(Phase.OBSERVATION, dose_at=10, end_at=50)
    builder.reading(2, 124, 80).reading(170, 126, 80, heart_rate=76, spo2=98,
                                        respiratory_rate=14)
    builder.changes.append(replace(builder.changes[-1], action=Action.COMPLETE_OBSERVATION,
                                   phase=Phase.READY_FOR_DISCHARGE, at=minutes(171)))
    return builder.build()


def test_a_discharge_with_gaps_goes_ahead_only_with_an_override_of_those_gaps():
    chart = _ready_for_discharge()
    library = ChartBuilder().library

    def discharge(chart: SessionChart) -> None:
        check_action(chart, Action.DISCHARGE, minutes(172), minutes(172), library, zone=UTC)

    with pytest.raises(PhaseChangeRefused) as refused:
        discharge(chart)
    gaps = refused.value.missing
    assert any("Aldrete" in gap for gap in gaps)
    assert next_step(chart, library, minutes(172)).held == gaps
    discharge(override(chart, Action.DISCHARGE, gaps))
    with pytest.raises(PhaseChangeRefused):
        discharge(override(chart, Action.DISCHARGE, gaps[1:]))


@pytest.mark.parametrize(("action", "items", "reason", "field"), [
    (Action.START_INFUSION, (), "why", "items"),
    (Action.START_INFUSION, ("History of psychosis: yes",), "   ", "reason"),
    (Action.START_INFUSION, ("History of psychosis: yes",), "x" * 501, "reason"),
    (Action.PAUSE_INFUSION, ("a",), "why", "action"),
])
def test_an_override_needs_something_to_override_and_a_reason(action, items, reason, field):
    with pytest.raises(ValidationError) as refused:
        check_override(action, items, reason)
    assert field in refused.value.reasons


def test_an_override_reason_of_500_characters_is_kept():
    assert check_override(Action.DISCHARGE, ("a",), " " + "x" * 500) == "x" * 500


def test_an_override_in_words():
    chart = override(ready(), Action.START_INFUSION, ("History of psychosis: yes",))
    assert override_words(chart.overrides[0]) == (
        "Physician override of the start by Dr Doc: History of psychosis: yes. "
        "Reason: benefit outweighs the risk")


def test_the_holds_are_headed_in_the_words_of_the_action():
    assert held_words("Start infusion") == ("“Start infusion” is held until a physician "
                                            "overrides:")
