"""The Spravato REMS patient monitoring form, filled from the record, and the list of forms
still to file.

Filed for every outpatient esketamine session within 7 calendar days (CLINICAL.md). Each
field comes from what was charted; what the record cannot yet answer is listed as missing,
so the nurse sees before discharge what the form will lack.

A form is due for each finished intranasal (esketamine) session in which a dose was given:
a session stopped before the first device has no treatment to report. The window counts
local calendar days from the treatment date (the day of the first device, day 0): the
form is due by day 7, and overdue from day 8.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from ketamonitor.core.administration import devices_given
from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Answer, Checklist, Scale
from ketamonitor.core.dose import dose_given
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.medications import given_words
from ketamonitor.core.parsing import FieldProblem, clock_time_in_session
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import EventKind, VitalsEntry
from ketamonitor.core.rems_checks import (
    PULSE_OXIMETRY,
    Contradiction,
    bp_before_end,
    monitoring_end,
    rems_contradictions,
    spo2_charted,
)

#: The field of the REMS tab where the nurse types when the patient was ready to leave
#: before the minimum observation time.
READY_FIELD = "ready_without_minimum"

#: The form's BP "40 minutes after dosing" is read from the BP nearest to it, within this.
AROUND_40_MINUTES = timedelta(minutes=10)


@dataclass(frozen=True)
class RemsForm:
    patient: str
    birth_date: date
    mrn: str
    prescriber: str | None
    monitored_by: str
    setting: str | None
    treatment_date: date | None
    dose_mg: float
    devices: int
    lots: tuple[str, ...]
    first_device_at: datetime | None
    monitoring_ended_at: datetime | None
    total_minutes: int | None
    ready_without_minimum_at: datetime | None
    bp_before_dosing: str | None
    bp_at_40_minutes: str | None
    bp_before_end: str | None
    answers: dict[str, str]
    missing: tuple[str, ...]
    #: The medicines charted given in the session ("Ondansetron 4 mg IV"), beside the
    #: form's question on concomitant medicines.
    medications_given: tuple[str, ...] = ()
    #: How many SpO2 readings were charted: pulse oximetry monitored, by the record.
    spo2_readings: int = 0
    #: Answers the chart contradicts (core.rems_checks): listed, never silently filed.
    contradictions: tuple[Contradiction, ...] = ()

    @property
    def gaps(self) -> tuple[str, ...]:
        """What stands between the form and filing it as it is: each field still missing,
        then each contradiction, in words."""
        return (*(f"Missing: {item}" for item in self.missing),
                *(f"Contradiction: {c.words}" for c in self.contradictions))

    @property
    def dose_label(self) -> str:
        """As the form asks: 56 mg, 84 mg, or other."""
        if self.dose_mg in (56, 84):
            return f"{self.dose_mg:g} mg"
        return f"other ({self.dose_mg:g} mg)"

    @property
    def devices_words(self) -> str:
        """The devices given, as the form's dose line reads: "1 device", "3 devices"."""
        return f"{self.devices} device" + ("" if self.devices == 1 else "s")


def _bp(entry: VitalsEntry | None) -> str | None:
    if entry is None:
        return None
    vitals = entry.current
    return f"{vitals.systolic}/{vitals.diastolic}"


