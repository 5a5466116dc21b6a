"""A session's summary: everything a physician files about one visit, read from the store
once, as plain values; and `export_summary`, the one way a summary leaves the app (the
command line and the window both call it).

The summary is drawn by the PDF (summary_pdf), written as JSON and CSV (summary_data) and as
a FHIR R4 bundle (fhir): each reads this value only, so the four say the same thing. Times
are aware UTC datetimes here; each format says how it shows them (docs/summary-format.md).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from ketamonitor.core.administration import devices_given, drug_lots
from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.amendments import ENTERED_IN_ERROR, STATUS
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.chart_marks import phase_spans
from ketamonitor.core.checklists import Checklist, ChecklistKind
from ketamonitor.core.dose import NOT_STARTED, DoseGiven, dose_given, format_amount
from ketamonitor.core.entries import late_entry_words
from ketamonitor.core.escalation import Escalation, escalation_text
from ketamonitor.core.library import Library
from ketamonitor.core.patient import Patient, age_on
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import DoseUnit, Route
from ketamonitor.core.records import Administration, EventKind, SessionRecord
from ketamonitor.core.rems import RemsForm, rems_form
from ketamonitor.core.review import assessments, corrections
from ketamonitor.core.signature import Signature, SignatureKind, matches
from ketamonitor.core.timers import observation_started_at
from ketamonitor.core.times import format_clock, from_stored
from ketamonitor.core.vitals import LABELS as VITALS_LABELS
from ketamonitor.core.vitals import spo2_words
from ketamonitor.core.wording import action_label, phase_label
from ketamonitor.export.files import ExportFailed, atomic_write
from ketamonitor.export.summary_formats import SUMMARY_FORMATS
from ketamonitor.store.store import Store

log = logging.getLogger(__name__)

#: The formats a summary is written in, as the command line and the window offer them.
#: The formats, and the file name ending of each (one list: export/summary_formats.py).
FORMATS = tuple(fmt for fmt, _, _ in SUMMARY_FORMATS)
EXTENSIONS = {fmt: ending for fmt, _, ending in SUMMARY_FORMATS}
PAGE_SIZES = ("A4", "Letter")

#: The status of a charted entry, as every format names it.
CHARTED, AMENDED, IN_ERROR = "charted", "amended", "entered_in_error"

__all__ = ["EXTENSIONS", "FORMATS", "PAGE_SIZES", "ExportFailed", "SessionSummary",
           "build_summary", "export_summary", "page_size_of", "summary_file_name",
           "write_recorded"]


# -- the summary as values ---------------------------------------------------------------

@dataclass(frozen=True)
class PhaseTime:
    """One phase of the session, from its start to the next phase (None: still in it)."""

    phase: Phase
    label: str
    started_at: datetime
    ended_at: datetime | None

    @property
    def duration(self) -> timedelta | None:
        return None if self.ended_at is None else self.ended_at - self.started_at


@dataclass(frozen=True)
class Timings:
    arrived_at: datetime
    dose_started_at: datetime | None
    dose_ended_at: datetime | None
    observation_started_at: datetime | None
    observation_completed_at: datetime | None
    finished_at: datetime | None
    #: Time spent dosing, pauses not counted; and the pauses.
    dosing_time: timedelta
    paused_time: timedelta
    #: From the start of the protocol's observation clock to observation complete (or the
    #: end of the session, or the summary's making for a session still running).
    observation_time: timedelta | None
    planned_dosing_time: timedelta
    minimum_observation_time: timedelta


@dataclass(frozen=True)
class StoppedEarly:
    """The infusion stopped early, or the whole session ended early, and why."""

    action: Action
    label: str
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class VitalsRow:
    id: int
    observed_at: datetime
    phase: Phase
    phase_label: str
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    respiratory_rate: int | None
    source: str
    entered_at: datetime
    entered_by: str
    status: str
    flags: tuple[str, ...]
    flag_codes: tuple[str, ...]
    #: Why the set was charted after the session ended (a late entry); None otherwise.
    late_reason: str | None = None
    #: Oxygen in L/min when the SpO2 was read (None: room air); end-tidal CO2 in mmHg.
    oxygen_l_per_min: float | None = None
    etco2: int | None = None
    #: The SpO2 in words with its oxygen, as every view shows it ("94 % (O2 2 L/min)").
    spo2_words: str = ""

    @property
    def bp(self) -> str:
        return "" if self.systolic is None else f"{self.systolic}/{self.diastolic}"


@dataclass(frozen=True)
class ChecklistRow:
    """One item of a yes/no checklist with its latest answer (None: not answered)."""

    item: str
    label: str
    answer: str | None
    expected: str | None
    observed_at: datetime | None
    entered_by: str | None

    @property
    def as_expected(self) -> bool:
        return self.answer is not None and (self.expected is None or self.answer == self.expected)


@dataclass(frozen=True)
class ChecklistPart:
    id: str
    title: str
    rows: tuple[ChecklistRow, ...]


@dataclass(frozen=True)
class AssessmentRow:
    """A dissociation assessment: the items found present at one moment."""

    observed_at: datetime
    present: tuple[str, ...]
    entered_by: str
    status: str


@dataclass(frozen=True)
class SideEffectRow:
    id: int
    observed_at: datetime
    item: str
    label: str
    severity: str | None
    intervention: str | None
    intervention_label: str | None
    note: str | None
    entered_by: str
    status: str
    #: "present" at onset; "resolved" for the later entry saying it has passed.
    value: str = "present"


@dataclass(frozen=True)
class ScoreRow:
    id: int
    observed_at: datetime
    scale: str
    title: str
    timepoint: str | None
    total: int
    max_total: int | None
    band: str | None
    entered_by: str
    status: str


@dataclass(frozen=True)
class EventRow:
    id: int
    occurred_at: datetime
    kind: str
    label: str
    text: str | None
    entered_by: str
    status: str


@dataclass(frozen=True)
class MedicationRow:
    """A medicine given besides the dose (core.medications words it)."""

    id: int
    given_at: datetime
    drug: str
    label: str
    drug_class: str
    dose: float
    unit: str
    route: str
    ordered_by: str
    given_by: str
    alert_id: int | None
    entered_at: datetime
    entered_by: str
    status: str


def _medications(chart: SessionChart) -> tuple[MedicationRow, ...]:
    return tuple(
        MedicationRow(id=m.id, given_at=m.given_at, drug=m.drug, label=m.label,
                      drug_class=m.drug_class, dose=m.dose, unit=m.unit, route=m.route,
                      ordered_by=m.ordered_by, given_by=m.given_by, alert_id=m.alert_id,
                      entered_at=m.entered_at, entered_by=m.entered_by,
                      status=_status(m.in_error, bool(m.amendments)))
        for m in chart.medications)


@dataclass(frozen=True)
class DeviceRow:
    number: int
    amount_mg: float
    lot: str
    given_at: datetime
    entered_by: str


def _administered(given: Iterable[Administration]) -> tuple[DeviceRow, ...]:
    return tuple(DeviceRow(a.number, a.amount_mg, a.lot, a.given_at, a.entered_by)
                 for a in given)


@dataclass(frozen=True)
class AlertRow:
    id: int
    raised_at: datetime
    kind: str
    priority: str
    priority_word: str
    priority_mark: str
    message: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    action: str | None
    cleared_at: datetime | None
    #: A high or critical alert's escalation as recorded, and in the words of the page.
    escalation: Escalation | None = None
    escalation_text: str = ""
    seen_by_physician: str | None = None


@dataclass(frozen=True)
class AmendmentRow:
    id: int
    subject: str
    observed_at: datetime
    field: str
    field_label: str
    old_value: str | None
    new_value: str | None
    reason: str
    amended_at: datetime
    amended_by: str


@dataclass(frozen=True)
class SignatureRow:
    kind: str
    printed_name: str
    signer: str
    signed_at: datetime
    meaning: str
    content_hash: str
    text: str | None
    manifestation: str
    #: Whether the chart still holds the content signed (False: changed behind the app).
    matches_chart: bool


@dataclass(frozen=True)
class RemsPart:
    form: RemsForm
    #: (item key, question, answer or None) for each question of the REMS checklist.
    questions: tuple[tuple[str, str, str | None], ...]


@dataclass(frozen=True)
class SessionSummary:
    clinic_name: str
    generated_at: datetime
    generated_by: str
    generated_by_name: str
    zone: tzinfo
    patient: Patient
    session: SessionRecord
    number_in_course: int
    sessions_in_course: int
    route: Route
    phase: Phase
    phase_label: str
    stopped_early: StoppedEarly | None
    phases: tuple[PhaseTime, ...]
    timings: Timings
    devices: tuple[DeviceRow, ...]
    #: The lots of an IV or IM dose's vials or bags (the same rows as devices).
    drug_lots: tuple[DeviceRow, ...]
    vitals: tuple[VitalsRow, ...]
    pre_session: ChecklistPart | None
    discharge: ChecklistPart | None
    dissociation: tuple[AssessmentRow, ...]
    side_effects: tuple[SideEffectRow, ...]
    medications: tuple[MedicationRow, ...]
    scores: tuple[ScoreRow, ...]
    events: tuple[EventRow, ...]
    alerts: tuple[AlertRow, ...]
    amendments: tuple[AmendmentRow, ...]
    rems: RemsPart | None
    signatures: tuple[SignatureRow, ...]
    audit_head_id: int
    audit_head_hash: str
    #: What the chart picture is drawn from (not written to the data formats).
    chart: SessionChart
    alert_records: tuple[AlertRecord, ...]
    library: Library

    @property
    def session_id(self) -> int:
        return self.session.id

    @property
    def given(self) -> DoseGiven:
        """The dose actually given as of the summary (a running infusion counts to then):
        what is reported beside the planned dose."""
        return dose_given(self.chart, self.generated_at)

    @property
    def signature(self) -> SignatureRow | None:
        return next((s for s in self.signatures if s.kind == SignatureKind.SIGNATURE.value),
                    None)

    @property
    def notes(self) -> tuple[EventRow, ...]:
        return tuple(e for e in self.events if e.kind == EventKind.NOTE)

    @property
    def session_date(self) -> str:
        """The day of the session in the room's time zone (ISO)."""
        return self.session.began_at.astimezone(self.zone).date().isoformat()

    @property
    def patient_age(self) -> int:
        return age_on(self.patient.details.birth_date,
                      self.session.began_at.astimezone(self.zone).date())

    @property
    def dose_mg_per_kg(self) -> float | None:
        """As prescribed, or for a dose in devices the total over the session's weight."""
        dose = self.session.dose
        if dose.mg_per_kg is not None:
            return dose.mg_per_kg
        weight = self.session.weight_kg
        return round(dose.total_mg / weight, 2) if weight else None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def late_words(self, row: VitalsRow) -> str | None:
        """How a late set is marked in every format that words it (PDF, FHIR); None for a
        set charted as it happened."""
        if row.late_reason is None:
            return None
        return late_entry_words(row.observed_at, row.entered_at, row.entered_by,
                                row.late_reason, self.zone)

    def zone_label(self) -> str:
        """The room's time zone as a printout names it: "CET, UTC+01:00"."""
        began = self.local(self.session.began_at)
        offset = began.utcoffset() or timedelta()
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        hours, rest = divmod(abs(minutes), 60)
        name = began.tzname() or ""
        utc = f"UTC{sign}{hours:02d}:{rest:02d}"
        return utc if name in ("", "UTC", utc) else f"{name}, {utc}"


