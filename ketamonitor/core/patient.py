"""A patient as registered, and the checks on what the registration form holds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, calendar_date, decimal_number
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges

_MRN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/.]{0,31}$")


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
        names[field] = " ".join(typed.get(field, "").split())
        if not names[field]:
            reasons[field] = "required"
        elif len(names[field]) > 80:
            reasons[field] = "at most 80 characters"
    birth_date = today
    try:
        birth_date = calendar_date(typed.get("birth_date", ""))
        if birth_date > today:
            reasons["birth_date"] = "is in the future"
        elif age_on(birth_date, today) not in ranges.age_years:
            reasons["birth_date"] = f"age must be {ranges.age_years.describe()}"
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
