"""A set of vitals and the checks every set must pass before it is charted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import (
    FieldProblem,
    clock_time_in_session,
    entry_time_problem,
    whole_number,
)
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges

MEASUREMENTS = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")

LABELS = {
    "systolic": "Systolic BP",
    "diastolic": "Diastolic BP",
    "heart_rate": "Heart rate",
    "spo2": "SpO2",
    "respiratory_rate": "Respiratory rate",
    "observed_at": "Time",
}


@dataclass(frozen=True)
class Vitals:
    """One set of measurements taken at one time; any measurement may be absent except that
    systolic and diastolic come together."""

    observed_at: datetime
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    respiratory_rate: int | None = None
    #: Oxygen given when the SpO2 was read, in L/min; None is room air (and every set
    #: charted before oxygen could be said).
    oxygen_l_per_min: float | None = None
    #: End-tidal CO2 in mmHg, for clinics with capnography.
    etco2: int | None = None

    @property
    def on_oxygen(self) -> bool:
        return bool(self.oxygen_l_per_min)

    @property
    def has_bp(self) -> bool:
        return self.systolic is not None and self.diastolic is not None

    def measurements(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in MEASUREMENTS}


def parse_vitals(
    typed: Mapping[str, str],
    *,
    now: datetime,
    session_began: datetime,
    zone: tzinfo,
    ranges: PlausibleRanges = DEFAULT_RANGES,
) -> Vitals:
    """Vitals from the text of the form's fields (`time` empty means now), or every reason
    the text cannot be charted, keyed by field."""
    reasons: dict[str, str] = {}
    values: dict[str, int | None] = {}
    for name in MEASUREMENTS:
        text = typed.get(name, "")
        if not text.strip():
            values[name] = None
            continue
        try:
            values[name] = whole_number(text, getattr(ranges, name))
        except FieldProblem as problem:
            reasons[name] = str(problem)
    try:
        observed_at = clock_time_in_session(typed.get("time", ""), now, zone, session_began)
    except FieldProblem as problem:
        reasons["time"] = str(problem)
        observed_at = now
    if reasons:
        raise ValidationError(_with_cross_field(reasons, values))
    vitals = Vitals(observed_at=observed_at, **values)
    check_vitals(vitals, now=now, session_began=session_began, zone=zone, ranges=ranges)
    return vitals


def _with_cross_field(reasons: dict[str, str], values: Mapping[str, int | None]) -> dict[str, str]:
    """Add the cross-field reasons that can still be judged, so one Enter shows them all."""
    extra = _cross_field_reasons(values)
    return {**extra, **reasons}


def _cross_field_reasons(values: Mapping[str, int | None]) -> dict[str, str]:
    reasons: dict[str, str] = {}
    systolic, diastolic = values.get("systolic"), values.get("diastolic")
    if systolic is not None and diastolic is None:
        reasons["diastolic"] = "required with systolic"
    if diastolic is not None and systolic is None:
        reasons["systolic"] = "required with diastolic"
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        reasons["diastolic"] = "must be below systolic"
    return reasons


def check_vitals(
    vitals: Vitals,
    *,
    now: datetime,
    session_began: datetime,
    zone: tzinfo,
    ranges: PlausibleRanges = DEFAULT_RANGES,
) -> None:
    """Refuse a set that must not be charted, whatever its source (form, monitor, amendment)."""
    values = vitals.measurements()
    reasons = _cross_field_reasons(values)
    for name, value in values.items():
        if value is not None and value not in getattr(ranges, name):
            reasons[name] = f"must be {getattr(ranges, name).describe()}"
    if all(value is None for value in values.values()):
        reasons["systolic"] = "enter at least one measurement"
    problem = entry_time_problem(
        vitals.observed_at, now=now, session_began=session_began, zone=zone
    )
    if problem:
        reasons["time"] = problem
    if reasons:
        raise ValidationError(reasons)