# -- building it from the store ------------------------------------------------------------

def build_summary(store: Store, session_id: int, zone: tzinfo | None = None) -> SessionSummary:
    """Read the session's whole record once (UnknownRecord for an id not in it)."""
    chart = store.chart(session_id)
    zone = zone or store.clock.local_zone
    library = store.library
    alerts = tuple(store.alerts([session_id])[session_id])
    signatures = store.signatures(session_id)
    course = [listing.session_id for listing in store.patient_sessions(chart.patient.id)]
    head_id, head_hash = store.audit_head()
    account = store.account
    assert account is not None  # may_export was asked first
    now = store.clock.now()
    route = chart.protocol.route
    lists = chart.protocol.checklists
    stopped = chart.timeline.stopped_early
    clinic_name = store.setting("clinic_name")
    return SessionSummary(
        clinic_name=clinic_name,
        generated_at=now,
        generated_by=account.username,
        generated_by_name=account.display_name,
        zone=zone,
        patient=chart.patient,
        session=chart.session,
        number_in_course=course.index(session_id) + 1,
        sessions_in_course=len(course),
        route=route,
        phase=chart.phase,
        phase_label=phase_label(chart.phase, route),
        stopped_early=StoppedEarly(stopped.action, action_label(stopped.action, route),
                                   stopped.at, stopped.reason) if stopped else None,
        phases=tuple(PhaseTime(span.phase, phase_label(span.phase, route), span.start,
                               span.end) for span in phase_spans(chart.timeline)),
        timings=_timings(chart, now),
        devices=_administered(devices_given(chart)),
        drug_lots=_administered(drug_lots(chart)),
        vitals=_vitals(chart),
        pre_session=_yes_no(chart, library.checklists.get(lists.pre_session)),
        discharge=_yes_no(chart, library.checklists.get(lists.discharge)),
        dissociation=tuple(
            AssessmentRow(a.observed_at, a.present, a.entered_by,
                          IN_ERROR if a.in_error else CHARTED)
            for a in assessments(chart.entries_of(lists.dissociation))),
        side_effects=_side_effects(chart, library.checklists.get(lists.side_effects)),
        medications=_medications(chart),
        scores=_scores(chart, library),
        events=_events(chart),
        alerts=tuple(_alert(alert, zone) for alert in alerts),
        amendments=_amendments(chart, library),
        rems=_rems(chart, library, clinic_name, zone),
        signatures=tuple(_signature(s, chart, alerts) for s in signatures),
        audit_head_id=head_id,
        audit_head_hash=head_hash,
        chart=chart,
        alert_records=alerts,
        library=library,
    )


