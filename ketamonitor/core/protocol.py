"""A protocol: the clinic's numbers for one kind of session, read from TOML.

A session keeps the text of the protocol it started with, so a later change of the clinic's
numbers never rewrites what an old chart was measured against.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from ketamonitor.core.phases import Phase


class Route(StrEnum):
    IV = "iv"
    INTRANASAL = "intranasal"
    IM = "im"

    @property
    def label(self) -> str:
        return {"iv": "IV", "intranasal": "Intranasal", "im": "IM"}[self.value]


class DoseUnit(StrEnum):
    MG_PER_KG = "mg_per_kg"
    DEVICES = "devices"


class ObservationStart(StrEnum):
    INFUSION_END = "infusion_end"
    DOSE_START = "dose_start"


class ProtocolError(ValueError):
    """A protocol file that cannot be used, naming the key that is wrong."""


@dataclass(frozen=True)
class Dosing:
    """How the dose is given. For devices the dosing time follows from the device count (see
    `dose.planned_infusion_time`); for weight-based doses it is `infusion_minutes`."""

    unit: DoseUnit
    end_tolerance_minutes: float
    infusion_minutes: float = 0.0
    default_mg_per_kg: float | None = None
    max_mg_per_kg: float | None = None
    default_concentration_mg_per_ml: float | None = None
    mg_per_device: float | None = None
    allowed_devices: tuple[int, ...] = ()
    default_devices: int | None = None
    minutes_between_devices: float | None = None


@dataclass(frozen=True)
class Thresholds:
    predose_systolic_above: int
    predose_diastolic_above: int
    stop_systolic_above: int
    stop_diastolic_above: int
    heart_rate_above: int
    heart_rate_below: int
    spo2_below: int
    respiratory_rate_below: int
    respiratory_rate_above: int
    moaas_at_or_below: int


@dataclass(frozen=True)
class DischargeRules:
    aldrete_at_least: int
    bp_within_percent_of_baseline: float


@dataclass(frozen=True)
class ChecklistSet:
    pre_session: str
    dissociation: str
    side_effects: str
    discharge: str
    scales: tuple[str, ...]


@dataclass(frozen=True)
class Protocol:
    id: str
    version: int
    name: str
    route: Route
    dosing: Dosing
    observation_minutes: float
    observation_starts_at: ObservationStart
    vitals_every_minutes: dict[Phase, float]
    overdue_grace_minutes: float
    thresholds: Thresholds
    discharge: DischargeRules
    checklists: ChecklistSet
    source_text: str

    @property
    def observation_time(self) -> timedelta:
        return timedelta(minutes=self.observation_minutes)

    def vitals_interval(self, phase: Phase) -> timedelta | None:
        """How often vitals are due in `phase`; None where none are due (finished sessions)."""
        minutes = self.vitals_every_minutes.get(phase)
        return None if minutes is None else timedelta(minutes=minutes)


def parse_protocol(text: str) -> Protocol:
    """Read a protocol from its TOML text, refusing missing or nonsensical numbers."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProtocolError(f"not valid TOML: {error}") from error
    reader = _Reader(data)
    dose = reader.table("dose")
    unit = reader.enum(DoseUnit, dose, "dose.unit")
    if unit is DoseUnit.MG_PER_KG:
        dosing = Dosing(
            unit=unit,
            end_tolerance_minutes=reader.non_negative(dose, "dose.end_tolerance_minutes"),
            infusion_minutes=reader.positive(dose, "dose.infusion_minutes"),
            default_mg_per_kg=reader.positive(dose, "dose.default_mg_per_kg"),
            max_mg_per_kg=reader.positive(dose, "dose.max_mg_per_kg"),
            default_concentration_mg_per_ml=reader.positive(
                dose, "dose.default_concentration_mg_per_ml"),
        )
        if dosing.default_mg_per_kg > dosing.max_mg_per_kg:  # type: ignore[operator]
            raise ProtocolError("dose.default_mg_per_kg is above dose.max_mg_per_kg")
    else:
        allowed = tuple(int(n) for n in reader.value(dose, "dose.allowed_devices", list))
        dosing = Dosing(
            unit=unit,
            end_tolerance_minutes=reader.non_negative(dose, "dose.end_tolerance_minutes"),
            mg_per_device=reader.positive(dose, "dose.mg_per_device"),
            allowed_devices=allowed,
            default_devices=int(reader.positive(dose, "dose.default_devices")),
            minutes_between_devices=reader.positive(dose, "dose.minutes_between_devices"),
        )
        if not allowed or dosing.default_devices not in allowed:
            raise ProtocolError("dose.default_devices must be one of dose.allowed_devices")
    observation = reader.table("observation")
    every = reader.table("vitals_every_minutes")
    intervals = {
        phase: reader.non_negative(every, f"vitals_every_minutes.{phase.value}")
        for phase in Phase if not phase.is_finished
    }
    limits = reader.table("thresholds")
    discharge = reader.table("discharge")
    lists = reader.table("checklists")
    return Protocol(
        id=reader.value(data, "id", str),
        version=reader.value(data, "version", int),
        name=reader.value(data, "name", str),
        route=reader.enum(Route, data, "route"),
        dosing=dosing,
        observation_minutes=reader.positive(observation, "observation.minimum_minutes"),
        observation_starts_at=reader.enum(ObservationStart, observation, "observation.starts_at"),
        vitals_every_minutes=intervals,
        overdue_grace_minutes=reader.non_negative(
            every, "vitals_every_minutes.overdue_grace_minutes"),
        thresholds=Thresholds(**{
            name: int(reader.non_negative(limits, f"thresholds.{name}"))
            for name in Thresholds.__dataclass_fields__
        }),
        discharge=DischargeRules(
            aldrete_at_least=int(reader.non_negative(discharge, "discharge.aldrete_at_least")),
            bp_within_percent_of_baseline=reader.positive(
                discharge, "discharge.bp_within_percent_of_baseline"),
        ),
        checklists=ChecklistSet(
            pre_session=reader.value(lists, "checklists.pre_session", str),
            dissociation=reader.value(lists, "checklists.dissociation", str),
            side_effects=reader.value(lists, "checklists.side_effects", str),
            discharge=reader.value(lists, "checklists.discharge", str),
            scales=tuple(reader.value(lists, "checklists.scales", list)),
        ),
        source_text=text,
    )


