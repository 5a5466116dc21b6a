"""What the big timer shows, computed from the chart and the clock's `now` alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ketamonitor.core.chart import FlaggedVitals, SessionChart
from ketamonitor.core.medications import DrugClass
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import ObservationStart, minutes_span


@dataclass(frozen=True)
class SessionTimers:
    phase: Phase
    in_phase: timedelta
    since_dose_start: timedelta | None
    infusion_remaining: timedelta | None
    observation_remaining: timedelta | None
    next_vitals_due: datetime | None
    vitals_due_in: timedelta | None
    vitals_overdue: bool
    #: Why a BP is due sooner than the routine cadence ("recheck after BP 186/112"), or
    #: None for the routine cadence.
    vitals_due_reason: str | None = None

    @property
    def observation_complete(self) -> bool:
        return self.observation_remaining is not None and self.observation_remaining <= timedelta()


def observation_started_at(chart: SessionChart) -> datetime | None:
    """Where the protocol's observation clock starts: infusion end, or the first device."""
    timeline = chart.timeline
    if chart.protocol.observation_starts_at is ObservationStart.DOSE_START:
        return timeline.dose_started_at
    return timeline.infusion_ended_at


def observation_remaining(chart: SessionChart, now: datetime) -> timedelta | None:
    start = observation_started_at(chart)
    if start is None:
        return None
    return max(chart.protocol.observation_time - (now - start), timedelta())


@dataclass(frozen=True)
class VitalsDue:
    """When the next BP set is due, and why when it is sooner than the routine cadence: a
    recheck after an out-of-line reading or an antihypertensive ("recheck after BP
    186/112", "recheck after labetalol"); None for the routine cadence."""

    at: datetime
    reason: str | None = None


def next_vitals_due(chart: SessionChart) -> datetime | None:
    """When the next BP set is due (see `vitals_due`)."""
    due = vitals_due(chart)
    return None if due is None else due.at


def vitals_due(chart: SessionChart) -> VitalsDue | None:
    """When the next BP set is due, the earliest of: a baseline on arrival; the protocol's
    interval for the phase, counted from the later of the last BP and the start of the
    phase's cadence; each fixed check after the dose not yet done (esketamine: 40 min); one
    before discharge, in the last minutes of the observation time; a recheck soon after an
    out-of-line reading, until a BP is back inside the lines; and a BP soon after each
    antihypertensive given. On a tie the recheck's reason is the one said."""
    timeline = chart.timeline
    phase = timeline.phase
    if phase.is_finished:
        return None
    taken = [entry.current.observed_at for entry in chart.bp_sets()]
    candidates = [*_rechecks(chart, taken)]
    if phase is Phase.PRE_INFUSION:
        if not taken:
            candidates.append(VitalsDue(timeline.began_at))
    else:
        candidates += [VitalsDue(due) for due in (
            _periodic_due(chart, taken), _fixed_due(chart, taken),
            _before_discharge_due(chart, taken)) if due is not None]
    return min(candidates, key=lambda due: (due.at, due.reason is None), default=None)


def _rechecks(chart: SessionChart, taken: list[datetime]) -> list[VitalsDue]:
    dues = [_out_of_line_recheck(chart), *_antihypertensive_rechecks(chart, taken)]
    return [due for due in dues if due is not None]


def _out_of_line_recheck(chart: SessionChart) -> VitalsDue | None:
    """A BP `recheck.after_out_of_line_minutes` after the latest set with a flag (any
    level), unless a BP was taken after it: a flagged one is itself the latest out of line,
    and one within the lines ends the rechecks (the routine cadence resumes)."""
    span = minutes_span(chart.protocol.recheck.after_out_of_line_minutes)
    if span is None:
        return None
    for flagged in reversed(chart.flagged_vitals):
        if flagged.flags:
            taken_at = flagged.entry.current.observed_at
            return VitalsDue(taken_at + span, f"recheck after {_reading_words(flagged)}")
        if flagged.entry.current.has_bp:
            return None
    return None


def _reading_words(flagged: FlaggedVitals) -> str:
    """The out-of-line reading in a few words: the BP when the BP was out of line (any
    field not named below is one of the BP's: systolic, diastolic, a mean pressure), else
    the values that were, the most urgent first and at most two ("RR 0, SpO2 78 %"): naming
    only the first flagged value once said "SpO2 78 %" of a set charted for apnoea."""
    vitals = flagged.entry.current
    flags = sorted(flagged.flags, key=lambda flag: -flag.level.rank)
    fields = [field for flag in flags for field in flag.fields]
    if vitals.has_bp and (not fields or any(field not in _FIELD_WORDS for field in fields)):
        return f"BP {vitals.systolic}/{vitals.diastolic}"
    said: list[str] = []
    for field in dict.fromkeys(fields):
        value = getattr(vitals, field, None)
        if field in _FIELD_WORDS and value is not None:
            name, unit = _FIELD_WORDS[field]
            said.append(f"{name} {value:g}{unit}")
    return ", ".join(said[:2]) or "an out-of-line reading"