def rems_form(chart: SessionChart, questions: Checklist, setting: str | None,
              zone: tzinfo, *, scales: Mapping[str, Scale] | None = None,
              alerts: Sequence[AlertRecord] = ()) -> RemsForm:
    """Every field of the form from the chart; `missing` names the fields still empty and
    `contradictions` the answers the chart contradicts (the sedation answer is checked
    when the MOAA/S scale is among `scales`; escalated alerts when `alerts` are given)."""
    timeline = chart.timeline
    first = timeline.dose_started_at
    ended = monitoring_end(chart)
    given = devices_given(chart)
    sets = chart.bp_sets()
    before = chart.baseline_bp()
    around_40 = None
    if first is not None:
        target = first + timedelta(minutes=40)
        near = [e for e in sets if abs(e.current.observed_at - target) <= AROUND_40_MINUTES]
        around_40 = min(near, key=lambda e: abs(e.current.observed_at - target), default=None)
    at_end = bp_before_end(chart)
    ready = [e.occurred_at for e in chart.events
             if e.kind == EventKind.READY_WITHOUT_MINIMUM and not e.in_error]
    answers = {key: entry.value for key, entry in chart.answers(questions.id).items()}
    oximetry = spo2_charted(chart)
    if oximetry and PULSE_OXIMETRY not in answers and _asks(questions, PULSE_OXIMETRY):
        answers[PULSE_OXIMETRY] = Answer.YES.value  # the record answers it: SpO2 charted
    form = RemsForm(
        patient=chart.patient.display_name,
        birth_date=chart.patient.details.birth_date,
        mrn=chart.patient.mrn,
        prescriber=chart.session.prescriber,
        monitored_by=chart.session.nurse,
        setting=setting or None,
        treatment_date=first.astimezone(zone).date() if first else None,
        dose_mg=dose_given(chart).mg,  # the devices given, not the plan
        devices=len(given),
        lots=tuple(dict.fromkeys(a.lot for a in given)),
        first_device_at=first,
        monitoring_ended_at=ended,
        total_minutes=int((ended - first).total_seconds() // 60) if first and ended else None,
        ready_without_minimum_at=ready[-1] if ready else None,
        bp_before_dosing=_bp(before),
        bp_at_40_minutes=_bp(around_40),
        bp_before_end=_bp(at_end),
        answers=answers,
        missing=(),
        medications_given=tuple(given_words(m) for m in chart.medications if not m.in_error),
        spo2_readings=oximetry,
        contradictions=rems_contradictions(chart, answers, questions, zone, scales=scales,
                                           alerts=alerts),
    )
    return _with_missing(form, questions)


def _asks(questions: Checklist, key: str) -> bool:
    return any(item.key == key for item in questions.items)


def _with_missing(form: RemsForm, questions: Checklist) -> RemsForm:
    missing = []
    checks = [
        (form.prescriber, "Prescriber (set at the start of the session)"),
        (form.setting, "The setting's name (Clinic ▸ Settings)"),
        (form.first_device_at, "The first device"),
        (form.lots, "Lot numbers of the devices"),
        (form.monitoring_ended_at, "The end of monitoring (observation complete)"),
        (form.ready_without_minimum_at, ("When the patient would have been ready to leave "
                                        "without the 2-hour minimum")),
        (form.bp_before_dosing, "BP before dosing"),
        (form.bp_at_40_minutes, "BP about 40 minutes after dosing"),
        (form.bp_before_end, "BP before the end of monitoring"),
    ]
    missing += [label for value, label in checks if not value]
    missing += [f"{questions.title}: {item.label}" for item in questions.items
                if item.key not in form.answers]
    return replace(form, missing=tuple(missing))


# -- forms still to file -----------------------------------------------------------------

#: The form is filed within this many calendar days of the treatment date (day 0).
REMS_WINDOW_DAYS = 7
#: The longest submission reference (the REMS confirmation number) kept.
REFERENCE_MAX_LENGTH = 100


@dataclass(frozen=True)
class RemsCandidate:
    """What the record says of one session, for the forms still to file."""

    session_id: int
    patient_id: int
    patient_name: str
    mrn: str
    route: Route
    phase: Phase
    first_dose_at: datetime | None


@dataclass(frozen=True)
class RemsPending:
    """A session whose REMS form is not marked submitted yet, and the time left to file it."""

    session_id: int
    patient_id: int
    patient_name: str
    mrn: str
    first_dose_at: datetime
    treatment_date: date
    due_by: date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def label(self) -> str:
        """As the list shows it: "3 days left", "due today", "2 days overdue"."""
        days = abs(self.days_left)
        unit = "day" if days == 1 else "days"
        if self.days_left > 0:
            return f"{days} {unit} left"
        if self.days_left == 0:
            return "due today"
        return f"{days} {unit} overdue"


@dataclass(frozen=True)
class RemsSubmission:
    """The mark that a session's form was submitted: once, by an administrator."""

    session_id: int
    reference: str
    submitted_at: datetime
    submitted_by: str
    #: What the form lacked when it was marked (RemsForm.gaps), confirmed by the person
    #: who marked it; empty for a form marked complete.
    gaps: tuple[str, ...] = ()

    @property
    def incomplete(self) -> bool:
        return bool(self.gaps)

    def words(self, zone: tzinfo) -> str:
        """The mark as every view says it: "Submitted on <day> by <who>, reference R", or
        "Submitted incomplete on <day> by <who>, reference R; missing: …" (never beside a
        "do not file")."""
        day = f"{self.submitted_at.astimezone(zone):%Y-%m-%d %H:%M}"
        state = "Submitted incomplete" if self.incomplete else "Submitted"
        said = f"{state} on {day} by {self.submitted_by}, reference {self.reference}"
        return said + (f"; {'; '.join(self.gaps)}" if self.gaps else "")


def needs_rems_form(session: RemsCandidate) -> bool:
    """A finished esketamine (intranasal) session in which a dose was given."""
    return (session.route is Route.INTRANASAL and session.phase.is_finished
            and session.first_dose_at is not None)


def treatment_day(first_dose_at: datetime, zone: tzinfo) -> date:
    """The day of the treatment the form reports: the room's calendar day of the first dose."""
    return first_dose_at.astimezone(zone).date()


def rems_window(first_dose_at: datetime, today: date, zone: tzinfo) -> tuple[date, date, int]:
    """(treatment date, due by, days left) in the room's local calendar."""
    treatment_date = treatment_day(first_dose_at, zone)
    due_by = treatment_date + timedelta(days=REMS_WINDOW_DAYS)
    return treatment_date, due_by, (due_by - today).days


def rems_pending(sessions: Iterable[RemsCandidate], *, today: date,
                 zone: tzinfo) -> list[RemsPending]:
    """The forms still to file among `sessions` (those not marked submitted): overdue ones
    first, then those with the fewest days left; the earliest treatment first within a day."""
    pending = []
    for session in sessions:
        if not needs_rems_form(session):
            continue
        assert session.first_dose_at is not None
        treatment_date, due_by, days_left = rems_window(session.first_dose_at, today, zone)
        pending.append(RemsPending(
            session_id=session.session_id, patient_id=session.patient_id,
            patient_name=session.patient_name, mrn=session.mrn,
            first_dose_at=session.first_dose_at, treatment_date=treatment_date,
            due_by=due_by, days_left=days_left))
    return sorted(pending, key=lambda p: (p.days_left, p.first_dose_at, p.session_id))


def check_rems_submission(session_id: int, session: RemsCandidate | None,
                          already: RemsSubmission | None, reference: str) -> str:
    """The reference as kept (spaces tidied), or a ValidationError saying why the session's
    form cannot be marked submitted."""
    if session is None:
        raise ValidationError({"session": f"there is no session {session_id}"})
    if session.route is not Route.INTRANASAL:
        raise ValidationError({"session": f"session {session_id} is not an esketamine "
                                          "(intranasal) session: no REMS form is filed for it"})
    if not session.phase.is_finished:
        raise ValidationError({"session": f"session {session_id} is not finished: mark its "
                                          "form submitted after the patient has left"})
    if session.first_dose_at is None:
        raise ValidationError({"session": f"no dose was given in session {session_id}: "
                                          "there is no treatment to report"})
    if already is not None:
        raise ValidationError({"session": f"the form of session {session_id} was already "
                                          f"marked submitted by {already.submitted_by} "
                                          f"(reference {already.reference})"})
    cleaned = " ".join(reference.split())
    if not cleaned:
        raise ValidationError({"reference": "give the submission's reference (the REMS "
                                            "confirmation number)"})
    if len(cleaned) > REFERENCE_MAX_LENGTH:
        raise ValidationError({"reference": f"at most {REFERENCE_MAX_LENGTH} characters"})
    return cleaned


def check_confirmed_gaps(session_id: int, form: RemsForm, confirmed: bool) -> tuple[str, ...]:
    """The form's gaps (missing fields, contradictions) that the mark will record, or a
    ValidationError listing them when the person marking it has not confirmed marking an
    incomplete form submitted: a script is a way in as much as the window."""
    gaps = form.gaps
    if gaps and not confirmed:
        raise ValidationError({"incomplete": (
            f"the form of session {session_id} is not complete ({'; '.join(gaps)}): mark it "
            "submitted incomplete only with an explicit confirmation")})
    return gaps


def check_rems_withdrawal(session_id: int, current: RemsSubmission | None,
                          reason: str) -> str:
    """The reason as kept, or why the session's submitted mark cannot be withdrawn. A mark
    made on the wrong row, or for a submission that did not go through, is taken back with
    its reason: the form is then to file again, and the mark stays in the trail."""
    if current is None:
        raise ValidationError({"session": f"the form of session {session_id} is not marked "
                                          "submitted"})
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ValidationError({"reason": "say why the mark is withdrawn"})
    if len(cleaned) > REFERENCE_MAX_LENGTH:
        raise ValidationError({"reason": f"at most {REFERENCE_MAX_LENGTH} characters"})
    return cleaned


def parse_rems_time(typed: str, now: datetime, zone: tzinfo,
                    session_began: datetime) -> datetime:
    """The time typed for "ready to leave without the minimum observation", as a moment
    (HH:MM, the most recent such time within the session: see `clock_time_in_session`), or
    a ValidationError worded for its field. Unlike a reading's time, empty is not "now":
    the form asks when the patient was ready, which the nurse types."""
    if not typed.strip():
        raise ValidationError({READY_FIELD: "type the time (HH:MM)"})
    try:
        return clock_time_in_session(typed, now, zone, session_began)
    except FieldProblem as problem:
        raise ValidationError({READY_FIELD: str(problem)}) from None
