"""Flags on charted values: a reading beyond the protocol's lines is charted and flagged.

A flag never blocks charting (a real reading must be on the record). ketamonitor is a
charting aid: these are protocol reminders, not the bedside monitor's alarms.

Two tiers per measurement: the protocol's line (`Level.HIGH`: hold, call the physician) and
the critical line beyond it (`Level.CRITICAL`). A reading past the critical line carries the
critical flag *instead of* the line's flag (`Flag.replaces` names it): one reading, one box
on the screen, and the run of readings over the line goes on through it (see core.alerts).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketamonitor.core.checklists import Scale
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import CriticalLines, Etco2Lines, LowBpLines, Protocol, Thresholds
from ketamonitor.core.vitals import Vitals


class Level(StrEnum):
    """How urgent a flag is. Levels compare by urgency, not by their text: the views take
    `max(flag.level ...)` for a set's colour, and "critical" sorts before "high" as words."""

    CAUTION = "caution"   # consider, tell the physician at the next chance
    HIGH = "high"         # act now: hold or stop, call the physician
    CRITICAL = "critical"  # the critical tier: act now, and it repeats until acknowledged

    @property
    def rank(self) -> int:
        return _RANKS[self.value]

    def __lt__(self, other: object) -> bool:
        return self.rank < other.rank if isinstance(other, Level) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= other.rank if isinstance(other, Level) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > other.rank if isinstance(other, Level) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= other.rank if isinstance(other, Level) else NotImplemented


_RANKS = {"caution": 0, "high": 1, "critical": 2}


@dataclass(frozen=True)
class Flag:
    code: str
    fields: tuple[str, ...]
    level: Level
    message: str
    #: A critical flag stands for the line's own flag of the same reading (e.g.
    #: "spo2_critical" replaces "spo2_low"): the reading is over both lines, said once.
    replaces: str | None = None


def vitals_flags(vitals: Vitals, phase: Phase, protocol: Protocol) -> tuple[Flag, ...]:
    """Every protocol line this set crosses, judged for the phase it was taken in. (A fall
    from the baseline BP needs the chart: see `baseline_fall_flag`.)"""
    limits = protocol.thresholds
    critical = protocol.critical
    flags: list[Flag] = []
    if vitals.has_bp:
        systolic, diastolic = vitals.systolic or 0, vitals.diastolic or 0
        flags.extend(_bp_flags(systolic, diastolic, phase, limits, critical))
        low = low_bp_flag(systolic, diastolic, protocol.low_bp)
        if low is not None:
            flags.append(low)
    if vitals.heart_rate is not None:
        flags.extend(_heart_rate_flags(vitals.heart_rate, limits, critical))
    if vitals.spo2 is not None:
        flags.extend(_spo2_flags(vitals, limits, critical))
    if vitals.respiratory_rate is not None:
        flags.extend(_respiratory_flags(vitals.respiratory_rate, limits, critical))
    if vitals.etco2 is not None:
        flags.extend(_etco2_flags(vitals.etco2, protocol.etco2))
    return tuple(flags)


def _heart_rate_flags(rate: int, limits: Thresholds, critical: CriticalLines) -> list[Flag]:
    if rate > critical.heart_rate_above:
        return [Flag("heart_rate_critical", ("heart_rate",), Level.CRITICAL,
                     f"Heart rate {rate} above the critical line {critical.heart_rate_above}"
                     "/min: call the physician now", replaces="heart_rate_high")]
    if rate < critical.heart_rate_below:
        return [Flag("heart_rate_critical", ("heart_rate",), Level.CRITICAL,
                     f"Heart rate {rate} below the critical line {critical.heart_rate_below}"
                     "/min: call the physician now", replaces="heart_rate_low")]
    if rate > limits.heart_rate_above:
        return [Flag("heart_rate_high", ("heart_rate",), Level.HIGH,
                     f"Heart rate {rate} above {limits.heart_rate_above}/min")]
    if rate < limits.heart_rate_below:
        return [Flag("heart_rate_low", ("heart_rate",), Level.HIGH,
                     f"Heart rate {rate} below {limits.heart_rate_below}/min")]
    return []


