"""Appointments: booked, checked in once, or cancelled with a reason."""

from __future__ import annotations

from datetime import datetime

from ketamonitor.core.appointments import Appointment, AppointmentDraft, cancellation_reason
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.permissions import Permission
from ketamonitor.core.times import to_stored
from ketamonitor.store import rows
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.parts import StoreCore

_APPOINTMENTS = """
    SELECT a.*, p.family_name, p.given_name, p.mrn,
           (SELECT s.id FROM sessions s WHERE s.appointment_id = a.id) AS session_id,
           c.cancelled_at, c.reason AS cancel_reason
    FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    LEFT JOIN appointment_cancellations c ON c.appointment_id = a.id
"""


class Bookings(StoreCore):
    """Appointments of the day: booked, checked in once, or cancelled with a reason."""

    def schedule_appointment(self, draft: AppointmentDraft) -> int:
        self._require(Permission.BOOK_APPOINTMENT)
        self.patient(draft.patient_id)
        values = {"patient_id": draft.patient_id, "protocol_id": draft.protocol_id,
                  "chair": draft.chair, "scheduled_for": to_stored(draft.scheduled_for),
                  "created_at": to_stored(self.clock.now()), "created_by": self.user}
        with self._transaction():
            return self._record("appointments", values)

    def cancel_appointment(self, appointment_id: int, reason: str) -> None:
        self._require(Permission.BOOK_APPOINTMENT)
        why = cancellation_reason(reason)
        self._check_appointment_open(appointment_id)
        values = {"appointment_id": appointment_id, "reason": why,
                  "cancelled_at": to_stored(self.clock.now()), "cancelled_by": self.user}
        with self._transaction():
            self._record("appointment_cancellations", values, action="appointments.cancel",
                         reason=why)

    def appointments_between(self, start: datetime, end: datetime) -> list[Appointment]:
        """Appointments booked for [start, end), with whether each was checked in or
        cancelled, in time order."""
        self._require(Permission.READ_RECORD)
        return [rows.appointment(row) for row in self._rows(
            f"{_APPOINTMENTS} WHERE a.scheduled_for >= ? AND a.scheduled_for < ? "
            "ORDER BY a.scheduled_for, a.id", [to_stored(start), to_stored(end)])]

    def appointment(self, appointment_id: int) -> Appointment:
        self._require(Permission.READ_RECORD)
        found = self._rows(f"{_APPOINTMENTS} WHERE a.id = ?", [appointment_id])
        if not found:
            raise UnknownRecord(f"no appointment {appointment_id}")
        return rows.appointment(found[0])

    def _check_appointment_open(self, appointment_id: int,
                                patient_id: int | None = None) -> None:
        booked = self.appointment(appointment_id)
        if booked.session_id is not None:
            raise ValidationError({"appointment": "this appointment has been checked in"})
        if booked.cancelled_at is not None:
            raise ValidationError({"appointment": "this appointment was cancelled"})
        if patient_id is not None and booked.patient_id != patient_id:
            raise ValidationError({"appointment": "this appointment is another patient's"})
