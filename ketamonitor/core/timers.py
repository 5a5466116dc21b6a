"""What the big timer shows, computed from the chart and the clock's `now` alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import ObservationStart


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


def next_vitals_due(chart: SessionChart) -> datetime | None:
    """When the next BP set is due, the earliest of: a baseline on arrival; the protocol's
    interval for the phase, counted from the later of the last BP and the start of the
    phase's cadence; each fixed check after the dose not yet done (esketamine: 40 min);
    and one before discharge, in the last minutes of the observation time."""
    timeline = chart.timeline
    phase = timeline.phase
    if phase.is_finished:
        return None
    taken = [entry.current.observed_at for entry in chart.bp_sets()]
    if phase is Phase.PRE_INFUSION:
        return None if taken else timeline.began_at
    candidates = [due for due in (_periodic_due(chart, taken), _fixed_due(chart, taken),
                                  _before_discharge_due(chart, taken)) if due is not None]
    return min(candidates) if candidates else None


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
    grace = timedelta(minutes=chart.protocol.overdue_grace_minutes)
    for minutes in chart.protocol.checks.after_dose_minutes:
        due = dose + timedelta(minutes=minutes)
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
    window = timedelta(minutes=chart.protocol.checks.before_discharge_minutes)
    due = start + chart.protocol.observation_time - window
    if any(moment >= due for moment in taken):
        return None
    return due


def session_timers(chart: SessionChart, now: datetime) -> SessionTimers:
    timeline = chart.timeline
    phase = timeline.phase
    started = timeline.dose_started_at
    infusion_remaining = None
    if phase in (Phase.INFUSING, Phase.PAUSED):
        infusion_remaining = chart.infusion_time - timeline.time_in(Phase.INFUSING, now)
    due = next_vitals_due(chart)
    grace = timedelta(minutes=chart.protocol.overdue_grace_minutes)
    return SessionTimers(
        phase=phase,
        in_phase=now - timeline.phase_since,
        since_dose_start=None if started is None else (timeline.finished_at or now) - started,
        infusion_remaining=infusion_remaining,
        observation_remaining=None if phase.is_finished else observation_remaining(chart, now),
        next_vitals_due=due,
        vitals_due_in=None if due is None else due - now,
        vitals_overdue=due is not None and now > due + grace,
    )
