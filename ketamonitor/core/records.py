"""What the record holds for a session, as read back from the store.

Each entry keeps what was first charted and the amendments made since; `current` gives the
value to show, and the original is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from ketamonitor.core.amendments import Amendment, is_in_error, latest_values
from ketamonitor.core.dose import Dose
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Protocol
from ketamonitor.core.times import from_stored
from ketamonitor.core.vitals import MEASUREMENTS, Vitals


@dataclass(frozen=True)
class SessionRecord:
    id: int
    patient_id: int
    protocol: Protocol
    chair: str
    nurse: str
    weight_kg: float
    dose: Dose
    began_at: datetime
    created_by: str
    prescriber: str | None = None


@dataclass(frozen=True)
class VitalsEntry:
    id: int
    session_id: int
    original: Vitals
    source: str
    entered_at: datetime
    entered_by: str
    amendments: tuple[Amendment, ...] = ()
    #: Why the set was charted after its session ended (a late entry); None otherwise.
    late_reason: str | None = None

    @property
    def in_error(self) -> bool:
        return is_in_error(self.amendments)

    @property
    def is_late(self) -> bool:
        return self.late_reason is not None

    @property
    def is_amended(self) -> bool:
        return bool(self.amendments)

    @cached_property
    def current(self) -> Vitals:
        """The reading as corrected by its amendments (worked out once: every view and
        rule asks for it, every tick)."""
        changes: dict[str, object] = {}
        for field, text in latest_values(self.amendments).items():
            if field in MEASUREMENTS:
                changes[field] = None if text in (None, "") else int(text)
            elif field == "observed_at" and text:
                changes[field] = from_stored(text)
        return replace(self.original, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class MedicationGiven:
    """A medicine given during a session besides the ketamine dose (an antiemetic, an
    antihypertensive, a benzodiazepine, oxygen, fluids): what, how much, how, when, and
    who ordered and gave it. `drug` is the id in the clinic's medicines list and
    `drug_class` its class there ("antihypertensive" sets the BP recheck)."""

    id: int
    session_id: int
    drug: str
    label: str
    drug_class: str
    dose: float
    unit: str
    route: str
    given_at: datetime
    ordered_by: str
    given_by: str
    entered_at: datetime
    entered_by: str
    #: The alert it answered, when given for one.
    alert_id: int | None = None
    amendments: tuple[Amendment, ...] = ()

    @property
    def in_error(self) -> bool:
        return is_in_error(self.amendments)


@dataclass(frozen=True)
class ChecklistEntry:
    id: int
    session_id: int
    checklist: str
    item: str
    label: str
    value: str
    observed_at: datetime
    entered_at: datetime
    entered_by: str
    severity: str | None = None
    intervention: str | None = None
    note: str | None = None
    amendments: tuple[Amendment, ...] = ()

    @property
    def in_error(self) -> bool:
        return is_in_error(self.amendments)


@dataclass(frozen=True)
class ScaleScore:
    id: int
    session_id: int
    scale: str
    timepoint: str | None
    total: int
    item_scores: dict[str, int]
    observed_at: datetime
    entered_at: datetime
    entered_by: str
    amendments: tuple[Amendment, ...] = ()

    @property
    def in_error(self) -> bool:
        return is_in_error(self.amendments)


class EventKind:
    """Event kinds besides the phase-change actions (whose kind is the action's value)."""

    NOTE = "note"
    INTERVENTION = "intervention"
    #: REMS: "if there were no 2-hour minimum, when would the patient have been ready?"
    READY_WITHOUT_MINIMUM = "ready_without_minimum"


@dataclass(frozen=True)
class Event:
    id: int
    session_id: int
    kind: str
    occurred_at: datetime
    entered_at: datetime
    entered_by: str
    phase: Phase | None = None
    text: str | None = None
    amendments: tuple[Amendment, ...] = ()

    @property
    def in_error(self) -> bool:
        return is_in_error(self.amendments)


@dataclass(frozen=True)
class SessionListing:
    """One line of a day's list of sessions: enough to find and open it."""

    session_id: int
    patient_id: int
    patient_name: str
    mrn: str
    chair: str
    protocol_name: str
    began_at: datetime
    phase: Phase
    phase_since: datetime
    nurse: str = ""


@dataclass(frozen=True)
class Administration:
    """A dose given: an intranasal device (its number of the dose), with time and lot."""

    id: int
    session_id: int
    item: str
    number: int
    amount_mg: float
    lot: str
    given_at: datetime
    entered_at: datetime
    entered_by: str


@dataclass(frozen=True)
class Override:
    """A physician's override: the start despite its holds, or a discharge despite its gaps.
    It names the very holds or gaps listed when it was given (`items`, in the gate's words),
    so a hold or gap that appears after it is not covered and holds again."""

    id: int
    session_id: int
    #: The phase-change action it lets go ahead (its value: "start_infusion", "discharge").
    action: str
    items: tuple[str, ...]
    reason: str
    physician: str
    physician_name: str
    overridden_at: datetime
    entered_by: str


@dataclass(frozen=True)
class RiskAssessment:
    """A physician's suicide-risk assessment after PHQ-9 item 9 was answered above "Not at
    all": the outcome and plan in the clinic's words (resources/risk_assessment.toml)."""

    id: int
    session_id: int
    outcome: str
    plan: str
    note: str | None
    physician: str
    entered_at: datetime
    entered_by: str


class EarlyEndOutcome(StrEnum):
    """How a session ended before discharge: the record says where the patient went."""

    TRANSFERRED = "transferred"
    AGAINST_ADVICE = "against_advice"
    PATIENT_REQUEST = "patient_request"
    CLINICAL_STOP = "clinical_stop"

    @property
    def label(self) -> str:
        return _EARLY_END_LABELS[self]


_EARLY_END_LABELS = {
    EarlyEndOutcome.TRANSFERRED: "Transferred to emergency care",
    EarlyEndOutcome.AGAINST_ADVICE: "Left against advice",
    EarlyEndOutcome.PATIENT_REQUEST: "Patient's request",
    EarlyEndOutcome.CLINICAL_STOP: "Clinical stop",
}


@dataclass(frozen=True)
class EarlyEnd:
    """What "End session early" records beside its phase event: the outcome, where the
    patient was transferred to (a transfer only) and the physician informed."""

    outcome: EarlyEndOutcome
    physician: str
    destination: str | None = None

    @property
    def summary(self) -> str:
        where = f" ({self.destination})" if self.destination else ""
        return f"{self.outcome.label}{where}; physician informed: {self.physician}"
