"""A session's phases over time, derived only from its stored phase changes.

Nothing here counts ticks: every span is a difference of stored moments, or of a stored
moment and `now`, so the same record gives the same answers after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from ketamonitor.core.phases import Action, Phase

_INFUSION_ENDS = (Action.END_INFUSION, Action.STOP_INFUSION_EARLY)


@dataclass(frozen=True)
class PhaseChange:
    action: Action
    phase: Phase
    at: datetime
    reason: str | None = None


@dataclass(frozen=True)
class Timeline:
    began_at: datetime
    changes: tuple[PhaseChange, ...] = ()

    @property
    def phase(self) -> Phase:
        return self.changes[-1].phase if self.changes else Phase.PRE_INFUSION

    @property
    def phase_since(self) -> datetime:
        return self.changes[-1].at if self.changes else self.began_at

    @property
    def dose_started_at(self) -> datetime | None:
        """The first moment of dosing: infusion start, or the first intranasal device."""
        return self._first(Action.START_INFUSION)

    @property
    def infusion_ended_at(self) -> datetime | None:
        for change in self.changes:
            if change.action in _INFUSION_ENDS:
                return change.at
        return None

    @property
    def stopped_early(self) -> PhaseChange | None:
        for change in self.changes:
            if change.action in (Action.STOP_INFUSION_EARLY, Action.END_SESSION_EARLY):
                return change
        return None

    @property
    def finished_at(self) -> datetime | None:
        return self.changes[-1].at if self.phase.is_finished else None

    def finished_on(self, day: date, zone: tzinfo) -> bool:
        """Discharged (or ended) on the room's calendar `day`: what "finished today" means,
        whenever the session began and whoever opened it since."""
        finished = self.finished_at
        return finished is not None and finished.astimezone(zone).date() == day

    def _first(self, action: Action) -> datetime | None:
        for change in self.changes:
            if change.action is action:
                return change.at
        return None

    def with_change(self, change: PhaseChange) -> Timeline:
        return Timeline(self.began_at, (*self.changes, change))

    def phase_at(self, moment: datetime) -> Phase:
        phase = Phase.PRE_INFUSION
        for change in self.changes:
            if change.at > moment:
                break
            phase = change.phase
        return phase

    def time_in(self, phase: Phase, now: datetime) -> timedelta:
        """Total time spent in `phase` up to `now` (infusing time excludes pauses)."""
        total = timedelta()
        spans = [(Phase.PRE_INFUSION, self.began_at)] + [(c.phase, c.at) for c in self.changes]
        for (span_phase, start), (_, end) in zip(spans, [*spans[1:], (None, now)], strict=True):
            if span_phase is phase:
                total += max(min(end, now) - start, timedelta())
        return total