def _status(in_error: bool, amended: bool = False) -> str:
    if in_error:
        return IN_ERROR
    return AMENDED if amended else CHARTED


def _timings(chart: SessionChart, now: datetime) -> Timings:
    timeline = chart.timeline
    end = timeline.finished_at or now
    completed = next((c.at for c in timeline.changes
                      if c.action is Action.COMPLETE_OBSERVATION), None)
    observing_from = observation_started_at(chart)
    observed = None
    if observing_from is not None:
        observed = max((completed or end) - observing_from, timedelta())
    return Timings(
        arrived_at=timeline.began_at,
        dose_started_at=timeline.dose_started_at,
        dose_ended_at=timeline.infusion_ended_at,
        observation_started_at=observing_from,
        observation_completed_at=completed,
        finished_at=timeline.finished_at,
        dosing_time=timeline.time_in(Phase.INFUSING, end),
        paused_time=timeline.time_in(Phase.PAUSED, end),
        observation_time=observed,
        planned_dosing_time=chart.infusion_time,
        minimum_observation_time=chart.protocol.observation_time,
    )


def _vitals(chart: SessionChart) -> tuple[VitalsRow, ...]:
    route = chart.protocol.route
    rows = []
    for flagged in chart.all_vitals_rows():
        entry, vitals = flagged.entry, flagged.entry.current
        rows.append(VitalsRow(
            id=entry.id, observed_at=vitals.observed_at, phase=flagged.phase,
            phase_label=phase_label(flagged.phase, route),
            systolic=vitals.systolic, diastolic=vitals.diastolic,
            heart_rate=vitals.heart_rate, spo2=vitals.spo2,
            respiratory_rate=vitals.respiratory_rate, source=entry.source,
            entered_at=entry.entered_at, entered_by=entry.entered_by,
            status=_status(entry.in_error, entry.is_amended),
            flags=tuple(flag.message for flag in flagged.flags),
            flag_codes=tuple(flag.code for flag in flagged.flags),
            late_reason=entry.late_reason,
            oxygen_l_per_min=vitals.oxygen_l_per_min, etco2=vitals.etco2,
            spo2_words=spo2_words(vitals),
        ))
    return tuple(rows)


