"""Dose arithmetic: total mg from weight, the pump rate for an IV infusion, the bounds a
dose must keep, and the dose actually given."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, decimal_number, whole_number
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import DoseUnit, Dosing, Protocol, Route
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges, Range
from ketamonitor.core.timeline import Timeline

if TYPE_CHECKING:  # the chart reads the planned time from here: imported for types only
    from ketamonitor.core.chart import SessionChart

#: The largest rounding error a shown volume or rate may carry: 0.35 mL at 100 mg/mL shown
#: as "0.3 mL" is 14 % less drug than meant.
SHOWN_ERROR = 0.02
#: How far above the planned volume a pump's "volume infused" may read (line priming,
#: the pump's own rounding) before it is refused as a typing slip: 5 % or 0.5 mL [U].
VOLUME_TOLERANCE_FRACTION = 0.05
VOLUME_TOLERANCE_ML = 0.5


def decimals_within(value: float, error: float = SHOWN_ERROR) -> int:
    """How many decimals keep the rounding error of `value` under `error` (at least 1,
    as volumes were always shown): half a unit of the last place below error x value."""
    if value <= 0:
        return 1
    return max(1, math.ceil(-math.log10(2 * error * value) + 1e-9))


def rounded_within(value: float, error: float = SHOWN_ERROR) -> float:
    """`value` rounded to the decimals that keep its error under `error` (stored and shown
    alike, so the figure on the pump is the one on the chart)."""
    return round(value, decimals_within(value, error))


def format_amount(value: float | None, unit: str, error: float = SHOWN_ERROR) -> str:
    """A volume or rate as shown everywhere (header, setup form, exports): "0.35 mL",
    "36 mL", "54 mL/h"; never rounded further than `error` allows."""
    if value is None:
        return "—"
    places = decimals_within(value, error)
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


@dataclass(frozen=True)
class Dose:
    total_mg: float
    mg_per_kg: float | None = None
    devices: int | None = None
    concentration_mg_per_ml: float | None = None
    volume_ml: float | None = None
    pump_rate_ml_per_h: float | None = None

    def brief(self) -> str:
        """The dose in a few words, where room is short (a room tile): "0.5 mg/kg = 36 mg",
        "2 devices = 56 mg"; `describe` adds the volume and the pump rate."""
        if self.devices is not None:
            return f"{self.devices} devices = {self.total_mg:g} mg"
        return f"{self.mg_per_kg:g} mg/kg = {self.total_mg:g} mg"

    def describe(self) -> str:
        """The dose as a nurse reads it back: "0.5 mg/kg = 36 mg (36 mL at 1 mg/mL, pump
        54 mL/h)"."""
        text = self.brief()
        if self.devices is None and self.pump_rate_ml_per_h is not None:
            text += (f" ({format_amount(self.volume_ml, 'mL')} at "
                     f"{self.concentration_mg_per_ml:g} mg/mL, "
                     f"pump {format_amount(self.pump_rate_ml_per_h, 'mL/h')})")
        return text


@dataclass(frozen=True)
class PumpVolume:
    """The pump's "volume infused" read by the nurse when the infusion ended."""

    id: int
    session_id: int
    volume_ml: float
    observed_at: datetime
    entered_at: datetime
    entered_by: str


#: How the dose given was found, in the words the chart and the exports use.
PUMP_CONFIRMED = "pump volume confirmed"
FROM_TIME = "from time infused"
DEVICES_GIVEN = "devices given"
INJECTION_GIVEN = "injection given"
NOT_STARTED = "not started"


@dataclass(frozen=True)
class DoseGiven:
    """The dose actually given, beside the planned one: what the REMS form and logs report."""

    mg: float
    planned_mg: float
    how: str
    volume_ml: float | None = None

    @property
    def is_whole(self) -> bool:
        return math.isclose(self.mg, self.planned_mg)

    def describe(self) -> str:
        """ "Given 27.9 mg of 36 mg planned (from time infused)"."""
        volume = f", {format_amount(self.volume_ml, 'mL')}" if self.volume_ml else ""
        return (f"given {self.mg:g} mg of {self.planned_mg:g} mg planned "
                f"({self.how}{volume})")


def dose_given(chart: SessionChart, now: datetime | None = None) -> DoseGiven:
    """The dose given so far (see `given_of`), from the whole chart."""
    pump_volume = chart.pump_volumes[-1].volume_ml if chart.pump_volumes else None
    device_mg = sum(a.amount_mg for a in chart.administrations if a.item == "device")
    return given_of(chart.session.dose, chart.protocol.route, chart.timeline, pump_volume,
                    device_mg, now)


def dose_mg_per_kg(dose: Dose, weight_kg: float | None) -> float | None:
    """A dose in mg/kg: as prescribed, or for a dose in devices its total over the
    session's weight (None without a weight), so a device dose is reported beside a
    weight-based one."""
    if dose.mg_per_kg is not None:
        return dose.mg_per_kg
    return round(dose.total_mg / weight_kg, 2) if weight_kg else None


