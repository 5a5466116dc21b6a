"""The bundle an EHR takes in: a transaction whose every entry carries its request (the
Patient a conditional create on the clinic's MRN), every reference an entry of the bundle,
the same ids from two exports; a collection and a document (its Composition first, sections
in the PDF's order); every kind of thing charted with its resource."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from ketamonitor.export.fhir import bundle_type_of, export_fhir_summary
from tests.export.fhir.whole_chart import bundle_of, codes, resources, whole_chart
from tests.people import ADMIN, login_as
from tests.store.steps import row_counts

MRN_SYSTEM = "https://clinic.example/fhir/sid/mrn"


@pytest.fixture
def whole(store, charting) -> int:
    return whole_chart(store, charting)


def references(value: Any) -> list[str]:
    """Every `reference` anywhere in a resource."""
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def test_every_entry_of_a_transaction_is_a_conditional_post(store, whole, tmp_path):
    bundle = bundle_of(store, whole, tmp_path)
    assert bundle["type"] == "transaction"
    entries = bundle["entry"]
    assert all(e["request"]["method"] == "POST"
               and e["request"]["url"] == e["resource"]["resourceType"] for e in entries)
    (patient,) = [e for e in entries if e["resource"]["resourceType"] == "Patient"]
    assert patient["request"]["ifNoneExist"] == f"identifier={MRN_SYSTEM}|MRN-1001"
    assert patient["resource"]["identifier"][0]["system"] == MRN_SYSTEM
    # everything but a Provenance (no identifier in R4) is created once, however often sent
    unconditional = {e["resource"]["resourceType"] for e in entries
                     if "ifNoneExist" not in e["request"]}
    assert unconditional == {"Provenance"}


@pytest.mark.parametrize("kind", ["transaction", "collection", "document"])
def test_every_reference_is_an_entry_of_the_bundle(store, whole, tmp_path, kind):
    bundle = bundle_of(store, whole, tmp_path, kind)
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert all(url == f"urn:uuid:{e['resource']['id']}"
               for url, e in zip(urls, bundle["entry"], strict=True))
    assert len(set(urls)) == len(urls)
    found = references(bundle)
    assert found
    for reference in found:
        assert reference in urls or reference.startswith("#"), reference
    assert ("request" in bundle["entry"][0]) is (kind == "transaction")


def test_two_exports_of_one_session_give_the_same_ids(store, whole, tmp_path):
    first = bundle_of(store, whole, tmp_path)
    again = bundle_of(store, whole, tmp_path)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in first["entry"]]
    assert again["entry"] == first["entry"]
    # another clinic's record (its own MRN system) gives other ids
    login_as(store, ADMIN)
    store.set_setting("fhir_mrn_system", "urn:oid:2.16.840.1.113883.19.5")
    other = bundle_of(store, whole, tmp_path)
    assert not {e["fullUrl"] for e in other["entry"]} & {e["fullUrl"] for e in first["entry"]}


def test_every_kind_of_entry_charted_has_its_resource(store, whole, tmp_path):
    bundle = bundle_of(store, whole, tmp_path)
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert (kinds["Patient"], kinds["Encounter"], kinds["RiskAssessment"],
            kinds["QuestionnaireResponse"], kinds["Provenance"]) == (1, 1, 1, 2, 2)
    assert kinds["MedicationAdministration"] == 3  # the dose, labetalol, ondansetron
    assert kinds["Practitioner"] >= 3
    documents = [codes(d, "type")[0] for d in resources(bundle, "DocumentReference")]
    assert sorted(documents) == ["34109-9", "55107-7"]  # the note, the addendum
    observed = Counter(c for o in resources(bundle, "Observation") for c in codes(o))
    for code in ("85354-9", "8867-4", "9279-1", "2708-6", "29463-7",  # vitals, weight
                 "44249-1", "44261-6", "44250-9", "44260-8"):  # PHQ-9 panel, total, items
        assert observed[code] >= 1, code
    clinic = [c.rsplit("/", 1)[-1] for o in resources(bundle, "Observation")
              for c in codes(o)]
    for code in ("scale-moaas", "scale-modified_aldrete", "dissociation-assessment",
                 "side-effect-nausea", "alert-bp_above_stop_line"):
        assert code in clinic, code


def test_a_document_starts_with_its_composition_in_the_pdfs_order(store, whole, tmp_path):
    bundle = bundle_of(store, whole, tmp_path, "document")
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert bundle["identifier"]["value"] == f"session-{whole}-document"
    assert composition["status"] == "final"
    assert composition["attester"][0]["mode"] == "legal"
    assert [s["title"] for s in composition["section"]] == [
        "Vitals", "Dose given", "Pre-session checklist", "Dissociation assessments",
        "Side effects and interventions", "Medications given", "Scores",
        "PHQ-9 item 9: physician's risk assessment", "Alerts and acknowledgements", "Notes",
        "Discharge checklist", "Signatures and addenda"]
    listed = {r["reference"] for s in composition["section"] for r in s["entry"]}
    charted = {e["fullUrl"] for e in bundle["entry"]
               if e["resource"]["resourceType"] not in ("Composition", "Patient", "Encounter",
                                                        "Practitioner")}
    assert listed == charted


def test_an_unknown_bundle_type_writes_nothing(store, whole, tmp_path):
    counts = row_counts(store.path)
    with pytest.raises(ValueError, match="choose one of transaction, collection, document"):
        export_fhir_summary(store, whole, tmp_path / "s.fhir.json", bundle_type="batch")
    assert list(tmp_path.glob("*.json")) == [] and row_counts(store.path) == counts
    assert bundle_type_of(" Document ") == "document"


#: Resources that exist, unchanged, in R4 and R4B (docs/fhir.md, "R4 and R4B").
SHARED = {"Patient", "Practitioner", "Encounter", "Observation", "MedicationAdministration",
          "QuestionnaireResponse", "RiskAssessment", "DocumentReference", "Composition",
          "Provenance"}


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


@pytest.mark.parametrize("kind", ["transaction", "document"])
def test_the_bundle_uses_only_what_r4_and_r4b_share(store, whole, tmp_path, kind):
    bundle = bundle_of(store, whole, tmp_path, kind)
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} <= SHARED
    assert "fhirVersion" not in keys(bundle)
    assert "concept" not in keys(bundle)  # no CodeableReference (R4B, R5)
    for given in resources(bundle, "MedicationAdministration"):  # R4's names, not R5's
        assert "context" in given and "encounter" not in given
        assert {"medicationCodeableConcept", "medicationReference"} & set(given)
    (encounter,) = resources(bundle, "Encounter")
    assert isinstance(encounter["class"], dict)
    contained = {c["resourceType"] for r in resources(bundle, "MedicationAdministration")
                 for c in r.get("contained", [])}
    assert contained == {"Medication"}
