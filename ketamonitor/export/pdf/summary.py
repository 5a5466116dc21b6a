"""A session's summary as a PDF a physician files: its sections (the patient, the chart as a
picture, the vitals, checklists, alerts, events, signatures...) laid out by the paginator
(export/pdf/paginator), with the patient, the page number and the signature state on every
page, and tables readable in greyscale (flags carry a ▲ and bold type, never colour alone).
The REMS form reuses the public sections (devices_section, rems_section, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument

from ketamonitor.core import measurements
from ketamonitor.core.alerts import DISCLAIMER
from ketamonitor.core.chart_view import (
    AMENDED,
    CHARTED,
    IN_ERROR,
    ChecklistPart,
    SessionSummary,
    VitalsRow,
    dose_words,
)
from ketamonitor.core.escalation import NOT_SEEN
from ketamonitor.core.holds import override_words
from ketamonitor.core.medications import FIELD_WORDS as MEDICATION_WORDS
from ketamonitor.core.medications import SECTION_TITLE as MEDICATIONS_TITLE
from ketamonitor.core.medications import dose_words as medication_dose
from ketamonitor.core.phases import Action
from ketamonitor.core.protocol import Route
from ketamonitor.core.risk import ITEM_9, PHQ9
from ketamonitor.core.times import format_on_day
from ketamonitor.export.chart_image import session_chart_image
from ketamonitor.export.pdf.paginator import (
    CELL_CHARACTERS,
    FLAG,
    Bands,
    cell_text,
    esc,
    grid,
    headings,
    muted,
    paged_pdf,
    section_heights,
    set_html_keeping_headings,
    typed_text,
)

#: The chart picture's width in pixels: printed across the page (about 18 cm), its words
#: come out at about the size of the table text.
CHART_PIXELS_WIDE = 980
#: Its height as a share of its width (least, usual, most): as tall as lets the phases'
#: table join it on the first page, or else as fills that page.
CHART_RATIO = (0.50, 0.62, 0.72)
#: A session with more vitals sets than this (a monitor's feed) lists only some of them.
PRINT_ALL_UP_TO = 150
MONITOR_EVERY = timedelta(minutes=5)
FLAGGED_EVERY = timedelta(minutes=1)
MANUAL = "manual"
_CHART_URL = "ketamonitor:chart.png"
CHART_HEADING = "Chart"


def summary_pdf(summary: SessionSummary, page_size: str = "A4") -> bytes:
    """The PDF's bytes (a QApplication is made if there is none)."""
    return paged_pdf(
        f"Session summary: {summary.patient.display_name}, {summary.session_date}",
        page_size, _summary_bands(summary),
        lambda document, width, body_height: _fill(document, summary, width, body_height))






def _fill(document: QTextDocument, summary: SessionSummary, width: int,
          body_height: int) -> None:
    height = _chart_height(document, summary, width, body_height)
    picture = session_chart_image(
        summary.chart, summary.zone, size=(CHART_PIXELS_WIDE,
                                           round(CHART_PIXELS_WIDE * height / width)),
        now=summary.generated_at, library=summary.library, alerts=summary.alert_records)
    document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(_CHART_URL), picture)
    set_html_keeping_headings(document, _html(summary, width, height), body_height,
                              (CHART_HEADING,))




def _chart_height(document: QTextDocument, summary: SessionSummary, width: int,
                  body_height: int) -> int:
    """The chart's printed height: the first page laid out first at the usual height (the
    picture is not drawn yet; its size is enough), then made as tall as still lets the
    section after it (the phases) end on the first page, or, where that cannot be, as tall
    as fills it. Only the sections up to the phases are laid out here: what follows (a long
    note) would cost its layout twice and change nothing."""
    least, usual, most = (round(width * ratio) for ratio in CHART_RATIO)
    parts = _parts(summary, width, usual)
    phases = parts.index(_timings(summary)) + 1
    document.setHtml(_page_html([*parts[:phases], "<h2>End</h2>"]))
    found = headings(document)
    tops = [top for top, _ in found]
    heights = section_heights(document, found)
    after = [text for _, text in found].index(CHART_HEADING) + 1
    if tops[after] >= body_height:
        return usual  # the first page is full before the chart: it goes where it falls
    spare = body_height - (tops[after] + heights[after]) - 4
    if usual + spare >= least:
        return round(min(usual + spare, most))
    return round(max(least, min(usual + body_height - tops[after] - 4, most)))




