"""A course at a glance: each session's BP response and PHQ-9, in order of arrival."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.course import AFTER, BEFORE, course_outcomes
from ketamonitor.core.phases import Phase
from tests.core.builders import T0, ChartBuilder

PHQ9_ITEMS = [f"q{n}" for n in range(1, 10)]


def phq9(total: int) -> dict[str, int]:
    """Nine item scores adding up to `total`."""
    scores = dict.fromkeys(PHQ9_ITEMS, 0)
    for n in range(total):
        scores[PHQ9_ITEMS[n % 9]] += 1
    return scores


def session(number: int, day: int, baseline: tuple[int, int], peak: tuple[int, int],
            before: int | None = None, after: int | None = None) -> SessionChart:
    builder = (ChartBuilder().phase(Phase.OBSERVATION)
               .reading(5, *baseline).reading(30, *peak).reading(45, 130, 80))
    if before is not None:
        builder.score(2, "phq9", phq9(before), BEFORE)
    if after is not None:
        builder.score(90, "phq9", phq9(after), AFTER)
    chart = builder.build()
    return replace(chart, session=replace(chart.session, id=number,
                                          began_at=T0 + timedelta(days=day)))


def test_each_session_shows_its_bp_rise_over_its_own_baseline_and_its_phq9():
    charts = [session(7, 3, (122, 78), (164, 98), before=18, after=12),
              session(4, 0, (120, 80), (140, 88), before=21),
              session(9, 6, (124, 80), (190, 112), after=9)]
    first, second, third = course_outcomes(charts)
    assert [o.session_id for o in (first, second, third)] == [4, 7, 9]  # in order of arrival
    assert [o.number for o in (first, second, third)] == [1, 2, 3]
    assert (first.baseline, first.peak_systolic, first.peak_diastolic) == ((120, 80), 140, 88)
    assert (first.systolic_rise, first.diastolic_rise) == (20, 8)
    assert (second.systolic_rise, third.systolic_rise) == (42, 66)  # the response grows
    assert [(o.phq9_before, o.phq9_after) for o in (first, second, third)] == [
        (21, None), (18, 12), (None, 9)]


def test_a_session_without_a_dose_has_no_rise():
    chart = ChartBuilder().reading(5, 120, 80).build()
    (outcome,) = course_outcomes([chart])
    assert outcome.baseline == (120, 80)
    assert outcome.peak_systolic is None and outcome.systolic_rise is None
