"""The summary as data: the JSON's fields (each one documented in docs/summary-format.md,
and nothing documented that is not written) and the CSV's row per vitals set."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ketamonitor.core.phases import Action
from ketamonitor.export.summary import export_summary
from ketamonitor.export.summary_data import CSV_COLUMNS
from tests.charting import ASSESSMENT
from tests.export.monitor_session import CUFF_MOTION, monitor_session
from tests.export.test_summary import (
    ACTION,
    CLINIC,
    DRUG_LOT,
    HIGH_BP,
    NOTE,
    signed_session,
)
from tests.people import ADMIN, PASSWORD, PHYSICIAN, audit_of, login_as

DOC = Path(__file__).parents[2] / "docs" / "summary-format.md"


@pytest.fixture
def signed(store, charting) -> int:
    return signed_session(store, charting)


def exported(store, session_id: int, fmt: str, folder: Path) -> bytes:
    return export_summary(store, session_id, fmt, folder / f"summary.{fmt}").read_bytes()


def paths(value: Any, prefix: str = "") -> set[str]:
    """Every field's documented name: "session.dose.total_mg", "vitals[].flags[].code"."""
    found = {prefix} if prefix else set()
    if isinstance(value, dict):
        for key, item in value.items():
            found |= paths(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                for key, inner in item.items():
                    found |= paths(inner, f"{prefix}[].{key}")
    return found


def documented(section: str) -> set[str]:
    """The names in the first column of a section's field table in the doc."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", body, flags=re.MULTILINE))


def test_the_json_holds_the_summary_in_its_documented_fields(store, signed, tmp_path):
    head_id, head_hash = store.audit_head()
    last = audit_of(store)[-1]
    assert (head_id, head_hash) == (last["id"], last["hash"])  # the chain's head
    data = json.loads(exported(store, signed, "json", tmp_path))
    chart = store.chart(signed)
    (signature,) = store.signatures(signed)
    assert (data["format"], data["format_version"]) == ("ketamonitor-session-summary", 1)
    assert data["generated_by"] == {"username": PHYSICIAN, "name": "Dr Ada Obi"}
    assert data["clinic_name"] == CLINIC and data["time_zone"] == "UTC+00:00"
    assert data["patient"] == {"id": chart.patient.id, "mrn": "MRN-1001",
                               "family_name": "Rivera", "given_name": "Ana",
                               "birth_date": "1984-05-06", "age_at_session": 42,
                               "is_demo": False}
    session = data["session"]
    assert (session["id"], session["number_in_course"], session["sessions_in_course"],
            session["date"], session["route"], session["nurse"], session["prescriber"]) == (
        signed, 2, 2, "2026-11-23", "iv", "Ana Nurse", "Dr Ada Obi")
    assert session["protocol"] == {"id": "iv-racemic-ketamine", "version": 1,
                                   "name": "IV racemic ketamine, 0.5 mg/kg over 40 min"}
    assert session["dose"] == {"mg_per_kg": 0.5, "mg_per_kg_prescribed": True,
                               "total_mg": 36.0, "devices": None,
                               "concentration_mg_per_ml": 1.0, "volume_ml": 36.0,
                               "pump_rate_ml_per_h": 54.0, "given_mg": 36.0,
                               "given_how": "from time infused", "given_volume_ml": 36.0,
                               "words": ("0.5 mg/kg × 72 kg = 36 mg total (36 mL at 1 mg/mL, "
                                         "pump 54 mL/h); given 36 mg of 36 mg planned (from "
                                         "time infused, 36 mL)")}
    assert (session["phase"], session["stopped_early"]) == ("discharged", None)
    timings = data["timings"]
    assert (timings["arrived_at"], timings["dose_started_at"], timings["finished_at"]) == (
        "2026-11-23T08:05:00.000Z", "2026-11-23T08:07:00.000Z", "2026-11-23T09:54:00.000Z")
    assert (timings["dosing_seconds"], timings["paused_seconds"],
            timings["observation_seconds"], timings["planned_dosing_seconds"]) == (
        41 * 60, 6 * 60, 60 * 60, 40 * 60)
    assert [p["phase"] for p in data["phases"]] == [
        "pre_infusion", "infusing", "paused", "infusing", "observation"]
    vitals = data["vitals"]
    assert [v["id"] for v in vitals] == [e.entry.id for e in chart.all_vitals_rows()]
    high = next(v for v in vitals if v["systolic"] == 186)
    assert high["flags"][0]["code"] == "bp_above_stop_line"
    assert high["observed_at"] == "2026-11-23T08:17:00.000Z" and high["phase"] == "infusing"
    assert sorted(v["status"] for v in vitals if v["status"] != "charted") == [
        "amended", "entered_in_error"]
    assert next(v for v in vitals if v["status"] == "amended")["heart_rate"] == 76
    assert all(item["answer"] == item["expected"] == "yes"
               for item in data["checklists"]["discharge"]["items"])
    assert data["dissociation_assessments"][0]["present"] == [("Sense of time altered (slowed "
                                                              "or sped up)")]
    assert data["side_effects"][0] | {"id": 0} == {
        "id": 0, "observed_at": "2026-11-23T08:24:00.000Z", "item": "nausea",
        "label": "Nausea", "severity": "moderate", "intervention": "ondansetron",
        "intervention_label": "Ondansetron", "note": "Settled within 10 min",
        "entered_by": "nurse.ana", "status": "charted", "value": "present",
        "resolved_at": "2026-11-23T08:34:00.000Z", "course": "resolved 08:34"}
    assert [(s["value"], s["course"]) for s in data["side_effects"][1:]] == [
        ("resolved", "resolved")]
    (alert,) = data["alerts"]
    assert [{k: m[k] for k in ("given_at", "drug", "label", "drug_class", "dose", "unit",
                               "route", "ordered_by", "given_by", "status")}
            for m in data["medications"]] == [
        {"given_at": "2026-11-23T08:18:00.000Z", "drug": "labetalol", "label": "Labetalol",
         "drug_class": "antihypertensive", "dose": 10, "unit": "mg", "route": "IV",
         "ordered_by": "Dr Ada Obi", "given_by": "Ana Ruiz", "status": "charted"},
        {"given_at": "2026-11-23T08:24:00.000Z", "drug": "ondansetron", "label": "Ondansetron",
         "drug_class": "antiemetic", "dose": 4, "unit": "mg", "route": "IV",
         "ordered_by": "Dr Ada Obi", "given_by": "Ana Ruiz", "status": "charted"}]
    assert data["medications"][0]["alert_id"] == alert["id"]
    assert data["medications"][1]["alert_id"] is None
    assert [(s["scale"], s["total"]) for s in data["scores"]] == [
        ("phq9", 9), ("moaas", 4), ("moaas", 5), ("modified_aldrete", 10)]
    phq9 = data["scores"][0]
    assert phq9["item_scores"] == [{"item": f"q{n}", "score": 1} for n in range(1, 10)]
    assert phq9["flags"] == [("PHQ-9 item 9 (thoughts of self-harm) answered above 'Not at "
                              "all': tell the physician")]
    # item 9 in the words of the session page's red banner
    assert data["item9"] == {"answer": 1, "assessed": True,
                             "words": "PHQ-9 Item 9: 1 — assessed"}
    assert [(a["outcome"], a["plan"], a["entered_by"]) for a in data["risk_assessments"]] == [
        (ASSESSMENT.outcome, ASSESSMENT.plan, PHYSICIAN)]
    assert data["risk_assessments"][0]["words"].startswith(
        "Risk assessment by Dr Ada Obi at 09:5")
    assert any(e["kind"] == "note" and e["text"] == NOTE for e in data["events"])
    assert any(e["kind"] == Action.PAUSE_INFUSION and e["text"] == "BP above the stop line"
               for e in data["events"])
    assert (alert["message"], alert["priority"], alert["action"],
            alert["acknowledged_by"]) == (HIGH_BP, "high", ACTION, "nurse.ana")
    assert alert["escalation"] | {"entered_at": None} == {
        "done": ["Infusion paused"], "note": None, "physician_called": True,
        "physician": "Dr Ada Obi", "called_at": "2026-11-23T08:18:00.000Z",
        "ordered": "Recheck BP in 5 min", "entered_at": None, "entered_by": "nurse.ana"}
    assert alert["seen_by_physician"] == PHYSICIAN  # signed: the signer saw it
    assert alert["seen"] == PHYSICIAN
    assert alert["escalation_words"] == (
        "Done: Infusion paused. Physician: Dr Ada Obi at 08:18. Ordered: Recheck BP in 5 "
        f"min. Seen by physician: {PHYSICIAN}.")
    assert [(a["field"], a["old_value"], a["new_value"]) for a in data["amendments"]] == [
        ("heart_rate", "67", "76"), ("status", "valid", "entered in error")]
    assert data["rems"] is None and data["devices"] == []
    assert data["medications"][0]["entered_by"] == "nurse.ana"
    assert data["drug_lots"] == [{"number": 1, "amount_mg": 36, "lot": DRUG_LOT,
                                  "given_at": "2026-11-23T08:07:00.000Z",
                                  "entered_by": "nurse.ana"}]
    assert data["signed"] is True
    assert data["signatures"] == [{
        "kind": "signature", "printed_name": "Dr Ada Obi", "signer": PHYSICIAN,
        "signed_at": "2026-11-23T10:24:00.000Z", "meaning": "reviewed and approved",
        "content_hash": signature.content_hash, "text": None,
        "manifestation": signature.manifestation(), "matches_chart": True}]
    assert data["audit_head"] == {"id": head_id, "hash": head_hash}


def test_every_json_field_is_documented_and_every_documented_one_written(
        store, charting, clock, signed, tmp_path):
    written = paths(json.loads(exported(store, signed, "json", tmp_path)))
    # the course's first session, ended early, adds why
    first = store.patient_sessions(store.chart(signed).patient.id)[0].session_id
    stopped = json.loads(exported(store, first, "json", tmp_path))["session"]["stopped_early"]
    assert (stopped["action"], stopped["reason"]) == (
        "end_session_early",
        "Patient's request; physician informed: Dr Ada Obi — patient declined the infusion")
    assert stopped["outcome"] == {"outcome": "patient_request", "label": "Patient's request",
                                  "destination": None, "physician_informed": "Dr Ada Obi"}
    written |= paths({"session": {"stopped_early": stopped}})
    # an esketamine session in the room adds the devices and the REMS form
    login_as(store, "nurse.ana")
    session_id = charting.session("intranasal-esketamine", devices="2",
                                  patient=charting.patient("MRN-2002"))
    charting.ready_to_start(session_id)
    store.record_device(session_id, "LOT-9X")
    login_as(store, ADMIN)
    data = json.loads(exported(store, session_id, "json", tmp_path))
    assert data["signed"] is False and data["devices"][0]["lot"] == "LOT-9X"
    assert data["drug_lots"] == []  # an intranasal dose's lots are its devices
    assert data["session"]["dose"]["mg_per_kg_prescribed"] is False
    assert data["rems"]["lots"] == ["LOT-9X"]
    written |= paths(data)
    # a held start the physician overrode adds the overrides
    login_as(store, "nurse.ana")
    held = charting.session(patient=charting.patient("MRN-2003"))
    charting.bp(held, 196, 118)
    charting.answer_all(held, "pre_session")
    store.override(held, Action.START_INFUSION, "agreed with the patient", PHYSICIAN,
                   PASSWORD)
    login_as(store, ADMIN)
    data = json.loads(exported(store, held, "json", tmp_path))
    assert data["overrides"][0]["items"] == [
        "Baseline BP 196/118 above the pre-dose line 140/90"]
    assert data["held"] is None  # the override covers the hold
    written |= paths(data)
    # a start still held adds what holds it, in the words of the session page
    login_as(store, "nurse.ana")
    waiting = charting.session(patient=charting.patient("MRN-2004"))
    charting.bp(waiting, 196, 118)
    charting.answer_all(waiting, "pre_session")
    login_as(store, ADMIN)
    data = json.loads(exported(store, waiting, "json", tmp_path))
    assert data["held"] == {
        "words": "“Start infusion” is held until a physician overrides:",
        "holds": ["Baseline BP 196/118 above the pre-dose line 140/90"]}
    written |= paths(data)
    # a session from a bedside monitor adds the artifacts and who validated each set
    login_as(store, "nurse.ana")
    monitored = monitor_session(store, charting)
    data = json.loads(exported(store, monitored.session_id, "json", tmp_path))
    assert data["monitor_artifacts"][0]["reason"] == CUFF_MOTION
    written |= paths(data)
    assert written == documented("JSON")


def test_the_csv_has_a_row_for_each_vitals_set(store, signed, tmp_path):
    raw = exported(store, signed, "csv", tmp_path)
    assert raw.startswith(b"session_id,patient_mrn,") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    chart = store.chart(signed)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert set(CSV_COLUMNS) == documented("CSV")
    assert [int(row["vitals_id"]) for row in rows] == [
        flagged.entry.id for flagged in chart.all_vitals_rows()]
    assert len(rows) == len(chart.vitals)
    high = next(row for row in rows if row["systolic"] == "186")
    assert high | {"vitals_id": "", "entered_at": ""} == {
        "session_id": str(signed), "patient_mrn": "MRN-1001", "vitals_id": "",
        "observed_at": "2026-11-23T08:17:00.000Z",
        "observed_at_local": "2026-11-23T08:17:00+00:00", "phase": "infusing",
        "systolic": "186", "diastolic": "112", "heart_rate": "76", "spo2": "98",
        "respiratory_rate": "14", "source": "manual", "entered_at": "",
        "entered_by": "nurse.ana", "status": "charted",
        "flags": "BP 186/112 above the stop line: systolic 186 above 180, diastolic 112 "
                 "above 110; hold the infusion and call the physician", "late_reason": "",
            "oxygen_l_per_min": "", "etco2": "", "monitor_reading_id": "", "validated_by": "",
            "validated_at": "", "artifact_reason": "", "marked_by": "", "marked_at": "",
            "monitor_readings_not_validated": "0"}
    assert [row["status"] for row in rows].count("entered_in_error") == 1
    assert next(row for row in rows if row["status"] == "amended")["heart_rate"] == "76"