def _summary_bands(summary: SessionSummary) -> Bands:
    """The header (clinic, patient, session) and the footer (signature state, when and by
    whom made) of every page of the summary."""
    patient, signature = summary.patient, summary.signature
    return Bands(
        left=f"{summary.clinic_name or 'Ketamine session summary'}",
        right=(f"{patient.display_name} · MRN {patient.mrn} · {summary.session_date} · "
               f"session {summary.number_in_course} of {summary.sessions_in_course}"),
        state=signature_state(summary), state_bold=signature is None,
        made=made_line(summary))


def signature_state(summary: SessionSummary) -> str:
    """The footer's words for the chart's signature."""
    signature = summary.signature
    return (f"Signed by {signature.printed_name}, {signature.signed_at:%Y-%m-%d %H:%M} UTC"
            if signature else "NOT SIGNED by a physician")


def made_line(summary: SessionSummary) -> str:
    return (f"Made {summary.generated_at:%Y-%m-%d %H:%M} UTC by {summary.generated_by} · "
            f"audit row {summary.audit_head_id}")




# -- the words -----------------------------------------------------------------------------

def local_clock(summary: SessionSummary, moment: datetime | None) -> str:
    """A local clock time; with the day too when it is not the session's day."""
    if moment is None:
        return "—"
    return format_on_day(moment, summary.zone, date.fromisoformat(summary.session_date),
                         short=True)


def _span(span: timedelta | None) -> str:
    """A duration in whole minutes ("1 h 05 min", "40 min")."""
    if span is None:
        return "—"
    minutes = round(span.total_seconds() / 60)
    if minutes == 0 and span > timedelta():
        return "under 1 min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"




def _html(summary: SessionSummary, width: int, chart_height: int) -> str:
    return _page_html(_parts(summary, width, chart_height))


def _page_html(parts: Sequence[str]) -> str:
    return f"<html><body>{''.join(parts)}</body></html>"


def _parts(summary: SessionSummary, width: int, chart_height: int) -> list[str]:
    """The summary's sections in order, each as markup."""
    return [
        _title(summary),
        _facts(summary),
        _chart(width, chart_height),
        _timings(summary),
        _vitals(summary),
        artifacts_section(summary),
        devices_section(summary),
        _checklist(summary, summary.pre_session, "Pre-session checklist"),
        overrides_section(summary),
        _dissociation(summary),
        _side_effects(summary),
        _medications(summary),
        _scores(summary),
        _risk(summary),
        _alerts(summary),
        _events(summary),
        _amendments(summary),
        _checklist(summary, summary.discharge, "Discharge checklist"),
        rems_section(summary),
        signatures_section(summary),
        record_section(summary),
    ]


def _title(summary: SessionSummary) -> str:
    clinic = (f"<p><b>{esc(summary.clinic_name)}</b></p>" if summary.clinic_name
              else "<p class='muted'>Clinic name not set (Clinic ▸ Settings)</p>")
    demo = ("<p><b>DEMO PATIENT: synthetic data, not a real person.</b></p>"
            if summary.patient.details.is_demo else "")
    return (f"{clinic}<h1>Ketamine session summary</h1>{demo}<p class='muted'>Session record "
            f"#{summary.session_id}. Times are local ({esc(summary.zone_label())}) unless "
            "marked UTC.</p>")


