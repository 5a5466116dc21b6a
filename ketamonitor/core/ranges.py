"""What a typed number may plausibly be: input checks, not clinical thresholds.

A value outside these ranges is almost surely a typing slip (SBP 1200 for 120), so it is
refused with the range shown. Values inside them but beyond the protocol's lines are real
readings: they are charted and flagged (see `flags`), never refused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: str

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high

    def describe(self) -> str:
        return f"{self.low:g}–{self.high:g} {self.unit}".rstrip()


@dataclass(frozen=True)
class PlausibleRanges:
    systolic: Range = Range(40, 300, "mmHg")
    diastolic: Range = Range(20, 200, "mmHg")
    heart_rate: Range = Range(20, 250, "/min")
    spo2: Range = Range(50, 100, "%")
    respiratory_rate: Range = Range(2, 60, "/min")
    weight_kg: Range = Range(20, 350, "kg")
    age_years: Range = Range(0, 120, "years")
    concentration_mg_per_ml: Range = Range(0.01, 100, "mg/mL")


DEFAULT_RANGES = PlausibleRanges()
