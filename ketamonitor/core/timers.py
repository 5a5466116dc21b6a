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
    """When the next BP set is due: the protocol's interval for the phase, counted from the
    later of the last BP set and the start of the phase's cadence."""
    timeline = chart.timeline
    phase = timeline.phase
    interval = chart.protocol.vitals_interval(phase)
    if phase.is_finished or interval is None:
        return None
    latest = chart.latest_bp()
    last_at = latest.current.observed_at if latest else None
    if phase is Phase.PRE_INFUSION:
        return None if last_at else timeline.began_at + interval
    if phase in (Phase.INFUSING, Phase.PAUSED):
        cadence_from = timeline.dose_started_at
    else:
        cadence_from = timeline.infusion_ended_at
    assert cadence_from is not None  # these phases are reached only through those changes
    reference = max(last_at, cadence_from) if last_at else cadence_from
    return reference + interval


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