def _facts(summary: SessionSummary) -> str:
    patient, session = summary.patient, summary.session
    day = summary.local(session.began_at)
    outcome = f"{summary.phase_label} at {local_clock(summary, summary.timings.finished_at)}"
    if not summary.phase.is_finished:
        outcome = f"{summary.phase_label} (still in the room when this summary was made)"
    stopped = summary.stopped_early
    if stopped is not None and stopped.action is Action.STOP_INFUSION_EARLY:
        what = "infusion" if summary.route is Route.IV else "dosing"
        outcome += (f"; {what} stopped early at {local_clock(summary, stopped.at)}"
                    + (f": {esc(stopped.reason)}" if stopped.reason else ""))
    elif stopped is not None and stopped.reason:
        outcome += f": {esc(stopped.reason)}"
    signature = summary.signature
    review = (f"Signed by {esc(signature.printed_name)}, "
              f"{signature.signed_at:%Y-%m-%d %H:%M} UTC" if signature
              else "<b>NOT SIGNED</b>")
    rows = [
        ("Patient", f"<b>{esc(patient.display_name)}</b>", "MRN", f"<b>{esc(patient.mrn)}</b>"),
        ("Born", f"{patient.details.birth_date.isoformat()} (age {summary.patient_age})",
         "Weight", f"{session.weight_kg:g} kg (this session)"),
        ("Session", (f"<b>{summary.number_in_course} of {summary.sessions_in_course}</b> in "
                    "the course"), "Date", f"<b>{day:%A %d %B %Y}</b>"),
        ("Route", esc(summary.route.label), "Chair", esc(session.chair)),
        ("Protocol", (f"{esc(session.protocol.name)} (<span class='mono'>"
                     f"{esc(session.protocol.id)}</span> v{session.protocol.version})"), None,
         None),
        ("Dose", f"<b>{esc(dose_words(summary))}</b>", None, None),
        *([("Drug lot", _drug_lots(summary), None, None)]
          if summary.session.dose.devices is None else []),
        ("Nurse", esc(session.nurse), "Prescriber", esc(session.prescriber or "—")),
        ("Outcome", outcome, "Review", review),
    ]
    lines = []
    for key, value, key2, value2 in rows:
        if key2 is None:
            lines.append(f"<tr><td class='key' width='13%'>{key}</td>"
                         f"<td colspan='3'>{value}</td></tr>")
        else:
            lines.append(f"<tr><td class='key' width='13%'>{key}</td><td width='40%'>{value}"
                         f"</td><td class='key' width='12%'>{key2}</td><td>{value2}</td></tr>")
    return (f"<table class='facts box' width='100%' cellspacing='0' cellpadding='3'>"
            f"{''.join(lines)}</table>")


def _timings(summary: SessionSummary) -> str:
    timings = summary.timings
    rows = [[esc(p.label), local_clock(summary, p.started_at),
             local_clock(summary, p.ended_at) if p.ended_at else "(ongoing)", _span(p.duration)]
            for p in summary.phases]
    if timings.finished_at is not None:
        rows.append([f"<b>{esc(summary.phase_label)}</b>",
                     local_clock(summary, timings.finished_at), "", ""])
    dosing = "Infusion" if summary.route is Route.IV else "Dosing"
    lines = [(f"{dosing} time {_span(timings.dosing_time)} (pauses not counted; planned "
             f"{_span(timings.planned_dosing_time)})")]
    if timings.paused_time > timedelta():
        lines.append(f"paused {_span(timings.paused_time)}")
    if timings.observation_time is not None:
        so_far = " so far" if timings.observation_completed_at is None and not (
            summary.phase.is_finished) else ""
        lines.append(f"observation {_span(timings.observation_time)}{so_far} (protocol "
                     f"minimum {_span(timings.minimum_observation_time)})")
    if timings.finished_at is not None:
        lines.append(f"arrival to {summary.phase_label.lower()} "
                     f"{_span(timings.finished_at - timings.arrived_at)}")
    return ("<h2>Phases and timings</h2>"
            + grid(["Phase", "From", "To", "Duration"], rows, [40, 18, 18, 24])
            + f"<p>{'; '.join(lines)}.</p>")


def _chart(width: int, height: int) -> str:
    return (f"<h2>{CHART_HEADING}</h2><p class='muted'>BP (▼ systolic, △ diastolic), heart "
            "rate, SpO2 and respiratory rate against minutes from the dose; shaded spans are "
            "the phases, a hatched span a pause; dashed lines are the protocol's lines.</p>"
            f"<p><img src='{_CHART_URL}' width='{width}' height='{height}'></p>")


