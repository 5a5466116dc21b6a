"""The Spravato REMS patient monitoring form as its own document: every field read back from
the PDF's text, the JSON's fields, who may export it and for which sessions, the export's
audit row with the file's SHA-256, and `ketamonitor export rems` end to end."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest

from ketamonitor.cli import EXIT_PROBLEMS, PASSWORD_ENV, main
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action
from ketamonitor.export.files import ExportFailed
from ketamonitor.export.rems_form import TITLE, export_rems_form, rems_file_name
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.conftest import START
from tests.people import (
    ADMIN,
    FAST_HASHER,
    NURSE,
    PASSWORD,
    PHYSICIAN,
    add_people,
    audit_of,
    login_as,
)
from tests.store.steps import finished
from tests.store.test_esketamine import dissociation, moaas

CLINIC = "Harbour Clinic"
ANSWERS = {"first_treatment": "no", "patient_enrolled": "yes",
           "concomitant_cns_depressants": "no",
           "vitals_acceptable_before_dosing": "yes", "vitals_acceptable_before_end": "no",
           "sedation_occurred": "yes", "dissociation_occurred": "yes",
           "respiratory_depression_occurred": "no", "serious_adverse_event": "no"}


def charted_form(store: Store, charting: Charting, *, answered: bool = True,
                 answers: dict[str, str] | None = None) -> int:
    """An esketamine session (3 devices of 28 mg, two lots) charted from the first device to
    discharge as the nurse, with every field of the REMS form (or, not `answered`, without
    the form's questions; `answers` changes some). Baseline BP 124/80 at 07:30; first device
    07:32; MOAA/S 4 and dissociation present ("unreal") 40 minutes after it."""
    store, clock = charting.store, charting.clock
    login_as(store, ADMIN)
    store.set_setting("clinic_name", CLINIC)
    login_as(store, NURSE)
    patient = charting.patient()
    charting.course_begun(patient)  # 84 mg follows the course's day 1 of 56 mg
    session_id = charting.session("intranasal-esketamine", patient=patient, devices="3")
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.record_device(session_id, "LOT-A1")
    clock.advance(minutes=5)
    store.record_device(session_id, "LOT-A1")
    clock.advance(minutes=5)
    store.record_device(session_id, "LOT-B7")
    clock.advance(minutes=30)  # 40 minutes after the first device
    charting.vitals(session_id, systolic="146", diastolic="90", respiratory_rate="14",
                    spo2="97", heart_rate="80")
    moaas(store, clock, session_id, 4)
    dissociation(store, clock, session_id, present=("unreal",))
    clock.advance(minutes=31)
    store.record_ready_without_minimum(session_id, clock.now())  # 08:43, 71 minutes
    clock.advance(minutes=40)
    moaas(store, clock, session_id, 5)
    dissociation(store, clock, session_id)
    charting.vitals(session_id, systolic="128", diastolic="82", respiratory_rate="14",
                    spo2="98", heart_rate="72")
    clock.advance(minutes=10)
    store.change_phase(session_id, Action.COMPLETE_OBSERVATION)  # 09:33, 121 minutes
    if answered:
        questions = store.library.checklist("rems")
        for key, value in {**ANSWERS, **(answers or {})}.items():
            store.record_checklist_answer(session_id, checklist_answer(questions, key, value,
                                                                       clock.now()))
    charting.answer_all(session_id, "discharge")
    charting.aldrete(session_id)
    store.change_phase(session_id, Action.DISCHARGE)
    return session_id


def signed_and_submitted(store: Store, charting: Charting) -> int:
    """`charted_form`, signed by the physician, and marked submitted by the administrator two
    days later (who stays logged in)."""
    session_id = charted_form(store, charting)
    charting.clock.advance(minutes=30)
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    charting.clock.advance(minutes=2 * 24 * 60)
    login_as(store, ADMIN)
    store.mark_rems_submitted(session_id, "REMS-CONF-4471")
    return session_id


def pdf_text(path: Path) -> tuple[pypdf.PdfReader, str]:
    """The PDF, and its pages' text with whitespace made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_holds_every_field_of_the_form(store, charting, clock, tmp_path):
    session_id = signed_and_submitted(store, charting)
    out = export_rems_form(store, session_id, "pdf", tmp_path / "rems.pdf")
    reader, text = pdf_text(out)
    assert 1 <= len(reader.pages) <= 2
    assert reader.metadata.title.startswith("Spravato REMS patient monitoring form: RIVERA")
    expected = [
        TITLE,
        f"Setting (clinic) {CLINIC}",
        "Patient RIVERA, Ana", "MRN MRN-1001", "Date of birth 1984-05-06",
        "Prescriber Dr Ada Obi",
        "Health-care professional who monitored Ana Nurse",
        "Treatment date 2026-11-23",
        "Dose 84 mg (3 devices)",
        "Lot numbers LOT-A1, LOT-B7",
        # each device with its lot
        "1 07:32 28 mg LOT-A1", "2 07:37 28 mg LOT-A1", "3 07:42 28 mg LOT-B7",
        "First device 07:32", "End of monitoring 09:33", "Total minutes 121",
        "Ready without the 2-hour minimum 08:43",
        "Vital signs in an acceptable range before dosing yes",
        "Vital signs in an acceptable range before the end of monitoring no",
        "BP before dosing 124/80", "BP about 40 min after dosing 146/90",
        "BP before the end of monitoring 128/82",
        "Sedation occurred yes", "Dissociation occurred yes",
        "Respiratory depression occurred no",
        "Complete. Every field of the form is answered from the record.",
        "Signed by Dr Ada Obi (dr.obi) on 2026-11-23 10:03 UTC — reviewed and approved",
        "Marked submitted 2026-11-25 10:03 UTC by admin, reference REMS-CONF-4471",
        "7-day window: treatment Mon 23 Nov 2026, due by Mon 30 Nov 2026: 5 days left",
        "Signed by Dr Ada Obi",
    ]
    for words in expected:
        assert words in text, words
    assert "NOT SIGNED" not in text and "INCOMPLETE" not in text
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        words = " ".join(page.extract_text().split())
        assert f"Page {number} of {pages}" in words
        assert "RIVERA, Ana · MRN MRN-1001 · treatment 2026-11-23 · REMS form" in words


def test_an_incomplete_unsigned_form_says_not_to_file_it(store, charting, clock, tmp_path):
    session_id = charted_form(store, charting, answered=False)
    login_as(store, PHYSICIAN)
    out = export_rems_form(store, session_id, "pdf", tmp_path / "rems.pdf", page_size="Letter")
    reader, text = pdf_text(out)
    assert ("INCOMPLETE: DO NOT FILE. The form must not be filed incomplete: 9 fields are "
            "still missing") in text
    for question in ("Sedation occurred", "Dissociation occurred",
                     "Respiratory depression occurred"):
        assert f"▲ REMS monitoring form: {question}" in text
        assert f"{question} ▲ not answered" in text
    assert "NOT SIGNED" in text and "NOT marked submitted." in text
    assert "due by Mon 30 Nov 2026: 7 days left" in text
    assert "NOT SIGNED by a physician · INCOMPLETE: do not file" in text  # every page's footer
    width = float(reader.pages[0].mediabox.width)
    assert round(width) == 612  # US Letter


def test_the_json_holds_the_same_fields_with_stable_names(store, charting, clock, tmp_path):
    session_id = signed_and_submitted(store, charting)
    out = export_rems_form(store, session_id, "json", tmp_path / "rems.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["format"], data["format_version"], data["title"]) == (
        "ketamonitor-rems-form", 2, TITLE)
    assert data["session_id"] == session_id
    assert data["patient"] == {"name": "RIVERA, Ana", "mrn": "MRN-1001",
                               "birth_date": "1984-05-06"}
    form = data["form"]
    assert (form["setting"], form["prescriber"], form["monitored_by"]) == (
        CLINIC, "Dr Ada Obi", "Ana Nurse")
    assert (form["treatment_date"], form["dose_mg"], form["devices"], form["lots"]) == (
        "2026-11-23", 84, 3, ["LOT-A1", "LOT-B7"])
    assert [(d["number"], d["lot"], d["amount_mg"]) for d in data["devices"]] == [
        (1, "LOT-A1", 28), (2, "LOT-A1", 28), (3, "LOT-B7", 28)]
    first = START + timedelta(minutes=2)
    assert form["first_device_at"] == first.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert form["total_minutes"] == 121
    assert form["ready_without_minimum_at"] == (first + timedelta(minutes=71)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")
    assert (form["bp_before_dosing"], form["bp_at_40_minutes"], form["bp_before_end"]) == (
        "124/80", "146/90", "128/82")
    # pulse oximetry: answered by the record, SpO2 was charted
    assert {a["item"]: a["answer"] for a in form["answers"]} == {
        **ANSWERS, "pulse_oximetry_monitored": "yes"}
    assert form["missing"] == [] and data["complete"] is True
    assert data["signed"] is True
    assert data["signature"] == ("Signed by Dr Ada Obi (dr.obi) on 2026-11-23 10:03 UTC — "
                                 "reviewed and approved")
    assert data["submission"]["reference"] == "REMS-CONF-4471"
    assert data["submission"]["submitted_by"] == ADMIN
    assert data["window"] == {"treatment_date": "2026-11-23", "due_by": "2026-11-30",
                              "days_left": 5, "label": "5 days left"}
    assert set(data) == {"format", "format_version", "title", "generated_at", "generated_by",
                         "time_zone", "session_id", "patient", "form", "medications_given",
                         "spo2_readings", "contradictions", "devices", "complete",
                         "signed", "signature", "submission", "window", "audit_head"}


def test_an_unfinished_unsubmitted_form_lists_what_is_missing_in_the_json(store, charting,
                                                                          tmp_path):
    session_id = charted_form(store, charting, answered=False)
    login_as(store, ADMIN)
    data = json.loads(export_rems_form(store, session_id, "json",
                                       tmp_path / "rems.json").read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert "REMS monitoring form: Sedation occurred" in data["form"]["missing"]
    assert (data["signed"], data["signature"], data["submission"]) == (False, None, None)
    assert data["window"]["days_left"] == 7


def test_an_iv_session_has_no_rems_form(store, charting, tmp_path):
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    with pytest.raises(ValidationError) as refused:
        export_rems_form(store, session_id, "pdf", tmp_path / "rems.pdf")
    assert "not an esketamine (intranasal) one" in refused.value.reasons["session"]
    assert "IV ketamine" in refused.value.reasons["session"]
    assert list(tmp_path.glob("rems*")) == []
    assert audit_of(store, "exports") == []


def test_a_nurse_is_refused_before_anything_is_read_or_written(store, charting, tmp_path,
                                                               monkeypatch):
    session_id = charted_form(store, charting)
    login_as(store, NURSE)
    read = []
    monkeypatch.setattr(Store, "chart", lambda *a, **k: read.append(a))
    before = list(tmp_path.iterdir())
    with pytest.raises(PermissionDenied):
        export_rems_form(store, session_id, "pdf", tmp_path / "rems.pdf")
    assert read == []
    assert list(tmp_path.iterdir()) == before
    assert audit_of(store, "exports") == []


def test_the_export_is_audited_with_the_files_sha256(store, charting, tmp_path):
    session_id = charted_form(store, charting)
    login_as(store, PHYSICIAN)
    for fmt in ("pdf", "json"):
        out = export_rems_form(store, session_id, fmt, tmp_path / rems_file_name(session_id, fmt))
        row = audit_of(store, "exports")[-1]
        assert (row["action"], row["user"]) == ("exports.rems_form", PHYSICIAN)
        details = json.loads(row["new_value"])
        assert details["session_id"] == session_id and details["format"] == fmt
        assert details["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert rems_file_name(session_id, "PDF") == f"session-{session_id}-rems-form.pdf"


def test_a_file_that_cannot_be_written_leaves_nothing_and_no_audit_row(store, charting,
                                                                        tmp_path):
    session_id = charted_form(store, charting)
    login_as(store, PHYSICIAN)
    with pytest.raises(ExportFailed):
        export_rems_form(store, session_id, "json", tmp_path / "missing" / "rems.json")
    assert audit_of(store, "exports") == []
    with pytest.raises(ValueError, match="pdf or json"):
        export_rems_form(store, session_id, "csv", tmp_path / "rems.csv")


def test_the_command_line_writes_the_form(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    path = tmp_path / "clinic.db"
    with Store.open(path, FakeClock(START), hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        session_id = charted_form(store, Charting(store, store.clock))
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    out = tmp_path / "form.pdf"
    assert main(["export", "rems", str(session_id), "--format", "pdf", "--out", str(out),
                 "--page-size", "Letter", "--db", str(path), "--user", PHYSICIAN]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    _, text = pdf_text(out)
    assert TITLE in text and "Lot numbers LOT-A1, LOT-B7" in text
    assert main(["export", "rems", str(session_id), "--format", "json", "--out",
                 str(tmp_path / "form.json"), "--db", str(path), "--user", PHYSICIAN]) == 0
    assert json.loads((tmp_path / "form.json").read_text())["form"]["total_minutes"] == 121
    # a nurse is refused, and nothing is written
    assert main(["export", "rems", str(session_id), "--format", "json", "--out",
                 str(tmp_path / "nurse.json"), "--db", str(path), "--user", NURSE]) == (
        EXIT_PROBLEMS)
    assert not (tmp_path / "nurse.json").exists()
    with Store.open(path, FakeClock(START), hasher=FAST_HASHER, create=True) as store:
        assert [row["action"] for row in audit_of(store, "exports")] == [
            "exports.rems_form", "exports.rems_form"]


def test_a_form_submitted_incomplete_says_so_with_what_it_lacked_never_do_not_file(
        store, charting, clock, tmp_path):
    session_id = charted_form(store, charting, answers={"dissociation_occurred": "no"})
    clock.advance(minutes=60)
    login_as(store, ADMIN)
    store.mark_rems_submitted(session_id, "REMS-CONF-9", confirm_incomplete=True)
    _, text = pdf_text(export_rems_form(store, session_id, "pdf", tmp_path / "rems.pdf"))
    assert ("Submitted incomplete on 2026-11-23 10:33 UTC by admin, reference REMS-CONF-9 ; "
            "confirmed incomplete by them. What it lacked then: ▲ Contradiction: Dissociation "
            "occurred: answered “no”, but dissociation was charted present at 08:12") in text
    assert "DO NOT FILE" not in text.upper()
    assert "· Submitted incomplete" in text  # every page's footer
    assert "Complete." not in text and "NOT marked submitted" not in text
    data = json.loads(export_rems_form(store, session_id, "json", tmp_path / "rems.json")
                      .read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert data["contradictions"] == [{"item": "dissociation_occurred", "words": (
        "Dissociation occurred: answered “no”, but dissociation was charted present at 08:12 "
        "(Things look unreal, distorted or dreamlike)")}]
    assert data["submission"]["incomplete"] is True
    assert data["submission"]["gaps"] == [f"Contradiction: {data['contradictions'][0]['words']}"]


def test_an_unsubmitted_form_the_chart_contradicts_is_not_to_be_filed(store, charting, clock,
                                                                       tmp_path):
    session_id = charted_form(store, charting, answers={"dissociation_occurred": "no"})
    login_as(store, ADMIN)
    _, text = pdf_text(export_rems_form(store, session_id, "pdf", tmp_path / "rems.pdf"))
    assert ("INCOMPLETE: DO NOT FILE. The form must not be filed incomplete: 1 answer is "
            "contradicted by the chart") in text
    assert ("Answers the chart contradicts: ▲ Dissociation occurred: answered “no”, but "
            "dissociation was charted present at 08:12") in text
    assert "Medicines given in the session none charted" in text
    assert "Pulse oximetry (from the record) monitored: 3 SpO2 readings charted" in text


def test_the_session_summary_lists_the_same_contradiction_as_the_form(store, charting, clock,
                                                                       tmp_path):
    """The summary's REMS section is the form's: a contradicted answer is listed there too,
    in the form's words, not filed silently beside the chart that contradicts it."""
    session_id = charted_form(store, charting, answers={"dissociation_occurred": "no"})
    login_as(store, ADMIN)
    form = json.loads(export_rems_form(store, session_id, "json", tmp_path / "rems.json")
                      .read_bytes())
    words = [c["words"] for c in form["contradictions"]]
    assert words and any("Dissociation" in w for w in words)
    from ketamonitor.export.summary import export_summary

    summary = json.loads(export_summary(store, session_id, "json", tmp_path / "s.json")
                         .read_bytes())
    assert [c["words"] for c in summary["rems"]["contradictions"]] == words
    _, text = pdf_text(export_summary(store, session_id, "pdf", tmp_path / "s.pdf"))
    assert all(w.split(",")[0] in text for w in words)
