"""The session summary: the PDF a physician files (every field read back from the PDF's
text), and the one entry point every format leaves through: who may export, a file written
whole or not at all, and the export's audit row with the file's SHA-256.

`charted_session` and `signed_session` are shared by the JSON, CSV and FHIR tests."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest

from ketamonitor.core.alerts import AlertCondition, AlertKind, Priority
from ketamonitor.core.corrections import entered_in_error, vitals_amendments
from ketamonitor.core.entries import checklist_answer, note_draft, scale_answer
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.medications import MedicationEntry
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action
from ketamonitor.export.files import ExportFailed
from ketamonitor.export.pdf.summary import printed_vitals, summary_pdf
from ketamonitor.export.summary import build_summary, export_summary, summary_file_name
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.store import Store
from tests.charting import ASSESSMENT, Charting
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import finished, raise_alert, row_counts

CLINIC = "Lakeside Ketamine Clinic"
NOTE = "Calm, eyes closed, escort waiting in the lobby"
ORDERED = "Recheck BP in 5 min"
ACTION = "Infusion paused, Dr Obi called"
HIGH_BP = "BP 186/112 is above the stop line 180/110"
DRUG_LOT = "KET 24-0317"
HELD_REASON = "Remote single episode, stable for 10 years; psychiatry agrees"


def charted_session(store: Store, charting: Charting, *, held_start: bool = False) -> int:
    """The second session of Ana Rivera's course, charted from arrival to discharge as the
    nurse: a BP over the stop line with the room's alert acknowledged, a pause, labetalol
    given for the alert, a side effect with its intervention and ondansetron given, a
    dissociation assessment, scores, a note, a corrected heart rate and a set struck as
    entered in error. Left finished and unsigned; the clinic named. `held_start`: a history
    of psychosis held the start, and the physician overrode it."""
    clock = charting.clock
    login_as(store, ADMIN)
    store.set_setting("clinic_name", CLINIC)
    login_as(store, NURSE)
    patient = charting.patient()
    finished(charting, patient)  # the course's first session
    clock.advance(minutes=30)
    session_id = charting.session(patient=patient)
    charting.ready_to_start(session_id)
    library = store.library
    if held_start:
        store.record_checklist_answer(session_id, checklist_answer(
            library.checklist("pre_session"), "psychosis_history", "yes", clock.now()))
        login_as(store, PHYSICIAN)
        store.override(session_id, Action.START_INFUSION, HELD_REASON, PHYSICIAN, PASSWORD)
        login_as(store, NURSE)
    store.record_scale_score(session_id, scale_answer(
        library.scale("phq9"), {item.key: 1 for item in library.scale("phq9").items},
        clock.now(), timepoint=library.scale("phq9").timepoints[0]))
    clock.advance(minutes=2)
    store.change_phase(session_id, Action.START_INFUSION)
    store.record_drug_lot(session_id, DRUG_LOT)
    clock.advance(minutes=10)
    high = charting.bp(session_id, 186, 112)
    alert_id = raise_alert(store, session_id, AlertCondition(
        f"bp_above_stop_line:vitals:{high}", AlertKind.BP_ABOVE_STOP_LINE, Priority.HIGH,
        HIGH_BP))
    clock.advance(minutes=1)
    store.acknowledge_alert(alert_id, ACTION, Escalation(
        done=("Infusion paused",), physician_called=True, physician="Dr Ada Obi",
        called_at=clock.now(), ordered=ORDERED))
    store.change_phase(session_id, Action.PAUSE_INFUSION, reason="BP above the stop line")
    store.record_medication(session_id, MedicationEntry(
        "labetalol", 10, "mg", "IV", clock.now(), "Dr Ada Obi", "Ana Ruiz", alert_id=alert_id))
    clock.advance(minutes=6)
    charting.bp(session_id, 150, 92)
    store.change_phase(session_id, Action.RESUME_INFUSION)
    store.record_checklist_answer(session_id, checklist_answer(
        library.checklist("side_effects"), "nausea", "present", clock.now(),
        severity="moderate", intervention="ondansetron", note="Settled within 10 min"))
    store.record_medication(session_id, MedicationEntry(
        "ondansetron", 4, "mg", "IV", clock.now(), "Dr Ada Obi", "Ana Ruiz"))
    for _ in range(3):
        clock.advance(minutes=10)
        typo = charting.vitals(session_id, systolic="138", diastolic="86", heart_rate="67",
                               spo2="97", respiratory_rate="14")
    store.record_checklist_answer(session_id, checklist_answer(  # settled within 10 min
        library.checklist("side_effects"), "nausea", "resolved",
        clock.now() - timedelta(minutes=20)))
    chart = store.chart(session_id)
    entry = next(e for e in chart.vitals if e.id == typo)
    store.amend(session_id, vitals_amendments(
        entry, {"heart_rate": "76"}, "Heart rate digits transposed", now=clock.now(),
        session_began=chart.session.began_at, zone=clock.local_zone))
    store.change_phase(session_id, Action.END_INFUSION)
    dissociation = library.checklist("dissociation")
    store.record_assessment(session_id, [
        checklist_answer(dissociation, item.key,
                         "present" if item.key == "time_altered" else "absent", clock.now())
        for item in dissociation.items])
    store.record_scale_score(session_id, scale_answer(library.scale("moaas"), {"moaas": 4},
                                                      clock.now()))
    struck = charting.bp(session_id, 99, 61)
    store.amend(session_id, (entered_in_error("vitals", struck, "Charted on the wrong patient"),))
    for _ in range(4):
        clock.advance(minutes=15)
        charting.bp(session_id, 126, 80)
    store.change_phase(session_id, Action.COMPLETE_OBSERVATION)
    store.record_note(session_id, note_draft(NOTE, clock.now()))
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    login_as(store, PHYSICIAN)  # PHQ-9 item 9 was answered 1: assessed before discharge
    store.record_risk_assessment(session_id, ASSESSMENT)
    login_as(store, NURSE)
    store.change_phase(session_id, Action.DISCHARGE)
    return session_id


def signed_session(store: Store, charting: Charting) -> int:
    """`charted_session`, signed by the physician half an hour later; the physician stays
    logged in."""
    session_id = charted_session(store, charting)
    charting.clock.advance(minutes=30)
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    return session_id


def pdf_text(path: Path) -> tuple[pypdf.PdfReader, list[str]]:
    """The PDF and each page's text, its whitespace made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def local_names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def signed(store, charting) -> int:
    return signed_session(store, charting)


