"""The REMS form's answers checked against the chart: an answer the chart contradicts is
listed, never silently filed (issue 19, item 4).

The nurse answers the form's questions (resources/checklists/rems.toml); the chart holds
what was seen. "Sedation: no" beside a MOAA/S in the scale's "sedated" band, "dissociation:
no" beside an assessment with an item present, "respiratory depression: no" beside an SpO2
or a respiratory rate under the protocol's line, "vitals acceptable before the end: yes"
beside a last BP over the stop line, "pulse oximetry: no" beside charted SpO2, "serious
adverse event: no" beside a critical reading or an escalated alert: each is a contradiction,
said in words the form, the REMS tab and the exports show as they are.

Only an answer the chart can disprove is checked: "yes" to sedation with no low score is
the nurse's observation, not a contradiction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Answer, Checklist, Scale
from ketamonitor.core.flags import Level
from ketamonitor.core.phases import Action
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.times import format_clock

#: The scale whose band keyed `SEDATED` says a score is sedation (resources/checklists).
SEDATION_SCALE = "moaas"
SEDATED = "sedated"

#: The form's questions that the chart can contradict (keys of rems.toml).
SEDATION = "sedation_occurred"
DISSOCIATION = "dissociation_occurred"
RESPIRATORY_DEPRESSION = "respiratory_depression_occurred"
ACCEPTABLE_BEFORE_DOSING = "vitals_acceptable_before_dosing"
ACCEPTABLE_BEFORE_END = "vitals_acceptable_before_end"
PULSE_OXIMETRY = "pulse_oximetry_monitored"
SERIOUS_ADVERSE_EVENT = "serious_adverse_event"


@dataclass(frozen=True)
class Contradiction:
    """An answer of the form that the chart contradicts: the question's key, and the words
    (question, answer and what the chart holds) every view shows."""

    field: str
    words: str


@dataclass(frozen=True)
class _Evidence:
    """What a check needs besides the chart."""

    chart: SessionChart
    scales: Mapping[str, Scale]
    alerts: Sequence[AlertRecord]
    zone: tzinfo

    def at(self, moment: datetime) -> str:
        return format_clock(moment, self.zone)


def monitoring_end(chart: SessionChart) -> datetime | None:
    """The end of monitoring: observation complete (or the session ended early)."""
    for change in chart.timeline.changes:
        if change.action in (Action.COMPLETE_OBSERVATION, Action.END_SESSION_EARLY):
            return change.at
    return None


def bp_before_end(chart: SessionChart) -> VitalsEntry | None:
    """The last BP taken by the end of monitoring, if it is not the BP before dosing."""
    ended = monitoring_end(chart)
    if ended is None:
        return None
    done = [e for e in chart.bp_sets() if e.current.observed_at <= ended]
    return done[-1] if done and done[-1] is not chart.baseline_bp() else None


def spo2_charted(chart: SessionChart) -> int:
    """How many valid sets hold an SpO2: pulse oximetry monitored, by the record."""
    return sum(1 for e in chart.valid_vitals if e.current.spo2 is not None)


def rems_contradictions(chart: SessionChart, answers: Mapping[str, str], questions: Checklist,
                        zone: tzinfo, *, scales: Mapping[str, Scale] | None = None,
                        alerts: Sequence[AlertRecord] = ()) -> tuple[Contradiction, ...]:
    """Each answer the chart contradicts, in the order of the form's questions. Without
    `scales` the sedation answer is not checked (its band lives in the scale's file)."""
    evidence = _Evidence(chart, scales or {}, alerts, zone)
    found = []
    for item in questions.items:
        answer = answers.get(item.key)
        check = _CHECKS.get((item.key, answer or ""))
        seen = check(evidence) if check else None
        if seen:
            found.append(Contradiction(item.key, f"{item.label}: answered “{answer}”, but "
                                                 f"{seen}"))
    return tuple(found)


def _sedated(evidence: _Evidence) -> str | None:
    scale = evidence.scales.get(SEDATION_SCALE)
    if scale is None:
        return None
    low = [s for s in evidence.chart.scale_scores if s.scale == SEDATION_SCALE
           and not s.in_error and scale.band_key(s.total) == SEDATED]
    if not low:
        return None
    first = min(low, key=lambda s: (s.observed_at, s.id))
    return (f"{scale.title} {first.total} ({scale.band(first.total)}) was charted at "
            f"{evidence.at(first.observed_at)}")


def _dissociated(evidence: _Evidence) -> str | None:
    chart = evidence.chart
    present = [e for e in chart.entries_of(chart.protocol.checklists.dissociation)
               if not e.in_error and e.value == Answer.PRESENT]
    if not present:
        return None
    first = min(present, key=lambda e: (e.observed_at, e.id))
    return (f"dissociation was charted present at {evidence.at(first.observed_at)} "
            f"({first.label})")


def _respiration_low(evidence: _Evidence) -> str | None:
    lines = evidence.chart.protocol.thresholds
    for entry in evidence.chart.valid_vitals:
        vitals = entry.current
        if vitals.spo2 is not None and vitals.spo2 < lines.spo2_below:
            return (f"SpO2 {vitals.spo2} % was charted at {evidence.at(vitals.observed_at)}, "
                    f"under the protocol's line of {lines.spo2_below} %")
        rate = vitals.respiratory_rate
        if rate is not None and rate < lines.respiratory_rate_below:
            return (f"a respiratory rate of {rate} /min was charted at "
                    f"{evidence.at(vitals.observed_at)}, under the protocol's line of "
                    f"{lines.respiratory_rate_below} /min")
    return None


def _over(entry: VitalsEntry | None, systolic: int, diastolic: int) -> bool:
    if entry is None:
        return False
    vitals = entry.current
    return bool(vitals.has_bp and ((vitals.systolic or 0) > systolic
                                   or (vitals.diastolic or 0) > diastolic))


def _bp_words(entry: VitalsEntry, evidence: _Evidence) -> str:
    vitals = entry.current
    return f"{vitals.systolic}/{vitals.diastolic} at {evidence.at(vitals.observed_at)}"


def _high_before_dosing(evidence: _Evidence) -> str | None:
    lines = evidence.chart.protocol.thresholds
    before = evidence.chart.baseline_bp()
    if before is None or not _over(before, lines.predose_systolic_above,
                                   lines.predose_diastolic_above):
        return None
    return (f"the BP before dosing was {_bp_words(before, evidence)}, over the protocol's "
            f"pre-dose line ({lines.predose_systolic_above}/{lines.predose_diastolic_above})")


def _high_before_end(evidence: _Evidence) -> str | None:
    lines = evidence.chart.protocol.thresholds
    last = bp_before_end(evidence.chart)
    if last is None or not _over(last, lines.stop_systolic_above, lines.stop_diastolic_above):
        return None
    return (f"the last BP before the end of monitoring was {_bp_words(last, evidence)}, "
            f"over the stop line ({lines.stop_systolic_above}/{lines.stop_diastolic_above})")


def _oximetry_charted(evidence: _Evidence) -> str | None:
    count = spo2_charted(evidence.chart)
    if not count:
        return None
    return f"{count} SpO2 reading{'s were' if count != 1 else ' was'} charted"


def _serious_signs(evidence: _Evidence) -> str | None:
    critical = [f for f in evidence.chart.flags(dict(evidence.scales))
                if f.level is Level.CRITICAL]
    if critical:
        return f"a critical reading was charted ({critical[0].message})"
    raised = sorted((a for a in evidence.alerts
                     if a.priority is Priority.CRITICAL or a.escalation is not None),
                    key=lambda a: (a.raised_at, a.id))
    if raised:
        first = raised[0]
        what = "escalated" if first.escalation is not None else "critical"
        return (f"an alert was {what} at {evidence.at(first.raised_at)} "
                f"({first.message})")
    return None


_CHECKS: dict[tuple[str, str], Callable[[_Evidence], str | None]] = {
    (SEDATION, Answer.NO): _sedated,
    (DISSOCIATION, Answer.NO): _dissociated,
    (RESPIRATORY_DEPRESSION, Answer.NO): _respiration_low,
    (ACCEPTABLE_BEFORE_DOSING, Answer.YES): _high_before_dosing,
    (ACCEPTABLE_BEFORE_END, Answer.YES): _high_before_end,
    (PULSE_OXIMETRY, Answer.NO): _oximetry_charted,
    (SERIOUS_ADVERSE_EVENT, Answer.NO): _serious_signs,
}
