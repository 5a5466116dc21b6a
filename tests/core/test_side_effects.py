"""A side effect's course on the chart: from its onset, at its worst severity, until it is
charted resolved; "resolved" only for what is present. Judged on the discharge gate's ready
chart (core/test_gates.py)."""

from __future__ import annotations

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.records import ChecklistEntry
from ketamonitor.core.side_effects import (
    check_resolution,
    course_words,
    courses,
    still_present,
)
from tests.core.builders import minutes
from tests.core.test_gates import Ready


def test_a_side_effects_course_runs_from_onset_to_resolved() -> None:
    builder = Ready().side_effect(60, "Nausea", "moderate").side_effect(70, "Nausea", "severe")
    builder.entries.append(ChecklistEntry(998, 1, "side_effects", "nausea", "Nausea",
                                          "resolved", minutes(90), minutes(90), "ana"))
    (course,) = courses(builder.build())
    assert (course.onset, course.severity, course.resolved_at) == (
        minutes(60), "severe", minutes(90))


def _resolved(builder: Ready, at: float, entry_id: int = 998) -> Ready:
    builder.entries.append(ChecklistEntry(entry_id, 1, "side_effects", "nausea", "Nausea",
                                          "resolved", minutes(at), minutes(at), "ana"))
    return builder


def test_present_again_after_resolving_is_a_new_course_still_present() -> None:
    builder = _resolved(Ready().side_effect(60, "Nausea", "mild"), 70)
    builder.side_effect(80, "Nausea", "moderate").side_effect(85, "Nausea", "mild")
    _resolved(builder, 50, entry_id=997)  # "resolved" before any onset: nothing to end
    chart = builder.build()
    first, second = courses(chart)
    assert (first.onset, first.resolved_at, second.onset, second.severity) == (
        minutes(60), minutes(70), minutes(80), "moderate")
    assert still_present(chart) == (second,)
    assert still_present(chart, until=minutes(75)) == ()
    assert courses(chart, until=minutes(65)) == (first.__class__(
        first.item, first.label, minutes(60), "mild"),)


def test_resolved_is_refused_for_what_is_not_present_at_that_time() -> None:
    chart = Ready().side_effect(60, "Nausea", "moderate").build()
    (course,) = courses(chart)
    check_resolution(chart, course.item, minutes(60))
    check_resolution(chart, course.item, minutes(90))
    for item, at, field in [(course.item, 59, "item"), ("vomiting", 90, "item")]:
        with pytest.raises(ValidationError) as refused:
            check_resolution(chart, item, minutes(at))
        assert "chart it present first" in refused.value.reasons[field]
    resolved = _resolved(Ready().side_effect(60, "Nausea", "moderate"), 70).build()
    with pytest.raises(ValidationError, match="already resolved"):
        check_resolution(resolved, course.item, minutes(90))


def test_each_entry_says_its_course_as_the_tab_and_the_exports_do() -> None:
    builder = _resolved(Ready().side_effect(60, "Nausea", "mild"), 70)
    builder.side_effect(80, "Nausea", "moderate")
    chart = builder.build()
    found = courses(chart)
    onset, resolving, again = sorted(chart.entries_of("side_effects"),
                                     key=lambda e: e.observed_at)
    def shown(moment):
        return f"{int((moment - minutes(0)).total_seconds() // 60)} min"
    assert [course_words(e, found, shown) for e in (onset, resolving, again)] == [
        "resolved 70 min", "resolved", "still present"]
