"""What a session's chart marks and says besides the curves: its phases as spans, its
happenings (phase changes, devices, notes, side effects, scores, medicines given, alerts) as
marks with their words, and the words of a reading pointed at.

Plain values derived from the record, so the live chart, the exported picture and the
course view say the same thing, and the words are tested without drawing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from ketamonitor.core.administration import devices_given
from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import FlaggedVitals, SessionChart
from ketamonitor.core.checklists import Answer
from ketamonitor.core.holds import override_words
from ketamonitor.core.library import Library
from ketamonitor.core.measurements import BLOOD_PRESSURE, MEAN_ARTERIAL, PLOTTED
from ketamonitor.core.medications import given_words
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.timeline import Timeline
from ketamonitor.core.times import format_on_day
from ketamonitor.core.wording import event_words, is_phase_change, phase_label


@dataclass(frozen=True)
class PhaseSpan:
    phase: Phase
    start: datetime
    end: datetime | None  # None: the phase the session is in now


def phase_spans(timeline: Timeline) -> tuple[PhaseSpan, ...]:
    """The phases one after the other, from arrival; a finished session's last phase
    (discharged, stopped early) is a moment, not a span, so it is left out."""
    starts = [(Phase.PRE_INFUSION, timeline.began_at)]
    starts += [(change.phase, change.at) for change in timeline.changes]
    spans = []
    for index, (phase, start) in enumerate(starts):
        if phase.is_finished:
            break
        end = starts[index + 1][1] if index + 1 < len(starts) else None
        if end is None or end > start:
            spans.append(PhaseSpan(phase, start, end))
    return tuple(spans)


_SHORT_WORDS = {
    Phase.PRE_INFUSION: "Baseline",
    Phase.PAUSED: "Paused",
    Phase.OBSERVATION: "Observation",
    Phase.READY_FOR_DISCHARGE: "Ready",
}


def span_label(phase: Phase, route: Route) -> str:
    """A phase in a word or two, for a shaded span on a chart ("Dosing" for intranasal)."""
    return _SHORT_WORDS.get(phase) or phase_label(phase, route)


class MarkKind(StrEnum):
    PHASE = "phase"              # a phase change: start, pause, resume, end, stop
    DOSE = "dose"                # an intranasal device given
    NOTE = "note"
    SIDE_EFFECT = "side_effect"  # a side effect or dissociation item present (with intervention)
    SCORE = "score"              # a scale scored: MOAA/S, PHQ-9, Aldrete
    MEDICATION = "medication"    # a medicine given besides the dose (ondansetron, oxygen…)
    ALERT = "alert"              # an alert to act on now
    REMINDER = "reminder"        # a lesser alert: a check due, look soon
    OVERRIDE = "override"        # a physician's override of the start's holds or discharge's gaps


@dataclass(frozen=True)
class Mark:
    at: datetime
    kind: MarkKind
    text: str


def chart_marks(chart: SessionChart, library: Library | None = None) -> tuple[Mark, ...]:
    """Every happening of the session worth a marker, in time order (struck entries left
    out: they stay in the tables, not on the picture). The library gives the words of
    scales and interventions; without it their keys are shown."""
    route = chart.protocol.route
    words = _Words(library, chart.protocol.checklists.side_effects)
    marks = [_event_mark(event.kind, event.occurred_at, event.text, route)
             for event in chart.events if not event.in_error]
    for device in devices_given(chart):  # an IV bag's lot is no dose of its own
        marks.append(Mark(device.given_at, MarkKind.DOSE,
                          f"Device {device.number}: {device.amount_mg:g} mg, lot {device.lot}"))
    noted = (chart.protocol.checklists.side_effects, chart.protocol.checklists.dissociation)
    for entry in chart.checklist_entries:
        if entry.in_error or entry.checklist not in noted or entry.value != Answer.PRESENT:
            continue
        text = entry.label + (f" ({entry.severity})" if entry.severity else "")
        if entry.intervention:
            text += f"; given: {words.intervention(entry.intervention)}"
        if entry.note:
            text += f"; {entry.note}"
        marks.append(Mark(entry.observed_at, MarkKind.SIDE_EFFECT, text))
    for score in chart.scale_scores:
        if not score.in_error:
            when = f" ({score.timepoint})" if score.timepoint else ""
            marks.append(Mark(score.observed_at, MarkKind.SCORE,
                              f"{words.scale(score.scale)}{when}: "
                              f"{score.total}"))
    for given in chart.medications:
        if not given.in_error:
            marks.append(Mark(given.given_at, MarkKind.MEDICATION,
                              f"Given: {given_words(given)}; ordered by {given.ordered_by}, "
                              f"given by {given.given_by}"))
    marks += [Mark(o.overridden_at, MarkKind.OVERRIDE, override_words(o))
              for o in chart.overrides]
    return tuple(sorted(marks, key=lambda m: m.at))


def alert_marks(records: Iterable[AlertRecord]) -> tuple[Mark, ...]:
    """Alerts as raised, with what was done about them."""
    marks = []
    for record in records:
        text = f"Alert ({record.priority.word.lower()}): {record.message}"
        if record.acknowledged_by:
            text += f"; acknowledged by {record.acknowledged_by}: {record.action}"
        kind = MarkKind.ALERT if record.priority.acts_now else MarkKind.REMINDER
        marks.append(Mark(record.raised_at, kind, text))
    return tuple(sorted(marks, key=lambda m: m.at))


class _Words:
    def __init__(self, library: Library | None, side_effects: str) -> None:
        self.library = library
        self.side_effects = side_effects

    def scale(self, scale_id: str) -> str:
        if self.library is not None and scale_id in self.library.scales:
            return self.library.scale(scale_id).title
        return scale_id

    def intervention(self, key: str) -> str:
        try:
            if self.library is not None:
                return self.library.checklist(self.side_effects).intervention_label(key)
        except KeyError:
            pass
        return key.replace("_", " ")


def _event_mark(kind: str, at: datetime, text: str | None, route: Route) -> Mark:
    """An event's mark, worded as the Notes tab and every export word it."""
    return Mark(at, MarkKind.PHASE if is_phase_change(kind) else MarkKind.NOTE,
                event_words(kind, text, route))


