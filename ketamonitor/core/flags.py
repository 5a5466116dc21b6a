"""Flags on charted values: a reading beyond the protocol's lines is charted and flagged.

A flag never blocks charting (a real reading must be on the record). ketamonitor is a
charting aid: these are protocol reminders, not the bedside monitor's alarms.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketamonitor.core.checklists import Scale
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Thresholds
from ketamonitor.core.vitals import Vitals


class Level(StrEnum):
    CAUTION = "caution"   # consider, tell the physician at the next chance
    HIGH = "high"         # act now: hold or stop, call the physician
    CRITICAL = "critical"  # the critical tier: act now, and it repeats until acknowledged


@dataclass(frozen=True)
class Flag:
    code: str
    fields: tuple[str, ...]
    level: Level
    message: str


def vitals_flags(vitals: Vitals, phase: Phase, limits: Thresholds) -> tuple[Flag, ...]:
    """Every protocol line this set crosses, judged for the phase it was taken in."""
    flags: list[Flag] = []
    if vitals.has_bp:
        flags.extend(_bp_flags(vitals.systolic or 0, vitals.diastolic or 0, phase, limits))
    heart_rate = vitals.heart_rate
    if heart_rate is not None and heart_rate > limits.heart_rate_above:
        flags.append(Flag("heart_rate_high", ("heart_rate",), Level.HIGH,
                          f"Heart rate {heart_rate} above {limits.heart_rate_above}/min"))
    if heart_rate is not None and heart_rate < limits.heart_rate_below:
        flags.append(Flag("heart_rate_low", ("heart_rate",), Level.HIGH,
                          f"Heart rate {heart_rate} below {limits.heart_rate_below}/min"))
    if vitals.spo2 is not None and vitals.spo2 < limits.spo2_below:
        flags.append(Flag("spo2_low", ("spo2",), Level.HIGH,
                          f"SpO2 {vitals.spo2} % below {limits.spo2_below} %"))
    rate = vitals.respiratory_rate
    if rate is not None and rate < limits.respiratory_rate_below:
        flags.append(Flag("respiratory_rate_low", ("respiratory_rate",), Level.HIGH,
                          f"Respiratory rate {rate} below {limits.respiratory_rate_below}/min"))
    if rate is not None and rate > limits.respiratory_rate_above:
        flags.append(Flag("respiratory_rate_high", ("respiratory_rate",), Level.HIGH,
                          f"Respiratory rate {rate} above {limits.respiratory_rate_above}/min"))
    return tuple(flags)


def _bp_flags(systolic: int, diastolic: int, phase: Phase, limits: Thresholds) -> list[Flag]:
    """A BP flag names the number that crossed and the line it crossed, and marks only that
    field: "Pre-dose BP 138/91 above 140/90" read as if 138 were high."""
    bp = f"BP {systolic}/{diastolic}"
    stop = _crossed(systolic, diastolic, limits.stop_systolic_above,
                    limits.stop_diastolic_above)
    if stop:
        action = ("hold the infusion and call the physician"
                  if phase in (Phase.INFUSING, Phase.PAUSED) else "call the physician")
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


def _words(crossed: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{name} {value} above {line}" for name, (value, line) in crossed.items())


def scale_flags(scale: Scale, total: int, item_scores: dict[str, int],
                limits: Thresholds) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    if scale.id == "moaas" and total <= limits.moaas_at_or_below:
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
