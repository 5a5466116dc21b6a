"""A side effect's course on the chart: onset, severity, and resolved or still present.

Side effects are append-only checklist entries: "present" (with a severity) at onset, and
a later entry of the same item with the value "resolved" when it has passed. Nothing is
overwritten, so the record shows both moments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Answer
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.records import ChecklistEntry

#: The value of the entry saying a side effect charted present has passed.
RESOLVED = Answer.RESOLVED.value
#: Severities that must be resolved before discharge (or the physician overrides).
MUST_RESOLVE = ("moderate", "severe")


@dataclass(frozen=True)
class Course:
    """One side effect from its onset: the worst severity charted, and when it resolved
    (None while still present)."""

    item: str
    label: str
    onset: datetime
    severity: str | None
    resolved_at: datetime | None = None

    @property
    def still_present(self) -> bool:
        return self.resolved_at is None


_SEVERITY_RANK = {"mild": 0, "moderate": 1, "severe": 2}


def _worse(first: str | None, second: str | None) -> str | None:
    ranked = [s for s in (first, second) if s is not None]
    return max(ranked, key=lambda s: _SEVERITY_RANK.get(s, -1)) if ranked else None


def courses(chart: SessionChart, until: datetime | None = None) -> tuple[Course, ...]:
    """Every side effect's course in order of onset, from the valid entries observed up to
    `until` (all when None). A new "present" after a resolution starts a new course."""
    entries = sorted((e for e in chart.entries_of(chart.protocol.checklists.side_effects)
                      if not e.in_error and (until is None or e.observed_at <= until)),
                     key=lambda e: (e.observed_at, e.id))
    done: list[Course] = []
    open_: dict[str, Course] = {}
    for entry in entries:
        current = open_.get(entry.item)
        if entry.value == RESOLVED:
            if current is not None:
                done.append(_resolved(current, entry))
                del open_[entry.item]
        elif current is None:
            open_[entry.item] = Course(entry.item, entry.label, entry.observed_at,
                                       entry.severity)
        else:
            open_[entry.item] = Course(current.item, current.label, current.onset,
                                       _worse(current.severity, entry.severity))
    return tuple(sorted([*done, *open_.values()], key=lambda c: c.onset))


def _resolved(course: Course, entry: ChecklistEntry) -> Course:
    return Course(course.item, course.label, course.onset, course.severity, entry.observed_at)


def course_of(entry: ChecklistEntry, found: Sequence[Course]) -> Course | None:
    """The course (among `found`, from `courses`) an onset entry belongs to; None for a
    "resolved" entry or one struck."""
    if entry.value == RESOLVED:
        return None
    for course in found:
        if course.item == entry.item and course.onset <= entry.observed_at and (
                course.resolved_at is None or course.resolved_at >= entry.observed_at):
            return course
    return None


def course_words(entry: ChecklistEntry, found: Sequence[Course],
                 shown: Callable[[datetime], str]) -> str:
    """A side effect's course beside its entry, as the side-effects tab and every export say
    it: "resolved 08:34" or "still present" beside an onset, "resolved" beside the entry
    that resolved it; `shown` words a time."""
    if entry.value == RESOLVED:
        return "resolved"
    course = course_of(entry, found)
    if course is None:
        return ""
    return f"resolved {shown(course.resolved_at)}" if course.resolved_at else "still present"


def still_present(chart: SessionChart, until: datetime | None = None) -> tuple[Course, ...]:
    return tuple(c for c in courses(chart, until) if c.still_present)


def check_resolution(chart: SessionChart, item: str, at: datetime) -> None:
    """"Resolved" only for a side effect charted present before `at` and not yet resolved:
    resolving what was never present would put a false course on the record."""
    open_items = {c.item: c for c in still_present(chart, at)}
    course = open_items.get(item)
    if course is None:
        raise ValidationError({"item": "not charted present (or already resolved) before "
                                       "this time: chart it present first"})
    if at < course.onset:
        raise ValidationError({"time": "is before the side effect's onset"})
