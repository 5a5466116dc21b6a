"""Every export of a session charted partly from a bedside monitor (issue 21) says which
sets came from the monitor and who validated each, prints the readings marked as artifacts
with their reasons, and counts the readings never validated, never printing those as sets."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ketamonitor.core.monitor_words import not_validated_words
from ketamonitor.export.summary import export_summary
from tests.export.fhir.whole_chart import bundle_of, coded
from tests.export.monitor_session import CUFF_MOTION, MonitorSession, monitor_session
from tests.export.test_summary import pdf_text

NOT_VALIDATED = ("1 monitor reading was not validated; it is kept in the record, not in this "
                 "summary")


@pytest.fixture
def monitored(store, charting) -> MonitorSession:
    return monitor_session(store, charting)


def test_the_pdf_marks_the_monitors_set_its_artifact_and_the_reading_not_validated(
        qapp, store, monitored, tmp_path):
    for size in ("A4", "Letter"):
        out = export_summary(store, monitored.session_id, "pdf", tmp_path / f"{size}.pdf",
                             page_size=size)
        _, pages = pdf_text(out)
        text = " ".join(pages)
        for words in ("07:30 Pre-infusion (baseline) 124/80 76 98 % 14 nurse.ana 07:30",
                      ("07:35 Pre-infusion (baseline) 132/84 72 98 % Monitor, validated by "
                       "nurse.ana at 07:36"),
                      "the nurse who validated it",
                      f"{NOT_VALIDATED}.",
                      "Monitor readings marked as artifacts",
                      ("Reading Values Reason Marked by 07:40 BP 210/60, HR 75/min, SpO2 97 % "
                       f"{CUFF_MOTION} nurse.ana 07:41")):
            assert words in text, (size, words)
        assert text.count("210/60") == 1  # the artifact's mark, never a row of the table
        assert "171/99" not in text and "07:45" not in text  # the reading never validated


def test_the_json_says_each_sets_source_and_lists_the_artifact(store, monitored, tmp_path):
    out = export_summary(store, monitored.session_id, "json", tmp_path / "summary.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    typed, accepted = data["vitals"]
    assert (typed["id"], typed["source"], typed["monitor_reading_id"], typed["validated_by"],
            typed["validated_at"], typed["source_words"]) == (
        monitored.typed_id, "manual", None, None, None, "")
    assert (accepted["id"], accepted["systolic"], accepted["source"],
            accepted["monitor_reading_id"], accepted["validated_by"],
            accepted["validated_at"], accepted["source_words"]) == (
        monitored.accepted_id, 132, "monitor", monitored.accepted_reading, "nurse.ana",
        "2026-11-23T07:36:00.000Z", "Monitor, validated by nurse.ana at 07:36")
    (artifact,) = data["monitor_artifacts"]
    assert artifact == {
        "reading_id": monitored.artifact_reading, "observed_at": "2026-11-23T07:40:00.000Z",
        "received_at": "2026-11-23T07:40:00.000Z", "phase": "pre_infusion",
        "systolic": 210, "diastolic": 60, "heart_rate": 75, "spo2": 97,
        "respiratory_rate": None, "oxygen_l_per_min": None, "etco2": None,
        "values": "BP 210/60, HR 75/min, SpO2 97 %", "reason": CUFF_MOTION,
        "marked_at": "2026-11-23T07:41:00.000Z", "marked_by": "nurse.ana",
        "words": ("Monitor reading 07:40 (BP 210/60, HR 75/min, SpO2 97 %) marked as an "
                  f"artifact by nurse.ana at 07:41: {CUFF_MOTION}")}
    assert data["monitor_readings_not_validated"] == {"count": 1, "words": NOT_VALIDATED}


def test_the_csv_has_the_artifact_after_the_sets_and_the_count_on_every_row(
        store, monitored, tmp_path):
    out = export_summary(store, monitored.session_id, "csv", tmp_path / "summary.csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert [(r["vitals_id"], r["systolic"], r["source"], r["status"]) for r in rows] == [
        (str(monitored.typed_id), "124", "manual", "charted"),
        (str(monitored.accepted_id), "132", "monitor", "charted"),
        ("", "210", "monitor", "monitor_artifact")]
    typed, accepted, artifact = rows
    assert (typed["monitor_reading_id"], typed["validated_by"], typed["marked_by"]) == (
        "", "", "")
    assert (accepted["monitor_reading_id"], accepted["validated_by"],
            accepted["validated_at"], accepted["artifact_reason"]) == (
        str(monitored.accepted_reading), "nurse.ana", "2026-11-23T07:36:00.000Z", "")
    assert (artifact["monitor_reading_id"], artifact["artifact_reason"],
            artifact["marked_by"], artifact["marked_at"], artifact["entered_by"],
            artifact["observed_at_local"]) == (
        str(monitored.artifact_reading), CUFF_MOTION, "nurse.ana",
        "2026-11-23T07:41:00.000Z", "", "2026-11-23T07:40:00+00:00")
    assert {r["monitor_readings_not_validated"] for r in rows} == {"1"}


def test_fhir_says_the_set_came_from_the_monitor_and_leaves_the_others_out(
        store, monitored, tmp_path: Path):
    bundle = bundle_of(store, monitored.session_id, tmp_path)  # validated with R4B
    bps = {o["component"][0]["valueQuantity"]["value"]: o for o in coded(bundle, "85354-9")}
    assert sorted(bps) == [124, 132]  # not the artifact (210), not the pending one (171)
    typed, accepted = bps[124], bps[132]
    assert "device" not in typed and "note" not in typed
    assert accepted["device"] == {"display": "Bedside monitor"}
    assert accepted["note"] == [{"text": "Monitor, validated by nurse.ana at 07:36"}]
    assert accepted["issued"] == "2026-11-23T07:36:00.000Z"
    assert accepted["performer"] == typed["performer"]  # the nurse, whose set it became
    heart = [o["valueQuantity"]["value"] for o in coded(bundle, "8867-4")]
    assert sorted(heart) == [72, 76]


def test_the_readings_not_validated_are_counted_only_when_there_are_any():
    assert not_validated_words(0) is None
    assert not_validated_words(3) == ("3 monitor readings were not validated; they are kept "
                                      "in the record, not in this summary")
