"""The scales reach FHIR: a PHQ-9 as the LOINC panel with its total and each item's answer,
item 9 answered above "Not at all" flagged and its physician's risk assessment a
RiskAssessment based on it; MOAA/S and the Modified Aldrete in the clinic's code system."""

from __future__ import annotations

import pytest

from tests.charting import ASSESSMENT
from tests.export.fhir.whole_chart import (
    bundle_of,
    by_reference,
    coded,
    codes,
    interpretations,
    resources,
    whole_chart,
)

LOINC = "http://loinc.org"
ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5",
         "44253-3", "44260-8"]


@pytest.fixture
def bundle(store, charting, tmp_path):
    return bundle_of(store, whole_chart(store, charting), tmp_path)


def test_a_phq9_is_the_loinc_panel_with_its_total_and_every_item(bundle):
    (panel,) = coded(bundle, "44249-1")
    members = [by_reference(bundle, member) for member in panel["hasMember"]]
    assert [codes(m)[0] for m in members] == ["44261-6", *ITEMS]
    total, *items = members
    assert total["valueInteger"] == 9
    assert all(i["valueCodeableConcept"]["coding"] == [
        {"system": LOINC, "code": "LA6569-3", "display": "Several days"}] for i in items)
    assert {m["code"]["coding"][0]["system"] for m in members} == {LOINC}
    assert all(m["category"][0]["coding"][0]["code"] == "survey" for m in members)
    assert panel["note"][-1]["text"] == "Item 9: 1 — assessed"


def test_item_9_positive_and_its_risk_assessment_reach_fhir(bundle):
    (item9,) = coded(bundle, "44260-8")
    assert interpretations(item9) == ["A"]
    assert all(interpretations(i) == [] for code in ITEMS[:-1] for i in coded(bundle, code))
    (assessment,) = resources(bundle, "RiskAssessment")
    assert assessment["basis"] == [{"reference": f"urn:uuid:{item9['id']}"}]
    assert assessment["prediction"] == [{"outcome": {"text": ASSESSMENT.outcome}}]
    assert assessment["mitigation"] == ASSESSMENT.plan
    physician = by_reference(bundle, assessment["performer"])
    assert physician["identifier"][0]["value"] == "dr.obi"
    assert physician["name"] == [{"text": "Dr Ada Obi"}]


def test_moaas_and_the_aldrete_are_in_the_clinics_code_system(bundle):
    system = "https://clinic.example/fhir/CodeSystem/ketamonitor"
    moaas = coded(bundle, "scale-moaas")
    assert [m["valueInteger"] for m in moaas] == [4, 5]
    assert all(m["code"]["coding"][0]["system"] == system and "interpretation" not in m
               for m in moaas)
    (aldrete,) = coded(bundle, "scale-modified_aldrete")
    assert aldrete["valueInteger"] == 10
    assert [c["code"]["coding"][0]["code"] for c in aldrete["component"]] == [
        "scale-modified_aldrete-activity", "scale-modified_aldrete-respiration",
        "scale-modified_aldrete-circulation", "scale-modified_aldrete-consciousness",
        "scale-modified_aldrete-oxygen_saturation"]


def test_deep_sedation_is_flagged_abnormal(store, charting, tmp_path):
    from ketamonitor.core.entries import scale_answer
    from tests.people import ADMIN, login_as

    session_id = charting.started()
    store.record_scale_score(session_id, scale_answer(
        store.library.scale("moaas"), {"moaas": 1}, charting.clock.now()))
    login_as(store, ADMIN)
    (moaas,) = coded(bundle_of(store, session_id, tmp_path), "scale-moaas")
    assert interpretations(moaas) == ["AA"]
