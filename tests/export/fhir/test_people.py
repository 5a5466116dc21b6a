"""The people of a session: the Patient on the clinic's MRN; a Practitioner for the nurse and
the prescriber named on the session form, each account that charted and the signing
physician, referenced from the Encounter's participants, the administrations' performers
and the Observations' performers."""

from __future__ import annotations

import pytest

from tests.export.fhir.whole_chart import (
    bundle_of,
    by_reference,
    coded,
    resources,
    whole_chart,
)

STAFF = "https://clinic.example/fhir/sid/staff-username"
NAMED = "https://clinic.example/fhir/sid/staff-name"


@pytest.fixture
def bundle(store, charting, tmp_path):
    return bundle_of(store, whole_chart(store, charting), tmp_path)


def test_the_encounters_participants_are_practitioners(bundle):
    (encounter,) = resources(bundle, "Encounter")
    roles = {p["type"][0]["coding"][0]["code"]: by_reference(bundle, p["individual"])
             for p in encounter["participant"]}
    assert set(roles) == {"PPRF", "REF", "ATND"}
    assert roles["PPRF"]["identifier"] == [{"system": NAMED, "value": "Ana Nurse"}]
    assert roles["REF"]["name"] == [{"text": "Dr Ada Obi"}]
    assert roles["ATND"]["identifier"] == [{"system": STAFF, "value": "dr.obi"}]
    assert roles["ATND"]["name"] == [{"text": "Dr Ada Obi"}]


def test_each_person_is_one_practitioner_whoever_refers_to_them(bundle):
    practitioners = resources(bundle, "Practitioner")
    named = [(p["identifier"][0]["system"], p["identifier"][0]["value"]) for p in practitioners]
    assert len(set(named)) == len(named)
    (dose, *_) = resources(bundle, "MedicationAdministration")
    assert by_reference(bundle, dose["performer"][0]["actor"])["name"] == [
        {"text": "Ana Nurse"}]
    charted_by = {by_reference(bundle, o["performer"][0])["identifier"][0]["value"]
                  for o in coded(bundle, "85354-9")}
    assert charted_by == {"nurse.ana"}


def test_an_account_is_named_by_its_display_name(bundle):
    (nurse,) = [p for p in resources(bundle, "Practitioner")
                if p["identifier"] == [{"system": STAFF, "value": "nurse.ana"}]]
    assert nurse["name"] == [{"text": "Ana Ruiz"}]


def test_the_staffs_names_are_read_by_who_may_read_the_record(store):
    from ketamonitor.core.permissions import NotLoggedIn

    assert store.staff_names(["nurse.ana", "dr.obi", "nobody"]) == {
        "dr.obi": "Dr Ada Obi", "nurse.ana": "Ana Ruiz"}
    store.logout()
    with pytest.raises(NotLoggedIn):
        store.staff_names(["nurse.ana"])


def test_the_patient_is_on_the_clinics_mrn(bundle):
    (patient,) = resources(bundle, "Patient")
    (mrn,) = patient["identifier"]
    assert (mrn["system"], mrn["value"], mrn["type"]["coding"][0]["code"]) == (
        "https://clinic.example/fhir/sid/mrn", "MRN-1001", "MR")