def given_of(dose: Dose, route: Route, timeline: Timeline, pump_volume_ml: float | None,
             device_mg: float, now: datetime | None = None) -> DoseGiven:
    """The dose given from just what it depends on, so the session log can report it
    without reading each chart whole. IV: the pump's last confirmed volume x concentration,
    else the time infused (pauses not counted) at the pump rate, never above the plan.
    Intranasal: the devices given (`device_mg`). IM: the planned dose once the injection is
    given. `now` counts an infusion still running; without it, time stops at the last
    phase change."""
    planned = dose.total_mg
    if dose.devices is not None:
        return DoseGiven(round(device_mg, 1), planned, DEVICES_GIVEN)
    if timeline.dose_started_at is None:
        return DoseGiven(0.0, planned, NOT_STARTED, 0.0 if dose.volume_ml else None)
    concentration = dose.concentration_mg_per_ml
    if route is not Route.IV or concentration is None or not dose.pump_rate_ml_per_h:
        return DoseGiven(planned, planned, INJECTION_GIVEN)
    if pump_volume_ml is not None:
        return DoseGiven(round(pump_volume_ml * concentration, 1), planned, PUMP_CONFIRMED,
                         pump_volume_ml)
    end = timeline.infusion_ended_at or now or timeline.phase_since
    hours = timeline.time_in(Phase.INFUSING, end).total_seconds() / 3600
    volume = min(dose.pump_rate_ml_per_h * hours, dose.volume_ml or math.inf)
    mg = min(round(volume * concentration, 1), planned)
    return DoseGiven(mg, planned, FROM_TIME, rounded_within(volume) if volume else 0.0)


def takes_pump_volume(chart: SessionChart) -> bool:
    """Whether the pump's "volume infused" can be confirmed now: an IV infusion with a
    planned volume that has ended (completed or stopped early). The page offers it then."""
    return (chart.protocol.route is Route.IV and chart.session.dose.volume_ml is not None
            and chart.timeline.infusion_ended_at is not None)


def parse_pump_volume(text: str) -> float:
    """The volume typed from the pump's display, in mL ("27,5" as well as "27.5"); its
    bounds are the chart's (check_pump_volume), so this only refuses what is not a number."""
    cleaned = text.strip().removesuffix("mL").removesuffix("ml").strip().replace(",", ".")
    if not cleaned:
        raise ValidationError({"volume_ml": "type the volume infused from the pump, in mL"})
    try:
        return float(cleaned)
    except ValueError:
        raise ValidationError({"volume_ml": f"\"{text.strip()}\" is not a number of mL"}) from None


def check_pump_volume(chart: SessionChart, volume_ml: float) -> None:
    """A pump volume is confirmed for an IV infusion once it has ended, above 0 and not
    above the planned volume plus a small tolerance (a typing slip, not a reading)."""
    dose = chart.session.dose
    if chart.protocol.route is not Route.IV or dose.volume_ml is None:
        raise ValidationError({"volume_ml": "only an IV infusion has a pump volume"})
    if chart.timeline.infusion_ended_at is None:
        raise ValidationError({"volume_ml": "confirm the pump's volume once the infusion "
                                            "has ended"})
    most = dose.volume_ml + max(VOLUME_TOLERANCE_ML, dose.volume_ml * VOLUME_TOLERANCE_FRACTION)
    if not math.isfinite(volume_ml) or volume_ml <= 0:
        raise ValidationError({"volume_ml": "must be above 0 mL"})
    if volume_ml > most:
        planned = format_amount(dose.volume_ml, "mL")
        raise ValidationError({"volume_ml": f"above the planned {planned} "
                                            f"(at most {format_amount(most, 'mL')})"})


def planned_infusion_time(protocol: Protocol, dose: Dose) -> timedelta:
    """How long dosing should take: the protocol's infusion time, or for intranasal devices
    the spacing between the first and the last device."""
    if dose.devices is not None:
        return timedelta(minutes=(dose.devices - 1) * (protocol.dosing.minutes_between_devices
                                                       or 0))
    return timedelta(minutes=protocol.dosing.infusion_minutes)


def weight_based_dose(
    protocol: Protocol, weight_kg: float, mg_per_kg: float, concentration: float | None
) -> Dose:
    """Total mg (to 0.1 mg) and, for IV, the volume and pump rate over the infusion time."""
    total = round(weight_kg * mg_per_kg, 1)
    if protocol.route is not Route.IV or concentration is None:
        return Dose(total_mg=total, mg_per_kg=mg_per_kg)
    volume = total / concentration
    rate = volume / (protocol.dosing.infusion_minutes / 60)
    return Dose(
        total_mg=total,
        mg_per_kg=mg_per_kg,
        concentration_mg_per_ml=concentration,
        volume_ml=rounded_within(volume),
        pump_rate_ml_per_h=rounded_within(rate),
    )


def device_dose(protocol: Protocol, devices: int) -> Dose:
    mg_per_device = protocol.dosing.mg_per_device or 0
    return Dose(total_mg=devices * mg_per_device, devices=devices)