def _yes_no(chart: SessionChart, checklist: Checklist | None) -> ChecklistPart | None:
    if checklist is None or checklist.kind is not ChecklistKind.YES_NO:
        return None
    answers = chart.answers(checklist.id)
    rows = []
    for item in checklist.items_for(chart.protocol.route):
        found = answers.get(item.key)
        rows.append(ChecklistRow(
            item=item.key, label=item.label, answer=found.value if found else None,
            expected=item.expected.value if item.expected else None,
            observed_at=found.observed_at if found else None,
            entered_by=found.entered_by if found else None))
    return ChecklistPart(checklist.id, checklist.title, tuple(rows))


def _side_effects(chart: SessionChart, checklist: Checklist | None
                  ) -> tuple[SideEffectRow, ...]:
    rows = []
    for entry in chart.entries_of(chart.protocol.checklists.side_effects):
        label = None
        if entry.intervention:
            label = entry.intervention
            if checklist is not None:
                with contextlib.suppress(KeyError):  # a choice a later version dropped
                    label = checklist.intervention_label(entry.intervention)
        rows.append(SideEffectRow(
            id=entry.id, observed_at=entry.observed_at, item=entry.item, label=entry.label,
            severity=entry.severity, intervention=entry.intervention, intervention_label=label,
            note=entry.note, entered_by=entry.entered_by,
            status=_status(entry.in_error, bool(entry.amendments)), value=entry.value))
    return tuple(sorted(rows, key=lambda r: (r.observed_at, r.id)))


