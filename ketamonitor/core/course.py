"""A patient's course at a glance: per session, the BP response to the dose and the PHQ-9
before and after, so a physician sees whether the response grows from session to session.

Derived from the sessions' charts only; the course view and any report read these values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ketamonitor.core.chart import SessionChart

PHQ9 = "phq9"
BEFORE = "before session"
AFTER = "after session"


@dataclass(frozen=True)
class SessionOutcome:
    """One session of the course: `number` counts from 1 in order of arrival."""

    session_id: int
    number: int
    began_at: datetime
    baseline: tuple[int, int] | None     # the last BP before the dose
    peak_systolic: int | None            # highest after the dose began
    peak_diastolic: int | None
    phq9_before: int | None
    phq9_after: int | None

    @property
    def systolic_rise(self) -> int | None:
        if self.baseline is None or self.peak_systolic is None:
            return None
        return self.peak_systolic - self.baseline[0]

    @property
    def diastolic_rise(self) -> int | None:
        if self.baseline is None or self.peak_diastolic is None:
            return None
        return self.peak_diastolic - self.baseline[1]


def session_outcome(chart: SessionChart, number: int) -> SessionOutcome:
    baseline = chart.baseline_bp()
    started = chart.timeline.dose_started_at
    after = [e.current for e in chart.bp_sets()
             if started is not None and e.current.observed_at > started]
    before, later = chart.latest_score(PHQ9, BEFORE), chart.latest_score(PHQ9, AFTER)
    return SessionOutcome(
        session_id=chart.session.id,
        number=number,
        began_at=chart.session.began_at,
        baseline=((baseline.current.systolic or 0, baseline.current.diastolic or 0)
                  if baseline else None),
        peak_systolic=max((v.systolic or 0 for v in after), default=None),
        peak_diastolic=max((v.diastolic or 0 for v in after), default=None),
        phq9_before=before.total if before else None,
        phq9_after=later.total if later else None,
    )


def course_outcomes(charts: Sequence[SessionChart]) -> tuple[SessionOutcome, ...]:
    """The sessions in order of arrival, numbered from 1."""
    ordered = sorted(charts, key=lambda c: (c.session.began_at, c.session.id))
    return tuple(session_outcome(chart, number) for number, chart in enumerate(ordered, 1))
