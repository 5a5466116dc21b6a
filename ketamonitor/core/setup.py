"""Starting a session: who, which chair, which protocol, and the dose worked out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ketamonitor.core.dose import Dose, parse_dose
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.core.parsing import FieldProblem, decimal_number, typed_decimal
from ketamonitor.core.patient import Patient
from ketamonitor.core.protocol import Protocol
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges
from ketamonitor.core.records import SessionListing
from ketamonitor.core.text import text_problem


@dataclass(frozen=True)
class SessionSetup:
    patient_id: int
    protocol: Protocol
    chair: str
    nurse: str
    weight_kg: float
    dose: Dose
    prescriber: str | None = None


#: What the session form's names may hold that tidying makes a space: a tab.
_TIDIED = frozenset("\t")

def parse_session_setup(
    typed: Mapping[str, str],
    patient: Patient,
    protocol: Protocol,
    ranges: PlausibleRanges = DEFAULT_RANGES,
    *,
    first_treatment: bool = False,
) -> SessionSetup:
    """The session form's text as a setup, or every reason it cannot start.

    The weight is asked again at each session (defaulting to the last one): a dose worked out
    from last month's weight is a dosing error.
    """
    reasons: dict[str, str] = {}
    for field in ("chair", "nurse", "prescriber"):
        # what the tidying below would keep, checked before it: a control character is
        # refused beside its field here, as the store would refuse the row
        problem = text_problem(typed.get(field, ""), allowed=_TIDIED)
        if problem:
            reasons[field] = problem
    chair = " ".join(typed.get("chair", "").split())
    nurse = " ".join(typed.get("nurse", "").split())
    prescriber = " ".join(typed.get("prescriber", "").split()) or None
    if prescriber and len(prescriber) > 80:
        reasons.setdefault("prescriber", "at most 80 characters")
    if not chair:
        reasons.setdefault("chair", "required")
    elif len(chair) > 20:
        reasons.setdefault("chair", "at most 20 characters")
    if not nurse:
        reasons.setdefault("nurse", "required")
    weight = None
    try:
        weight = round(decimal_number(typed.get("weight_kg", ""), ranges.weight_kg), 1)
    except FieldProblem as problem:
        reasons["weight_kg"] = str(problem)
    dose = None
    if weight is not None:
        try:
            dose = parse_dose(typed, protocol, weight, ranges,
                              first_treatment=first_treatment)
        except ValidationError as error:
            reasons.update(error.reasons)
    if reasons or weight is None or dose is None:
        raise ValidationError(reasons)
    return SessionSetup(patient.id, protocol, chair, nurse, weight, dose, prescriber)


def dose_preview(typed: Mapping[str, str], protocol: Protocol) -> Dose | None:
    """The dose the session form's text works out to, shown as the nurse types, or None
    while it cannot be worked out yet (the weight half typed, a dose outside the protocol).
    Only a preview: the weight's plausible range and the first treatment's limits are
    judged when the session starts (`parse_session_setup`), with their reasons."""
    try:
        return parse_dose(typed, protocol, typed_decimal(typed.get("weight_kg", "")))
    except (ValueError, ValidationError):
        return None


class PatientAlreadySeated(RuleError):
    """A patient is in one chair at a time: a second session is refused while one is open."""

    title = "Already in a chair"

    def __init__(self, open_session: SessionListing) -> None:
        self.open_session = open_session
        super().__init__(
            f"{open_session.patient_name} already has an open session in chair "
            f"{open_session.chair}: discharge it, or end it early, before starting another")


def check_no_open_session(patient_sessions: Iterable[SessionListing]) -> None:
    """Refuse a new session while the patient has one not yet discharged or stopped (a
    patient in observation in chair 3 is not started again in chair 5)."""
    for listing in patient_sessions:
        if not listing.phase.is_finished:
            raise PatientAlreadySeated(listing)
