"""Appointments: sessions booked for a time and chair before the patient arrives, so the
room shows who is coming; checking in starts the session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem
from ketamonitor.core.patient import Patient
from ketamonitor.core.protocol import Protocol

#: How far back a booking may be typed (a patient booked after they arrived).
BOOKING_PAST_LIMIT = timedelta(hours=12)


@dataclass(frozen=True)
class AppointmentDraft:
    patient_id: int
    protocol_id: str
    chair: str
    scheduled_for: datetime


@dataclass(frozen=True)
class Appointment:
    id: int
    patient_id: int
    patient_name: str
    mrn: str
    protocol_id: str
    chair: str
    scheduled_for: datetime
    session_id: int | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None

    @property
    def is_waiting(self) -> bool:
        """Booked, not yet checked in and not cancelled: what the room lists as coming."""
        return self.session_id is None and self.cancelled_at is None


def parse_appointment(typed: Mapping[str, str], patient: Patient, protocol: Protocol, *,
                      now: datetime, zone: tzinfo) -> AppointmentDraft:
    """A booking for today at the typed time (HH:MM) in the typed chair."""
    reasons: dict[str, str] = {}
    chair = " ".join(typed.get("chair", "").split())
    if not chair:
        reasons["chair"] = "required"
    when = now
    text = typed.get("time", "")
    try:
        when = _today_at(text, now, zone)
        if when < now - BOOKING_PAST_LIMIT:
            reasons["time"] = "is more than 12 hours ago"
    except FieldProblem as problem:
        reasons["time"] = str(problem)
    if reasons:
        raise ValidationError(reasons)
    return AppointmentDraft(patient.id, protocol.id, chair, when)


def _today_at(text: str, now: datetime, zone: tzinfo) -> datetime:
    parts = text.strip().replace(".", ":").split(":")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise FieldProblem("use HH:MM")
    hours, minutes = int(parts[0]), int(parts[1])
    if hours > 23 or minutes > 59:
        raise FieldProblem("not a time of day")
    local = now.astimezone(zone).replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return local.astimezone(now.tzinfo)


def cancellation_reason(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationError({"reason": "say why the appointment is cancelled"})
    return cleaned
