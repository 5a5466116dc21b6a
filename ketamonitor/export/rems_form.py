"""The Spravato REMS patient monitoring form of one esketamine session as its own document:
a one- or two-page PDF to file, or JSON (docs/summary-format.md, "REMS form (ketamonitor
export rems)").

It holds every field the form asks, filled from the record; the fields still missing (the
form must not be filed incomplete); the answers the chart contradicts (core.rems_checks:
listed, never silently filed); the chart's signature; and whether the form is marked
submitted (or submitted incomplete, with what it lacked), with the days left of its 7-day
window. It never says both "do not file" and "submitted". It is made from the session's summary
(export/summary), paged by the paginator every PDF shares (export/pdf/paginator), with
the summary's public sections (export/pdf/summary), and
written with the summary's `rems` fields (export/summary_data): the form and the summary
never disagree.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from ketamonitor.core.chart_view import SessionSummary
from ketamonitor.core.clock import local_today
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.protocol import Route
from ketamonitor.core.rems import RemsForm, RemsPending, RemsSubmission, rems_form, rems_window
from ketamonitor.core.times import to_stored
from ketamonitor.export.pdf.paginator import (
    FLAG,
    Bands,
    esc,
    paged_pdf,
    set_html_keeping_headings,
)
from ketamonitor.export.pdf.summary import (
    devices_section,
    made_line,
    record_section,
    rems_section,
    signature_state,
    signatures_section,
)
from ketamonitor.export.summary import build_summary, page_size_of, write_recorded
from ketamonitor.export.summary_data import devices_list, rems_dict
from ketamonitor.store.interface import StoreApi

log = logging.getLogger(__name__)

TITLE = "Spravato REMS patient monitoring form — record from ketamonitor"
FORMATS = ("pdf", "json")
FORMAT = "ketamonitor-rems-form"
#: 2: the current form's questions, `contradictions`, `medications_given`, `spo2_readings`,
#: and a submission's `incomplete` and `gaps`; `complete` also needs no contradiction.
FORMAT_VERSION = 2
#: The export's audit row is `exports.rems_form`.
EXPORT_KIND = "rems_form"


@dataclass(frozen=True)
class RemsDocument:
    """The form of one esketamine session, as every format shows it."""

    summary: SessionSummary
    submission: RemsSubmission | None
    #: The 7-day window (treatment date, due by, days left); None before the first device.
    window: RemsPending | None
    #: The form checked against the whole chart: its scales and its alerts.
    form: RemsForm

    @property
    def complete(self) -> bool:
        return not self.form.gaps


def rems_file_name(session_id: int, fmt: str) -> str:
    """A file name to offer: "session-12-rems-form.pdf" (no patient data in it)."""
    return f"session-{session_id}-rems-form.{_format(fmt)}"


def build_rems_document(store: StoreApi, session_id: int,
                        zone: tzinfo | None = None) -> RemsDocument:
    """Read the session's record once; a ValidationError saying why for a session that has
    no REMS form (not esketamine, or a protocol without the form's questions)."""
    summary = build_summary(store, session_id, zone)
    if summary.route is not Route.INTRANASAL:
        raise ValidationError({"session": (
            f"session {session_id} is an {summary.route.label} ketamine session, not an "
            "esketamine (intranasal) one: the Spravato REMS form is filed for esketamine "
            "sessions only")})
    if summary.rems is None:
        raise ValidationError({"session": (
            f"the protocol of session {session_id} ({summary.session.protocol.name}) asks "
            "no REMS form questions: add the REMS checklist to it")})
    questions = summary.library.checklists[summary.chart.protocol.checklists.rems or ""]
    form = rems_form(summary.chart, questions, summary.clinic_name, summary.zone,
                     scales=summary.library.scales, alerts=summary.alert_records)
    window = None
    if form.first_device_at is not None:
        treatment_date, due_by, days_left = rems_window(
            form.first_device_at, local_today(store.clock), summary.zone)
        patient = summary.patient
        window = RemsPending(
            session_id=session_id, patient_id=patient.id, patient_name=patient.display_name,
            mrn=patient.mrn, first_dose_at=form.first_device_at,
            treatment_date=treatment_date, due_by=due_by, days_left=days_left)
    return RemsDocument(summary, store.rems_submission(session_id), window, form)


def export_rems_form(store: StoreApi, session_id: int, fmt: str, out: Path, *,
                     page_size: str = "A4", zone: tzinfo | None = None) -> Path:
    """Write the session's REMS form to `out` as `fmt` ("pdf" or "json") and record the
    export (`exports.rems_form`) with the file's SHA-256.

    Refuses (PermissionDenied, NotLoggedIn) before anything is read; UnknownRecord for a
    session not in the record; ValidationError for one that is not esketamine; ValueError
    for an unknown format or page size. The file is written whole or not at all
    (ExportFailed, nothing left under `out`)."""
    store.may_export()
    fmt = _format(fmt)
    size = page_size_of(page_size)
    out = Path(out)
    document = build_rems_document(store, session_id, zone)
    data = rems_form_pdf(document, size) if fmt == "pdf" else rems_form_json(document)
    write_recorded(store, out, data, EXPORT_KIND, {
        "session_id": session_id, "format": fmt,
        **({"page_size": size} if fmt == "pdf" else {})})
    log.info("REMS form of session %s written to %s (%s)", session_id, out, fmt)
    return out


def _format(fmt: str) -> str:
    cleaned = fmt.strip().lower()
    if cleaned not in FORMATS:
        raise ValueError(f"unknown REMS form format {fmt!r}: choose {' or '.join(FORMATS)}")
    return cleaned


# -- JSON ----------------------------------------------------------------------------------

def rems_form_dict(document: RemsDocument) -> dict[str, Any]:
    """The form as JSON values, in the documented field names and order."""
    summary, submission, window = document.summary, document.submission, document.window
    patient, signature = summary.patient, summary.signature
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": TITLE,
        "generated_at": to_stored(summary.generated_at),
        "generated_by": {"username": summary.generated_by, "name": summary.generated_by_name},
        "time_zone": summary.zone_label(),
        "session_id": summary.session_id,
        "patient": {
            "name": patient.display_name,
            "mrn": patient.mrn,
            "birth_date": patient.details.birth_date.isoformat(),
        },
        "form": rems_dict(summary),
        "medications_given": list(document.form.medications_given),
        "spo2_readings": document.form.spo2_readings,
        "contradictions": [{"item": c.field, "words": c.words}
                           for c in document.form.contradictions],
        "devices": devices_list(summary),
        "complete": document.complete,
        "signed": signature is not None,
        "signature": signature.manifestation if signature else None,
        "submission": None if submission is None else {
            "reference": submission.reference,
            "submitted_at": to_stored(submission.submitted_at),
            "submitted_by": submission.submitted_by,
            "incomplete": submission.incomplete,
            "gaps": list(submission.gaps),
        },
        "window": None if window is None else {
            "treatment_date": window.treatment_date.isoformat(),
            "due_by": window.due_by.isoformat(),
            "days_left": window.days_left,
            "label": window.label,
        },
        "audit_head": {"id": summary.audit_head_id, "hash": summary.audit_head_hash},
    }


