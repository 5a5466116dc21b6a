"""Appointments: booked ahead, checked in once (starting the session), or cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketamonitor.core.appointments import parse_appointment
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.setup import parse_session_setup
from tests.people import audit_of


def book(store, clock, patient, time="09:15", chair="2"):
    protocol = store.library.protocol("iv-racemic-ketamine")
    return store.schedule_appointment(parse_appointment(
        {"time": time, "chair": chair}, patient, protocol, now=clock.now(),
        zone=clock.local_zone))


def day(clock):
    start = clock.now().replace(hour=0, minute=0)
    return start, start + timedelta(days=1)


def test_a_booking_is_listed_until_it_is_checked_in(store, charting, clock):
    patient = charting.patient()
    appointment_id = book(store, clock, patient)
    (booked,) = store.appointments_between(*day(clock))
    assert (booked.chair, booked.patient_name, booked.is_waiting) == ("2", "RIVERA, Ana", True)
    assert booked.scheduled_for.strftime("%H:%M") == "09:15"
    setup = parse_session_setup({"chair": "2", "nurse": "Ana", "weight_kg": "72",
                                 "mg_per_kg": "0.5", "concentration": "1"}, patient,
                                store.library.protocol("iv-racemic-ketamine"))
    session_id = store.start_session(setup, appointment_id=appointment_id)
    (booked,) = store.appointments_between(*day(clock))
    assert booked.session_id == session_id and not booked.is_waiting
    with pytest.raises(ValidationError, match="checked in"):
        store.start_session(setup, appointment_id=appointment_id)


def test_a_cancelled_booking_keeps_its_reason_and_cannot_be_checked_in(store, charting, clock):
    appointment_id = book(store, clock, charting.patient())
    with pytest.raises(ValidationError, match="say why"):
        store.cancel_appointment(appointment_id, " ")
    store.cancel_appointment(appointment_id, "Patient unwell, rebooked")
    (booked,) = store.appointments_between(*day(clock))
    assert booked.cancel_reason == "Patient unwell, rebooked" and not booked.is_waiting
    actions = [r["action"] for r in audit_of(store)
               if r["entity"] in ("appointments", "appointment_cancellations")]
    assert actions == ["appointments.create", "appointments.cancel"]
    with pytest.raises(ValidationError, match="cancelled"):
        store.cancel_appointment(appointment_id, "again")


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"time": "9", "chair": "1"}, "time", "HH:MM"),
    ({"time": "25:00", "chair": "1"}, "time", "not a time"),
    ({"time": "09:00", "chair": " "}, "chair", "required"),
])
def test_a_booking_needs_a_time_and_a_chair(store, charting, clock, typed, field, words):
    protocol = store.library.protocol("iv-racemic-ketamine")
    with pytest.raises(ValidationError) as refused:
        parse_appointment(typed, charting.patient(), protocol, now=clock.now(),
                          zone=clock.local_zone)
    assert words in refused.value.reasons[field]
