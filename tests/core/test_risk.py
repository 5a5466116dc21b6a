"""PHQ-9 item 9: the flag read from the chart, the physician's assessment it asks for, and
the outcome "End session early" needs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.gates import check_action
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome, RiskAssessment
from ketamonitor.core.risk import (
    RiskAssessmentDraft,
    assessment_words,
    check_risk_assessment,
    early_end_gaps,
    item9_mark,
    item9_positive,
    item9_words,
    risk_gaps,
    risk_wording,
)
from tests.core.builders import T0, ChartBuilder, minutes

PHQ9_ITEMS = {f"q{n}": 1 for n in range(1, 9)}
NEEDED = "PHQ-9 item 9 answered {}: a physician's risk assessment is needed before discharge"


def phq9(item9: int, at: float = 5):
    return ChartBuilder().phase(Phase.OBSERVATION).score(
        at, "phq9", {**PHQ9_ITEMS, "q9": item9}, "before session").build()


def assessed(chart, at: float):
    wording = risk_wording()
    return replace(chart, risk_assessments=(RiskAssessment(
        1, 1, wording.outcomes[0], wording.plans[0], None, "Dr Ada Obi", minutes(at),
        "dr.obi"),))


@pytest.mark.parametrize(("item9", "flagged"), [(0, False), (1, True), (2, True), (3, True)])
def test_item_9_at_1_or_more_flags_the_chart(item9, flagged):
    chart = phq9(item9)
    assert (item9_positive(chart) is not None) is flagged
    assert risk_gaps(chart) == ([NEEDED.format(item9)] if flagged else [])


def test_item_9_during_the_session_without_an_assessment_is_a_discharge_gap():
    assert risk_gaps(phq9(1)) == [NEEDED.format(1)]
    assert item9_mark(phq9(1)) == "Item 9: 1 — assessment needed"


def test_a_physicians_assessment_after_the_answer_closes_the_gap():
    chart = assessed(phq9(2, at=5), at=6)
    assert risk_gaps(chart) == []
    assert item9_mark(chart) == "Item 9: 2 — assessed"


def test_an_assessment_made_before_a_new_positive_answer_does_not_cover_it():
    chart = assessed(phq9(2, at=30), at=6)
    assert risk_gaps(chart) == [NEEDED.format(2)]


def test_the_gate_before_signing_names_signing():
    assert risk_gaps(phq9(3), before="signing") == [
        "PHQ-9 item 9 answered 3: a physician's risk assessment is needed before signing"]


def test_an_assessment_takes_outcome_and_plan_from_the_clinics_lists():
    wording = risk_wording()
    check_risk_assessment(RiskAssessmentDraft(wording.outcomes[0], wording.plans[0]), wording)
    with pytest.raises(ValidationError) as refused:
        check_risk_assessment(RiskAssessmentDraft("fine", "home", "x" * 501), wording)
    assert set(refused.value.reasons) == {"outcome", "plan", "note"}


@pytest.mark.parametrize(("early_end", "gaps"), [
    (None, (("the outcome (transferred, left against advice, patient's request or clinical "
            "stop) and the physician informed"),)),
    (EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Obi"), ("the destination of the transfer",)),
    (EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Obi", "  "),
     ("the destination of the transfer",)),
    (EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Obi", "City ED"), ()),
    (EarlyEnd(EarlyEndOutcome.AGAINST_ADVICE, " "), ("the physician informed (name)",)),
    (EarlyEnd(EarlyEndOutcome.PATIENT_REQUEST, "Dr Obi"), ()),
    (EarlyEnd(EarlyEndOutcome.CLINICAL_STOP, "Dr Obi", "d" * 501),
     ("a destination of at most 500 characters",)),
])
def test_an_early_end_needs_its_outcome_destination_and_physician(early_end, gaps):
    assert early_end_gaps(early_end) == gaps


def test_end_session_early_is_refused_without_an_outcome_and_takes_it_as_its_reason():
    chart = ChartBuilder().phase(Phase.INFUSING).build()
    library = ChartBuilder().library
    with pytest.raises(PhaseChangeRefused):
        check_action(chart, Action.END_SESSION_EARLY, minutes(20), minutes(20), library,
                     zone=T0.tzinfo, reason="unwell")
    transfer = EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Obi", "City ED")
    change = check_action(chart, Action.END_SESSION_EARLY, minutes(20), minutes(20), library,
                          zone=T0.tzinfo, early_end=transfer)
    assert change.phase is Phase.STOPPED_EARLY
    assert change.reason == ("Transferred to emergency care (City ED); physician informed: "
                             "Dr Obi")


def test_the_banner_and_every_export_word_item_9_and_its_assessment_alike():
    assert item9_words(phq9(0)) is None
    assert item9_words(phq9(2)) == "PHQ-9 Item 9: 2 — assessment needed"
    chart = assessed(phq9(2, at=5), at=6)
    assert item9_words(chart) == "PHQ-9 Item 9: 2 — assessed"
    (assessment,) = chart.risk_assessments
    wording = risk_wording()
    assert assessment_words(assessment, lambda moment: "08:06") == (
        f"Risk assessment by Dr Ada Obi at 08:06: {wording.outcomes[0]}. "
        f"Plan: {wording.plans[0]}.")
    noted = replace(assessment, note="Seen with her sister")
    assert assessment_words(noted, str).endswith(". Seen with her sister")