def _scores(chart: SessionChart, library: Library) -> tuple[ScoreRow, ...]:
    rows = []
    for score in chart.scale_scores:
        scale = library.scales.get(score.scale)
        rows.append(ScoreRow(
            id=score.id, observed_at=score.observed_at, scale=score.scale,
            title=scale.title if scale else score.scale, timepoint=score.timepoint,
            total=score.total, max_total=scale.max_total if scale else None,
            band=scale.band(score.total) if scale else None, entered_by=score.entered_by,
            status=_status(score.in_error, bool(score.amendments))))
    return tuple(rows)


_EVENT_WORDS = {
    EventKind.NOTE: "Note",
    EventKind.INTERVENTION: "Intervention",
    EventKind.READY_WITHOUT_MINIMUM: "Would have been ready to leave without the 2-hour "
                                     "minimum",
}


def event_label(kind: str, route: Route) -> str:
    """What an event was, in the words of the session's route."""
    try:
        return action_label(Action(kind), route)
    except ValueError:
        return _EVENT_WORDS.get(kind, kind.replace("_", " ").capitalize())


def _events(chart: SessionChart) -> tuple[EventRow, ...]:
    route = chart.protocol.route
    return tuple(
        EventRow(id=e.id, occurred_at=e.occurred_at, kind=e.kind,
                 label=event_label(e.kind, route), text=e.text, entered_by=e.entered_by,
                 status=_status(e.in_error, bool(e.amendments)))
        for e in chart.events)


def _alert(alert: AlertRecord, zone: tzinfo) -> AlertRow:
    return AlertRow(
        id=alert.id, raised_at=alert.raised_at, kind=str(alert.kind),
        priority=alert.priority.value, priority_word=alert.priority.word,
        priority_mark=alert.priority.mark, message=alert.message,
        acknowledged_at=alert.acknowledged_at, acknowledged_by=alert.acknowledged_by,
        action=alert.action, cleared_at=alert.cleared_at, escalation=alert.escalation,
        escalation_text=escalation_text(alert, lambda moment: format_clock(moment, zone)),
        seen_by_physician=alert.seen_by_physician)


def _amendments(chart: SessionChart, library: Library) -> tuple[AmendmentRow, ...]:
    titles = {scale_id: scale.title for scale_id, scale in library.scales.items()}
    rows = []
    for found in corrections(chart, titles):
        amendment = found.amendment
        rows.append(AmendmentRow(
            id=amendment.id, subject=found.subject, observed_at=found.observed_at,
            field=amendment.field, field_label=_field_label(amendment.field),
            old_value=_shown_value(amendment.field, amendment.old_value),
            new_value=_shown_value(amendment.field, amendment.new_value),
            reason=amendment.reason, amended_at=amendment.amended_at,
            amended_by=amendment.amended_by))
    return tuple(rows)


def _field_label(field: str) -> str:
    if field == STATUS:
        return "Status"
    return VITALS_LABELS.get(field, field.replace("_", " ").capitalize())


def _shown_value(field: str, value: str | None) -> str | None:
    """An amendment's value as text to read: a struck entry says so; a time stays UTC."""
    if value == ENTERED_IN_ERROR:
        return "entered in error"
    if field == "observed_at" and value:
        try:
            return f"{from_stored(value):%Y-%m-%d %H:%M} UTC"
        except ValueError:
            return value
    return value


def _rems(chart: SessionChart, library: Library, setting: str, zone: tzinfo
          ) -> RemsPart | None:
    rems_id = chart.protocol.checklists.rems
    questions = library.checklists.get(rems_id) if rems_id else None
    if questions is None:
        return None
    form = rems_form(chart, questions, setting, zone)
    return RemsPart(form, tuple((item.key, item.label, form.answers.get(item.key))
                                for item in questions.items))


def _signature(signature: Signature, chart: SessionChart,
               alerts: tuple[AlertRecord, ...]) -> SignatureRow:
    return SignatureRow(
        kind=signature.kind.value, printed_name=signature.printed_name,
        signer=signature.signer, signed_at=signature.signed_at, meaning=signature.meaning,
        content_hash=signature.content_hash, text=signature.text,
        manifestation=signature.manifestation(),
        matches_chart=matches(signature, chart, alerts))


