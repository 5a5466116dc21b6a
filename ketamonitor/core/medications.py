"""Medicines given during a session besides the ketamine dose: the clinic's list (data, in
resources/medications.toml or the clinic's own file), and the checks every medicine given
passes before it is charted, from the dialog or any other path.

The list's `max_dose` catches slips (4000 for 4 mg), per route and unit; it is not a
prescribing limit. What was ordered and by whom is charted with each medicine.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, clock_time_in_session, entry_time_problem
from ketamonitor.core.protocol import ProtocolError
from ketamonitor.core.records import MedicationGiven

#: The top-level `kind` of a medicines file (a clinic's own replaces the shipped one).
MEDICINES_KIND = "medicines"
#: Routes a medicine may be given by.
ROUTES = ("IV", "PO", "SL", "IM", "IN", "inhaled", "SC")
#: Units a dose may be given in: a closed set, so "mq" in a clinic file is refused at load.
UNITS = ("mg", "mcg", "g", "mL", "L", "L/min", "units", "mmol")
#: The longest name typed for who ordered or gave a medicine.
NAME_MAX_CHARACTERS = 80
#: No medicine list can mean a single dose above this, in any unit.
_LARGEST_MAX_DOSE = 100_000

#: The words of each field, wherever a medicine given is shown (page, dialog, summary).
FIELD_WORDS = {
    "drug": "Medicine",
    "dose": "Dose",
    "unit": "Unit",
    "route": "Route",
    "time": "Time given",
    "ordered_by": "Ordered by",
    "given_by": "Given by",
}
#: The summary's section title.
SECTION_TITLE = "Medicines given"


class DrugClass(StrEnum):
    ANTIEMETIC = "antiemetic"
    ANTIHYPERTENSIVE = "antihypertensive"  # sets the BP recheck (the protocol's [recheck])
    BENZODIAZEPINE = "benzodiazepine"
    OXYGEN = "oxygen"
    FLUID = "fluid"
    OTHER = "other"


@dataclass(frozen=True)
class Medicine:
    id: str
    label: str
    drug_class: DrugClass
    units: tuple[str, ...]
    default_unit: str
    routes: tuple[str, ...]
    default_route: str
    #: The largest plausible single dose, by route, then unit.
    max_dose: Mapping[str, Mapping[str, float]]

    def largest(self, route: str, unit: str) -> float:
        return self.max_dose[route][unit]


@dataclass(frozen=True)
class MedicineList:
    id: str
    version: int
    title: str
    medicines: tuple[Medicine, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(medicine.id for medicine in self.medicines)

    def find(self, medicine_id: str) -> Medicine | None:
        for medicine in self.medicines:
            if medicine.id == medicine_id:
                return medicine
        return None


@dataclass(frozen=True)
class MedicationEntry:
    """A medicine given, as typed or sent, before it is charted."""

    drug: str
    dose: float
    unit: str
    route: str
    given_at: datetime
    ordered_by: str
    given_by: str
    #: The alert it answered, when given for one.
    alert_id: int | None = None


# -- the list -----------------------------------------------------------------------------


def parse_medicines(text: str) -> MedicineList:
    """The medicines list from its TOML text, or a ProtocolError naming the key at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProtocolError(f"not valid TOML: {error}") from error
    if data.get("kind") != MEDICINES_KIND:
        raise ProtocolError.at("kind", f'must be "{MEDICINES_KIND}"')
    entries = data.get("medicines")
    if not isinstance(entries, list) or not entries:
        raise ProtocolError.at("medicines", "must list at least one medicine")
    medicines: list[Medicine] = []
    for number, entry in enumerate(entries):
        medicine = _medicine(entry, f"medicines[{number}]")
        if medicine.id in {m.id for m in medicines}:
            raise ProtocolError.at(f"medicines[{number}].id", f"{medicine.id} is used twice")
        medicines.append(medicine)
    return MedicineList(id=_text(data, "id", ""), version=_version(data),
                        title=_text(data, "title", ""), medicines=tuple(medicines))


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError.at(f"{where}{key}", "must be a text, not empty")
    return value.strip()


