"""What a typed number may plausibly be: input checks, not clinical thresholds.

Three bands per measurement. Beyond what any patient can have (SBP 1200 for 120, SpO2 101)
is a typing slip: refused with the range shown. Inside the usual band a value is charted
without a question. Between the two is an extreme reading that a patient can really have
(RR 0 is apnoea, SpO2 42 % with the probe on is a desaturation): it is charted once the
nurse confirms it, and then flagged like any other reading beyond the protocol's lines. A
real reading is never refused (CLINICAL.md, "implausible input vs extreme reading").

Where a bound has no source it is a judgement [U], stated here so a clinic can see it:
- HR below 20 /min is refused: in a conscious-sedation chair that is an arrest, handled by
  resuscitation, not by a chart entry; "12" for "120" is the likelier slip.
- SBP below 20 / DBP below 10 mmHg are refused: no cuff reads them; SBP 20-39 and DBP 10-19
  are asked.
- HR 251-300, RR 0-3 and 61-80, SpO2 0-49, EtCO2 0 and 101-150 are asked.
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
class PossibleRanges:
    """What a patient can have at all: beyond it, a typing slip, refused."""

    systolic: Range = Range(20, 300, "mmHg")
    diastolic: Range = Range(10, 200, "mmHg")
    heart_rate: Range = Range(20, 300, "/min")
    spo2: Range = Range(0, 100, "%")
    respiratory_rate: Range = Range(0, 80, "/min")
    etco2: Range = Range(0, 150, "mmHg")


@dataclass(frozen=True)
class PlausibleRanges:
    """The usual band of each measurement (charted without a question, and the span a
    protocol's line may be set in), what a patient can have at all (`possible`), and the
    other typed numbers' ranges."""

    systolic: Range = Range(40, 300, "mmHg")
    diastolic: Range = Range(20, 200, "mmHg")
    heart_rate: Range = Range(20, 250, "/min")
    spo2: Range = Range(50, 100, "%")
    respiratory_rate: Range = Range(4, 60, "/min")
    etco2: Range = Range(1, 100, "mmHg")
    #: Oxygen flow by nasal cannula or mask: below 0.5 L/min is not given, above 15 is not
    #: what a sedation room's flowmeter delivers.
    oxygen_l_per_min: Range = Range(0.5, 15, "L/min")
    weight_kg: Range = Range(20, 350, "kg")
    age_years: Range = Range(0, 120, "years")
    concentration_mg_per_ml: Range = Range(0.01, 100, "mg/mL")
    possible: PossibleRanges = PossibleRanges()


DEFAULT_RANGES = PlausibleRanges()
