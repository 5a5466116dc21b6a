"""Issue 17: after "stop infusion early" at 31 of 40 minutes every export reports the dose
given (27.9 of 36 mg), with the planned dose beside it where shown; one esketamine device
then "stop dosing early" is 28 mg on the REMS form, not 56."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ketamonitor.core.dose import dose_given
from ketamonitor.core.phases import Action
from ketamonitor.export.logs import export_session_log
from ketamonitor.export.rems_form import export_rems_form
from ketamonitor.export.summary import export_summary
from tests.export.test_fhir import resources
from tests.export.test_summary import pdf_text
from tests.people import ADMIN, login_as


@pytest.fixture
def stopped_at_31(store, charting, clock) -> int:
    session_id = charting.started()
    clock.advance(minutes=31)
    store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="BP 190/112")
    clock.advance(minutes=5)
    login_as(store, ADMIN)
    return session_id


def test_the_pdf_shows_the_dose_given_beside_the_plan(store, stopped_at_31, tmp_path):
    out = export_summary(store, stopped_at_31, "pdf", tmp_path / "summary.pdf")
    _, pages = pdf_text(out)
    text = " ".join(pages)
    assert "= 36 mg total" in text
    assert "given 27.9 mg of 36 mg planned (from time infused, 27.9 mL)" in text


def test_the_json_holds_the_dose_given(store, stopped_at_31, tmp_path):
    out = export_summary(store, stopped_at_31, "json", tmp_path / "summary.json")
    dose = json.loads(out.read_text(encoding="utf-8"))["session"]["dose"]
    assert (dose["total_mg"], dose["given_mg"], dose["given_how"], dose["given_volume_ml"]) == (
        36, 27.9, "from time infused", 27.9)


def test_fhir_gives_the_dose_given_with_the_plan_in_its_text(store, stopped_at_31, tmp_path):
    out = export_summary(store, stopped_at_31, "fhir", tmp_path / "summary.fhir.json")
    (administration,) = resources(json.loads(out.read_text(encoding="utf-8")),
                                  "MedicationAdministration")
    dosage = administration["dosage"]
    assert dosage["dose"]["value"] == 27.9
    assert "= 36 mg" in dosage["text"] and "given 27.9 mg of 36 mg planned" in dosage["text"]


@pytest.mark.parametrize("deidentify", [False, True])
def test_the_session_log_reports_the_dose_given(store, stopped_at_31, tmp_path, deidentify):
    day = date(2026, 11, 23)
    out = export_session_log(store, day, day, "json", tmp_path / "log.json",
                             deidentify=deidentify)
    (row,) = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert (row["total_mg"], row["given_mg"]) == (36, 27.9)


def test_the_rems_form_reports_one_device_then_stop_as_28_mg(store, charting, clock,
                                                            tmp_path):
    session_id = charting.session("intranasal-esketamine")
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.record_device(session_id, "LOT-A1")
    clock.advance(minutes=1)
    store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="nosebleed")
    login_as(store, ADMIN)
    out = export_rems_form(store, session_id, "json", tmp_path / "rems.json")
    form = json.loads(out.read_text(encoding="utf-8"))["form"]
    assert (form["dose_mg"], form["devices"]) == (28, 1)
    pdf = export_rems_form(store, session_id, "pdf", tmp_path / "rems.pdf")
    assert "Dose other (28 mg) (1 device)" in " ".join(pdf_text(pdf)[1])


def test_the_session_logs_dose_given_is_the_charts_own_in_every_case(store, charting, clock,
                                                                     tmp_path):
    """The log works the dose given out from its own query (it never reads a chart whole):
    it must say what `dose_given(chart)` says, for each way a dose is found."""
    def patient(n: int):
        return charting.patient(mrn=f"MRN-20{n:02d}")

    paused = charting.started(chair="1", patient=patient(1))
    clock.advance(minutes=10)
    store.change_phase(paused, Action.PAUSE_INFUSION, reason="BP 182/104")
    clock.advance(minutes=7)
    store.change_phase(paused, Action.RESUME_INFUSION)
    clock.advance(minutes=12)
    store.change_phase(paused, Action.STOP_INFUSION_EARLY, reason="nausea")
    pumped = charting.started(chair="2", patient=patient(2))
    clock.advance(minutes=40)
    store.change_phase(pumped, Action.END_INFUSION)
    store.record_pump_volume(pumped, 30.0)
    store.record_pump_volume(pumped, 35.5)  # a later reading corrects the first
    device = charting.session("intranasal-esketamine", chair="4", patient=patient(4))
    charting.ready_to_start(device)
    store.record_device(device, "LOT-A1")
    store.change_phase(device, Action.STOP_INFUSION_EARLY, reason="nosebleed")
    injected = charting.started("im-racemic-ketamine", chair="5", patient=patient(5))
    waiting = charting.session(chair="6", patient=patient(6))
    login_as(store, ADMIN)
    expected = {session_id: dose_given(store.chart(session_id)).mg
                for session_id in (paused, pumped, device, injected, waiting)}
    assert len(set(expected.values())) == 5  # five different figures, none a default
    day = date(2026, 11, 23)
    out = export_session_log(store, day, day, "json", tmp_path / "log.json", deidentify=False)
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert {row["session"]: row["given_mg"] for row in rows} == expected
