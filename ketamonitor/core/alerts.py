"""Alerts: the protocol's lines crossed, and checks due, judged from the chart and the clock.

ketamonitor is a charting aid, not a physiological monitor. Its alerts are protocol
reminders and flags on charted values; the bedside monitor keeps its own alarms.

Every condition has a stable `key` for one occurrence (this due check, this run of high
readings, this reading worse than acknowledged), so the same condition is raised once,
however many ticks see it, and a new occurrence is a new alert. `reconcile` compares what
the chart says now with what has been raised, and says what to raise, what to raise already
over (a late entry) and what has cleared by itself.

The rules are a registry (`RULES`), each judged on its own: a rule that raises becomes one
"could not judge" alert for its chair and every other rule still speaks. A rule judges the
patient, not the reading: the readings over a line form a run, a critical reading has an
alert of its own, and an acknowledged run is raised again when it worsens (see "runs").
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cached_property, partial
from itertools import pairwise

from ketamonitor.core.chart import FlaggedReading, SessionChart
from ketamonitor.core.checklists import Scale
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.flags import Flag, Level, scale_flags, side_effect_flags, spo2_words
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import DoseUnit, WorseningSteps
from ketamonitor.core.records import ChecklistEntry
from ketamonitor.core.timers import long_pause_since, next_vitals_due, observation_remaining
from ketamonitor.core.times import format_clock, format_duration, to_stored
from ketamonitor.core.vitals import Vitals
from ketamonitor.core.wording import DOSING_WORDS, not_yet_validated

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


@dataclass(frozen=True)
class Judging:
    """What every rule is judged from: one chart at one moment, and the alerts already
    raised for it (a run's acknowledgements decide whether worsening is raised again)."""

    chart: SessionChart
    now: datetime
    scales: dict[str, Scale]
    zone: tzinfo
    raised: Sequence[AlertRecord] = ()

    @cached_property
    def raised_keys(self) -> frozenset[str]:
        return frozenset(record.key for record in self.raised)


@dataclass(frozen=True)
class Rule:
    """One rule of the protocol, judged on its own: a rule that raises is reported, and the
    others go on (one bad rule must never silence the room)."""

    name: str
    #: The rule in plain words, for "Could not judge <label> for chair N".
    label: str
    judge: Callable[[Judging], Sequence[AlertCondition]]


def alert_conditions(chart: SessionChart, now: datetime, scales: dict[str, Scale],
                     zone: tzinfo, raised: Sequence[AlertRecord] = ()
                     ) -> tuple[AlertCondition, ...]:
    """Every alert condition the session's chart shows at `now` (times said in `zone`),
    given the alerts already `raised` for it. Each rule of `RULES` is judged on its own."""
    if chart.phase.is_finished:
        return ()
    judging = Judging(chart, now, scales, zone, tuple(raised))
    conditions: list[AlertCondition] = []
    for rule in RULES:
        conditions.extend(_guarded(rule.name, rule.label, chart, partial(rule.judge, judging)))
    return tuple(conditions)


def _guarded(name: str, label: str, chart: SessionChart,
             judge: Callable[[], Iterable[AlertCondition]]) -> tuple[AlertCondition, ...]:
    """The conditions a rule finds, or, if it raises, one alert saying it could not judge
    (its traceback kept for the log), so that every other rule still speaks."""
    try:
        return tuple(judge())
    except Exception:  # any bug in one rule must not stop the others
        return (AlertCondition(
            f"rule_failed:{name}", AlertKind.RULE_FAILED, Priority.HIGH,
            f"Could not judge {label} for chair {chart.session.chair}: tell the "
            "administrator; watch this patient by the protocol",
            detail=traceback.format_exc()),)


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


# --- runs: the lines crossed, reading after reading -------------------------------------
#
# A run is consecutive readings over one line, in the order they were taken; a reading
# that measured the line and is within it ends the run. A run is one alert, keyed by the
# reading that began it (`bp_above_stop_line:vitals:12`), and every alert of a run clears
# when the run ends. Within a run:
# - a reading past the critical line begins a critical alert of its own
#   (`bp_critical:vitals:15`), never merged into the run's older alert; consecutive
#   critical readings are that one alert. A run that begins critical has no second,
#   high alert for the same reading: its critical alert speaks for it.
# - once every alert of the run is acknowledged, a later reading worse than the worst
#   acknowledged one by the protocol's step raises again
#   (`bp_above_stop_line:vitals:12:worse:19`); while that waits, nothing more is raised.
# - a run that ended before any of its alerts was raised (a late entry: a stop-line BP
#   charted after the normal one that followed it) is raised and cleared at once.
#
# The vitals lines are judged over the valid sets and the monitor's readings no nurse has
# given a verdict yet, merged in the order taken (an artifact counts for nothing): a
# monitor's stop-line BP must not wait for a nurse. A point from the monitor, pending or
# accepted as a set, is keyed by its reading (`bp_above_stop_line:monitor:7`), so that
# accepting it keeps its alert; a typed set keeps `vitals:<id>`. At a reading a second
# the runs are not worked out again on each tick: they are kept beside the chart
# (`_Runs`) and go on from where they stood when readings are appended after every point
# judged (`SessionChart.with_readings`); a chart read whole works them out again.


#: Where a point comes from, as its keys name it.
_TYPED, _MONITOR, _SCORE = "vitals", "monitor", "score"


@dataclass(frozen=True)
class _Point:
    """One reading in a run: a set of vitals, a monitor's reading or a MOAA/S score, and its
    flag on the line. `id` is the set's, the score's or, for anything from the monitor, the
    reading's; `pending`: a monitor's reading not yet validated."""

    id: int
    observed_at: datetime
    entered_at: datetime
    flag: Flag
    vitals: Vitals | None = None
    total: int = 0
    source: str = _TYPED
    pending: bool = False

    @property
    def is_critical(self) -> bool:
        return self.flag.level is Level.CRITICAL

    @property
    def ref(self) -> str:
        """The point at the end of a "worse since" key: a set's or a score's id, as keys
        always named them; a monitor's reading by its source and id."""
        return f"{_MONITOR}:{self.id}" if self.source == _MONITOR else str(self.id)

@dataclass(frozen=True)
class _Line:
    """A protocol line that readings cross in runs, and how a run of it worsens."""

    code: str
    label: str
    judged_by: frozenset[str]
    #: How far out a reading is, one number per measurement, larger is worse; None: a
    #: run of this line is not raised again (pre-dose caution, EtCO2: no step set).
    far: Callable[[_Point], tuple[int, ...]] | None = None
    step: Callable[[WorseningSteps], int] = lambda steps: 0
    #: The measurement's name and a reading's value, for "worse since acknowledged: BP
    #: 228/132 (was 186/104 when acknowledged)".
    name: str = ""
    said: Callable[[_Point], str] = lambda point: ""
    act: str = "call the physician"


def _bp(point: _Point) -> str:
    return f"{_value(point, 'systolic')}/{_value(point, 'diastolic')}"


def _spo2(point: _Point) -> str:
    return spo2_words(point.vitals or Vitals(point.observed_at)).removeprefix("SpO2 ")


def _value(point: _Point, name: str) -> int:
    return getattr(point.vitals, name) or 0


_BP = frozenset({"systolic", "diastolic"})
_VITALS_LINES = (
    _Line("predose_bp_high", "the pre-dose BP line", _BP),
    _Line("bp_above_stop_line", "the BP stop line", _BP,
          far=lambda p: (_value(p, "systolic"), _value(p, "diastolic")),
          step=lambda s: s.bp_mmhg, name="BP", said=_bp),
    _Line("bp_low", "the low BP lines", _BP,
          far=lambda p: (-_value(p, "systolic"), -_value(p, "diastolic")),
          step=lambda s: s.bp_mmhg, name="BP", said=_bp,
          act="lay the patient flat, call the physician"),
    _Line("spo2_low", "the SpO2 lines", frozenset({"spo2"}),
          far=lambda p: (-_value(p, "spo2"),), step=lambda s: s.spo2_points,
          name="SpO2", said=_spo2,
          act="check the airway, give oxygen, call the physician"),
    _Line("heart_rate_high", "the high heart rate lines", frozenset({"heart_rate"}),
          far=lambda p: (_value(p, "heart_rate"),), step=lambda s: s.heart_rate_per_min,
          name="heart rate", said=lambda p: f"{_value(p, 'heart_rate')}/min"),
    _Line("heart_rate_low", "the low heart rate lines", frozenset({"heart_rate"}),
          far=lambda p: (-_value(p, "heart_rate"),), step=lambda s: s.heart_rate_per_min,
          name="heart rate", said=lambda p: f"{_value(p, 'heart_rate')}/min"),
    _Line("respiratory_rate_low", "the low respiratory rate lines",
          frozenset({"respiratory_rate"}),
          far=lambda p: (-_value(p, "respiratory_rate"),),
          step=lambda s: s.respiratory_rate_per_min,
          name="respiratory rate",
          said=lambda p: f"{_value(p, 'respiratory_rate')}/min",
          act="stimulate, open the airway, call the physician"),
    _Line("respiratory_rate_high", "the high respiratory rate line",
          frozenset({"respiratory_rate"}),
          far=lambda p: (_value(p, "respiratory_rate"),),
          step=lambda s: s.respiratory_rate_per_min,
          name="respiratory rate",
          said=lambda p: f"{_value(p, 'respiratory_rate')}/min"),
    _Line("etco2_high", "the high EtCO2 line", frozenset({"etco2"})),
    _Line("etco2_low", "the low EtCO2 line", frozenset({"etco2"})),
)
_SEDATION = _Line("deep_sedation", "the MOAA/S lines", frozenset({"moaas"}),
                  far=lambda p: (-p.total,), step=lambda s: s.moaas_points,
                  name="MOAA/S", said=lambda p: str(p.total),
                  act="stimulate, open the airway, call the physician")
#: The measurements a set can hold, each able to end a run of the lines judged on it.
_MEASURED = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate", "etco2")


@dataclass(frozen=True)
class _Run:
    """Consecutive readings over one line. What a tick asks of it (the readings that begin
    an alert, the codes its points carried, what is worse since an acknowledgement) is
    carried on as the run grows, never worked out again over every point."""

    line: _Line
    points: tuple[_Point, ...]
    ongoing: bool
    #: The readings that begin an alert: the first (high, or critical), then each reading
    #: that goes past the critical line after one that did not.
    starts: tuple[_Point, ...]
    codes: frozenset[str]
    #: `worse_since`, asked again and again by the ticks: (acknowledged, step) -> the
    #: worst of the run entered by then and what was found worse.
    _worse: dict[tuple[datetime, int], tuple[list[int] | None, tuple[_Point, _Point] | None]] \
        = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def begun(cls, line: _Line, point: _Point) -> _Run:
        return cls(line, (point,), True, (point,), frozenset({point.flag.code}))

    def grown(self, point: _Point) -> _Run:
        """The run with one more reading over its line: what it knew, carried on."""
        before = self.points[-1]
        starts = (*self.starts, point) if point.is_critical and not before.is_critical \
            else self.starts
        run = _Run(self.line, (*self.points, point), True, starts,
                   self.codes | {point.flag.code})
        for asked, (worst, found) in self._worse.items():
            if point.entered_at <= asked[0]:
                continue  # entered before the acknowledgement: the worst may change
            if found is None and worst is not None and point not in starts:
                found = run._worse_than(point, worst, asked)
            run._worse[asked] = (worst, found)
        return run

    def ended(self) -> _Run:
        return replace(self, ongoing=False)

    @property
    def first(self) -> _Point:
        return self.points[0]

    @property
    def key(self) -> str:
        """The run's own key, as alerts written before issue 16 already name it."""
        return f"{self.line.code}:{self.first.source}:{self.first.id}"

    @property
    def worse_prefixes(self) -> tuple[str, ...]:
        """How the keys of this run's "worse since acknowledged" alerts begin."""
        return tuple(f"{code}:{self.first.source}:{self.first.id}:worse:"
                     for code in sorted(self.codes))

    def key_of(self, point: _Point) -> str:
        return f"{point.flag.code}:{point.source}:{point.id}"

    def worse_since(self, acknowledged: datetime, step: int) -> tuple[_Point, _Point] | None:
        """The first reading entered after `acknowledged` that is worse, by `step`, than
        every reading of the run entered by then (not one beginning an alert of its own),
        and the acknowledged reading it is worse than. Worked out once per acknowledgement
        and carried on as the run grows: ticks ask again and again."""
        asked = (acknowledged, step)
        if asked not in self._worse:
            self._worse[asked] = self._find_worse(acknowledged, step)
        return self._worse[asked][1]

    def _find_worse(self, acknowledged: datetime, step: int
                    ) -> tuple[list[int] | None, tuple[_Point, _Point] | None]:
        far = self.line.far
        seen = [point for point in self.points if point.entered_at <= acknowledged]
        if far is None or not seen:
            return None, None
        worst = [max(values) for values in zip(*(far(point) for point in seen), strict=True)]
        for point in self.points:
            if point.entered_at <= acknowledged or point in self.starts:
                continue
            found = self._worse_than(point, worst, (acknowledged, step))
            if found is not None:
                return worst, found
        return worst, None

    def _worse_than(self, point: _Point, worst: list[int], asked: tuple[datetime, int]
                    ) -> tuple[_Point, _Point] | None:
        far = self.line.far
        assert far is not None
        acknowledged, step = asked
        beyond = [n for n, (value, top) in enumerate(zip(far(point), worst, strict=True))
                  if value >= top + step]
        if not beyond:
            return None
        seen = [p for p in self.points if p.entered_at <= acknowledged]
        return point, max(seen, key=lambda p: far(p)[beyond[0]])


@dataclass(frozen=True)
class _Taken:
    """One reading as the runs read it, with where it stands in the order taken."""

    order: tuple[datetime, int, int]
    id: int
    observed_at: datetime
    entered_at: datetime
    flags: tuple[Flag, ...]
    measured: frozenset[str]
    vitals: Vitals | None = None
    total: int = 0
    source: str = _TYPED
    pending: bool = False


@dataclass(frozen=True)
class _Runs:
    """Every run of some lines over readings taken in order, and where they stand: the
    runs over, the run going on of each line, the last reading judged. It goes on from
    there with readings taken after it (`extended`), as it would have had it seen them
    all at once."""

    lines: tuple[_Line, ...]
    over: dict[str, tuple[_Run, ...]]
    going: dict[str, _Run]
    last: tuple[datetime, int, int] | None = None

    @classmethod
    def of(cls, lines: tuple[_Line, ...], readings: Iterable[_Taken]) -> _Runs:
        return cls(lines, {line.code: () for line in lines}, {}).extended(readings)

    def extended(self, readings: Iterable[_Taken]) -> _Runs:
        over, going, last = dict(self.over), dict(self.going), self.last
        for taken in readings:
            on_line = {flag.replaces or flag.code: flag for flag in taken.flags}
            for line in self.lines:
                flag = on_line.get(line.code)
                if flag is not None:
                    point = _Point(taken.id, taken.observed_at, taken.entered_at, flag,
                                   taken.vitals, taken.total, taken.source, taken.pending)
                    run = going.get(line.code)
                    going[line.code] = run.grown(point) if run else _Run.begun(line, point)
                elif line.code in going and line.judged_by & taken.measured:
                    over[line.code] += (going.pop(line.code).ended(),)
            last = taken.order
        return _Runs(self.lines, over, going, last)

    @cached_property
    def by_line(self) -> dict[str, list[_Run]]:
        """Each line's runs in the order taken, the one going on last."""
        return {code: [*runs, *([self.going[code]] if code in self.going else [])]
                for code, runs in self.over.items()}

    def grown(self, chart: SessionChart, fresh: tuple[FlaggedReading, ...]) -> _Runs | None:
        """Carried on by `SessionChart.with_readings`: the runs with the readings appended,
        when each comes after the last one judged (the usual case); else None, and they are
        worked out again."""
        taken = [_pending_taken(flagged) for flagged in fresh]
        orders = [*([self.last] if self.last else []), *(t.order for t in taken)]
        if any(later <= earlier for earlier, later in pairwise(orders)):
            return None
        return self.extended(taken)


#: The name the vitals runs are kept by beside their chart.
VITALS_RUNS = "alerts.vitals_runs"


def _vitals_runs(chart: SessionChart) -> dict[str, list[_Run]]:
    """The runs of the vitals lines, worked out once per chart read (a chart is read again
    when something is charted) and carried on as the monitor's readings are appended;
    a tick only judges them against the clock and the alerts."""
    kept = chart.kept(VITALS_RUNS)
    if not isinstance(kept, _Runs):
        kept = _Runs.of(_VITALS_LINES, _vitals_taken(chart))
        chart.keep(VITALS_RUNS, kept)
    return kept.by_line


def _vitals_taken(chart: SessionChart) -> list[_Taken]:
    """The valid sets and the readings pending, merged in the order taken. A set the nurse
    accepted from a reading is the reading's point (its key, the time it came)."""
    accepted = chart.accepted_readings
    taken = []
    for flagged in chart.flagged_vitals:
        entry, vitals = flagged.entry, flagged.entry.current
        reading = accepted.get(entry.id)
        source, point_id = (_TYPED, entry.id) if reading is None else (_MONITOR, reading.id)
        entered = entry.entered_at if reading is None else reading.received_at
        taken.append(_Taken((vitals.observed_at, 0, entry.id), point_id, vitals.observed_at,
                            entered, flagged.flags, _measured(vitals), vitals, 0, source))
    taken.extend(_pending_taken(flagged) for flagged in chart.flagged_pending)
    return sorted(taken, key=lambda t: t.order)


def _pending_taken(flagged: FlaggedReading) -> _Taken:
    reading = flagged.reading
    return _Taken((reading.observed_at, 1, reading.id), reading.id, reading.observed_at,
                  reading.received_at, flagged.flags, _measured(reading.vitals),
                  reading.vitals, 0, _MONITOR, pending=True)


def _measured(vitals: Vitals) -> frozenset[str]:
    return frozenset(name for name in _MEASURED if getattr(vitals, name) is not None)


def _sedation_runs(chart: SessionChart, scales: dict[str, Scale]) -> list[_Run]:
    scale = scales.get("moaas")
    if scale is None or "moaas" not in chart.protocol.checklists.scales:
        return []
    scores = sorted((s for s in chart.scale_scores if s.scale == "moaas" and not s.in_error),
                    key=lambda s: (s.observed_at, s.id))
    limits, critical = chart.protocol.thresholds, chart.protocol.critical
    return _Runs.of((_SEDATION,), (
        _Taken((score.observed_at, 0, score.id), score.id, score.observed_at,
               score.entered_at,
               scale_flags(scale, score.total, score.item_scores, limits, critical),
               frozenset({"moaas"}), None, score.total, _SCORE)
        for score in scores)).by_line[_SEDATION.code]


def _line_conditions(line: _Line, judging: Judging) -> list[AlertCondition]:
    """The alerts of every run of one vitals line."""
    if line.code == "predose_bp_high" and judging.chart.phase is not Phase.PRE_INFUSION:
        return []  # the dose was given: the question is settled
    runs = _vitals_runs(judging.chart)[line.code]
    return [condition for run in runs for condition in _run_conditions(run, judging)]


def _sedation_conditions(judging: Judging) -> list[AlertCondition]:
    runs = _sedation_runs(judging.chart, judging.scales)
    return [condition for run in runs for condition in _run_conditions(run, judging)]


def _run_conditions(run: _Run, judging: Judging) -> list[AlertCondition]:
    """A run's alerts: its own (the first reading's, each critical stretch's), those raised
    for its worsening, and a new one if it has worsened since acknowledged. A run already
    over is raised (at once cleared) only if none of its alerts ever was."""
    own = [_reading_condition(run.key_of(point), point) for point in run.starts]
    own_keys = {condition.key for condition in own}
    worse = run.worse_prefixes
    ours = own_keys | {run.key}  # a run raised before the critical tier, by its line's key
    if not run.ongoing:
        if ours & judging.raised_keys:
            return []
        return [replace(condition, ongoing=False) for condition in own]
    mine = [r for r in judging.raised if r.key in ours or r.key.startswith(worse)]
    kept = [AlertCondition(r.key, r.kind, r.priority, r.message)
            for r in mine if r.key.startswith(worse)]
    return [*own, *kept, *_worsened(run, own_keys, mine, judging)]


def _reading_condition(key: str, point: _Point) -> AlertCondition:
    return AlertCondition(key, point.flag.code, _FLAG_PRIORITY[point.flag.level],
                          _said(point, point.flag.message))


def _said(point: _Point, message: str) -> str:
    """An alert's words, saying so when they come from a reading not yet validated."""
    return not_yet_validated(message) if point.pending else message


def _worsened(run: _Run, own_keys: set[str], mine: list[AlertRecord],
              judging: Judging) -> list[AlertCondition]:
    """A new alert when a reading entered after the latest acknowledgement is worse than
    every reading acknowledged, by the protocol's step; none while an alert of the run is
    still waiting for someone (one waiting alert per run)."""
    line = run.line
    if line.far is None or not mine or own_keys - {record.key for record in mine}:
        return []
    if any(record.acknowledged_at is None for record in mine):
        return []
    acknowledged = max(r.acknowledged_at for r in mine if r.acknowledged_at is not None)
    found = run.worse_since(acknowledged, line.step(judging.chart.protocol.worsening))
    if found is None:
        return []
    point, was = found
    return [AlertCondition(
        f"{point.flag.code}:{run.first.source}:{run.first.id}:worse:{point.ref}",
        point.flag.code, _FLAG_PRIORITY[point.flag.level],
        _said(point, f"Worse since acknowledged: {line.name} {line.said(point)} (was "
                     f"{line.said(was)} when acknowledged): {line.act}"))]


# --- scales and side effects: each judged on its own ------------------------------------

#: Judged as runs by the MOAA/S rule, not score by score.
_SEDATION_CODES = frozenset({"deep_sedation", "sedation_critical"})


def _scale_conditions(judging: Judging) -> list[AlertCondition]:
    """The latest score of each scale; a later score within the line clears it. Each scale
    is judged on its own: one bad clinic scale must not stop the others."""
    chart, scales = judging.chart, judging.scales
    conditions: list[AlertCondition] = []
    for scale_id in chart.protocol.checklists.scales:
        if scale_id in scales:
            conditions.extend(_guarded(f"scale:{scale_id}", f"the {scales[scale_id].title} "
                                       "flags", chart,
                                       partial(_one_scale, chart, scales[scale_id])))
    return conditions


def _one_scale(chart: SessionChart, scale: Scale) -> list[AlertCondition]:
    latest = chart.latest_score(scale.id)
    if latest is None:
        return []
    flags = scale_flags(scale, latest.total, latest.item_scores, chart.protocol.thresholds,
                        chart.protocol.critical)
    return [AlertCondition(f"{flag.code}:score:{latest.id}", flag.code,
                           _FLAG_PRIORITY[flag.level], flag.message)
            for flag in flags if flag.code not in _SEDATION_CODES]


def _side_effect_conditions(judging: Judging) -> list[AlertCondition]:
    """Each severe side effect, each entry judged on its own."""
    chart = judging.chart
    conditions: list[AlertCondition] = []
    for entry in chart.entries_of(chart.protocol.checklists.side_effects):
        if not entry.in_error:
            conditions.extend(_guarded(f"side_effect:{entry.id}",
                                       f"the side effect “{entry.label}”", chart,
                                       partial(_one_side_effect, entry)))
    return conditions


def _one_side_effect(entry: ChecklistEntry) -> list[AlertCondition]:
    return [AlertCondition(f"{flag.code}:entry:{entry.id}", flag.code,
                           _FLAG_PRIORITY[flag.level], flag.message)
            for flag in side_effect_flags(entry.label, entry.severity)]


#: Every rule, each judged on its own (see `alert_conditions`).
RULES: tuple[Rule, ...] = (
    Rule("checks", "the BP check times",
         lambda j: _check_conditions(j.chart, j.now, j.zone)),
    Rule("dosing", "the infusion and observation times",
         lambda j: _dosing_conditions(j.chart, j.now, zone=j.zone)),
    *(Rule(line.code, line.label, partial(_line_conditions, line)) for line in _VITALS_LINES),
    Rule(_SEDATION.code, _SEDATION.label, _sedation_conditions),
    Rule("scales", "the scales' flags", _scale_conditions),
    Rule("side_effects", "the side effects", _side_effect_conditions),
)


@dataclass(frozen=True)
class Reconciliation:
    to_raise: tuple[AlertCondition, ...]
    to_clear: tuple[AlertRecord, ...]
    #: Occurrences already over when first judged (a late entry): raised and cleared in
    #: one go, so that they wait for an acknowledgement like any finding.
    raised_over: tuple[AlertCondition, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.to_raise or self.to_clear or self.raised_over)


def reconcile(records: Iterable[AlertRecord],
              conditions: Sequence[AlertCondition]) -> Reconciliation:
    """What to raise (conditions never raised before), what to raise already over (a
    condition judged over the first time it is seen) and what has cleared (raised alerts
    whose condition is gone). A key once raised is never raised again."""
    records = list(records)
    raised = {record.key for record in records}
    present = {condition.key for condition in conditions if condition.ongoing}
    new = {condition.key: condition for condition in conditions
           if condition.key not in raised}
    return Reconciliation(
        to_raise=tuple(c for c in new.values() if c.ongoing),
        to_clear=tuple(r for r in records if r.is_active and r.key not in present),
        raised_over=tuple(c for c in new.values() if not c.ongoing),
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
