"""Starting a session: who, which chair, which protocol, and the dose worked out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ketamonitor.core.dose import Dose, parse_dose
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, decimal_number
from ketamonitor.core.patient import Patient
from ketamonitor.core.protocol import Protocol
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges


@dataclass(frozen=True)
class SessionSetup:
    patient_id: int
    protocol: Protocol
    chair: str
    nurse: str
    weight_kg: float
    dose: Dose
    prescriber: str | None = None


def parse_session_setup(
    typed: Mapping[str, str],
    patient: Patient,
    protocol: Protocol,
    ranges: PlausibleRanges = DEFAULT_RANGES,
) -> SessionSetup:
    """The session form's text as a setup, or every reason it cannot start.

    The weight is asked again at each session (defaulting to the last one): a dose worked out
    from last month's weight is a dosing error.
    """
    reasons: dict[str, str] = {}
    chair = " ".join(typed.get("chair", "").split())
    nurse = " ".join(typed.get("nurse", "").split())
    prescriber = " ".join(typed.get("prescriber", "").split()) or None
    if prescriber and len(prescriber) > 80:
        reasons["prescriber"] = "at most 80 characters"
    if not chair:
        reasons["chair"] = "required"
    elif len(chair) > 20:
        reasons["chair"] = "at most 20 characters"
    if not nurse:
        reasons["nurse"] = "required"
    weight = None
    try:
        weight = round(decimal_number(typed.get("weight_kg", ""), ranges.weight_kg), 1)
    except FieldProblem as problem:
        reasons["weight_kg"] = str(problem)
    dose = None
    if weight is not None:
        try:
            dose = parse_dose(typed, protocol, weight, ranges)
        except ValidationError as error:
            reasons.update(error.reasons)
    if reasons or weight is None or dose is None:
        raise ValidationError(reasons)
    return SessionSetup(patient.id, protocol, chair, nurse, weight, dose, prescriber)
