"""PHQ-9 item 9 through the store: the physician's assessment before discharge and before
signing, refused to a nurse, and counted when item 9 is scored after discharge."""

from __future__ import annotations

import pytest

from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.risk import RiskAssessmentDraft
from ketamonitor.store.store import Store
from tests.charting import ASSESSMENT, Charting
from tests.people import NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import row_counts

NEEDED = "PHQ-9 item 9 answered {}: a physician's risk assessment is needed before {}"


def ready_to_discharge(charting: Charting, item9: int) -> int:
    session_id = charting.started()
    charting.phq9(session_id, item9)
    charting.through_observation(session_id)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    charting.bp(session_id, 126, 80)
    return session_id


def discharged(store: Store, charting: Charting) -> int:
    session_id = ready_to_discharge(charting, 0)
    store.change_phase(session_id, Action.DISCHARGE)
    return session_id


def test_item_9_during_the_session_without_an_assessment_refuses_discharge(store, charting):
    session_id = ready_to_discharge(charting, 1)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.DISCHARGE)
    assert refused.value.missing == (NEEDED.format(1, "discharge"),)
    assert store.item9_marks() == {session_id: "Item 9: 1 — assessment needed"}


def test_a_physicians_assessment_lets_the_discharge_go(store, charting, db_path):
    session_id = ready_to_discharge(charting, 2)
    login_as(store, PHYSICIAN)
    assessment_id = store.record_risk_assessment(session_id, ASSESSMENT)
    (assessment,) = store.chart(session_id).risk_assessments
    assert (assessment.id, assessment.outcome, assessment.plan, assessment.note,
            assessment.entered_by) == (assessment_id, ASSESSMENT.outcome, ASSESSMENT.plan,
                                       ASSESSMENT.note, PHYSICIAN)
    assert audit_of(store, "risk_assessments")[-1]["action"] == "risk_assessments.create"
    login_as(store, NURSE)
    assert store.change_phase(session_id, Action.DISCHARGE).phase is Phase.DISCHARGED
    assert store.item9_marks() == {session_id: "Item 9: 2 — assessed"}


def test_a_nurse_cannot_record_the_assessment(store, charting, db_path):
    session_id = ready_to_discharge(charting, 1)
    before = row_counts(db_path)
    with pytest.raises(PermissionDenied):
        store.record_risk_assessment(session_id, ASSESSMENT)
    assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}
    assert audit_of(store)[-1]["action"] == "assess_risk.refused"


@pytest.mark.parametrize(("draft", "field"), [
    (RiskAssessmentDraft("All fine", ASSESSMENT.plan), "outcome"),
    (RiskAssessmentDraft(ASSESSMENT.outcome, "Home"), "plan"),
])
def test_an_assessment_outside_the_clinics_words_is_refused(store, charting, db_path, draft,
                                                            field):
    session_id = ready_to_discharge(charting, 1)
    login_as(store, PHYSICIAN)
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.record_risk_assessment(session_id, draft)
    assert set(refused.value.reasons) == {field}
    assert row_counts(db_path) == before


def test_no_assessment_is_recorded_where_item_9_is_not_positive(store, charting):
    session_id = ready_to_discharge(charting, 0)
    login_as(store, PHYSICIAN)
    with pytest.raises(ValidationError):
        store.record_risk_assessment(session_id, ASSESSMENT)


def test_item_9_scored_after_discharge_shows_in_the_review_queue_and_refuses_signing(
        store, charting, clock):
    session_id = discharged(store, charting)
    clock.advance(minutes=5)
    charting.phq9(session_id, 2, "after session")  # answered at the desk
    assert store.item9_marks([session_id]) == {session_id: "Item 9: 2 — assessment needed"}
    login_as(store, PHYSICIAN)
    assert [listing.session_id for listing in store.review_queue()] == [session_id]
    with pytest.raises(ValidationError) as refused:
        store.sign(session_id, PASSWORD)
    assert refused.value.reasons == {"risk_assessment": NEEDED.format(2, "signing")}
    store.record_risk_assessment(session_id, ASSESSMENT)
    store.sign(session_id, PASSWORD)
    assert store.item9_marks() == {}  # signed: the flag has done its work


def test_only_the_phq9_is_scored_on_a_finished_chart(store, charting, clock):
    session_id = discharged(store, charting)
    clock.advance(minutes=5)
    with pytest.raises(ValidationError):
        charting.aldrete(session_id)
