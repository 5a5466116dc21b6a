"""A booking typed for today: a time of day (HH:MM, or H.MM) in the room's own zone and a
chair; up to 12 hours back is allowed (a patient booked after they arrived), and a
cancellation needs its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ketamonitor.core.appointments import (
    Appointment,
    cancellation_reason,
    parse_appointment,
)
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import Patient, parse_patient

ZONE = timezone(timedelta(hours=2))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # 14:00 in the room
PATIENT = Patient(4, parse_patient({"mrn": "A-100", "family_name": "Vries", "given_name": "Jan",
                                    "birth_date": "1970-01-31", "weight_kg": "81"},
                                   today=NOW.date()), NOW)


def _book(library, time: str, chair: str = " 3 "):
    protocol = library.protocol("iv-racemic-ketamine")
    return parse_appointment({"time": time, "chair": chair}, PATIENT, protocol, now=NOW,
                             zone=ZONE)


@pytest.mark.parametrize(("typed", "utc_hour", "utc_minute"), [
    ("15:30", 13, 30), ("9.05", 7, 5), (" 23:59 ", 21, 59), ("02:00", 0, 0),
])
def test_a_time_of_day_is_booked_today_in_the_rooms_zone(library, typed, utc_hour, utc_minute):
    draft = _book(library, typed)
    assert draft.scheduled_for == NOW.replace(hour=utc_hour, minute=utc_minute)
    assert (draft.patient_id, draft.protocol_id, draft.chair) == (
        4, "iv-racemic-ketamine", "3")


@pytest.mark.parametrize(("typed", "chair", "field", "words"), [
    ("01:59", "3", "time", "more than 12 hours ago"),  # 12 h 1 min back
    ("24:00", "3", "time", "not a time of day"),
    ("12:60", "3", "time", "not a time of day"),
    ("noon", "3", "time", "use HH:MM"),
    ("1530", "3", "time", "use HH:MM"),
    ("15:30", "  ", "chair", "required"),
])
def test_a_booking_out_of_bounds_is_refused_per_field(library, typed, chair, field, words):
    with pytest.raises(ValidationError) as refused:
        _book(library, typed, chair)
    assert words in refused.value.reasons[field]


def test_a_cancellation_needs_its_reason_tidied():
    assert cancellation_reason("  patient   unwell ") == "patient unwell"
    with pytest.raises(ValidationError, match="say why"):
        cancellation_reason("   ")


@pytest.mark.parametrize(("session_id", "cancelled_at", "waiting"), [
    (None, None, True), (7, None, False), (None, NOW, False),
])
def test_a_booking_is_waiting_until_checked_in_or_cancelled(session_id, cancelled_at, waiting):
    booking = Appointment(1, 4, "VRIES, Jan", "A-100", "iv", "3", NOW, session_id, cancelled_at)
    assert booking.is_waiting is waiting
