"""The FHIR summary as a file: the clinic's identifier systems from its settings, the bundle
type asked for (`--fhir-bundle` on the command line; the window's .fhir.json keeps the
transaction), audited; an unknown type refused by argparse with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketamonitor.cli import PASSWORD_ENV, main
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.settings import check_setting
from ketamonitor.export.fhir import clinic_systems
from ketamonitor.export.summary import export_summary
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.export.fhir.whole_chart import resources
from tests.people import ADMIN, FAST_HASHER, PASSWORD, PHYSICIAN, add_people, audit_of, login_as

MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5.99999.1"


def test_the_clinics_systems_are_its_settings(store, charting, tmp_path):
    session_id = charting.started()
    login_as(store, ADMIN)
    assert clinic_systems(store).mrn == "https://clinic.example/fhir/sid/mrn"
    store.set_setting("fhir_mrn_system", MRN_SYSTEM)
    store.set_setting("fhir_code_system", "https://lakeside.example.org/fhir")
    # the window's export (export_summary) writes the transaction on the clinic's systems
    out = export_summary(store, session_id, "fhir", tmp_path / "s.fhir.json")
    bundle = json.loads(out.read_text("utf-8"))
    assert bundle["type"] == "transaction"
    (patient,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patient["request"]["ifNoneExist"] == f"identifier={MRN_SYSTEM}|MRN-1001"
    (nurse,) = [p for p in resources(bundle, "Practitioner")
                if p["identifier"][0]["value"] == "nurse.ana"]
    assert nurse["identifier"][0]["system"] == (
        "https://lakeside.example.org/fhir/sid/staff-username")
    details = json.loads(audit_of(store)[-1]["new_value"])
    assert (details["format"], details["bundle"]) == ("fhir", "transaction")


def test_a_system_setting_is_checked_as_any_setting():
    assert check_setting("fhir_mrn_system", "  urn:oid:1.2.3 ") == "urn:oid:1.2.3"
    with pytest.raises(ValidationError):
        check_setting("fhir_code_system", "x" * 201)


@pytest.fixture
def clinic(tmp_path: Path, clock, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    path = tmp_path / "clinic.db"
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        session_id = Charting(store, clock).started()
    return path, session_id


@pytest.mark.parametrize("kind", ["transaction", "collection", "document"])
def test_the_command_line_writes_the_bundle_type_asked(clinic, tmp_path, kind):
    path, session_id = clinic
    out = tmp_path / "s.fhir.json"
    given = [] if kind == "transaction" else ["--fhir-bundle", kind]
    assert main(["export", "summary", str(session_id), "--format", "fhir", *given,
                 "--out", str(out), "--db", str(path), "--user", PHYSICIAN]) == 0
    assert json.loads(out.read_text("utf-8"))["type"] == kind


def test_an_unknown_bundle_type_exits_as_argparse_does_with_nothing_written(clinic, tmp_path):
    path, session_id = clinic
    out = tmp_path / "s.fhir.json"
    with pytest.raises(SystemExit) as stopped:
        main(["export", "summary", str(session_id), "--format", "fhir", "--fhir-bundle",
              "batch", "--out", str(out), "--db", str(path), "--user", PHYSICIAN])
    assert stopped.value.code == 2
    assert not out.exists()
