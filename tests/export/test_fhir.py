"""The summary as a FHIR R4 Bundle (a transaction, by default), validated by the
fhir.resources models (R4B): the patient, the session, the dose, every vitals set with its
LOINC codes and UCUM units in UTC, and the signature."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from ketamonitor.core.times import to_stored
from ketamonitor.export.summary import export_summary
from tests.export.test_summary import signed_session
from tests.people import ADMIN, NURSE, login_as

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
VITAL_SIGNS = {"system": "http://terminology.hl7.org/CodeSystem/observation-category",
               "code": "vital-signs", "display": "Vital Signs"}


def bundle_of(store, session_id: int, folder: Path) -> dict[str, Any]:
    out = export_summary(store, session_id, "fhir", folder / "summary.fhir.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    Bundle.model_validate(data)  # raises on anything R4 does not allow
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(resource: dict[str, Any]) -> list[str]:
    return [coding["code"] for coding in resource["code"]["coding"]]


@pytest.fixture
def signed(store, charting) -> int:
    return signed_session(store, charting)


def test_the_bundle_is_valid_r4_and_every_reference_resolves(store, signed, tmp_path):
    bundle = bundle_of(store, signed, tmp_path)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "transaction")
    assert bundle["timestamp"] == "2026-11-23T10:24:00.000Z"
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert (kinds["Patient"], kinds["Encounter"], kinds["MedicationAdministration"],
            kinds["Provenance"]) == (1, 1, 3, 1)  # the dose, labetalol and ondansetron
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert all(url.startswith("urn:uuid:") for url in urls)
    assert len(urls) == len(bundle["entry"])  # one id each
    text = json.dumps(bundle)
    for reference in {part.split('"')[0] for part in text.split('"reference": "')[1:]}:
        assert reference in urls or reference.startswith("#"), reference
    # the same record gives the same bundle
    assert bundle_of(store, signed, tmp_path)["entry"] == bundle["entry"]


def test_vital_signs_carry_their_loinc_codes_ucum_units_and_utc_times(store, signed, tmp_path):
    bundle = bundle_of(store, signed, tmp_path)
    chart = store.chart(signed)
    (encounter,) = resources(bundle, "Encounter")
    vitals = [o for o in resources(bundle, "Observation") if o["category"][0]["coding"][0]
              == VITAL_SIGNS]
    for observation in vitals:
        assert observation["subject"]["reference"].startswith("urn:uuid:")
        assert observation["encounter"]["reference"] == f"urn:uuid:{encounter['id']}"
        assert observation["effectiveDateTime"].endswith("Z")
        assert all(c["system"] == LOINC for c in observation["code"]["coding"])
    by_code = {code: [o for o in vitals if codes(o)[0] == code]
               for code in ("85354-9", "8867-4", "9279-1", "2708-6", "29463-7")}
    sets = len(chart.vitals)
    assert [len(by_code[code]) for code in ("85354-9", "8867-4", "9279-1", "2708-6")] == [
        sets] * 4
    high = next(o for o in by_code["85354-9"] if o["component"][0]["valueQuantity"]["value"]
                == 186)
    systolic, diastolic = high["component"]
    assert (codes(systolic), codes(diastolic)) == (["8480-6"], ["8462-4"])
    assert diastolic["valueQuantity"] == {"value": 112, "unit": "mmHg", "system": UCUM,
                                          "code": "mm[Hg]"}
    entry = next(e for e in chart.vitals if e.current.systolic == 186)
    assert high["effectiveDateTime"] == to_stored(entry.current.observed_at)
    assert high["status"] == "final"
    heart = by_code["8867-4"][0]["valueQuantity"]
    assert (heart["code"], heart["system"]) == ("/min", UCUM)
    assert by_code["9279-1"][0]["valueQuantity"]["code"] == "/min"
    spo2 = by_code["2708-6"][0]
    assert codes(spo2) == ["2708-6", "59408-5"] and spo2["valueQuantity"]["code"] == "%"
    (weight,) = by_code["29463-7"]
    assert weight["valueQuantity"] == {"value": 72.0, "unit": "kg", "system": UCUM,
                                       "code": "kg"}
    assert sorted({o["status"] for o in by_code["85354-9"]}) == [
        "amended", "entered-in-error", "final"]
    (phq9,) = [o for o in resources(bundle, "Observation") if codes(o) == ["44261-6"]]
    assert phq9["valueInteger"] == 9


def test_the_patient_the_encounter_the_dose_and_the_signature(store, signed, tmp_path):
    bundle = bundle_of(store, signed, tmp_path)
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == "MRN-1001"
    assert patient["name"] == [{"use": "official", "family": "Rivera", "given": ["Ana"]}]
    assert patient["birthDate"] == "1984-05-06"
    (encounter,) = resources(bundle, "Encounter")
    assert encounter["status"] == "finished" and encounter["class"]["code"] == "AMB"
    assert encounter["period"] == {"start": "2026-11-23T08:05:00.000Z",
                                   "end": "2026-11-23T09:54:00.000Z"}
    dose, *others = resources(bundle, "MedicationAdministration")
    assert [o["medicationCodeableConcept"]["text"] for o in others] == [
        "Labetalol", "Ondansetron"]
    (drug,) = dose["contained"]  # the medication, with the lot of its bag
    assert {c["code"] for c in drug["code"]["coding"]} == {"6130", "373464007", "N01AX03"}
    assert drug["batch"] == {"lotNumber": "KET 24-0317"}
    assert dose["status"] == "completed"
    assert dose["effectivePeriod"] == {"start": "2026-11-23T08:07:00.000Z",
                                       "end": "2026-11-23T08:54:00.000Z"}
    assert dose["dosage"]["dose"] == {"value": 36.0, "unit": "mg", "system": UCUM,
                                      "code": "mg"}
    assert dose["dosage"]["rateQuantity"]["code"] == "mL/h"
    assert dose["dosage"]["route"]["coding"][0]["code"] == "47625008"
    (signature,) = store.signatures(signed)
    (provenance,) = resources(bundle, "Provenance")
    assert provenance["target"] == [{"reference": f"urn:uuid:{encounter['id']}"}]
    assert provenance["recorded"] == to_stored(signature.signed_at)
    assert provenance["signature"][0]["who"]["display"] == "Dr Ada Obi"
    assert provenance["reason"] == [{"text": "reviewed and approved"}]
    assert provenance["entity"][0]["what"]["identifier"]["value"] == signature.content_hash


def test_each_esketamine_device_is_an_administration_with_its_lot(store, charting, clock,
                                                                  tmp_path):
    session_id = charting.session("intranasal-esketamine", devices="2")
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.record_device(session_id, "LOT-9X")
    clock.advance(minutes=5)
    store.record_device(session_id, "LOT-7Q")
    login_as(store, ADMIN)
    bundle = bundle_of(store, session_id, tmp_path)
    (encounter,) = resources(bundle, "Encounter")
    assert encounter["status"] == "in-progress" and "end" not in encounter["period"]
    given = resources(bundle, "MedicationAdministration")
    assert [g["contained"][0]["batch"]["lotNumber"] for g in given] == ["LOT-9X", "LOT-7Q"]
    assert [g["effectiveDateTime"] for g in given] == ["2026-11-23T07:32:00.000Z",
                                                       "2026-11-23T07:37:00.000Z"]
    assert {c["code"] for c in given[0]["contained"][0]["code"]["coding"]} == {
        "2201623", "N06AX27"}
    assert all(g["dosage"]["dose"]["value"] == 28 and g["status"] == "completed"
               and g["dosage"]["route"]["coding"][0]["code"] == "46713006" for g in given)
    assert resources(bundle, "Provenance") == []


def test_an_iv_dose_without_a_lot_names_the_medicine_and_a_replaced_bag_both_lots(
        store, charting, clock, tmp_path):
    session_id = charting.started()
    login_as(store, ADMIN)
    (dose,) = resources(bundle_of(store, session_id, tmp_path), "MedicationAdministration")
    assert {c["code"] for c in dose["medicationCodeableConcept"]["coding"]} == {
        "6130", "373464007", "N01AX03"}
    assert "contained" not in dose

    login_as(store, NURSE)
    store.record_drug_lot(session_id, "KET 24-0317")
    clock.advance(minutes=5)
    login_as(store, NURSE)
    store.record_drug_lot(session_id, "KET 24-0318")  # the first bag replaced
    login_as(store, ADMIN)
    (dose,) = resources(bundle_of(store, session_id, tmp_path), "MedicationAdministration")
    assert dose["contained"][0]["batch"] == {"lotNumber": "KET 24-0317"}
    assert {"text": "Lots given: KET 24-0317, KET 24-0318"} in dose["note"]