def spo2_words(vitals: Vitals) -> str:
    """The SpO2 as read, saying the oxygen given: 90 % on 2 L/min is not 90 % on room air."""
    oxygen = f" on {vitals.oxygen_l_per_min:g} L/min O2" if vitals.on_oxygen else ""
    return f"SpO2 {vitals.spo2} %{oxygen}"


def _spo2_flags(vitals: Vitals, limits: Thresholds, critical: CriticalLines) -> list[Flag]:
    spo2 = vitals.spo2 if vitals.spo2 is not None else 100
    if spo2 < critical.spo2_below:
        return [Flag("spo2_critical", ("spo2",), Level.CRITICAL,
                     f"{spo2_words(vitals)} below the critical line {critical.spo2_below} %: "
                     "check the airway, give oxygen, call the physician now",
                     replaces="spo2_low")]
    if spo2 < limits.spo2_below:
        return [Flag("spo2_low", ("spo2",), Level.HIGH,
                     f"{spo2_words(vitals)} below {limits.spo2_below} %")]
    return []


def _respiratory_flags(rate: int, limits: Thresholds, critical: CriticalLines) -> list[Flag]:
    line = critical.respiratory_rate_at_or_below
    if rate <= line:
        said = "Apnoea (respiratory rate 0)" if rate == 0 else f"Respiratory rate {rate}"
        return [Flag("respiratory_rate_critical", ("respiratory_rate",), Level.CRITICAL,
                     f"{said} at or below the critical line {line}/min: stimulate, open the "
                     "airway, call the physician now", replaces="respiratory_rate_low")]
    if rate < limits.respiratory_rate_below:
        return [Flag("respiratory_rate_low", ("respiratory_rate",), Level.HIGH,
                     f"Respiratory rate {rate} below {limits.respiratory_rate_below}/min")]
    if rate > limits.respiratory_rate_above:
        return [Flag("respiratory_rate_high", ("respiratory_rate",), Level.HIGH,
                     f"Respiratory rate {rate} above {limits.respiratory_rate_above}/min")]
    return []


def _etco2_flags(etco2: int, lines: Etco2Lines) -> list[Flag]:
    if etco2 > lines.above:
        return [Flag("etco2_high", ("etco2",), Level.HIGH,
                     f"EtCO2 {etco2} mmHg above {lines.above} mmHg: check the breathing, "
                     "call the physician")]
    if etco2 < lines.below:
        return [Flag("etco2_low", ("etco2",), Level.HIGH,
                     f"EtCO2 {etco2} mmHg below {lines.below} mmHg: check the airway and "
                     "the sampling line, call the physician")]
    return []


def _bp_flags(systolic: int, diastolic: int, phase: Phase, limits: Thresholds,
              critical: CriticalLines) -> list[Flag]:
    """A BP flag names the number that crossed and the line it crossed, and marks only that
    field: "Pre-dose BP 138/91 above 140/90" read as if 138 were high."""
    bp = f"BP {systolic}/{diastolic}"
    running = phase in (Phase.INFUSING, Phase.PAUSED)
    worst = _reached(systolic, diastolic, critical.systolic_at_or_above,
                     critical.diastolic_at_or_above)
    if worst:
        action = "stop the infusion and call the physician now" if running else \
            "call the physician now"
        return [Flag("bp_critical", tuple(worst), Level.CRITICAL,
                     f"{bp} at or above the critical line: {_words(worst, 'at or above')}; "
                     f"{action}", replaces="bp_above_stop_line")]
    stop = _crossed(systolic, diastolic, limits.stop_systolic_above,
                    limits.stop_diastolic_above)
    if stop:
        action = "hold the infusion and call the physician" if running else "call the physician"
        return [Flag("bp_above_stop_line", tuple(stop), Level.HIGH,
                     f"{bp} above the stop line: {_words(stop)}; {action}")]
    predose = _crossed(systolic, diastolic, limits.predose_systolic_above,
                       limits.predose_diastolic_above)
    if phase is Phase.PRE_INFUSION and predose:
        return [Flag("predose_bp_high", tuple(predose), Level.CAUTION,
                     f"Pre-dose {bp}: {_words(predose)}; consider delaying the dose, "
                     "ask the physician")]
    return []


def _crossed(systolic: int, diastolic: int, systolic_line: int,
             diastolic_line: int) -> dict[str, tuple[int, int]]:
    """The BP fields above their line: name -> (value, line)."""
    values = {"systolic": (systolic, systolic_line), "diastolic": (diastolic, diastolic_line)}
    return {name: (value, line) for name, (value, line) in values.items() if value > line}


