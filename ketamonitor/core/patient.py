"""A patient as registered, and the checks on what the registration form holds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, calendar_date, decimal_number
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges
from ketamonitor.core.text import check_name, check_number

_MRN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/.]{0,31}$")
#: No one charted was born before it: an earlier year is a slip.
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class PatientDetails:
    mrn: str
    family_name: str
    given_name: str
    birth_date: date
    weight_kg: float
    is_demo: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"


@dataclass(frozen=True)
class Patient:
    id: int
    details: PatientDetails
    registered_at: datetime

    @property
    def mrn(self) -> str:
        return self.details.mrn

    @property
    def display_name(self) -> str:
        return self.details.display_name


def age_on(birth_date: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def parse_patient(
    typed: Mapping[str, str], *, today: date, ranges: PlausibleRanges = DEFAULT_RANGES
) -> PatientDetails:
    """Registration details from the form's text, or every reason they cannot be saved."""
    reasons: dict[str, str] = {}
    mrn = typed.get("mrn", "").strip()
    if not mrn:
        reasons["mrn"] = "required"
    elif not _MRN.match(mrn):
        reasons["mrn"] = "letters, digits, - / . only (up to 32)"
    names = {}
    for field in ("family_name", "given_name"):
        try:
            names[field] = check_name(field, typed.get(field, ""))
        except ValidationError as refused:
            reasons.update(refused.reasons)
    birth_date = today
    try:
        birth_date = calendar_date(typed.get("birth_date", ""))
        problem = birth_date_problem(birth_date, today, ranges)
        if problem:
            reasons["birth_date"] = problem
    except FieldProblem as problem:
        reasons["birth_date"] = str(problem)
    weight = 0.0
    try:
        weight = decimal_number(typed.get("weight_kg", ""), ranges.weight_kg)
    except FieldProblem as problem:
        reasons["weight_kg"] = str(problem)
    if reasons:
        raise ValidationError(reasons)
    return PatientDetails(
        mrn=mrn,
        family_name=names["family_name"],
        given_name=names["given_name"],
        birth_date=birth_date,
        weight_kg=round(weight, 1),
    )


def birth_date_problem(birth_date: date, today: date,
                       ranges: PlausibleRanges = DEFAULT_RANGES) -> str | None:
    """Why a birth date cannot be a patient's (in the future, before 1900, or an age
    beyond the form's range), or None."""
    if birth_date > today:
        return "is in the future"
    if birth_date < EARLIEST_BIRTH:
        return f"is before {EARLIEST_BIRTH.year}: check the year"
    if age_on(birth_date, today) not in ranges.age_years:
        return f"age must be {ranges.age_years.describe()}"
    return None


def check_details(details: PatientDetails, *, today: date,
                  ranges: PlausibleRanges = DEFAULT_RANGES) -> PatientDetails:
    """The store's re-check of registration details, whoever made them (the form's
    `parse_patient`, a script, an import): every field as the form would take it, each
    value of the type it must be; ValidationError with every reason otherwise."""
    reasons: dict[str, str] = {}
    if not isinstance(details.mrn, str) or not _MRN.match(details.mrn):
        reasons["mrn"] = "letters, digits, - / . only (up to 32)"
    names = {}
    for field in ("family_name", "given_name"):
        try:
            names[field] = check_name(field, getattr(details, field))
        except ValidationError as refused:
            reasons.update(refused.reasons)
    if isinstance(details.birth_date, datetime) or not isinstance(details.birth_date, date):
        reasons["birth_date"] = "must be a date"
    else:
        problem = birth_date_problem(details.birth_date, today, ranges)
        if problem:
            reasons["birth_date"] = problem
    try:
        check_number("weight_kg", details.weight_kg, ranges.weight_kg)
    except ValidationError as refused:
        reasons.update(refused.reasons)
    if not isinstance(details.is_demo, bool):
        reasons["is_demo"] = "must be True or False"
    if reasons:
        raise ValidationError(reasons)
    return PatientDetails(details.mrn, names["family_name"], names["given_name"],
                          details.birth_date, details.weight_kg, details.is_demo)