def printed_vitals(vitals: Sequence[VitalsRow]) -> tuple[VitalsRow, ...]:
    """The vitals sets the PDF's table lists: all of them, unless a monitor sent more than
    `PRINT_ALL_UP_TO` (one a second is 3,600 an hour: pages no one reads, and minutes to lay
    out). Then: every set charted by hand, corrected or struck; the monitor's first set in
    each `MONITOR_EVERY`; and its first flagged set in each `FLAGGED_EVERY`."""
    if len(vitals) <= PRINT_ALL_UP_TO:
        return tuple(vitals)
    origin = min(row.observed_at for row in vitals)
    kept, slots, flagged_slots = [], set(), set()
    for row in vitals:
        since = row.observed_at - origin
        slot, flagged_slot = since // MONITOR_EVERY, since // FLAGGED_EVERY
        if row.source == MANUAL or row.status != CHARTED:
            kept.append(row)
        elif slot not in slots or (row.flags and flagged_slot not in flagged_slots):
            kept.append(row)
            slots.add(slot)
            if row.flags:
                flagged_slots.add(flagged_slot)
    return tuple(kept)


def _vitals(summary: SessionSummary) -> str:
    pending = (f"<p><b>{esc(summary.not_validated_words)}.</b></p>"
               if summary.not_validated_words else "")
    if not summary.vitals:
        return "<h2>Vitals</h2>" + muted("No vitals were charted.") + pending
    shown = printed_vitals(summary.vitals)
    note = ""
    if len(shown) < len(summary.vitals):
        note = (f"<p><b>{len(shown)} of the session's {len(summary.vitals)} vitals sets are "
                "listed</b> (most came from a monitor): every set charted by hand, corrected "
                f"or struck, the monitor's first set in each {_span(MONITOR_EVERY)} and its "
                f"first flagged set in each {_span(FLAGGED_EVERY)}. The chart above draws "
                "them all; the CSV and JSON exports hold every set.</p>")
    rows, struck = [], []
    capnography = any(row.etco2 is not None for row in shown)
    for row in shown:
        flags = "<br>".join(f"<span class='flag'>{FLAG} {esc(f)}</span>" for f in row.flags)
        entered = f"{esc(row.entered_by)} {local_clock(summary, row.entered_at)}"
        if row.source_words:  # accepted from the monitor: said so, with who validated it
            entered = esc(row.source_words)
        elif row.source != MANUAL:
            entered += f" ({esc(row.source)})"
        if row.status == AMENDED:
            entered += " <b>amended</b>"
        elif row.status == IN_ERROR:
            flags = "<b>entered in error</b>"
        late = summary.late_words(row)
        if late:
            entered += " <b>late entry</b>"
            flags = "<br>".join(part for part in (flags, esc(late)) if part)
        bp = f"<b>{row.bp}</b>" if row.flags and row.bp else row.bp
        cells = [local_clock(summary, row.observed_at), esc(row.phase_label), bp,
                 esc(_number(row.heart_rate)), esc(row.spo2_words),
                 esc(_number(row.respiratory_rate))]
        if capnography:
            cells.append(esc(_number(row.etco2)))
        rows.append([*cells, entered, flags])
        struck.append(row.status == IN_ERROR)
    headers = ["Time", "Phase", *(m.short for m in _VITALS_COLUMNS), "Entered", "Flags"]
    from_monitor = any(row.source_words for row in shown)
    # a set from the monitor names who validated it: its column wider, the flags narrower
    widths = [7, 15, 9, 5, 12, 5, 22, 25] if from_monitor else [7, 15, 9, 5, 12, 5, 15, 32]
    if capnography:  # a clinic without capnography gets no empty column
        headers.insert(6, measurements.ETCO2.short)
        widths = ([7, 14, 9, 5, 12, 5, 6, 20, 22] if from_monitor
                  else [7, 14, 9, 5, 12, 5, 6, 14, 28])
    table = grid(headers, rows, widths, struck)
    pressure, hr, spo2, rr, co2 = (measurements.BLOOD_PRESSURE, measurements.HEART_RATE,
                             measurements.SPO2, measurements.RESPIRATORY_RATE,
                             measurements.ETCO2)
    etco2 = f"; {co2.short} in {co2.unit}" if capnography else ""
    monitor = (" Entered: who typed the set and when, or, for a set from the bedside "
               "monitor, the nurse who validated it." if from_monitor else "")
    return (f"<h2>Vitals</h2><p class='muted'>{pressure.short} in {pressure.unit}; "
            f"{hr.label.lower()} ({hr.short}) and {rr.label.lower()} ({rr.short}) per minute; "
            f"{spo2.short} in {spo2.unit}, with the oxygen flow when on oxygen{etco2}."
            f"{monitor}</p>{note}" + table + pending)


