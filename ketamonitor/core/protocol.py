"""A protocol: the clinic's numbers for one kind of session, read from TOML.

A session keeps the text of the protocol it started with, so a later change of the clinic's
numbers never rewrites what an old chart was measured against.
"""

from __future__ import annotations

import math
import operator
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypedDict, TypeVar, cast

from ketamonitor.core.phases import Phase
from ketamonitor.core.ranges import DEFAULT_RANGES, Range


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


class Resolution(StrEnum):
    """What must have resolved before observation can end (esketamine: all three, REMS)."""

    SEDATION = "sedation"
    DISSOCIATION = "dissociation"
    RESPIRATORY_DEPRESSION = "respiratory_depression"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class ProtocolError(ValueError):
    """A protocol file that cannot be used, naming the key that is wrong.

    `key` is the dotted key at fault ("dose.infusion_minutes"), when there is one, and
    `problem` what is wrong with it ("must be above 0"): a form shows the problem beside the
    key's field; a list of refused files shows the whole message.
    """

    def __init__(self, message: str, *, key: str | None = None,
                 problem: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.problem = problem or message

    @classmethod
    def at(cls, key: str, problem: str) -> ProtocolError:
        return cls(f"{key} {problem}", key=key, problem=problem)


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
    #: Bounds added with issue 17; a recorded protocol without them takes these defaults.
    min_mg_per_kg: float = 0.1
    max_total_mg: float = 200.0
    min_concentration_mg_per_ml: float = 0.1
    max_concentration_mg_per_ml: float = 100.0
    #: Esketamine: the most devices on the first treatment of a course (56 mg on day 1).
    first_treatment_max_devices: int | None = None


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
class CriticalLines:
    """The critical tier: a reading here looks and sounds different from a line crossed,
    repeats until acknowledged and is never merged into an older alert. Defaults [U]
    (CLINICAL.md: World SIVA sentinel SpO2 < 75 %; MOAA/S 0-1 is deep sedation)."""

    spo2_below: int = 85
    systolic_at_or_above: int = 200
    diastolic_at_or_above: int = 120
    respiratory_rate_at_or_below: int = 6
    heart_rate_above: int = 140
    heart_rate_below: int = 40
    moaas_at_or_below: int = 1


@dataclass(frozen=True)
class WorseningSteps:
    """How much further out an acknowledged run must go to be raised again [U]."""

    bp_mmhg: int = 10
    spo2_points: int = 3
    heart_rate_per_min: int = 10
    respiratory_rate_per_min: int = 2
    moaas_points: int = 1


@dataclass(frozen=True)
class LowBpLines:
    """Hypotension [S]: SBP or MAP below its line, or a fall from the baseline BP."""

    systolic_below: int = 90
    map_below: int = 65
    fall_from_baseline_percent: float = 20.0


@dataclass(frozen=True)
class RecheckRules:
    """A BP recheck sooner than the routine cadence [U]: after an out-of-line reading
    (until back inside the lines), after an antihypertensive; and a reminder when an
    infusion stays paused."""

    after_out_of_line_minutes: float = 5.0
    after_antihypertensive_minutes: float = 10.0
    pause_reminder_minutes: float = 15.0


@dataclass(frozen=True)
class Etco2Lines:
    """End-tidal CO2 lines for clinics with capnography [U] (35-45 mmHg is usual)."""

    above: int = 50
    below: int = 30


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
    rems: str | None = None  # the Spravato REMS monitoring questions, for esketamine


@dataclass(frozen=True)
class VitalsChecks:
    """BP checks besides the periodic ones: at fixed minutes after the dose (esketamine: 40),
    and one before discharge, taken within `before_discharge_minutes` of the end."""

    after_dose_minutes: tuple[float, ...] = ()
    before_discharge_minutes: float = 15.0


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
    checks: VitalsChecks = VitalsChecks()
    until_resolved: tuple[Resolution, ...] = ()
    critical: CriticalLines = CriticalLines()
    worsening: WorseningSteps = WorseningSteps()
    low_bp: LowBpLines = LowBpLines()
    recheck: RecheckRules = RecheckRules()
    etco2: Etco2Lines = Etco2Lines()

    @property
    def observation_time(self) -> timedelta:
        """The observation time; one that cannot be meant (an old chart's protocol, read as
        recorded) is the longest span, so the clock never overflows counting to it."""
        return minutes_span(self.observation_minutes) or LONGEST_SPAN

    def vitals_interval(self, phase: Phase) -> timedelta | None:
        """How often vitals are due in `phase`; None where none are due periodically
        (finished sessions, or 0 minutes: esketamine's checks are at fixed times), and
        where the interval cannot be meant (longer than a day: an old chart's protocol read
        as recorded, from before the schema's bounds): the caller shows none due."""
        span = minutes_span(self.vitals_every_minutes.get(phase))
        return None if span is None or span > timedelta(days=1) else span


#: No span a protocol gives is taken as longer than this (a month): a number that the schema
#: refuses today may stand in an old chart's protocol, read as recorded, and the clocks
#: adding it to a moment must never overflow (1e12 minutes once did, in the timers).
LONGEST_SPAN = timedelta(days=31)
_LONGEST_SPAN_MINUTES = LONGEST_SPAN / timedelta(minutes=1)


def minutes_span(minutes: float | None) -> timedelta | None:
    """`minutes` as a span; None for none (0 or absent) or one that cannot be meant (not
    finite, negative, or beyond `LONGEST_SPAN`)."""
    if not minutes or not math.isfinite(minutes) or minutes < 0:
        return None
    if minutes > _LONGEST_SPAN_MINUTES:
        return None
    return timedelta(minutes=minutes)


def parse_protocol(text: str, *, as_recorded: bool = False) -> Protocol:
    """Read a protocol from its TOML text, refusing missing or impossible numbers.

    `as_recorded` reads back the protocol a session was charted under: it was checked when
    the session began, so only its shape is needed, and a rule added later (or a key a later
    version no longer knows) never makes an old chart unreadable.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProtocolError(f"not valid TOML: {error}") from error
    reader = _Reader(data, ceiling=RECORDED_CEILING if as_recorded else None)
    route = reader.enum(Route, data, "route")
    observation = reader.table("observation")
    every = reader.table("vitals_every_minutes")
    intervals = {
        phase: reader.non_negative(every, f"vitals_every_minutes.{phase.value}")
        for phase in Phase if not phase.is_finished
    }
    limits = reader.table("thresholds")
    discharge = reader.table("discharge")
    lists = reader.table("checklists")
    checks = reader.optional_table("vitals_checks")
    protocol = Protocol(
        id=reader.value(data, "id", str),
        version=reader.value(data, "version", int),
        name=reader.value(data, "name", str),
        route=route,
        dosing=_dosing(reader, route),
        observation_minutes=reader.positive(observation, "observation.minimum_minutes"),
        observation_starts_at=reader.enum(ObservationStart, observation, "observation.starts_at"),
        vitals_every_minutes=intervals,
        overdue_grace_minutes=reader.non_negative(
            every, "vitals_every_minutes.overdue_grace_minutes"),
        thresholds=Thresholds(**{
            name: reader.whole(limits, f"thresholds.{name}")
            for name in Thresholds.__dataclass_fields__
        }),
        discharge=DischargeRules(
            aldrete_at_least=reader.whole(discharge, "discharge.aldrete_at_least"),
            bp_within_percent_of_baseline=reader.positive(
                discharge, "discharge.bp_within_percent_of_baseline"),
        ),
        checklists=ChecklistSet(
            pre_session=reader.value(lists, "checklists.pre_session", str),
            dissociation=reader.value(lists, "checklists.dissociation", str),
            side_effects=reader.value(lists, "checklists.side_effects", str),
            discharge=reader.value(lists, "checklists.discharge", str),
            scales=tuple(reader.value(lists, "checklists.scales", list)),
            rems=reader.value_or(lists, "checklists.rems", str, None),
        ),
        source_text=text,
        checks=VitalsChecks(
            after_dose_minutes=tuple(
                float(n) for n in reader.value_or(checks, "vitals_checks.after_dose_minutes",
                                                  list, [])),
            before_discharge_minutes=reader.value_or(
                checks, "vitals_checks.before_discharge_minutes", float, 15.0),
        ),
        until_resolved=tuple(
            reader.enum_value(Resolution, "observation.until_resolved", item)
            for item in reader.value_or(observation, "observation.until_resolved", list, [])),
        critical=_optional_lines(reader, "critical", CriticalLines),
        worsening=_optional_lines(reader, "worsening", WorseningSteps),
        low_bp=_optional_lines(reader, "low_bp", LowBpLines),
        recheck=_optional_lines(reader, "recheck", RecheckRules),
        etco2=_optional_lines(reader, "etco2", Etco2Lines),
    )
    if not as_recorded:
        reader.refuse_unknown_keys()
        check_protocol_numbers(protocol)
    return protocol


#: An old chart's protocol is read as recorded, unchecked: a number above this (no sane
#: one comes near: the schema's largest bound is a day in minutes) is read as this, so that
#: no clock, dose or rule adding it can overflow (`infusing = 1e12` once stopped the window
#: opening; a TOML whole number may be 9e18).
RECORDED_CEILING = 100_000

_Lines = TypeVar("_Lines")


def _optional_lines(reader: _Reader, table_name: str, kind: type[_Lines]) -> _Lines:
    """A table of lines added after the first protocols: a file (or an old chart's
    recorded protocol) without it, or without one of its keys, takes the defaults."""
    table = reader.optional_table(table_name)
    defaults = kind()
    values = {}
    for name, field in kind.__dataclass_fields__.items():  # type: ignore[attr-defined]
        number_kind = int if field.type in (int, "int") else float
        values[name] = reader.value_or(table, f"{table_name}.{name}", number_kind,
                                       getattr(defaults, name))
    return kind(**values)


def _dosing(reader: _Reader, route: Route) -> Dosing:
    dose = reader.table("dose")
    unit = reader.enum(DoseUnit, dose, "dose.unit")
    tolerance = reader.non_negative(dose, "dose.end_tolerance_minutes")
    if unit is DoseUnit.MG_PER_KG:
        # An IM injection is given at once: its dosing time may be 0, and "Infusion complete"
        # may follow the injection straight away.
        minutes = reader.non_negative if route is Route.IM else reader.positive
        return Dosing(
            unit=unit,
            end_tolerance_minutes=tolerance,
            infusion_minutes=minutes(dose, "dose.infusion_minutes"),
            default_mg_per_kg=reader.positive(dose, "dose.default_mg_per_kg"),
            max_mg_per_kg=reader.positive(dose, "dose.max_mg_per_kg"),
            default_concentration_mg_per_ml=reader.positive(
                dose, "dose.default_concentration_mg_per_ml"),
            **_dose_bounds(reader, dose),
        )
    first = reader.value_or(dose, "dose.first_treatment_max_devices", int, None)
    return Dosing(
        unit=unit,
        end_tolerance_minutes=tolerance,
        mg_per_device=reader.positive(dose, "dose.mg_per_device"),
        allowed_devices=tuple(reader.value(dose, "dose.allowed_devices", list)),
        default_devices=reader.value(dose, "dose.default_devices", int),
        minutes_between_devices=reader.positive(dose, "dose.minutes_between_devices"),
        first_treatment_max_devices=first,
    )


_DOSE_BOUNDS = ("min_mg_per_kg", "max_total_mg", "min_concentration_mg_per_ml",
                "max_concentration_mg_per_ml")


class _DoseBounds(TypedDict):
    """The dose bounds `Dosing` takes by name (`_DOSE_BOUNDS`), each a float."""

    min_mg_per_kg: float
    max_total_mg: float
    min_concentration_mg_per_ml: float
    max_concentration_mg_per_ml: float


def _dose_bounds(reader: _Reader, dose: dict[str, Any]) -> _DoseBounds:
    """The dose bounds added after the first protocols: a file (or an old chart's recorded
    protocol) without one takes the default."""
    defaults = Dosing(unit=DoseUnit.MG_PER_KG, end_tolerance_minutes=0)
    return cast(_DoseBounds, {
        name: reader.value_or(dose, f"dose.{name}", float, getattr(defaults, name))
        for name in _DOSE_BOUNDS})


#: The lines are read against these scores: MOAA/S runs 0-5, the Modified Aldrete 0-10.
MOAAS_SCORES = Range(0, 5, "")
ALDRETE_SCORES = Range(0, 10, "")
#: The scale the discharge rule scores (`discharge.aldrete_at_least`).
DISCHARGE_SCALE = "modified_aldrete"
_PROTOCOL_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_MINUTES_BETWEEN_CHECKS = Range(0, 240, "min")

#: The protocol schema: every number a protocol file may hold, and the bounds outside which
#: it cannot be meant (a typing slip: `infusing = 1e12` once overflowed the timers and the
#: window could not open after login). A list's bounds hold for each of its numbers. The
#: thresholds' bounds are what can be charted (a line outside them never flags); the other
#: tables' are plausible clinical ranges. Below, `PROTOCOL_ORDER` says how lines stand
#: against each other. A number outside is refused at load, naming the key and the bounds.
PROTOCOL_SCHEMA: dict[str, Range] = {
    "dose.default_mg_per_kg": Range(0.01, 5, "mg/kg"),
    "dose.max_mg_per_kg": Range(0.05, 5, "mg/kg"),
    "dose.default_concentration_mg_per_ml": DEFAULT_RANGES.concentration_mg_per_ml,
    "dose.infusion_minutes": Range(1, 240, "min"),  # an IM injection: 0 (given at once)
    "dose.end_tolerance_minutes": Range(0, 30, "min"),
    "dose.mg_per_device": Range(1, 200, "mg"),
    "dose.allowed_devices": Range(1, 10, "devices"),
    "dose.default_devices": Range(1, 10, "devices"),
    "dose.minutes_between_devices": Range(1, 30, "min"),
    "dose.min_mg_per_kg": Range(0.01, 5, "mg/kg"),
    "dose.max_total_mg": Range(10, 1000, "mg"),
    "dose.min_concentration_mg_per_ml": DEFAULT_RANGES.concentration_mg_per_ml,
    "dose.max_concentration_mg_per_ml": DEFAULT_RANGES.concentration_mg_per_ml,
    "dose.first_treatment_max_devices": Range(1, 10, "devices"),
    "observation.minimum_minutes": Range(60, 24 * 60, "min"),
    **{f"vitals_every_minutes.{phase.value}": _MINUTES_BETWEEN_CHECKS
       for phase in Phase if not phase.is_finished},
    "vitals_every_minutes.overdue_grace_minutes": Range(0, 60, "min"),
    "vitals_checks.after_dose_minutes": Range(1, 24 * 60, "min"),
    "vitals_checks.before_discharge_minutes": Range(1, 120, "min"),
    "thresholds.predose_systolic_above": DEFAULT_RANGES.systolic,
    "thresholds.predose_diastolic_above": DEFAULT_RANGES.diastolic,
    "thresholds.stop_systolic_above": DEFAULT_RANGES.systolic,
    "thresholds.stop_diastolic_above": DEFAULT_RANGES.diastolic,
    "thresholds.heart_rate_above": DEFAULT_RANGES.heart_rate,
    "thresholds.heart_rate_below": DEFAULT_RANGES.heart_rate,
    "thresholds.spo2_below": DEFAULT_RANGES.spo2,
    "thresholds.respiratory_rate_below": DEFAULT_RANGES.respiratory_rate,
    "thresholds.respiratory_rate_above": DEFAULT_RANGES.respiratory_rate,
    "thresholds.moaas_at_or_below": MOAAS_SCORES,
    "critical.spo2_below": Range(50, 100, "%"),
    "critical.systolic_at_or_above": Range(100, 300, "mmHg"),
    "critical.diastolic_at_or_above": Range(60, 200, "mmHg"),
    "critical.respiratory_rate_at_or_below": Range(0, 20, "/min"),
    "critical.heart_rate_above": Range(60, 250, "/min"),
    "critical.heart_rate_below": Range(20, 100, "/min"),
    "critical.moaas_at_or_below": MOAAS_SCORES,
    "worsening.bp_mmhg": Range(1, 50, "mmHg"),
    "worsening.spo2_points": Range(1, 20, "points"),
    "worsening.heart_rate_per_min": Range(1, 60, "/min"),
    "worsening.respiratory_rate_per_min": Range(1, 20, "/min"),
    "worsening.moaas_points": Range(1, 5, "points"),
    "low_bp.systolic_below": Range(50, 140, "mmHg"),
    "low_bp.map_below": Range(40, 100, "mmHg"),
    "low_bp.fall_from_baseline_percent": Range(5, 60, "%"),
    "recheck.after_out_of_line_minutes": Range(1, 60, "min"),
    "recheck.after_antihypertensive_minutes": Range(1, 60, "min"),
    "recheck.pause_reminder_minutes": Range(1, 240, "min"),
    "etco2.above": Range(20, 100, "mmHg"),
    "etco2.below": Range(10, 60, "mmHg"),
    "discharge.aldrete_at_least": ALDRETE_SCORES,
    "discharge.bp_within_percent_of_baseline": Range(1, 100, "%"),
}

#: (key, relation, other key): how two lines must stand, or one could never be read
#: sensibly (a pre-dose caution at or above the stop line is never shown: the stop flag
#: comes first; a critical line inside the line crossed would call every reading critical).
PROTOCOL_ORDER: tuple[tuple[str, str, str], ...] = (
    ("thresholds.heart_rate_below", "<", "thresholds.heart_rate_above"),
    ("thresholds.respiratory_rate_below", "<", "thresholds.respiratory_rate_above"),
    ("thresholds.predose_systolic_above", "<", "thresholds.stop_systolic_above"),
    ("thresholds.predose_diastolic_above", "<", "thresholds.stop_diastolic_above"),
    ("critical.spo2_below", "<=", "thresholds.spo2_below"),
    ("critical.systolic_at_or_above", ">", "thresholds.stop_systolic_above"),
    ("critical.diastolic_at_or_above", ">", "thresholds.stop_diastolic_above"),
    ("critical.respiratory_rate_at_or_below", "<", "thresholds.respiratory_rate_below"),
    ("critical.heart_rate_above", ">=", "thresholds.heart_rate_above"),
    ("critical.heart_rate_below", "<=", "thresholds.heart_rate_below"),
    ("critical.moaas_at_or_below", "<", "thresholds.moaas_at_or_below"),
    ("low_bp.systolic_below", "<", "thresholds.predose_systolic_above"),
    ("low_bp.map_below", "<", "low_bp.systolic_below"),
    ("etco2.below", "<", "etco2.above"),
    ("dose.min_mg_per_kg", "<=", "dose.default_mg_per_kg"),
    ("dose.min_concentration_mg_per_ml", "<=", "dose.default_concentration_mg_per_ml"),
    ("dose.max_concentration_mg_per_ml", ">=", "dose.default_concentration_mg_per_ml"),
)
_RELATIONS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "<": (operator.lt, "below"), "<=": (operator.le, "at most"),
    ">": (operator.gt, "above"), ">=": (operator.ge, "at least"),
}
#: Where each table of a file is kept on a `Protocol`.
_TABLE_ATTRIBUTES = {"dose": "dosing", "vitals_checks": "checks"}
_KEY_ATTRIBUTES = {"observation.minimum_minutes": "observation_minutes",
                   "vitals_every_minutes.overdue_grace_minutes": "overdue_grace_minutes"}


def protocol_number(protocol: Protocol, key: str) -> Any:
    """The number (or list of numbers) a protocol holds for a file's dotted `key`; None
    where the protocol has none (a weight-based dose has no mg per device)."""
    if key in _KEY_ATTRIBUTES:
        return getattr(protocol, _KEY_ATTRIBUTES[key])
    table, name = key.split(".")
    if table == "vitals_every_minutes":
        return protocol.vitals_every_minutes.get(Phase(name))
    return getattr(getattr(protocol, _TABLE_ATTRIBUTES.get(table, table)), name, None)


def check_protocol_numbers(protocol: Protocol) -> None:
    """Refuse numbers that cannot be meant, naming the key: outside the schema's bounds (a
    stop line of 1800 for 180, an interval of 1e12 minutes), out of order with another line
    (a lower limit at or above its upper one), a default dose above the maximum."""
    if not _PROTOCOL_ID.fullmatch(protocol.id):
        raise ProtocolError.at("id", "must be 1-64 lowercase letters, digits and dashes, "
                                     "starting with a letter or digit")
    if protocol.version < 1:
        raise ProtocolError.at("version", "must be 1 or more")
    if not protocol.name.strip():
        raise ProtocolError.at("name", "must not be empty")
    _check_dosing(protocol.route, protocol.dosing)
    _check_checks(protocol)
    _check_bounds(protocol)
    _check_order(protocol)
    lists = protocol.checklists
    for slot in ("pre_session", "dissociation", "side_effects", "discharge"):
        if not getattr(lists, slot).strip():
            raise ProtocolError.at(f"checklists.{slot}", "must not be empty")
    if not all(isinstance(scale, str) and scale.strip() for scale in lists.scales):
        raise ProtocolError.at("checklists.scales", "must be a list of scale ids")
    if len(set(lists.scales)) != len(lists.scales):
        raise ProtocolError.at("checklists.scales", "names a scale twice")
    if DISCHARGE_SCALE not in lists.scales:
        raise ProtocolError.at("checklists.scales", f"must include {DISCHARGE_SCALE} (the "
                                                    "discharge rule scores it)")


def _check_bounds(protocol: Protocol) -> None:
    for key, allowed in PROTOCOL_SCHEMA.items():
        found = protocol_number(protocol, key)
        if key == "dose.infusion_minutes" and (protocol.dosing.unit is DoseUnit.DEVICES
                                               or (protocol.route is Route.IM and found == 0)):
            continue  # devices' time follows from their count; an IM injection is at once
        numbers = found if isinstance(found, (list, tuple)) else [found]
        if any(number is not None and number not in allowed for number in numbers):
            raise ProtocolError.at(key, f"must be {allowed.describe()}")


def _check_order(protocol: Protocol) -> None:
    for key, relation, other in PROTOCOL_ORDER:
        holds, words = _RELATIONS[relation]
        value, line = protocol_number(protocol, key), protocol_number(protocol, other)
        if value is None or line is None:
            continue  # a number this kind of dose has not (devices have no mg/kg)
        if not holds(value, line):
            raise ProtocolError.at(key, f"must be {words} {other} ({line:g})")


def _check_checks(protocol: Protocol) -> None:
    """Periodic checks may be 0 (none) only where fixed checks after the dose stand in."""
    checks = protocol.checks
    if any(not (isinstance(n, float) and 0 < n <= 24 * 60) for n in checks.after_dose_minutes):
        raise ProtocolError.at("vitals_checks.after_dose_minutes",
                               "must be minutes above 0 and within a day")
    if not 0 < checks.before_discharge_minutes <= 120:
        raise ProtocolError.at("vitals_checks.before_discharge_minutes",
                               "must be above 0 and at most 120")
    dosing_phases = (Phase.INFUSING, Phase.PAUSED)
    if not checks.after_dose_minutes and not all(
            protocol.vitals_every_minutes.get(phase) for phase in dosing_phases):
        raise ProtocolError.at("vitals_every_minutes.infusing",
                               "must be above 0 (or give vitals_checks.after_dose_minutes)")
    if len(set(protocol.until_resolved)) != len(protocol.until_resolved):
        raise ProtocolError.at("observation.until_resolved", "names something twice")


def _check_dosing(route: Route, dosing: Dosing) -> None:
    if dosing.unit is DoseUnit.MG_PER_KG:
        if (dosing.default_mg_per_kg or 0) > (dosing.max_mg_per_kg or 0):
            raise ProtocolError.at("dose.default_mg_per_kg",
                                   f"is above dose.max_mg_per_kg ({dosing.max_mg_per_kg:g})")
        concentration = dosing.default_concentration_mg_per_ml or 0
        if concentration not in DEFAULT_RANGES.concentration_mg_per_ml:
            raise ProtocolError.at("dose.default_concentration_mg_per_ml", "must be "
                                   f"{DEFAULT_RANGES.concentration_mg_per_ml.describe()}")
        return
    if route is not Route.INTRANASAL:
        raise ProtocolError.at("dose.unit", "devices is only for route intranasal")
    allowed = dosing.allowed_devices
    if not allowed or not all(type(n) is int and n >= 1 for n in allowed):
        raise ProtocolError.at("dose.allowed_devices", "must be a list of whole numbers "
                                                       "of 1 or more")
    if dosing.default_devices not in allowed:
        raise ProtocolError.at("dose.default_devices", "must be one of dose.allowed_devices")


_KIND_WORDS = {int: "a whole number", float: "a number", str: "text", list: "a list",
               dict: "a table"}


class _Reader:
    """Typed lookups into parsed TOML that name the dotted key when something is wrong, and
    remember which keys were read so that any other key (a misspelling) can be refused."""

    def __init__(self, data: dict[str, Any], ceiling: float | None = None) -> None:
        self._data = data
        self._read: set[str] = set()
        self._ceiling = ceiling

    def table(self, key: str) -> dict[str, Any]:
        found: dict[str, Any] = self.value(self._data, key, dict)
        return found

    def optional_table(self, key: str) -> dict[str, Any]:
        found: dict[str, Any] = self.value_or(self._data, key, dict, {})
        return found

    def value_or(self, table: dict[str, Any], dotted: str, kind: type, default: Any) -> Any:
        """An optional key: its default when absent (older files lack later keys)."""
        key = dotted.rsplit(".", 1)[-1]
        return self.value(table, dotted, kind) if key in table else default

    def enum_value(self, kind: type[StrEnum], dotted: str, text: Any) -> Any:
        try:
            return kind(text)
        except ValueError:
            choices = ", ".join(member.value for member in kind)
            raise ProtocolError.at(dotted, f"must list only {choices}") from None

    def value(self, table: dict[str, Any], dotted: str, kind: type[Any]) -> Any:
        key = dotted.rsplit(".", 1)[-1]
        if key not in table:
            raise ProtocolError.at(dotted, "is missing")
        self._read.add(dotted)
        found = table[key]
        if kind in (int, float) and isinstance(found, bool):
            raise ProtocolError.at(dotted, f"must be {_KIND_WORDS[kind]}")
        # a whole float where a whole number is meant (1e3), a whole number where any is
        # (10): converted, then held to the ceiling like any other (they once returned here,
        # so a recorded 9e18 escaped it)
        if kind is int and isinstance(found, float) and found.is_integer():
            found = int(found)
        if kind is float and isinstance(found, int):
            found = float(found)
        if not isinstance(found, kind):
            raise ProtocolError.at(dotted, f"must be {_KIND_WORDS.get(kind, kind.__name__)}")
        if kind is float and not math.isfinite(found):
            raise ProtocolError.at(dotted, "must be a finite number")
        if kind in (int, float) and self._ceiling is not None and found > self._ceiling:
            return kind(self._ceiling)
        return found

    def whole(self, table: dict[str, Any], dotted: str) -> int:
        number: int = self.value(table, dotted, int)
        return number

    def positive(self, table: dict[str, Any], dotted: str) -> float:
        number: float = self.value(table, dotted, float)
        if number <= 0:
            raise ProtocolError.at(dotted, "must be above 0")
        return number

    def non_negative(self, table: dict[str, Any], dotted: str) -> float:
        number: float = self.value(table, dotted, float)
        if number < 0:
            raise ProtocolError.at(dotted, "must not be negative")
        return number

    def enum(self, kind: type[StrEnum], table: dict[str, Any], dotted: str) -> Any:
        text = self.value(table, dotted, str)
        try:
            return kind(text)
        except ValueError:
            choices = ", ".join(member.value for member in kind)
            raise ProtocolError.at(dotted, f"must be one of {choices}") from None

    def refuse_unknown_keys(self) -> None:
        """A key no rule reads is most likely a misspelt one whose number is silently
        ignored (`spo2_belwo = 90`): refuse it rather than guess."""
        for dotted in _dotted_keys(self._data):
            if dotted not in self._read:
                raise ProtocolError.at(dotted, "is not a known key")


def _dotted_keys(table: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        keys.append(dotted)
        if isinstance(value, dict):
            keys += _dotted_keys(value, f"{dotted}.")
    return keys
