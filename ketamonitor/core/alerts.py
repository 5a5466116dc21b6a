"""Alerts: the protocol's lines crossed, and checks due, judged from the chart and the clock.

ketamonitor is a charting aid, not a physiological monitor. Its alerts are protocol
reminders and flags on charted values; the bedside monitor keeps its own alarms.

Every condition has a stable `key` for one occurrence (this due check, this run of high
readings), so the same condition is raised once, however many ticks see it, and a new
occurrence is a new alert. `reconcile` compares what the chart says now with what has been
raised, and says what to raise and what has cleared by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Scale
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.flags import Flag, Level, scale_flags, side_effect_flags
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import DoseUnit
from ketamonitor.core.timers import long_pause_since, next_vitals_due, observation_remaining
from ketamonitor.core.times import format_clock, format_duration, to_stored
from ketamonitor.core.vitals import Vitals
from ketamonitor.core.wording import DOSING_WORDS

DISCLAIMER = ("Alerts are protocol reminders on charted values; the bedside monitor keeps its "
              "own alarms.")


class Priority(StrEnum):
    LOW = "low"        # a reminder: a check is due, observation time is met
    MEDIUM = "medium"  # look soon: overdue, pre-dose BP high
    HIGH = "high"      # act now: a line crossed, the pump still running, long overdue
    CRITICAL = "critical"  # the critical tier: repeats until acknowledged

    @property
    def rank(self) -> int:
        return {"low": 0, "medium": 1, "high": 2, "critical": 3}[self.value]

    @property
    def acts_now(self) -> bool:
        """High or critical: a person must act now."""
        return self.rank >= 2

    @property
    def mark(self) -> str:
        """A shape for each priority, so that colour never carries the meaning alone."""
        return {"low": "○", "medium": "●", "high": "▲", "critical": "◆"}[self.value]

    @property
    def word(self) -> str:
        return {"low": "Reminder", "medium": "Attention", "high": "Act now",
                "critical": "Critical"}[self.value]


class AlertKind(StrEnum):
    """The kinds the app's own rules raise. An alert's kind is text, not this enum: a
    clinic's scale or checklist carries flags of its own (`<scale id>_<item>`), and a kind
    outside a closed list must never stop the rules (a clinic copy of the PHQ-9 once made
    every refresh and tick raise)."""

    CHECK_DUE = "check_due"
    CHECK_OVERDUE = "check_overdue"
    INFUSION_TIME_REACHED = "infusion_time_reached"
    OBSERVATION_COMPLETE = "observation_complete"
    PREDOSE_BP_HIGH = "predose_bp_high"
    BP_ABOVE_STOP_LINE = "bp_above_stop_line"
    SPO2_LOW = "spo2_low"
    HEART_RATE_HIGH = "heart_rate_high"
    HEART_RATE_LOW = "heart_rate_low"
    RESPIRATORY_RATE_LOW = "respiratory_rate_low"
    RESPIRATORY_RATE_HIGH = "respiratory_rate_high"
    DEEP_SEDATION = "deep_sedation"
    SEVERE_SIDE_EFFECT = "severe_side_effect"
    SELF_HARM_ITEM = "phq9_q9"
    # issue 16: the critical tier, low BP, capnography, a long pause, a rule that failed
    BP_LOW = "bp_low"
    BP_CRITICAL = "bp_critical"
    SPO2_CRITICAL = "spo2_critical"
    RESPIRATORY_RATE_CRITICAL = "respiratory_rate_critical"
    HEART_RATE_CRITICAL = "heart_rate_critical"
    SEDATION_CRITICAL = "sedation_critical"
    ETCO2_HIGH = "etco2_high"
    ETCO2_LOW = "etco2_low"
    PAUSE_LONG = "pause_long"
    RULE_FAILED = "rule_failed"


#: Alerts that clear because the nurse did what they asked (took the BP, ended the
#: infusion, completed observation): their clearing is their answer, no acknowledgement
#: is asked for. Every other alert stays on screen until someone acknowledges it, even
#: after its condition has cleared by itself.
RESOLVED_BY_CHARTING = frozenset({
    AlertKind.CHECK_DUE, AlertKind.CHECK_OVERDUE, AlertKind.INFUSION_TIME_REACHED,
    AlertKind.OBSERVATION_COMPLETE, AlertKind.PAUSE_LONG,
})

_FLAG_PRIORITY = {Level.CAUTION: Priority.MEDIUM, Level.HIGH: Priority.HIGH,
                  Level.CRITICAL: Priority.CRITICAL}


@dataclass(frozen=True)
class AlertCondition:
    """A condition the chart shows; `key` names its occurrence."""

    key: str
    kind: str
    priority: Priority
    message: str
    #: False for an occurrence already over when first judged (a stop-line BP entered late,
    #: with a normal one after it): it is raised, and cleared at once, so someone sees it.
    ongoing: bool = True
    #: For a rule that failed: the traceback, for the log (never shown, never stored).
    detail: str | None = None


@dataclass(frozen=True)
class AlertRecord:
    """An alert as raised and kept in the record, with what became of it."""

    id: int
    session_id: int
    key: str
    kind: str
    priority: Priority
    message: str
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    action: str | None = None
    cleared_at: datetime | None = None
    #: What was done about a high or critical alert, who was called, what was ordered.
    escalation: Escalation | None = None
    #: The physician (username) who has seen it: acknowledged it, or signed it as seen.
    seen_by_physician: str | None = None

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None

    @property
    def needs_attention(self) -> bool:
        """Shown until acknowledged; an alert answered by charting goes when it clears."""
        if self.acknowledged_at is not None:
            return False
        return self.is_active or self.kind not in RESOLVED_BY_CHARTING


def alert_conditions(chart: SessionChart, now: datetime, scales: dict[str, Scale],
                     zone: tzinfo) -> tuple[AlertCondition, ...]:
    """Every alert condition the session's chart shows at `now` (times said in `zone`)."""
    if chart.phase.is_finished:
        return ()
    return (*_check_conditions(chart, now, zone), *_dosing_conditions(chart, now, zone=zone),
            *_reading_conditions(chart), *_scale_conditions(chart, scales),
            *_side_effect_conditions(chart))