ARTIFACTS_HEADING = "Monitor readings marked as artifacts"


def artifacts_section(summary: SessionSummary) -> str:
    """The monitor's readings a nurse set aside, each with its values, her reason, who
    marked it and when (a section only where there are any): printed as marks, never as
    sets of the vitals table."""
    if not summary.artifacts:
        return ""
    rows = [[local_clock(summary, a.observed_at), esc(a.values), esc(a.reason),
             f"{esc(a.marked_by)} {local_clock(summary, a.marked_at)}"]
            for a in summary.artifacts]
    return (f"<h2>{ARTIFACTS_HEADING}</h2><p class='muted'>Readings the bedside monitor sent "
            "that a nurse marked as not the patient's (an artifact): kept in the record with "
            "her reason, not vitals sets of the chart.</p>"
            + grid(["Reading", "Values", "Reason", "Marked by"], rows, [9, 33, 38, 20]))


#: The vitals table's measurement columns, named as the one measurements table names them.
_VITALS_COLUMNS = (measurements.BLOOD_PRESSURE, measurements.HEART_RATE, measurements.SPO2,
                   measurements.RESPIRATORY_RATE)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _drug_lots(summary: SessionSummary) -> str:
    """The lot of each vial or bag of an IV or IM dose, with when it was charted (a second
    one only when the first was replaced), or that none was charted."""
    if not summary.drug_lots:
        return "<b>not charted</b>"
    return "; ".join(
        f"<span class='mono'><b>{esc(lot.lot)}</b></span> (charted "
        f"{local_clock(summary, lot.given_at)} by {esc(lot.entered_by)})"
        for lot in summary.drug_lots)


def devices_section(summary: SessionSummary) -> str:
    if not summary.devices and summary.session.dose.devices is None:
        return ""
    rows = [[str(d.number), local_clock(summary, d.given_at), f"{d.amount_mg:g} mg",
             f"<span class='mono'>{esc(d.lot)}</span>", esc(d.entered_by)]
            for d in summary.devices]
    planned = summary.session.dose.devices or 0
    if not rows:
        return ("<h2>Devices given</h2>"
                + muted(f"No device was charted with its lot ({planned} planned)."))
    return (f"<h2>Devices given</h2><p>{len(rows)} of {planned} devices given.</p>"
            + grid(["Device", "Time", "Dose", "Lot", "Charted by"], rows,
                    [12, 14, 14, 35, 25]))


def _checklist(summary: SessionSummary, part: ChecklistPart | None, title: str) -> str:
    if part is None:
        return ""
    rows = []
    for row in part.rows:
        if row.answer is None:
            answer = f"<span class='flag'>{FLAG} not answered</span>"
        elif not row.as_expected:
            answer = f"<span class='flag'>{FLAG} {esc(row.answer)}</span>"
        else:
            answer = esc(row.answer)
        rows.append([esc(row.label), answer, local_clock(summary, row.observed_at)
                     if row.observed_at else "", esc(row.entered_by or "")])
    return (f"<h2>{esc(part.title or title)}</h2>"
            + grid(["Item", "Answer", "Time", "By"], rows, [56, 16, 10, 18]))


