"""The one table of what a vitals set measures: each measurement's name as the chart says
it, its unit, its plausible range and its LOINC code.

The vitals form, the room's tile, the session's vitals table, the plot's axes, the chart's
readout, the PDF and FHIR all read their words here, so the screen and every export say the
same thing by construction ("SpO2", "RR", "HR /min"). The wording is plain ASCII "SpO2":
it is the word every flag, gate and alert message already says (and alert messages are kept
in the record as they were said), and it prints in any fallback font of the PDF.

The plausible ranges are not repeated here: each measurement names its band in
`core.ranges` and reads it from the ranges it is given (the defaults unless a caller has
others).
"""

from __future__ import annotations

from dataclasses import dataclass

from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges, Range


@dataclass(frozen=True)
class Measurement:
    """One measurement of a vitals set. `key` is its field on `Vitals` (and its column in
    the store); `label` its full name for a form's accessible name or a sentence; `short`
    what a column header, a tile or a 45-pixel axis says; `unit` as printed after a
    number; `loinc` and `loinc_display` the code FHIR carries; `ucum` the unit's code."""

    key: str
    label: str
    short: str
    unit: str
    loinc: str
    loinc_display: str
    ucum: str
    #: Typed by the nurse (False for the MAP, worked out from the BP).
    typed: bool = True

    def plausible(self, ranges: PlausibleRanges = DEFAULT_RANGES) -> Range | None:
        """The usual band of this measurement (charted without a question); None for one
        worked out rather than typed."""
        return getattr(ranges, self.key, None) if self.typed else None

    def possible(self, ranges: PlausibleRanges = DEFAULT_RANGES) -> Range | None:
        """What a patient can have at all: beyond it, a typing slip."""
        return getattr(ranges.possible, self.key, None) if self.typed else None

    @property
    def heading(self) -> str:
        """The short name with its unit, as a form's caption or an axis says it."""
        return f"{self.short} {self.unit}"

    def number_words(self, value: float) -> str:
        """A value with its unit: "88/min" (a rate's unit joins its number), "97 %"."""
        joiner = "" if self.unit.startswith("/") else " "
        return f"{value:g}{joiner}{self.unit}"

    def value_words(self, value: float) -> str:
        """A value named and with its unit, as the chart's readout says it: "HR 88/min",
        "SpO2 97 %"."""
        return f"{self.short} {self.number_words(value)}"


SYSTOLIC = Measurement("systolic", "Systolic BP", "SBP", "mmHg", "8480-6",
                       "Systolic blood pressure", "mm[Hg]")
DIASTOLIC = Measurement("diastolic", "Diastolic BP", "DBP", "mmHg", "8462-4",
                        "Diastolic blood pressure", "mm[Hg]")
MEAN_ARTERIAL = Measurement("mean_arterial_pressure", "Mean arterial pressure", "MAP", "mmHg",
                            "8478-0", "Mean blood pressure", "mm[Hg]", typed=False)
HEART_RATE = Measurement("heart_rate", "Heart rate", "HR", "/min", "8867-4", "Heart rate",
                         "/min")
SPO2 = Measurement("spo2", "SpO2", "SpO2", "%", "2708-6",
                   "Oxygen saturation in Arterial blood", "%")
RESPIRATORY_RATE = Measurement("respiratory_rate", "Respiratory rate", "RR", "/min", "9279-1",
                               "Respiratory rate", "/min")
ETCO2 = Measurement("etco2", "EtCO2", "EtCO2", "mmHg", "19889-5",
                    "Carbon dioxide [Partial pressure] in Exhaled gas --at end expiration",
                    "mm[Hg]")
#: The blood pressure as one reading ("BP 124/80"), shown where the two go together.
BLOOD_PRESSURE = Measurement("bp", "Blood pressure", "BP", "mmHg", "85354-9",
                             "Blood pressure panel with all children optional", "mm[Hg]",
                             typed=False)

#: Every measurement, in the order a vitals set is typed and shown.
ALL = (SYSTOLIC, DIASTOLIC, MEAN_ARTERIAL, HEART_RATE, SPO2, RESPIRATORY_RATE, ETCO2)
BY_KEY = {measurement.key: measurement for measurement in (*ALL, BLOOD_PRESSURE)}
#: The keys of the measurements a nurse types, as `Vitals` holds them.
TYPED = tuple(measurement.key for measurement in ALL if measurement.typed)
#: The measurements a plot draws in panels of their own (the BP shares one panel).
PLOTTED = (HEART_RATE, SPO2, RESPIRATORY_RATE)


def measurement(key: str) -> Measurement:
    """The measurement of a `Vitals` field (KeyError for a field that is not one)."""
    return BY_KEY[key]
