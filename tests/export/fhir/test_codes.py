"""The clinic's systems and the resources' ids: name-based, the same for the same record,
another clinic's (another MRN system) different."""

from __future__ import annotations

from ketamonitor.export.fhir.codes import ClinicSystems, Ids, identifier_query, reference


def test_ids_are_name_based_on_the_clinic_the_session_and_the_row():
    systems = ClinicSystems()
    ids = Ids(systems, 12)
    assert ids.of("vitals", 3, "bp") == Ids(systems, 12).of("vitals", 3, "bp")
    assert ids.of("vitals", 3, "bp") != Ids(systems, 13).of("vitals", 3, "bp")
    assert ids.of("vitals", 3, "bp") != Ids(ClinicSystems("urn:oid:1.2.3"), 12).of(
        "vitals", 3, "bp")
    assert ids.clinic_wide("patient", "MRN-1") == Ids(systems, 99).clinic_wide(
        "patient", "MRN-1")


def test_the_clinics_systems_hang_from_its_base():
    systems = ClinicSystems("urn:oid:1.2.3", "https://lakeside.example.org/fhir/")
    assert systems.codes == "https://lakeside.example.org/fhir/CodeSystem/ketamonitor"
    assert systems.staff == "https://lakeside.example.org/fhir/sid/staff-username"
    assert systems.code("alert", "Alert")["system"] == systems.codes


def test_a_conditional_create_asks_by_identifier():
    assert identifier_query("urn:oid:1.2.3", "MRN 7") == "identifier=urn:oid:1.2.3|MRN%207"
    assert reference("abc", "Ana") == {"reference": "urn:uuid:abc", "display": "Ana"}