class _Reader:
    """Typed lookups into parsed TOML that name the dotted key when something is wrong."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def table(self, key: str) -> dict[str, Any]:
        return self.value(self._data, key, dict)

    @staticmethod
    def value(table: dict[str, Any], dotted: str, kind: type) -> Any:
        key = dotted.rsplit(".", 1)[-1]
        if key not in table:
            raise ProtocolError(f"{dotted} is missing")
        found = table[key]
        if kind in (int, float) and isinstance(found, bool):
            raise ProtocolError(f"{dotted} must be a number")
        if kind is float and isinstance(found, int):
            return float(found)
        if not isinstance(found, kind):
            raise ProtocolError(f"{dotted} must be a {kind.__name__}")
        return found

    def positive(self, table: dict[str, Any], dotted: str) -> float:
        number = self.value(table, dotted, float)
        if number <= 0:
            raise ProtocolError(f"{dotted} must be above 0")
        return number

    def non_negative(self, table: dict[str, Any], dotted: str) -> float:
        number = self.value(table, dotted, float)
        if number < 0:
            raise ProtocolError(f"{dotted} must not be negative")
        return number

    def enum(self, kind: type[StrEnum], table: dict[str, Any], dotted: str) -> Any:
        text = self.value(table, dotted, str)
        try:
            return kind(text)
        except ValueError:
            choices = ", ".join(member.value for member in kind)
            raise ProtocolError(f"{dotted} must be one of {choices}") from None