def _check_conditions(chart: SessionChart, now: datetime, zone: tzinfo) -> list[AlertCondition]:
    """A BP check due, then overdue after the grace, then again after twice the grace: one
    alert per step, each step superseding the one before."""
    due = next_vitals_due(chart)
    if due is None or now < due:
        return []
    grace = timedelta(minutes=chart.protocol.overdue_grace_minutes)
    late = now - due
    step = 0 if late < grace or grace <= timedelta() else (1 if late < 2 * grace else 2)
    when = f"due {format_clock(due, zone)}"
    if step == 0:
        return [AlertCondition(f"check:{to_stored(due)}:0", AlertKind.CHECK_DUE, Priority.LOW,
                               f"BP check due ({when})")]
    overdue_by = format_duration(step * grace)
    return [AlertCondition(f"check:{to_stored(due)}:{step}", AlertKind.CHECK_OVERDUE,
                           Priority.MEDIUM if step == 1 else Priority.HIGH,
                           f"BP check overdue by {overdue_by} or more ({when})")]


def _dosing_conditions(chart: SessionChart, now: datetime, *,
                       zone: tzinfo | None = None) -> list[AlertCondition]:
    """The infusion time reached, observation time complete, a pause gone on too long
    (its words say since when in `zone`, when given)."""
    conditions = []
    protocol = chart.protocol
    timed_infusion = (protocol.dosing.unit is DoseUnit.MG_PER_KG
                      and chart.infusion_time > timedelta())
    if chart.phase is Phase.INFUSING and timed_infusion:
        infused = chart.timeline.time_in(Phase.INFUSING, now)
        if infused >= chart.infusion_time:
            conditions.append(AlertCondition(
                "infusion_time_reached", AlertKind.INFUSION_TIME_REACHED, Priority.HIGH,
                f"Infusion time reached ({format_duration(chart.infusion_time)}): turn the "
                "pump off and chart “Infusion complete”"))
    paused_at = long_pause_since(chart, now)
    if paused_at is not None:  # a second pause is a new alert; resuming or stopping answers it
        dosing = DOSING_WORDS[protocol.route]
        since = "" if zone is None else f" (since {format_clock(paused_at, zone)})"
        conditions.append(AlertCondition(
            f"pause_long:{to_stored(paused_at)}", AlertKind.PAUSE_LONG, Priority.MEDIUM,
            f"{dosing} paused {protocol.recheck.pause_reminder_minutes:g} min{since}: resume "
            f"or stop the {dosing.lower()}, tell the physician"))
    if chart.phase is Phase.OBSERVATION:
        remaining = observation_remaining(chart, now)
        if remaining is not None and remaining <= timedelta():
            conditions.append(AlertCondition(
                "observation_complete", AlertKind.OBSERVATION_COMPLETE, Priority.LOW,
                f"Observation time complete ({protocol.observation_minutes:g} min): assess "
                "for discharge"))
    return conditions


def _reading_conditions(chart: SessionChart) -> list[AlertCondition]:
    """Lines crossed by the latest readings. A run of readings over the same line is one
    alert, keyed by the reading that began the run; it clears when a later reading is back
    within the line (or the reading is struck as entered in error)."""
    runs: dict[str, tuple[int, Flag]] = {}
    for flagged in chart.flagged_vitals:
        entry = flagged.entry
        flags = {flag.code: flag for flag in flagged.flags}
        measured = _measured(entry.current)
        for code in list(runs):
            if code not in flags and _judged_by(code) & measured:
                del runs[code]  # this reading measured it and was within the line
        for code, flag in flags.items():
            if code not in runs:
                runs[code] = (entry.id, flag)
    if chart.phase is not Phase.PRE_INFUSION:
        runs.pop("predose_bp_high", None)  # the dose was given: the question is settled
    return [
        AlertCondition(f"{code}:vitals:{entry_id}", code, _FLAG_PRIORITY[flag.level],
                       flag.message)
        for code, (entry_id, flag) in runs.items()
    ]


