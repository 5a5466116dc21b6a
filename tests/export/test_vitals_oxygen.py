"""A SpO2 on oxygen says so in every export (one wording: "94 % (O2 2 L/min)"), the flow
rides on the FHIR SpO2 as its inhaled-oxygen-flow component, an EtCO2 is its own
Observation, and a chart without capnography gets no empty EtCO2 column in the PDF."""

from __future__ import annotations

import csv
import io
import json

from fhir.resources.R4B.bundle import Bundle

from ketamonitor.core.phases import Action
from ketamonitor.export.summary import export_summary
from tests.charting import EARLY_END
from tests.export.test_summary import pdf_text
from tests.people import NURSE, PHYSICIAN, login_as


def oxygen_session(store, charting, clock, *, etco2: bool = True,
                   mrn: str = "MRN-1001") -> int:
    login_as(store, NURSE)
    session_id = charting.session(patient=charting.patient(mrn))
    charting.bp(session_id, 128, 82)
    clock.advance(minutes=5)
    extra = {"etco2": "41"} if etco2 else {}
    charting.vitals(session_id, spo2="94", oxygen="oxygen", oxygen_l_per_min="2",
                    respiratory_rate="0", confirmed=frozenset({"respiratory_rate"}), **extra)
    clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END, reason="Apnoea")
    login_as(store, PHYSICIAN)
    return session_id


def test_json_and_csv_carry_the_oxygen_and_the_etco2(store, charting, clock, tmp_path):
    session_id = oxygen_session(store, charting, clock)
    data = json.loads(export_summary(store, session_id, "json",
                                     tmp_path / "s.json").read_text("utf-8"))
    assert [(v["spo2_words"], v["oxygen_l_per_min"], v["etco2"]) for v in data["vitals"]] == [
        ("98 %", None, None), ("94 % (O2 2 L/min)", 2.0, 41)]
    assert data["vitals"][1]["respiratory_rate"] == 0
    rows = list(csv.DictReader(io.StringIO(export_summary(
        store, session_id, "csv", tmp_path / "s.csv").read_text("utf-8"))))
    assert [(r["spo2"], r["oxygen_l_per_min"], r["etco2"]) for r in rows] == [
        ("98", "", ""), ("94", "2", "41")]


def test_fhir_puts_the_flow_on_the_spo2_and_the_etco2_in_its_own_observation(
        store, charting, clock, tmp_path):
    session_id = oxygen_session(store, charting, clock)
    data = json.loads(export_summary(store, session_id, "fhir",
                                     tmp_path / "s.fhir.json").read_text("utf-8"))
    Bundle.model_validate(data)
    observations = [e["resource"] for e in data["entry"]
                    if e["resource"]["resourceType"] == "Observation"]
    spo2 = [o for o in observations if o["code"]["coding"][0]["code"] == "2708-6"]
    assert [o.get("component") is None for o in spo2] == [True, False]  # room air, then O2
    (flow,) = spo2[1]["component"]
    assert flow["code"]["coding"][0]["code"] == "3151-8"
    assert (flow["valueQuantity"]["value"], flow["valueQuantity"]["code"]) == (2.0, "L/min")
    (etco2,) = [o for o in observations if o["code"]["coding"][0]["code"] == "19889-5"]
    assert (etco2["valueQuantity"]["value"], etco2["valueQuantity"]["code"]) == (41, "mm[Hg]")
    rr = [o for o in observations if o["code"]["coding"][0]["code"] == "9279-1"]
    assert rr[-1]["valueQuantity"]["value"] == 0  # apnoea, charted once confirmed


def test_the_pdf_words_the_spo2_with_its_oxygen_and_shows_etco2_only_when_charted(
        qapp, store, charting, clock, tmp_path):
    with_capnography = oxygen_session(store, charting, clock)
    _, pages = pdf_text(export_summary(store, with_capnography, "pdf", tmp_path / "a.pdf"))
    text = " ".join(pages)
    assert "94 % (O2 2 L/min)" in text and "EtCO2" in text
    without = oxygen_session(store, charting, clock, etco2=False, mrn="MRN-2002")
    _, pages = pdf_text(export_summary(store, without, "pdf", tmp_path / "b.pdf"))
    text = " ".join(pages)
    assert "94 % (O2 2 L/min)" in text and "EtCO2" not in text