def _reached(systolic: int, diastolic: int, systolic_line: int,
             diastolic_line: int) -> dict[str, tuple[int, int]]:
    """The BP fields at or above their (critical) line: name -> (value, line)."""
    values = {"systolic": (systolic, systolic_line), "diastolic": (diastolic, diastolic_line)}
    return {name: (value, line) for name, (value, line) in values.items() if value >= line}


def _words(crossed: dict[str, tuple[int, int]], relation: str = "above") -> str:
    return ", ".join(f"{name} {value} {relation} {line}"
                     for name, (value, line) in crossed.items())


def mean_arterial_pressure(systolic: int, diastolic: int) -> float:
    """MAP as the clinic estimates it from a cuff BP: (SBP + 2 x DBP) / 3."""
    return (systolic + 2 * diastolic) / 3


def low_bp_flag(systolic: int, diastolic: int, lines: LowBpLines) -> Flag | None:
    """Hypotension by the BP itself: the systolic or the MAP below its line."""
    low: list[str] = []
    fields: list[str] = []
    if systolic < lines.systolic_below:
        low.append(f"systolic {systolic} below {lines.systolic_below}")
        fields.append("systolic")
    mean = mean_arterial_pressure(systolic, diastolic)
    if mean < lines.map_below:
        low.append(f"MAP {round(mean, 1):g} below {lines.map_below}")
        fields.extend(name for name in ("systolic", "diastolic") if name not in fields)
    if not low:
        return None
    return Flag("bp_low", tuple(fields), Level.HIGH,
                f"BP {systolic}/{diastolic} low: {', '.join(low)}; lay the patient flat, "
                "call the physician")


def baseline_fall_flag(vitals: Vitals, baseline: Vitals, lines: LowBpLines) -> Flag | None:
    """Hypotension against this patient's own baseline: the systolic fallen more than the
    protocol's percentage below the baseline BP's systolic. It needs the chart (which BP was
    the baseline), so the chart adds it, not `vitals_flags`."""
    if not (vitals.has_bp and baseline.has_bp) or not baseline.systolic:
        return None
    systolic = vitals.systolic or 0
    fall = (baseline.systolic - systolic) / baseline.systolic * 100
    if fall <= lines.fall_from_baseline_percent:
        return None
    return Flag("bp_low", ("systolic",), Level.HIGH,
                f"BP {systolic}/{vitals.diastolic} low: systolic {fall:.0f} % below the "
                f"baseline {baseline.systolic} (more than "
                f"{lines.fall_from_baseline_percent:g} %); lay the patient flat, call the "
                "physician")


def scale_flags(scale: Scale, total: int, item_scores: dict[str, int],
                limits: Thresholds, critical: CriticalLines | None = None) -> tuple[Flag, ...]:
    """The scale's flags: the MOAA/S lines (the critical one replacing the other) and the
    items a scale itself flags (a clinic's own scale too: `<scale id>_<item>`)."""
    critical = critical or CriticalLines()
    flags: list[Flag] = []
    if scale.id == "moaas" and total <= critical.moaas_at_or_below:
        flags.append(Flag("sedation_critical", ("moaas",), Level.CRITICAL,
                          f"MOAA/S {total} at or below the critical line "
                          f"{critical.moaas_at_or_below}: stimulate, open the airway, call "
                          "the physician now", replaces="deep_sedation"))
    elif scale.id == "moaas" and total <= limits.moaas_at_or_below:
        flags.append(Flag("deep_sedation", ("moaas",), Level.HIGH,
                          f"MOAA/S {total} (at or below {limits.moaas_at_or_below}): "
                          "stimulate, check the airway, call the physician"))
    for rule in scale.item_flags:
        if item_scores.get(rule.item, 0) >= rule.at_least:
            flags.append(Flag(f"{scale.id}_{rule.item}", (rule.item,), Level.HIGH, rule.message))
    return tuple(flags)


def side_effect_flags(label: str, severity: str | None) -> tuple[Flag, ...]:
    if severity == "severe":
        return (Flag("severe_side_effect", ("severity",), Level.HIGH,
                     f"Severe side effect: {label}: tell the physician"),)
    return ()