_FIELD_WORDS = {"heart_rate": ("HR", ""), "spo2": ("SpO2", " %"),
                "respiratory_rate": ("RR", ""), "etco2": ("EtCO2", "")}


def _antihypertensive_rechecks(chart: SessionChart, taken: list[datetime]) -> list[VitalsDue]:
    """A BP `recheck.after_antihypertensive_minutes` after each antihypertensive given (not
    struck), unless one was taken at or after that time less the overdue grace, as for the
    fixed checks after the dose."""
    span = minutes_span(chart.protocol.recheck.after_antihypertensive_minutes)
    if span is None:
        return []
    grace = minutes_span(chart.protocol.overdue_grace_minutes) or timedelta()
    dues = []
    for given in chart.medications:
        if given.drug_class != DrugClass.ANTIHYPERTENSIVE or given.in_error:
            continue
        due = given.given_at + span
        if not any(moment >= due - grace for moment in taken):
            dues.append(VitalsDue(due, f"recheck after {given.label}"))
    return dues


def _periodic_due(chart: SessionChart, taken: list[datetime]) -> datetime | None:
    timeline = chart.timeline
    interval = chart.protocol.vitals_interval(timeline.phase)
    if interval is None:
        return None
    if timeline.phase in (Phase.INFUSING, Phase.PAUSED):
        cadence_from = timeline.dose_started_at
    else:
        cadence_from = timeline.infusion_ended_at
    assert cadence_from is not None  # these phases are reached only through those changes
    return max([cadence_from, *taken]) + interval


def _fixed_due(chart: SessionChart, taken: list[datetime]) -> datetime | None:
    """The first fixed check after the dose with no BP taken at or after it (less the
    overdue grace: a BP at 37 minutes is the 40-minute check)."""
    dose = chart.timeline.dose_started_at
    if dose is None:
        return None
    grace = minutes_span(chart.protocol.overdue_grace_minutes) or timedelta()
    for minutes in chart.protocol.checks.after_dose_minutes:
        after = minutes_span(minutes)
        if after is None:
            continue
        due = dose + after
        if not any(moment >= due - grace for moment in taken):
            return due
    return None


def _before_discharge_due(chart: SessionChart, taken: list[datetime]) -> datetime | None:
    """A BP in the last minutes before the observation time is met, unless one was."""
    if chart.timeline.phase not in (Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE):
        return None
    start = observation_started_at(chart)
    if start is None:
        return None
    window = minutes_span(chart.protocol.checks.before_discharge_minutes) or timedelta()
    due = start + chart.protocol.observation_time - window
    if any(moment >= due for moment in taken):
        return None
    return due


def long_pause_since(chart: SessionChart, now: datetime) -> datetime | None:
    """When the pause began, for an infusion paused longer than the protocol's
    `recheck.pause_reminder_minutes` at `now` (a 3-hour pause once raised nothing); None
    otherwise."""
    if chart.timeline.phase is not Phase.PAUSED:
        return None
    limit = minutes_span(chart.protocol.recheck.pause_reminder_minutes)
    paused_at = chart.timeline.phase_since
    if limit is None or now - paused_at <= limit:
        return None
    return paused_at


def session_timers(chart: SessionChart, now: datetime) -> SessionTimers:
    timeline = chart.timeline
    phase = timeline.phase
    started = timeline.dose_started_at
    infusion_remaining = None
    if phase in (Phase.INFUSING, Phase.PAUSED):
        infusion_remaining = chart.infusion_time - timeline.time_in(Phase.INFUSING, now)
    vitals = vitals_due(chart)
    due = None if vitals is None else vitals.at
    grace = minutes_span(chart.protocol.overdue_grace_minutes) or timedelta()
    return SessionTimers(
        phase=phase,
        in_phase=now - timeline.phase_since,
        since_dose_start=None if started is None else (timeline.finished_at or now) - started,
        infusion_remaining=infusion_remaining,
        observation_remaining=None if phase.is_finished else observation_remaining(chart, now),
        next_vitals_due=due,
        vitals_due_in=None if due is None else due - now,
        vitals_overdue=due is not None and now > due + grace,
        vitals_due_reason=None if vitals is None else vitals.reason,
    )