def overrides_section(summary: SessionSummary) -> str:
    """What holds the session's next step now (a summary made while it is held), and the
    physicians' overrides: the holds on the start or the gaps before discharge each
    covered, who overrode them, when and why (a section only where there are any)."""
    overrides = summary.chart.overrides
    if not overrides and not summary.held:
        return ""
    held = ""
    if summary.held_words:
        items = "".join(f"<li>{esc(item)}</li>" for item in summary.held)
        held = (f"<p><span class='flag'>{FLAG} {esc(summary.held_words)}</span></p>"
                f"<ul style='margin-top: 0'>{items}</ul>")
    lines = "".join(f"<p><span class='flag'>{FLAG}</span> {local_clock(summary, o.overridden_at)}"
                    f" {esc(override_words(o))} (charted by {esc(o.entered_by)})</p>"
                    for o in overrides)
    title = "Physician overrides" if not held else "Holds and physician overrides"
    return f"<h2>{title}</h2>{held}{lines}"


def _dissociation(summary: SessionSummary) -> str:
    if not summary.dissociation:
        return ""
    rows = [[local_clock(summary, a.observed_at),
             esc(", ".join(a.present)) if a.present else "none present", esc(a.entered_by)]
            for a in summary.dissociation]
    struck = [a.status == IN_ERROR for a in summary.dissociation]
    return ("<h2>Dissociation assessments</h2>"
            + grid(["Time", "Present", "By"], rows, [10, 72, 18], struck))


def _side_effects(summary: SessionSummary) -> str:
    title = "<h2>Side effects and interventions</h2>"
    if not summary.side_effects:
        return title + muted("No side effects were charted.")
    rows = []
    for s in summary.side_effects:
        severe = s.severity == "severe"
        severity = (f"<span class='flag'>{FLAG} {esc(s.severity)}</span>" if severe
                    else esc(s.severity or ""))
        if s.value == "resolved":  # the later entry: the side effect has passed
            severity = "<b>resolved</b>"
        elif s.course:  # its course beside the onset, as the side-effects tab says it
            course = esc(s.course)
            severity += "<br>" + (f"<b>{course}</b>" if s.resolved_at is None else course)
        rows.append([local_clock(summary, s.observed_at), esc(s.label), severity,
                     esc(s.intervention_label or "none"), esc(s.note or ""),
                     esc(s.entered_by) + (" <b>amended</b>" if s.status == AMENDED else "")])
    struck = [s.status == IN_ERROR for s in summary.side_effects]
    return title + grid(["Time", "Side effect", "Severity", "Intervention", "Note", "By"],
                         rows, [8, 20, 16, 20, 22, 14], struck)


def _medications(summary: SessionSummary) -> str:
    """Medicines given besides the dose: what, how much and how, who ordered and gave it."""
    title = f"<h2>{esc(MEDICATIONS_TITLE)}</h2>"
    if not summary.medications:
        return title + muted("No medicine was charted besides the dose.")
    rows = [[local_clock(summary, m.given_at), esc(m.label),
             esc(medication_dose(m.dose, m.unit, m.route)), esc(m.ordered_by),
             esc(m.given_by) + (" <b>amended</b>" if m.status == AMENDED else "")]
            for m in summary.medications]
    struck = [m.status == IN_ERROR for m in summary.medications]
    return title + grid([MEDICATION_WORDS[k] for k in ("time", "drug", "dose", "ordered_by",
                                                      "given_by")],
                        rows, [10, 28, 20, 21, 21], struck)


def _risk(summary: SessionSummary) -> str:
    """PHQ-9 item 9 >= 1 and the physician's risk assessments (shown only when charted), in
    the words of the session page's item 9 banner."""
    if summary.item9 is None and not summary.risk_words:
        return ""
    title = "<h2>PHQ-9 item 9: physician's risk assessment</h2>"
    line = (f"<p><span class='flag'>{FLAG} {esc(summary.item9)}</span></p>"
            if summary.item9 else "")
    if not summary.risk_words:
        return title + line + muted("No physician's risk assessment has been charted.")
    return title + line + "".join(f"<p>{esc(words)}</p>" for words in summary.risk_words)


