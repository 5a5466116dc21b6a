"""Dose arithmetic: total mg from weight, and the pump rate for an IV infusion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, decimal_number, whole_number
from ketamonitor.core.protocol import DoseUnit, Protocol, Route
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges, Range


@dataclass(frozen=True)
class Dose:
    total_mg: float
    mg_per_kg: float | None = None
    devices: int | None = None
    concentration_mg_per_ml: float | None = None
    volume_ml: float | None = None
    pump_rate_ml_per_h: float | None = None

    def describe(self) -> str:
        """The dose as a nurse reads it back: "0.5 mg/kg = 36 mg at 54 mL/h"."""
        if self.devices is not None:
            return f"{self.devices} devices = {self.total_mg:g} mg"
        text = f"{self.mg_per_kg:g} mg/kg = {self.total_mg:g} mg"
        if self.pump_rate_ml_per_h is not None:
            text += (f" ({self.volume_ml:g} mL at {self.concentration_mg_per_ml:g} mg/mL, "
                     f"pump {self.pump_rate_ml_per_h:g} mL/h)")
        return text


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
        volume_ml=round(volume, 1),
        pump_rate_ml_per_h=round(rate, 1),
    )


def device_dose(protocol: Protocol, devices: int) -> Dose:
    mg_per_device = protocol.dosing.mg_per_device or 0
    return Dose(total_mg=devices * mg_per_device, devices=devices)


def parse_dose(
    typed: Mapping[str, str],
    protocol: Protocol,
    weight_kg: float,
    ranges: PlausibleRanges = DEFAULT_RANGES,
) -> Dose:
    """The dose from the session form's text (`mg_per_kg` and `concentration`, or `devices`),
    refused above the protocol's maximum."""
    dosing = protocol.dosing
    reasons: dict[str, str] = {}
    if dosing.unit is DoseUnit.DEVICES:
        allowed = dosing.allowed_devices
        try:
            devices = whole_number(typed.get("devices", ""), Range(min(allowed), max(allowed), ""))
            if devices not in allowed:
                raise FieldProblem("must be one of " + ", ".join(map(str, allowed)))
        except FieldProblem as problem:
            raise ValidationError({"devices": f"{problem} (devices of "
                                   f"{dosing.mg_per_device:g} mg)"}) from None
        return device_dose(protocol, devices)
    maximum = dosing.max_mg_per_kg or 0
    mg_per_kg = 0.0
    try:
        mg_per_kg = decimal_number(typed.get("mg_per_kg", ""), Range(0, 10_000, "mg/kg"))
        if mg_per_kg <= 0:
            raise FieldProblem("must be above 0")
        if mg_per_kg > maximum:
            raise FieldProblem(f"above the protocol's maximum of {maximum:g} mg/kg")
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
    return weight_based_dose(protocol, weight_kg, mg_per_kg, concentration)