def dose_words(summary: SessionSummary) -> str:
    """The dose as the summary prints it, mg/kg and total mg both, planned and given."""
    session, dose = summary.session, summary.session.dose
    if summary.session.protocol.dosing.unit is DoseUnit.DEVICES or dose.devices is not None:
        per_device = session.protocol.dosing.mg_per_device or 0
        per_kg = summary.dose_mg_per_kg
        text = (f"{dose.total_mg:g} mg total ({dose.devices} devices of {per_device:g} mg"
                + (f"; {per_kg:g} mg/kg at {session.weight_kg:g} kg)" if per_kg else ")"))
    else:
        text = (f"{dose.mg_per_kg:g} mg/kg × {session.weight_kg:g} kg = {dose.total_mg:g} mg "
                "total")
        if dose.pump_rate_ml_per_h is not None:
            text += (f" ({format_amount(dose.volume_ml, 'mL')} at "
                     f"{dose.concentration_mg_per_ml:g} mg/mL, pump "
                     f"{format_amount(dose.pump_rate_ml_per_h, 'mL/h')})")
    given = summary.given
    return text if given.how == NOT_STARTED else f"{text}; {given.describe()}"


# -- the one way out -----------------------------------------------------------------------

def summary_file_name(session_id: int, fmt: str) -> str:
    """A file name to offer: "session-12-summary.pdf" (no patient data in it)."""
    return f"session-{session_id}-summary{EXTENSIONS[_format(fmt)]}"


def export_summary(store: Store, session_id: int, fmt: str, out: Path, *,
                   page_size: str = "A4", zone: tzinfo | None = None) -> Path:
    """Write the session's summary to `out` as `fmt` (pdf, json, csv or fhir) and record
    the export in the audit trail with the file's SHA-256.

    Refuses (PermissionDenied, NotLoggedIn) before anything is read; UnknownRecord for a
    session not in the record; ValueError for an unknown format or page size. The file is
    written whole or not at all: ExportFailed (naming the file and what to do) when it
    cannot be, with nothing left under `out` and nothing written to the record. Times are
    shown in `zone` (the room's, unless given). A PDF needs a QApplication, as any Qt
    painting does (one is made if there is none)."""
    store.may_export()
    fmt = _format(fmt)
    size = page_size_of(page_size)
    out = Path(out)
    summary = build_summary(store, session_id, zone)
    data = _render(summary, fmt, size)
    write_recorded(store, out, data, "summary", {
        "session_id": session_id, "format": fmt,
        **({"page_size": size} if fmt == "pdf" else {})})
    log.info("summary of session %s written to %s (%s)", session_id, out, fmt)
    return out


def write_recorded(store: Store, out: Path, data: bytes, kind: str,
                   details: Mapping[str, object]) -> None:
    """Write `out` whole or not at all (ExportFailed), then its audit row `exports.<kind>`
    with `details` and the file's SHA-256; if the row cannot be written, the file is taken
    back: nothing leaves without its audit row."""
    digest = atomic_write(out, data)
    try:
        store.record_export(kind, details, digest)
    except BaseException:
        with contextlib.suppress(OSError):
            out.unlink(missing_ok=True)
        raise


def _format(fmt: str) -> str:
    cleaned = fmt.strip().lower()
    if cleaned not in FORMATS:
        raise ValueError(f"unknown summary format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return cleaned


def page_size_of(page_size: str) -> str:
    """"A4" or "Letter", however typed; ValueError for another."""
    for size in PAGE_SIZES:
        if page_size.strip().lower() == size.lower():
            return size
    raise ValueError(f"unknown page size {page_size!r}: choose {' or '.join(PAGE_SIZES)}")


def _render(summary: SessionSummary, fmt: str, page_size: str) -> bytes:
    # the formats read this module's values: imported here, where they are needed
    if fmt == "pdf":
        from ketamonitor.export.summary_pdf import summary_pdf
        return summary_pdf(summary, page_size)
    if fmt == "fhir":
        from ketamonitor.export.fhir import fhir_bundle_bytes
        return fhir_bundle_bytes(summary)
    from ketamonitor.export.summary_data import summary_csv, summary_json
    return summary_json(summary) if fmt == "json" else summary_csv(summary)