def _version(data: Mapping[str, Any]) -> int:
    value = data.get("version")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ProtocolError.at("version", "must be a whole number from 1")
    return value


def _choices(data: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...]
             ) -> tuple[str, ...]:
    values = data.get(key)
    if not isinstance(values, list) or not values:
        raise ProtocolError.at(f"{where}{key}", "must list at least one")
    for value in values:
        if value not in allowed:
            raise ProtocolError.at(f"{where}{key}", f"{value!r} is not one of "
                                                    f"{', '.join(allowed)}")
    if len(set(values)) != len(values):
        raise ProtocolError.at(f"{where}{key}", "names one twice")
    return tuple(values)


def _medicine(entry: object, at: str) -> Medicine:
    if not isinstance(entry, dict):
        raise ProtocolError.at(at, "must be a table")
    where = f"{at}."
    classes = tuple(c.value for c in DrugClass)
    drug_class = entry.get("class")
    if drug_class not in classes:
        raise ProtocolError.at(f"{where}class", f"must be one of {', '.join(classes)}")
    units = _choices(entry, "units", where, UNITS)
    routes = _choices(entry, "routes", where, ROUTES)
    default_unit = entry.get("default_unit", units[0])
    if default_unit not in units:
        raise ProtocolError.at(f"{where}default_unit", "must be one of its units")
    default_route = entry.get("default_route", routes[0])
    if default_route not in routes:
        raise ProtocolError.at(f"{where}default_route", "must be one of its routes")
    return Medicine(id=_text(entry, "id", where), label=_text(entry, "label", where),
                    drug_class=DrugClass(drug_class), units=units, default_unit=default_unit,
                    routes=routes, default_route=default_route,
                    max_dose=_max_dose(entry.get("max_dose"), f"{where}max_dose", units,
                                       routes))


def _max_dose(table: object, key: str, units: tuple[str, ...], routes: tuple[str, ...]
              ) -> dict[str, dict[str, float]]:
    """Every route by every unit: a dose with no largest plausible value is not checked,
    so none is left out."""
    if not isinstance(table, dict):
        raise ProtocolError.at(key, "must give, for each route, the largest dose per unit")
    largest: dict[str, dict[str, float]] = {}
    for route in routes:
        by_unit = table.get(route)
        if not isinstance(by_unit, dict):
            raise ProtocolError.at(f"{key}.{route}", "is missing")
        largest[route] = {}
        for unit in units:
            value = by_unit.get(unit)
            if (not isinstance(value, int | float) or isinstance(value, bool)
                    or not math.isfinite(value) or not 0 < value <= _LARGEST_MAX_DOSE):
                raise ProtocolError.at(f"{key}.{route}.{unit}",
                                       f"must be a number above 0, at most {_LARGEST_MAX_DOSE}")
            largest[route][unit] = float(value)
        extra_units = sorted(set(by_unit) - set(units))
        if extra_units:
            raise ProtocolError.at(f"{key}.{route}.{extra_units[0]}",
                                   "is not one of its units")
    extra_routes = sorted(set(table) - set(routes))
    if extra_routes:
        raise ProtocolError.at(f"{key}.{extra_routes[0]}", "is not one of its routes")
    return largest


# -- a medicine given ---------------------------------------------------------------------