@pytest.fixture
def exports(tmp_path) -> Path:
    """The folder the summaries go to (the database's is beside it)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_the_pdf_holds_every_field_a_physician_files(qapp, store, signed, exports):
    head_id, head_hash = store.audit_head()
    out = export_summary(store, signed, "pdf", exports / "summary.pdf")
    reader, pages = pdf_text(out)
    text = " ".join(pages)
    chart = store.chart(signed)
    (signature,) = store.signatures(signed)
    # A4, numbered, the patient and the signature on every page
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "RIVERA, Ana · MRN MRN-1001" in page
        assert "Signed by Dr Ada Obi, 2026-11-23" in page
    # who, what, when
    for words in (CLINIC, "Ketamine session summary", "Patient RIVERA, Ana", "MRN MRN-1001",
                  "Born 1984-05-06 (age 42)", "Weight 72 kg (this session)",
                  "Session 2 of 2 in the course", "Date Monday 23 November 2026", "Route IV",
                  "Chair 3", "IV racemic ketamine, 0.5 mg/kg over 40 min",
                  "0.5 mg/kg × 72 kg = 36 mg total",
                  f"Drug lot {DRUG_LOT} (charted 08:07 by nurse.ana)", "Nurse Ana Nurse",
                  "Prescriber Dr Ada Obi", "Outcome Discharged at 09:54",
                  "Times are local (UTC+00:00)"):
        assert words in text, words
    # the phases with their times, and the chart's picture on the first page
    for words in ("Pre-infusion (baseline) 08:05 08:07 2 min", "Infusing 08:07 08:18 11 min",
                  "Paused 08:18 08:24 6 min", "Infusing 08:24 08:54 30 min",
                  "Observation 08:54 09:54 1 h 00 min", "Discharged 09:54",
                  ("Infusion time 41 min (pauses not counted; planned 40 min); paused 6 min; "
                  "observation 1 h 00 min (protocol minimum 1 h 00 min)")):
        assert words in text, words
    assert "Chart" in pages[0] and len(reader.pages[0].images) == 1
    # the vitals: every set, its flags, the corrected one and the struck one
    for words in ("08:05 Pre-infusion (baseline) 124/80 76 98 % 14 nurse.ana 08:05",
                  ("08:17 Infusing 186/112 76 98 % 14 nurse.ana 08:17 ▲ BP 186/112 above the "
                  "stop line: systolic 186 above 180, diastolic 112 above 110"),
                  "08:24 Infusing 150/92",
                  "08:54 Observation 138/86 76 97 % 14 nurse.ana 08:54 amended",
                  "08:54 Observation 99/61 76 98 % 14 nurse.ana 08:54 entered in error"):
        assert words in text, words
    assert text.count("126/80") == len(chart.vitals) - 7  # every set, one row each
    # the checklists, side effects, scores, alerts, amendments, notes, discharge
    for words in ("Pre-session checklist", "Escort / ride home arranged", "History of psychosis",
                  "Dissociation assessments", "08:54 Sense of time altered",
                  "Nausea moderate resolved 08:34 Ondansetron", "08:34 Nausea resolved",
                  "Settled within 10 min", "PHQ-9 before session 9 of 27, mild; item 9: 1",
                  ("▲ PHQ-9 item 9 (thoughts of self-harm) answered above 'Not at all': tell "
                   "the physician"), "▲ PHQ-9 Item 9: 1 — assessed",
                  f"Risk assessment by Dr Ada Obi at 09:54: {ASSESSMENT.outcome}.",
                  "Sedation (MOAA/S) 4 of 5",
                  "Modified Aldrete score 10 of 10", "Alerts and acknowledgements",
                  f"08:17 ▲ Act now {HIGH_BP} 08:18 nurse.ana: {ACTION}",
                  f"Done: Infusion paused. Physician: Dr Ada Obi at 08:18. Ordered: {ORDERED}.",
                  "08:18 Pause infusion BP above the stop line nurse.ana", f"09:54 Note {NOTE}",
                  "Heart rate 67 → 76 Heart rate digits transposed",
                  "Status valid → entered in error Charted on the wrong patient",
                  "Discharge checklist", "Escort / ride home present", "Tolerating fluids",
                  "Medicines given", "08:18 Labetalol 10 mg IV Dr Ada Obi Ana Ruiz",
                  "08:24 Ondansetron 4 mg IV Dr Ada Obi Ana Ruiz"):
        assert words in text, words
    # the signature as signed, and the record it was made from
    assert signature.manifestation() in text
    assert signature.content_hash in text
    assert "The chart still holds the content signed." in text
    assert f"Audit chain head when this summary was made: row {head_id}" in text
    assert head_hash in text


def test_a_letter_summary_of_a_session_still_running_says_it_is_not_signed(
        qapp, store, charting, clock, exports):
    session_id = charting.session("intranasal-esketamine", devices="2")
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.record_device(session_id, "LOT-9X")
    clock.advance(minutes=5)
    store.record_device(session_id, "LOT-7Q")
    login_as(store, ADMIN)
    out = export_summary(store, session_id, "PDF", exports / "summary.pdf",
                         page_size="letter")
    reader, pages = pdf_text(out)
    text = " ".join(pages)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert all(f"Page {n} of {len(pages)}" in page and "NOT SIGNED by a physician" in page
               for n, page in enumerate(pages, start=1))
    for words in ("Clinic name not set", "Route Intranasal", "Session 1 of 1 in the course",
                  "56 mg total (2 devices of 28 mg; 0.78 mg/kg at 72 kg)",
                  "(still in the room when this summary was made)", "Devices given",
                  ("2 of 2 devices given. Device Time Dose Lot Charted by 1 07:32 28 mg LOT-9X "
                  "nurse.ana 2 07:37 28 mg LOT-7Q nurse.ana"), "observation 5 min so far",
                  "Spravato REMS patient monitoring form", "Lot numbers LOT-9X, LOT-7Q",
                  "No alerts were raised.", "Nothing was corrected.", "NOT SIGNED."):
        assert words in text, words


def test_a_monitors_feed_is_listed_in_part_and_drawn_whole(qapp, store, signed):
    summary = build_summary(store, signed)
    manual = summary.vitals[1]  # charted by hand, flagged
    start = summary.timings.dose_started_at
    feed = tuple(replace(manual, id=1000 + second, source="monitor",
                         observed_at=start + timedelta(seconds=second),
                         flags=manual.flags if 600 <= second < 720 else (),
                         flag_codes=manual.flag_codes if 600 <= second < 720 else ())
                 for second in range(1800))  # half an hour, a set a second
    listed = printed_vitals((manual, *feed))
    seconds = [int((row.observed_at - start).total_seconds()) for row in listed[1:]]
    assert listed[0] is manual
    assert seconds == [0, 300, 600, 660, 900, 1200, 1500]  # each 5 min; flagged each minute
    reader = pypdf.PdfReader(io.BytesIO(summary_pdf(replace(summary, vitals=(manual, *feed)))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert len(reader.pages) <= 4
    assert "8 of the session's 1801 vitals sets are listed" in text


def test_the_export_is_audited_with_the_files_sha256(store, signed, exports):
    before = len(audit_of(store))
    out = export_summary(store, signed, "json", exports / summary_file_name(signed, "json"))
    assert out.name == f"session-{signed}-summary.json"
    rows = audit_of(store)
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["action"], row["entity"], row["user"]) == ("exports.summary", "exports",
                                                           PHYSICIAN)
    assert json.loads(row["new_value"]) == {
        "session_id": signed, "format": "json",
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}
    assert local_names(exports) == [out.name]  # no temporary file left beside it


def test_a_nurse_is_refused_before_anything_is_read_or_written(store, charting, exports,
                                                               monkeypatch):
    session_id = charted_session(store, charting)  # the nurse is logged in
    counts, audit = row_counts(store.path), len(audit_of(store))

    def read(*args: object) -> None:
        raise AssertionError("the record was read before the permission check")

    monkeypatch.setattr(store, "chart", read)
    for fmt in ("pdf", "json", "csv", "fhir"):
        with pytest.raises(PermissionDenied):
            export_summary(store, session_id, fmt, exports / f"summary.{fmt}")
    assert local_names(exports) == []
    # nothing written but the four refused attempts, each recorded as what it was
    assert row_counts(store.path) == {**counts, "audit": counts["audit"] + 4}
    refused = audit_of(store)[audit:]
    assert [(row["action"], row["user"]) for row in refused] == [("export.refused", NURSE)] * 4


@pytest.mark.parametrize("where", ["missing folder", "under a file", "full disk",
                                   "no permission"])
def test_a_file_that_cannot_be_written_leaves_nothing_and_the_record_as_it_was(
        store, signed, tmp_path, monkeypatch, where):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a folder")
    out = {"missing folder": folder / "no-such-folder" / "summary.json",
           "under a file": folder / "notes.txt" / "summary.json"}.get(where,
                                                                       folder / "summary.json")
    if where == "full disk":
        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(os, "fsync", full)
    if where == "no permission":  # tests run as root, whom no folder mode stops
        def refused(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")
        monkeypatch.setattr("tempfile.mkstemp", refused)
    counts, audit = row_counts(store.path), len(audit_of(store))
    with pytest.raises(ExportFailed) as failed:
        export_summary(store, signed, "json", out)
    assert failed.value.path == out
    assert str(out) in failed.value.message
    reason = {"missing folder": "that folder does not exist",
              "under a file": "part of that path is a file, not a folder",
              "full disk": "the disk is full",
              "no permission": "you may not write in that folder"}[where]
    assert reason in failed.value.message
    assert not out.exists()
    assert local_names(folder) == ["notes.txt"]  # no temporary file left either
    assert row_counts(store.path) == counts and len(audit_of(store)) == audit


def test_without_its_audit_row_the_file_is_taken_back(store, signed, exports, monkeypatch):
    def broken(*args: object) -> None:
        raise OSError(errno.EIO, "disk I/O error")

    monkeypatch.setattr(store, "record_export", broken)
    with pytest.raises(OSError):
        export_summary(store, signed, "csv", exports / "summary.csv")
    assert local_names(exports) == []


def test_unknown_sessions_formats_and_page_sizes_are_refused(store, signed, exports):
    audit = len(audit_of(store))
    with pytest.raises(UnknownRecord):
        export_summary(store, signed + 100, "json", exports / "summary.json")
    with pytest.raises(ValueError, match="choose one of pdf, fhir, json, csv"):
        export_summary(store, signed, "docx", exports / "summary.docx")
    with pytest.raises(ValueError, match="choose A4 or Letter"):
        export_summary(store, signed, "pdf", exports / "summary.pdf", page_size="A5")
    assert local_names(exports) == [] and len(audit_of(store)) == audit


def test_an_unsigned_summary_says_what_the_page_says_is_still_waiting(qapp, store, charting,
                                                                      exports):
    """A high alert no physician has seen, and a start held now, in the page's words."""
    session_id = charted_session(store, charting)
    held = charting.session(patient=charting.patient("MRN-2004"))
    charting.bp(held, 196, 118)
    charting.answer_all(held, "pre_session")
    login_as(store, ADMIN)
    text = " ".join(pdf_text(export_summary(store, session_id, "pdf",
                                            exports / "alert.pdf"))[1])
    assert f"Ordered: {ORDERED}. Not yet seen by a physician." in text
    text = " ".join(pdf_text(export_summary(store, held, "pdf", exports / "held.pdf"))[1])
    assert ("Holds and physician overrides ▲ “Start infusion” is held until a physician "
            "overrides: Baseline BP 196/118 above the pre-dose line 140/90") in text