def rems_form_json(document: RemsDocument) -> bytes:
    """UTF-8 JSON, indented; ends with a newline."""
    text = json.dumps(rems_form_dict(document), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


# -- PDF -----------------------------------------------------------------------------------

def rems_form_pdf(document: RemsDocument, page_size: str = "A4") -> bytes:
    """The form as a PDF to file (a QApplication is made if there is none)."""
    summary = document.summary
    return paged_pdf(
        f"Spravato REMS patient monitoring form: {summary.patient.display_name}, "
        f"{_treatment_date(document)}", page_size, _bands(document),
        lambda page, _width, body_height: set_html_keeping_headings(
            page, _html(document), body_height))


def _treatment_date(document: RemsDocument) -> str:
    date = document.form.treatment_date
    return date.isoformat() if date else "no dose given"


def _bands(document: RemsDocument) -> Bands:
    summary, patient = document.summary, document.summary.patient
    state = signature_state(summary)
    if document.submission is not None and document.submission.incomplete:
        state += " · Submitted incomplete"
    elif document.submission is None and not document.complete:
        state += " · INCOMPLETE: do not file"
    return Bands(
        left=summary.clinic_name or "Spravato REMS patient monitoring form",
        right=(f"{patient.display_name} · MRN {patient.mrn} · treatment "
               f"{_treatment_date(document)} · REMS form"),
        state=state, state_bold=summary.signature is None or not document.complete,
        made=made_line(summary))


def _html(document: RemsDocument) -> str:
    summary = document.summary
    parts = [
        _title(document),
        _status(document),
        _patient(document),
        rems_section(summary, "The form's fields"),
        _current_form(document),
        devices_section(summary),
        signatures_section(summary),
        record_section(summary, "form"),
    ]
    return f"<html><body>{''.join(parts)}</body></html>"


def _title(document: RemsDocument) -> str:
    summary = document.summary
    clinic = (f"<p><b>{esc(summary.clinic_name)}</b></p>" if summary.clinic_name
              else "<p class='muted'>Clinic name not set (Clinic ▸ Settings)</p>")
    form, _, source = TITLE.partition(" — ")
    return (f"{clinic}<h1>{esc(form)}<br><span style='font-size: 11pt; font-weight: normal'>"
            f"— {esc(source)}</span></h1><p class='muted'>Session record "
            f"#{summary.session_id}. Every field is read from the chart: copy it onto the "
            "REMS form (or the REMS portal), then mark the form submitted in ketamonitor "
            f"with its confirmation number. Times are local ({esc(summary.zone_label())})"
            " unless marked UTC.</p>")


def _status(document: RemsDocument) -> str:
    """Whether the form may be filed, whether it was, and the days left to file it: in a
    box at the top, where no one misses it. A form marked submitted is never also told
    "do not file": one marked incomplete says so, with what it lacked."""
    form, submission, window = document.form, document.submission, document.window
    complete = [("<b>Complete.</b> Every field of the form is answered from the record. The "
                "chart contradicts no answer.")] if document.complete else []
    if submission is not None:
        lines = [*complete, *_submitted_lines(submission, form)]
    elif not document.complete:
        lines = _do_not_file_lines(form)
    else:
        lines = [*complete, "<b>NOT marked submitted.</b>"]
    if window is not None:
        lines.append(f"<b>7-day window:</b> treatment {window.treatment_date:%a %d %b %Y}, "
                     f"due by {window.due_by:%a %d %b %Y}: <b>{esc(window.label)}</b>.")
    else:
        lines.append("<b>7-day window:</b> starts with the first device (none given yet).")
    frame = "border='2' cellspacing='0'" if not document.complete else ""  # framed
    return (f"<p></p><table class='box' width='100%' cellpadding='6' {frame}><tr><td>"
            + "<br>".join(lines) + "</td></tr></table>")


def _listed(heading: str, items: tuple[str, ...]) -> list[str]:
    return [f"<b>{heading}</b>", *(f"&nbsp;&nbsp;{FLAG} {esc(item)}" for item in items)]


def _do_not_file_lines(form: RemsForm) -> list[str]:
    what = [(f"{len(form.missing)} field{' is' if len(form.missing) == 1 else 's are'} "
            "still missing")] if form.missing else []
    if form.contradictions:
        many = len(form.contradictions)
        what.append(f"{many} answer{' is' if many == 1 else 's are'} contradicted by the "
                    "chart")
    lines = [(f"<b>{FLAG} INCOMPLETE: DO NOT FILE.</b> The form must not be filed "
              f"incomplete: {' and '.join(what)}. Chart them (or correct the answer), then "
              "print the form again.")]
    if form.missing:
        lines += _listed("Still missing:", form.missing)
    if form.contradictions:
        lines += _listed("Answers the chart contradicts:",
                         tuple(c.words for c in form.contradictions))
    return [*lines, "<b>NOT marked submitted.</b>"]


def _submitted_lines(submission: RemsSubmission, form: RemsForm) -> list[str]:
    when = f"{submission.submitted_at:%Y-%m-%d %H:%M} UTC"
    reference = f"reference <span class='mono'>{esc(submission.reference)}</span>"
    if submission.incomplete:
        lines = [(f"<b>Submitted incomplete</b> on {when} by {esc(submission.submitted_by)}, "
                 f"{reference}; confirmed incomplete by them. What it lacked then:"),
                 *(f"&nbsp;&nbsp;{FLAG} {esc(gap)}" for gap in submission.gaps)]
    else:
        lines = [(f"<b>Submitted.</b> Marked submitted {when} by "
                 f"{esc(submission.submitted_by)}, {reference}.")]
    if form.gaps and tuple(form.gaps) != submission.gaps:
        lines += _listed("The record now lacks or contradicts:", form.gaps)
    return lines


def _current_form(document: RemsDocument) -> str:
    """What the current form asks that the record holds besides the answers: the medicines
    given in the session (beside the question on concomitant medicines) and whether SpO2
    was charted (pulse oximetry)."""
    form = document.form
    given = ", ".join(form.medications_given) or "none charted"
    oximetry = (f"monitored: {form.spo2_readings} SpO2 reading"
                f"{'s' if form.spo2_readings != 1 else ''} charted" if form.spo2_readings
                else "no SpO2 charted: answer the form's question")
    rows = [["Medicines given in the session", esc(given)],
            ["Pulse oximetry (from the record)", esc(oximetry)]]
    cells = "".join(f"<tr><td class='key' width='50%'>{k}</td><td>{v}</td></tr>"
                    for k, v in rows)
    return ("<h2>Also from the record</h2><table class='facts box' width='100%' "
            f"cellspacing='0' cellpadding='3'>{cells}</table>")


def _patient(document: RemsDocument) -> str:
    summary = document.summary
    patient = summary.patient
    rows = [("Patient", f"<b>{esc(patient.display_name)}</b>", "MRN",
             f"<b>{esc(patient.mrn)}</b>"),
            ("Date of birth", patient.details.birth_date.isoformat(), "Treatment date",
             f"<b>{esc(_treatment_date(document))}</b>")]
    lines = "".join(f"<tr><td class='key' width='15%'>{k}</td><td width='38%'>{v}</td>"
                    f"<td class='key' width='15%'>{k2}</td><td>{v2}</td></tr>"
                    for k, v, k2, v2 in rows)
    return ("<h2>Patient</h2><table class='facts box' width='100%' cellspacing='0' "
            f"cellpadding='3'>{lines}</table>")
