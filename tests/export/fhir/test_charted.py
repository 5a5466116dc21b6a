"""What the nurse charts besides vitals and scores reaches FHIR: dissociation assessments,
side effects (onset with severity and intervention, and resolution), the room's alerts with
their acknowledgement and escalation, and both checklists as QuestionnaireResponses."""

from __future__ import annotations

import pytest

from tests.export.fhir.whole_chart import (
    bundle_of,
    coded,
    interpretations,
    resources,
    whole_chart,
)
from tests.export.test_summary import ACTION, HIGH_BP, ORDERED

CODES = "https://clinic.example/fhir/CodeSystem/ketamonitor"


@pytest.fixture
def bundle(store, charting, tmp_path):
    return bundle_of(store, whole_chart(store, charting), tmp_path)


def test_a_dissociation_assessment_names_what_was_present(bundle):
    (assessment,) = coded(bundle, "dissociation-assessment")
    assert assessment["code"]["coding"][0]["system"] == CODES
    assert assessment["valueString"].startswith("Present: ")
    (present,) = assessment["component"]
    assert present["valueBoolean"] is True
    assert present["code"]["text"] in assessment["valueString"]


def test_a_side_effect_its_severity_intervention_and_resolution(bundle):
    onset, resolved = coded(bundle, "side-effect-nausea")
    assert onset["valueCodeableConcept"]["text"] == "present"
    assert [c["valueString"] for c in onset["component"]] == ["moderate", "Ondansetron"]
    assert onset["note"] == [{"text": "Settled within 10 min"}]
    assert resolved["valueCodeableConcept"]["text"] == "resolved"


def test_an_alert_with_its_acknowledgement_and_escalation(bundle):
    (alert,) = coded(bundle, "alert-bp_above_stop_line")
    assert alert["valueString"] == HIGH_BP
    assert interpretations(alert) == ["A"]
    notes = " ".join(n["text"] for n in alert["note"])
    assert ACTION in notes and ORDERED in notes and "Dr Ada Obi" in notes
    assert alert["performer"][0]["display"] == "Ana Ruiz"  # nurse.ana's account


def test_both_checklists_are_questionnaire_responses(bundle):
    pre, discharge = resources(bundle, "QuestionnaireResponse")
    assert pre["questionnaire"].endswith("/Questionnaire/pre_session")
    assert discharge["questionnaire"].endswith("/Questionnaire/discharge")
    assert pre["status"] == discharge["status"] == "completed"
    assert [i["linkId"] for i in discharge["item"]][:2] == ["escort_present", "alert_oriented"]
    assert all(i["answer"] == [{"valueString": "yes"}] for i in discharge["item"])


def test_an_unanswered_checklist_is_in_progress(store, charting, tmp_path):
    from tests.people import ADMIN, login_as

    session_id = charting.started()
    login_as(store, ADMIN)
    bundle = bundle_of(store, session_id, tmp_path)
    pre, discharge = resources(bundle, "QuestionnaireResponse")
    assert pre["status"] == "completed" and discharge["status"] == "in-progress"
    assert all("answer" not in item for item in discharge["item"])


def test_a_physicians_override_of_a_held_start_reaches_fhir_in_the_pages_words(
        store, charting, tmp_path):
    from tests.export.test_summary import HELD_REASON, charted_session
    from tests.people import PHYSICIAN, login_as

    session_id = charted_session(store, charting, held_start=True)
    login_as(store, PHYSICIAN)
    bundle = bundle_of(store, session_id, tmp_path)
    (override,) = coded(bundle, "override-start_infusion")
    assert HELD_REASON in override["valueString"]
    assert any("psychosis" in c["valueString"].lower() for c in override["component"])
    (performer,) = override["performer"]
    assert performer["reference"] in {e["fullUrl"] for e in bundle["entry"]
                                      if e["resource"]["resourceType"] == "Practitioner"}


def test_the_rems_answers_reach_fhir_with_each_answer_the_chart_contradicts(
        store, charting, tmp_path):
    from tests.export.test_rems_form import charted_form
    from tests.people import ADMIN, login_as

    session_id = charted_form(store, charting, answers={"dissociation_occurred": "no"})
    login_as(store, ADMIN)
    bundle = bundle_of(store, session_id, tmp_path)
    (form,) = [r for r in resources(bundle, "QuestionnaireResponse")
               if r["questionnaire"].endswith("/Questionnaire/rems")]
    answers = {item["linkId"]: item.get("answer") for item in form["item"]}
    assert answers["dissociation_occurred"] == [{"valueString": "no"}]
    assert form["status"] == "in-progress"  # contradicted: not a form to file
    (contradiction,) = coded(bundle, "rems-contradiction")
    assert contradiction["valueString"].startswith("Dissociation occurred")
    assert interpretations(contradiction) == ["A"]