def mean_arterial_pressure(systolic: int, diastolic: int) -> int:
    """MAP as charts estimate it: diastolic plus a third of the pulse pressure."""
    return round(diastolic + (systolic - diastolic) / 3)


def minutes_words(moment: datetime, origin: datetime, dosed: bool) -> str:
    """Where a moment sits on the chart's time axis, in words."""
    minutes = (moment - origin).total_seconds() / 60
    if not dosed:
        return f"{minutes:.0f} min after arrival"
    if minutes < 0:
        return f"{-minutes:.0f} min before the dose"
    return f"{minutes:.0f} min after dose start"


def reading_words(flagged: FlaggedVitals, origin: datetime, dosed: bool,
                  zone: tzinfo) -> str:
    """Everything about one charted set, for the chart's readout: exact values, time, flags,
    who entered it, and whether it was corrected."""
    entry = flagged.entry
    vitals = entry.current
    local = vitals.observed_at.astimezone(zone)
    clock = local.strftime("%H:%M:%S" if local.second else "%H:%M")
    lines = [f"{clock} · {minutes_words(vitals.observed_at, origin, dosed)}"]
    values = []
    if vitals.systolic is not None and vitals.diastolic is not None:
        mean = mean_arterial_pressure(vitals.systolic, vitals.diastolic)
        values.append(f"{BLOOD_PRESSURE.short} {vitals.systolic}/{vitals.diastolic} "
                      f"({MEAN_ARTERIAL.short} {mean})")
    for measure in PLOTTED:
        value = getattr(vitals, measure.key)
        if value is not None:
            values.append(measure.value_words(value))
    lines.append("  ".join(values))
    lines += [f"⚠ {flag.message}" for flag in flagged.flags]
    entered = format_on_day(entry.entered_at, zone, local.date())
    source = "" if entry.source == "manual" else f" ({entry.source})"
    lines.append(f"entered by {entry.entered_by} at {entered}{source}"
                 + (" · corrected" if entry.is_amended else ""))
    if entry.late_reason is not None:
        lines.append(f"late entry: {entry.late_reason}")
    return "\n".join(lines)

