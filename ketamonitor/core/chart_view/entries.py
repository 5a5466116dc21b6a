"""The chart's entries as a reader of the chart view sees them: each amendment with what it
corrects in words (`corrections`), and a presence checklist's entries as the assessments
they were charted in (`assessments`). The session page and every export read these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ketamonitor.core.amendments import Amendment
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Answer
from ketamonitor.core.records import ChecklistEntry
from ketamonitor.core.wording import event_label

PRESENT = Answer.PRESENT.value


@dataclass(frozen=True)
class Correction:
    """One amendment, with what it corrects in words."""

    subject: str
    #: When what it corrects was observed (as first charted).
    observed_at: datetime
    amendment: Amendment


def corrections(chart: SessionChart,
                scale_titles: Mapping[str, str] | None = None) -> tuple[Correction, ...]:
    """Every amendment in the chart, in the order they were made."""
    titles = scale_titles or {}
    found: list[Correction] = []
    for vitals in chart.vitals:
        found += [Correction("Vitals set", vitals.original.observed_at, a)
                  for a in vitals.amendments]
    for entry in chart.checklist_entries:
        found += [Correction(entry.label, entry.observed_at, a) for a in entry.amendments]
    for score in chart.scale_scores:
        found += [Correction(titles.get(score.scale, score.scale), score.observed_at, a)
                  for a in score.amendments]
    for event in chart.events:
        subject = event_label(event.kind, chart.protocol.route)
        found += [Correction(subject, event.occurred_at, a) for a in event.amendments]
    for given in chart.medications:
        found += [Correction(f"Medicine given: {given.label}", given.given_at, a)
                  for a in given.amendments]
    return tuple(sorted(found, key=lambda c: (c.amendment.amended_at, c.amendment.id)))


@dataclass(frozen=True)
class Assessment:
    """One presence assessment (dissociation): the items found present at one moment."""

    observed_at: datetime
    present: tuple[str, ...]
    entered_by: str
    in_error: bool


def assessments(entries: Sequence[ChecklistEntry]) -> tuple[Assessment, ...]:
    """A presence checklist's entries as the assessments they were charted in, in time
    order; an assessment whose every entry was struck is marked in error."""
    moments: dict[datetime, list[ChecklistEntry]] = {}
    for entry in entries:
        moments.setdefault(entry.observed_at, []).append(entry)
    return tuple(
        Assessment(at, tuple(e.label for e in found if e.value == PRESENT and not e.in_error),
                   found[0].entered_by, all(e.in_error for e in found))
        for at, found in sorted(moments.items()))