def _scores(summary: SessionSummary) -> str:
    if not summary.scores:
        return ""
    rows = []
    for s in summary.scores:
        score = f"{s.total}" + (f" of {s.max_total}" if s.max_total is not None else "")
        if s.band:
            score += f", {esc(s.band)}"
        if s.scale == PHQ9:
            score += f"; item 9: {dict(s.item_scores).get(ITEM_9, '—')}"
        score += "".join(f"<br><span class='flag'>{FLAG} {esc(flag)}</span>"
                         for flag in s.flags)
        rows.append([local_clock(summary, s.observed_at), esc(s.title), esc(s.timepoint or ""),
                     score, esc(s.entered_by)])
    struck = [s.status == IN_ERROR for s in summary.scores]
    return ("<h2>Scores</h2>"
            + grid(["Time", "Scale", "When", "Score", "By"], rows, [8, 24, 14, 40, 14],
                    struck))


def _alerts(summary: SessionSummary) -> str:
    title = "<h2>Alerts and acknowledgements</h2>"
    note = f"<p class='muted'>{esc(DISCLAIMER)}</p>"
    if not summary.alerts:
        return title + muted("No alerts were raised.") + note
    rows = []
    for a in summary.alerts:
        priority = f"{a.priority_mark} {esc(a.priority_word)}"
        if a.priority in ("high", "critical"):
            priority = f"<span class='flag'>{priority}</span>"
        if a.acknowledged_at is not None:
            done = (f"{local_clock(summary, a.acknowledged_at)} {esc(a.acknowledged_by)}: "
                    f"{esc(a.action)}")
            if a.escalation_text:
                done += f"<br>{esc(a.escalation_text)}"
            if a.seen == NOT_SEEN:
                done += "<br><b>Not yet seen by a physician.</b>"
        else:
            done = "<b>not acknowledged</b>"
        rows.append([local_clock(summary, a.raised_at), priority, esc(a.message), done,
                     local_clock(summary, a.cleared_at) if a.cleared_at else "—"])
    return title + grid(["Raised", "Priority", "Alert", "Acknowledged", "Cleared"], rows,
                         [8, 12, 38, 32, 10]) + note


def _events(summary: SessionSummary) -> str:
    """The events in a table; a text too long for a cell (a long note) is begun there and
    printed whole below the table, in paragraphs (paginator.typed_text says why)."""
    if not summary.events:
        return "<h2>Events and notes</h2>" + muted("No events were charted.")
    rows = [[local_clock(summary, e.occurred_at), f"<b>{esc(e.label)}</b>" if e.kind == "note"
             else esc(e.label), cell_text(e.text), esc(e.entered_by)]
            for e in summary.events]
    struck = [e.status == IN_ERROR for e in summary.events]
    in_full = "".join(
        f"<p><b>{esc(e.label)} of {local_clock(summary, e.occurred_at)} by "
        f"{esc(e.entered_by)}, in full</b>"
        + (" <b>(entered in error)</b>" if e.status == IN_ERROR else "")
        + f"</p>{typed_text(e.text)}"
        for e in summary.events if e.text and len(e.text) > CELL_CHARACTERS)
    return ("<h2>Events and notes</h2>"
            + grid(["Time", "Event", "Details", "By"], rows, [8, 26, 50, 16], struck)
            + in_full)


def _amendments(summary: SessionSummary) -> str:
    title = "<h2>Amendments</h2>"
    if not summary.amendments:
        return title + muted("Nothing was corrected.")
    rows = [[f"{local_clock(summary, a.amended_at)}", (f"{esc(a.subject)} of "
             f"{local_clock(summary, a.observed_at)}"), esc(a.field_label),
             f"{esc(a.old_value or '—')} → <b>{esc(a.new_value or '—')}</b>", esc(a.reason),
             esc(a.amended_by)] for a in summary.amendments]
    return title + grid(["When", "What", "Field", "Change", "Reason", "By"], rows,
                         [8, 20, 13, 19, 26, 14])