def check_medication(entry: MedicationEntry, medicines: MedicineList, *, now: datetime,
                     session_began: datetime, zone: tzinfo) -> Medicine:
    """Refuse a medicine given that must not be charted, whatever the path (dialog or
    script), with every reason keyed by field; the list's medicine when it may."""
    reasons: dict[str, str] = {}
    medicine = medicines.find(entry.drug)
    if medicine is None:
        reasons["drug"] = ("choose one from the list" if not entry.drug.strip()
                           else "is not in the clinic's medicines list")
    dose_problem = _dose_problem(entry.dose)
    if dose_problem:
        reasons["dose"] = dose_problem
    if medicine is not None:
        reasons.update(_fits_medicine(entry, medicine, checked_dose=not dose_problem))
    time_problem = entry_time_problem(entry.given_at, now=now, session_began=session_began,
                                      zone=zone)
    if time_problem:
        reasons["time"] = time_problem
    for field in ("ordered_by", "given_by"):
        problem = _name_problem(getattr(entry, field))
        if problem:
            reasons[field] = problem
    if reasons or medicine is None:
        raise ValidationError(reasons)
    return medicine


def _dose_problem(dose: float) -> str | None:
    if isinstance(dose, bool) or not isinstance(dose, int | float) or not math.isfinite(dose):
        return "not a number"
    if dose <= 0:
        return "must be above 0"
    return None


def _fits_medicine(entry: MedicationEntry, medicine: Medicine, *,
                   checked_dose: bool) -> dict[str, str]:
    reasons: dict[str, str] = {}
    if entry.unit not in medicine.units:
        reasons["unit"] = f"{medicine.label} is given in {' or '.join(medicine.units)}"
    if entry.route not in medicine.routes:
        reasons["route"] = f"{medicine.label} is given {' or '.join(medicine.routes)}"
    if reasons or not checked_dose:
        return reasons
    largest = medicine.largest(entry.route, entry.unit)
    if entry.dose > largest:
        reasons["dose"] = (f"at most {largest:g} {entry.unit} {entry.route} for "
                           f"{medicine.label.lower()}: check the dose")
    return reasons


def _name_problem(name: str) -> str | None:
    cleaned = " ".join(name.split())
    if not cleaned:
        return "required"
    if len(cleaned) > NAME_MAX_CHARACTERS:
        return f"at most {NAME_MAX_CHARACTERS} characters"
    return None


def parse_medication(typed: Mapping[str, str], medicines: MedicineList, *, now: datetime,
                     session_began: datetime, zone: tzinfo,
                     alert_id: int | None = None) -> MedicationEntry:
    """A medicine given from the dialog's text (`time` empty means now), or every reason it
    cannot be charted at once, keyed by field."""
    reasons: dict[str, str] = {}
    dose = math.nan
    dose_text = typed.get("dose", "").strip()
    if not dose_text:
        reasons["dose"] = "required"
    else:
        try:
            dose = float(dose_text.replace(",", "."))
        except ValueError:
            reasons["dose"] = "not a number"
    try:
        given_at = clock_time_in_session(typed.get("time", ""), now, zone, session_began)
    except FieldProblem as problem:
        reasons["time"] = str(problem)
        given_at = now
    entry = MedicationEntry(
        drug=typed.get("drug", "").strip(), dose=dose, unit=typed.get("unit", "").strip(),
        route=typed.get("route", "").strip(), given_at=given_at,
        ordered_by=" ".join(typed.get("ordered_by", "").split()),
        given_by=" ".join(typed.get("given_by", "").split()), alert_id=alert_id)
    try:
        check_medication(entry, medicines, now=now, session_began=session_began, zone=zone)
    except ValidationError as refused:
        raise ValidationError({**refused.reasons, **reasons}) from None
    if reasons:
        raise ValidationError(reasons)
    return entry


def dose_words(dose: float, unit: str, route: str) -> str:
    """A dose as every view shows it: "4 mg IV", "2 L/min inhaled"."""
    return f"{dose:g} {unit} {route}"


def given_words(given: MedicationGiven) -> str:
    """A medicine given in a few words, the same on the chart, the page and the summary:
    "Ondansetron 4 mg IV"."""
    return f"{given.label} {dose_words(given.dose, given.unit, given.route)}"
