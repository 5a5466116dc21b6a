"""The rows of a session's chart view: everything a physician files about one visit, as
plain values that the screen and every export (PDF, JSON, CSV, FHIR, the REMS form) read.

Times are aware UTC datetimes here; each view says how it shows them. No Qt, no store: the
values are built from what was read (chart_view.build), so every reader says the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.dose import DoseGiven, dose_given, dose_mg_per_kg
from ketamonitor.core.entries import late_entry_words
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.library import Library
from ketamonitor.core.patient import Patient, age_on
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import EventKind, SessionRecord
from ketamonitor.core.rems import RemsForm
from ketamonitor.core.signature import SignatureKind

#: The status of a charted entry, as every format names it.
CHARTED, AMENDED, IN_ERROR = "charted", "amended", "entered_in_error"



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
    #: A set accepted from a bedside monitor's reading (issue 21): that reading, who
    #: validated it and when, and where the set came from in words ("Monitor, validated by
    #: nurse.ana at 10:33"); None and empty for a set typed by hand.
    monitor_reading_id: int | None = None
    validated_by: str | None = None
    validated_at: datetime | None = None
    source_words: str = ""

    @property
    def bp(self) -> str:
        return "" if self.systolic is None else f"{self.systolic}/{self.diastolic}"


@dataclass(frozen=True)
class ArtifactRow:
    """A monitor's reading a nurse marked as an artifact: not a set of the chart (no alert,
    gate or export reads its values as one), printed as the mark it is, with its reason."""

    reading_id: int
    mark_id: int
    observed_at: datetime
    received_at: datetime
    phase: Phase
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    respiratory_rate: int | None
    oxygen_l_per_min: float | None
    etco2: int | None
    #: The reading's values in one line ("BP 210/60, HR 88/min, SpO2 97 %").
    values: str
    reason: str
    marked_at: datetime
    marked_by: str
    #: The whole mark in one sentence (core.monitor_readings.artifact_words).
    words: str


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
    #: When the side effect charted at this onset resolved (None: still present, or this
    #: is the resolving entry), and its course in the side-effects tab's words.
    resolved_at: datetime | None = None
    course: str = ""


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
    #: Each item's score as charted, in the scale's order (PHQ-9 item 9 among them).
    item_scores: tuple[tuple[str, int], ...] = ()
    #: The flags the score raises, in the words of the session page's attention column.
    flags: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class DeviceRow:
    number: int
    amount_mg: float
    lot: str
    given_at: datetime
    entered_by: str


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
    #: Who has seen a high or critical alert, as the alerts tab says it ("not yet"); empty
    #: for a lower one.
    seen: str = ""


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
    #: The item 9 banner as the session page shows it (None: item 9 not positive), the
    #: answer, and whether a physician has assessed it since.
    item9: str | None = None
    item9_answer: int | None = None
    item9_assessed: bool = True
    #: Each of `chart.risk_assessments` in the banner's words, in the same order.
    risk_words: tuple[str, ...] = ()
    #: A session still held before its next step: the heading in the page's words, and
    #: each hold not yet covered by a physician's override.
    held_words: str | None = None
    held: tuple[str, ...] = ()
    #: The monitor's readings marked as artifacts, in the order taken; how many readings
    #: no nurse validated, and the line saying so (None when none).
    artifacts: tuple[ArtifactRow, ...] = ()
    not_validated: int = 0
    not_validated_words: str | None = None

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
        return dose_mg_per_kg(self.session.dose, self.session.weight_kg)

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