def parse_dose(
    typed: Mapping[str, str],
    protocol: Protocol,
    weight_kg: float,
    ranges: PlausibleRanges = DEFAULT_RANGES,
    *,
    first_treatment: bool = False,
) -> Dose:
    """The dose from the session form's text (`mg_per_kg` and `concentration`, or `devices`),
    refused outside the protocol's bounds (see `check_dose`)."""
    dosing = protocol.dosing
    if dosing.unit is DoseUnit.DEVICES:
        allowed = dosing.allowed_devices
        try:
            devices = whole_number(typed.get("devices", ""), Range(min(allowed), max(allowed), ""))
        except FieldProblem as problem:
            raise ValidationError({"devices": f"{problem} (devices of "
                                   f"{dosing.mg_per_device:g} mg)"}) from None
        dose = device_dose(protocol, devices)
        check_dose(protocol, weight_kg, dose, first_treatment=first_treatment)
        return dose
    reasons: dict[str, str] = {}
    mg_per_kg = 0.0
    try:
        mg_per_kg = decimal_number(typed.get("mg_per_kg", ""), Range(0, 10_000, "mg/kg"))
    except FieldProblem as problem:
        reasons["mg_per_kg"] = str(problem)
    concentration = None
    if protocol.route is Route.IV:
        try:
            concentration = decimal_number(typed.get("concentration", ""),
                                           ranges.concentration_mg_per_ml)
        except FieldProblem as problem:
            reasons["concentration"] = str(problem)
    if reasons:
        raise ValidationError(reasons)
    dose = weight_based_dose(protocol, weight_kg, mg_per_kg, concentration)
    check_dose(protocol, weight_kg, dose, first_treatment=first_treatment)
    return dose


def check_dose(protocol: Protocol, weight_kg: float, dose: Dose, *,
               first_treatment: bool = False) -> None:
    """Every dose rule, by the form and again by the store (a script is a path in too): the
    dose is what weight, mg/kg and concentration give (or the devices' mg), and inside the
    protocol's bounds. Refused with every field at fault named."""
    dosing = protocol.dosing
    if not (math.isfinite(weight_kg) and weight_kg in DEFAULT_RANGES.weight_kg):
        raise ValidationError({"weight_kg": f"must be {DEFAULT_RANGES.weight_kg.describe()}"})
    if dosing.unit is DoseUnit.DEVICES:
        reasons = _device_problems(dosing, dose, first_treatment)
    else:
        reasons = _weight_problems(protocol, weight_kg, dose)
    if reasons:
        raise ValidationError(reasons)


def _device_problems(dosing: Dosing, dose: Dose, first_treatment: bool) -> dict[str, str]:
    devices = dose.devices
    per_device = dosing.mg_per_device or 0
    if devices is None or devices not in dosing.allowed_devices:
        return {"devices": "must be one of " + ", ".join(map(str, dosing.allowed_devices))
                           + f" (devices of {per_device:g} mg)"}
    first_most = dosing.first_treatment_max_devices
    if first_treatment and first_most is not None and devices > first_most:
        return {"devices": f"at most {first_most} on the first treatment of a course "
                           f"({first_most * per_device:g} mg on day 1)"}
    if not math.isclose(dose.total_mg, devices * per_device):
        return {"total_mg": f"must be {devices} x {per_device:g} mg"}
    return {}


def _weight_problems(protocol: Protocol, weight_kg: float, dose: Dose) -> dict[str, str]:
    dosing, reasons = protocol.dosing, {}
    mg_per_kg = dose.mg_per_kg
    lowest, highest = dosing.min_mg_per_kg, dosing.max_mg_per_kg or 0
    if mg_per_kg is None or not math.isfinite(mg_per_kg) or mg_per_kg <= 0:
        return {"mg_per_kg": "must be above 0"}
    if mg_per_kg < lowest:
        reasons["mg_per_kg"] = f"below the protocol's minimum of {lowest:g} mg/kg"
    elif mg_per_kg > highest:
        reasons["mg_per_kg"] = f"above the protocol's maximum of {highest:g} mg/kg"
    concentration = dose.concentration_mg_per_ml
    if protocol.route is Route.IV:
        low, high = dosing.min_concentration_mg_per_ml, dosing.max_concentration_mg_per_ml
        if concentration is None or not low <= concentration <= high:
            reasons["concentration"] = f"must be {low:g} to {high:g} mg/mL"
    expected = weight_based_dose(protocol, weight_kg, mg_per_kg,
                                 concentration if "concentration" not in reasons else None)
    if expected.total_mg > dosing.max_total_mg:
        reasons.setdefault("mg_per_kg", f"{expected.total_mg:g} mg is above the protocol's "
                                        f"ceiling of {dosing.max_total_mg:g} mg")
    if reasons:
        return reasons
    for name in ("total_mg", "volume_ml", "pump_rate_ml_per_h", "concentration_mg_per_ml"):
        found, wanted = getattr(dose, name), getattr(expected, name)
        if found != wanted and (found is None or wanted is None
                                or not math.isclose(found, wanted, rel_tol=1e-6)):
            reasons[name] = f"must be {wanted} for {weight_kg:g} kg at {mg_per_kg:g} mg/kg"
    return reasons