def _measured(vitals: Vitals) -> set[str]:
    return {name for name, value in vitals.measurements().items() if value is not None}


def _judged_by(code: str) -> set[str]:
    """The measurements a flag is judged on: a set without them cannot clear it."""
    if code in ("bp_above_stop_line", "predose_bp_high"):
        return {"systolic", "diastolic"}
    return {code.rsplit("_", 1)[0]}


def _scale_conditions(chart: SessionChart, scales: dict[str, Scale]) -> list[AlertCondition]:
    """The latest score of each scale; a later score within the line clears it."""
    conditions = []
    limits = chart.protocol.thresholds
    for scale_id in chart.protocol.checklists.scales:
        latest = chart.latest_score(scale_id)
        if latest is None or scale_id not in scales:
            continue
        for flag in scale_flags(scales[scale_id], latest.total, latest.item_scores, limits):
            conditions.append(AlertCondition(
                f"{flag.code}:score:{latest.id}", flag.code,
                _FLAG_PRIORITY[flag.level], flag.message))
    return conditions


def _side_effect_conditions(chart: SessionChart) -> list[AlertCondition]:
    conditions = []
    for entry in chart.entries_of(chart.protocol.checklists.side_effects):
        if entry.in_error:
            continue
        for flag in side_effect_flags(entry.label, entry.severity):
            conditions.append(AlertCondition(
                f"{flag.code}:entry:{entry.id}", flag.code,
                _FLAG_PRIORITY[flag.level], flag.message))
    return conditions


@dataclass(frozen=True)
class Reconciliation:
    to_raise: tuple[AlertCondition, ...]
    to_clear: tuple[AlertRecord, ...]

    def __bool__(self) -> bool:
        return bool(self.to_raise or self.to_clear)


def reconcile(records: Iterable[AlertRecord],
              conditions: Sequence[AlertCondition]) -> Reconciliation:
    """What to raise (conditions never raised before) and what has cleared (raised alerts
    whose condition is gone). A key once raised is never raised again."""
    records = list(records)
    raised = {record.key for record in records}
    present = {condition.key for condition in conditions}
    return Reconciliation(
        to_raise=tuple(c for c in conditions if c.key not in raised),
        to_clear=tuple(r for r in records if r.is_active and r.key not in present),
    )


def attention_order(records: Iterable[AlertRecord]) -> list[AlertRecord]:
    """Alerts needing attention, the most urgent first (see `urgency`)."""
    waiting = [record for record in records if record.needs_attention]
    return sorted(waiting, key=urgency)


def urgency(record: AlertRecord) -> tuple[int, bool, bool, datetime, int]:
    """The one order of alerts, most urgent first: the higher priority; within one, a
    finding about the patient (a line crossed, an answer about self-harm: a person must
    acknowledge it) before a task that charting answers (a check due); then one still
    present before one that has cleared; then the oldest."""
    return (-record.priority.rank, record.kind in RESOLVED_BY_CHARTING, not record.is_active,
            record.raised_at, record.id)


#: The locked screen's band shows at least this many alerts before counting the rest.
LOCK_BAND_LINES = 3


def through_the_lock(records: Iterable[AlertRecord], *, lines: int = LOCK_BAND_LINES
                     ) -> tuple[list[AlertRecord], int]:
    """What the locked screen's band shows across the room, most urgent first, and how many
    more wait: every "act now" alert, however many (none may hide behind "+2 more", as a
    PHQ-9 self-harm answer once did behind an older alert of its chair), then the next most
    urgent up to `lines`."""
    waiting = attention_order(records)
    act_now = sum(1 for record in waiting if record.priority.acts_now)
    shown = waiting[:max(lines, act_now)]
    return shown, len(waiting) - len(shown)


def flags_not_alerted(flags: Iterable[Flag], records: Iterable[AlertRecord]) -> list[Flag]:
    """The chart's flags that no alert speaks for, each once. A flag raised as an alert is
    shown as that alert while it waits, and goes with its acknowledgement: the same words
    in a second box on the page said one thing twice, and kept saying it once answered."""
    alerted = {record.message for record in records}
    unique = {flag.message: flag for flag in flags if flag.message not in alerted}
    return list(unique.values())


def acknowledgement_action(text: str) -> str:
    """What was done about an alert, in the nurse's words; an acknowledgement needs one."""
    action = " ".join(text.split())
    if not action:
        raise ValidationError({"action": "say what was done (e.g. physician called)"})
    if len(action) > 500:
        raise ValidationError({"action": "at most 500 characters"})
    return action
