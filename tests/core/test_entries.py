"""Times typed on the right day, times shown with their date, and the late entry's rules:
a finished chart takes no entry as it happens; a late set names its date, time and reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.entries import (
    NOTE_MAX_CHARACTERS,
    check_chart_open_for_entries,
    check_free_text,
    parse_late_vitals,
)
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, clock_time_in_session, local_moment
from ketamonitor.core.phases import Phase
from ketamonitor.core.times import format_on_day
from ketamonitor.core.vitals import parse_vitals

ROOM = ZoneInfo("Europe/Paris")
BEGAN = datetime(2026, 11, 23, 8, 15, tzinfo=ROOM)
ENDED = datetime(2026, 11, 23, 11, 40, tzinfo=ROOM)
MONTH_LATER = datetime(2026, 12, 23, 6, 50, tzinfo=ROOM)


def test_a_time_typed_after_midnight_for_a_session_begun_before_it_is_last_night():
    began = datetime(2026, 11, 23, 22, 40, tzinfo=ROOM)
    now = datetime(2026, 11, 24, 0, 10, tzinfo=ROOM)
    assert clock_time_in_session("23:30", now, ROOM, began) == datetime(
        2026, 11, 23, 23, 30, tzinfo=ROOM)
    assert clock_time_in_session("00:05", now, ROOM, began) == datetime(
        2026, 11, 24, 0, 5, tzinfo=ROOM)


def test_the_most_recent_such_time_within_the_session_is_taken_not_only_past_twelve_hours():
    """A session begun yesterday at 10:00 and still charted at 09:00 today: 11:00 is
    yesterday's (today's is in the future), where the twelve-hour guess said 'future'."""
    began = datetime(2026, 11, 23, 10, 0, tzinfo=ROOM)
    now = datetime(2026, 11, 24, 9, 0, tzinfo=ROOM)
    assert clock_time_in_session("11:00", now, ROOM, began) == datetime(
        2026, 11, 23, 11, 0, tzinfo=ROOM)


def test_a_future_time_with_no_day_before_in_the_session_stays_refused_as_future():
    now = datetime(2026, 11, 23, 9, 0, tzinfo=ROOM)
    with pytest.raises(ValidationError) as refused:
        parse_vitals({"heart_rate": "70", "time": "09:05"}, now=now, session_began=BEGAN,
                     zone=ROOM)
    assert "future" in refused.value.reasons["time"]


def test_a_form_time_typed_after_midnight_is_charted_on_the_night_before():
    began = datetime(2026, 11, 23, 22, 40, tzinfo=ROOM)
    now = datetime(2026, 11, 24, 0, 10, tzinfo=ROOM)
    vitals = parse_vitals({"heart_rate": "70", "time": "23:30"}, now=now, session_began=began,
                          zone=ROOM)
    assert vitals.observed_at == datetime(2026, 11, 23, 23, 30, tzinfo=ROOM)


def test_a_time_shows_its_date_only_when_it_is_not_the_sessions_day():
    day = date(2026, 11, 23)
    assert format_on_day(datetime(2026, 11, 23, 6, 57, tzinfo=ROOM), ROOM, day) == "06:57"
    assert (format_on_day(datetime(2026, 11, 24, 0, 5, tzinfo=ROOM), ROOM, day)
            == "00:05 on Tue 24 Nov 2026")
    # the room's day, not UTC's: 00:30 in Paris is still the 23rd in UTC
    assert format_on_day(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), ROOM, day) != "00:30"


def test_date_and_time_are_both_required_for_a_late_entry():
    assert local_moment("2026-11-23", "10:05", ROOM) == datetime(2026, 11, 23, 10, 5,
                                                                  tzinfo=ROOM)
    with pytest.raises(FieldProblem):
        local_moment("", "10:05", ROOM)
    with pytest.raises(FieldProblem):
        local_moment("2026-11-23", "", ROOM)


def test_a_finished_chart_refuses_entries_as_they_happen_and_says_what_to_do():
    check_chart_open_for_entries(Phase.OBSERVATION, None, ROOM)
    with pytest.raises(ValidationError) as refused:
        check_chart_open_for_entries(Phase.DISCHARGED, ENDED, ROOM)
    words = refused.value.reasons["session"]
    assert "discharged at Mon 23 Nov 2026 11:40" in words and "late entry" in words


def late(**typed: str):
    fields = {"date": "2026-11-23", "time": "10:05", "systolic": "120", "diastolic": "80",
              "reason": "Written on paper during a power cut", **typed}
    return parse_late_vitals(fields, now=MONTH_LATER, session_began=BEGAN,
                             session_ended=ENDED, zone=ROOM)


def test_a_late_set_within_the_session_is_taken_with_its_reason():
    entry = late()
    assert entry.vitals.observed_at == datetime(2026, 11, 23, 10, 5, tzinfo=ROOM)
    assert entry.vitals.systolic == 120 and entry.reason == "Written on paper during a power cut"


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"reason": "  "}, "reason", "why"),
    ({"date": ""}, "date", "required"),
    ({"time": ""}, "time", "required"),
    ({"time": "08:00"}, "time", "before the session began (Mon 23 Nov 2026 08:15)"),
    ({"time": "11:45"}, "time", "after the session ended (Mon 23 Nov 2026 11:40)"),
    ({"date": "2026-12-24"}, "time", "in the future"),
    ({"systolic": "500"}, "systolic", "20–300"),
])
def test_a_late_set_is_refused_with_the_reason_beside_the_field(typed, field, words):
    with pytest.raises(ValidationError) as refused:
        late(**typed)
    assert words in refused.value.reasons[field]


def test_the_end_of_the_session_itself_is_within_it():
    assert late(time="11:40").vitals.observed_at == ENDED
    assert late(time="08:15").vitals.observed_at == BEGAN
    assert late(time="11:40").vitals.observed_at - BEGAN == timedelta(hours=3, minutes=25)


def test_free_text_over_the_cap_is_refused_naming_the_field_and_the_cap():
    check_free_text("reason", None)
    check_free_text("reason", " " + "x" * NOTE_MAX_CHARACTERS + "\n")  # as charted: trimmed
    with pytest.raises(ValidationError) as refused:
        check_free_text("reason", "x" * 11, cap=10)
    assert refused.value.reasons == {"reason": "at most 10 characters (11 typed)"}