def rems_section(summary: SessionSummary,
                 heading: str = "Spravato REMS patient monitoring form") -> str:
    """The REMS form's fields from the record, a missing one marked (the summary's section,
    and the body of the form printed on its own)."""
    if summary.rems is None:
        return ""
    form = summary.rems.form
    facts = [
        ("Setting (clinic)", form.setting), ("Prescriber", form.prescriber),
        ("Health-care professional who monitored", form.monitored_by),
        ("Treatment date", form.treatment_date.isoformat() if form.treatment_date else None),
        ("Dose", f"{form.dose_label} ({form.devices_words})"),
        ("Lot numbers", ", ".join(form.lots) or None),
        ("First device", local_clock(summary, form.first_device_at)
         if form.first_device_at else None),
        ("End of monitoring", local_clock(summary, form.monitoring_ended_at)
         if form.monitoring_ended_at else None),
        ("Total minutes", str(form.total_minutes) if form.total_minutes is not None else None),
        ("Ready without the 2-hour minimum", local_clock(summary, form.ready_without_minimum_at)
         if form.ready_without_minimum_at else None),
        ("BP before dosing", form.bp_before_dosing),
        ("BP about 40 min after dosing", form.bp_at_40_minutes),
        ("BP before the end of monitoring", form.bp_before_end),
    ]
    rows = [[esc(key), esc(value) if value else f"<span class='flag'>{FLAG} missing</span>"]
            for key, value in facts]
    rows += [[esc(question), esc(answer) if answer
              else f"<span class='flag'>{FLAG} not answered</span>"]
             for _, question, answer in summary.rems.questions]
    rows += [["Answer the chart contradicts", f"<span class='flag'>{FLAG}</span> {esc(c.words)}"]
             for c in form.contradictions]
    return f"<h2>{esc(heading)}</h2>" + grid(["Field", "From the record"], rows, [50, 50])


def signatures_section(summary: SessionSummary) -> str:
    title = "<h2>Signature</h2>"
    if not summary.signatures:
        return title + ("<table class='box' width='100%' cellpadding='6'><tr><td><b>NOT "
                        "SIGNED.</b> This chart has not been reviewed and signed by a "
                        "physician.</td></tr></table>")
    blocks = []
    for s in summary.signatures:
        lines = [f"<b>{esc(s.manifestation)}</b>",
                 (f"Printed name: {esc(s.printed_name)} · user {esc(s.signer)} · "
                 f"{s.signed_at:%Y-%m-%d %H:%M:%S} UTC · meaning: {esc(s.meaning)}"),
                 f"Content signed: <span class='mono'>{esc(s.content_hash)}</span>"]
        if s.text:
            lines.append(f"Addendum: {esc(s.text)}")
        lines.append("The chart still holds the content signed." if s.matches_chart else
                     f"<span class='flag'>{FLAG} The chart has changed since this was "
                     "signed: it no longer matches. Tell the clinic's administrator.</span>")
        blocks.append("<br>".join(lines))
    return title + "".join(f"<table class='box' width='100%' cellpadding='6'><tr><td>{b}"
                           "</td></tr></table><p></p>" for b in blocks)


def record_section(summary: SessionSummary, what: str = "summary") -> str:
    """Which state of the record this `what` was made from (kept with the signature: not
    a section of its own, so the two never part across pages)."""
    return (
        f"<p><b>Record.</b> Audit chain head when this {what} was made: row "
        f"<b>{summary.audit_head_id}</b>, hash <span class='mono'>"
        f"{esc(summary.audit_head_hash)}</span>.</p>"
        f"<p class='muted'>Made {summary.generated_at:%Y-%m-%d %H:%M:%S} UTC by "
        f"{esc(summary.generated_by_name)} ({esc(summary.generated_by)}) with ketamonitor. "
        "'ketamonitor verify' confirms that the audit chain up to this row is unbroken, and "
        "that the record still holds this row with this hash when given it:</p>"
        f"<p class='mono'>ketamonitor verify --head {summary.audit_head_id}:"
        f"{esc(summary.audit_head_hash)}</p>")
