"""What was typed, turned into numbers and times: a comma taken for the decimal point, a
number at its band's edge kept and one beyond refused in words, a wall-clock time taken on
the session's own night, and an entry's time neither before the session nor in the future."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ketamonitor.core.parsing import (
    FieldProblem,
    calendar_date,
    clock_time_in_session,
    decimal_number,
    entry_time_problem,
    local_moment,
    typed_decimal,
    whole_number,
)
from ketamonitor.core.ranges import Range

ZONE = timezone(timedelta(hours=1))
HR = Range(20, 250, "/min")
FLOW = Range(0.5, 15, "L/min")


@pytest.mark.parametrize(("typed", "number"), [("72,5", 72.5), (" 72.5 ", 72.5), ("80", 80.0)])
def test_a_decimal_is_read_with_a_comma_or_a_point(typed, number):
    assert typed_decimal(typed) == number


@pytest.mark.parametrize(("typed", "number"), [("20", 20), ("250", 250), (" 88 ", 88),
                                                ("90,0", 90)])
def test_a_whole_number_at_its_bands_edges_is_kept(typed, number):
    assert whole_number(typed, HR) == number


@pytest.mark.parametrize(("typed", "words"), [
    ("", "required"), ("  ", "required"), ("fast", "not a number"),
    ("88.5", "must be a whole number"), ("19", "must be 20–250 /min"),
    ("251", "must be 20–250 /min"),
])
def test_a_whole_number_out_of_bounds_is_refused_in_words(typed, words):
    with pytest.raises(FieldProblem, match=words):
        whole_number(typed, HR)


@pytest.mark.parametrize(("typed", "result"), [
    ("0,5", 0.5), ("15", 15.0), ("0.49", "must be 0.5–15 L/min"), ("15.1", "must be"),
    ("nan", "must be"), ("", "required"), ("lots", "not a number"),
])
def test_a_decimal_number_is_kept_within_its_band_only(typed, result):
    if isinstance(result, float):
        assert decimal_number(typed, FLOW) == result
    else:
        with pytest.raises(FieldProblem, match=result):
            decimal_number(typed, FLOW)


BEGAN = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 23:00 in the room
AFTER_MIDNIGHT = datetime(2026, 11, 23, 23, 10, tzinfo=UTC)  # 00:10 in the room


@pytest.mark.parametrize(("typed", "moment"), [
    ("", AFTER_MIDNIGHT),
    ("23:30", datetime(2026, 11, 23, 22, 30, tzinfo=UTC)),  # last night, in the session
    ("23.00", BEGAN),  # the session's first minute
    ("2300", BEGAN),
    ("00:05", datetime(2026, 11, 23, 23, 5, tzinfo=UTC)),
    ("22:59", datetime(2026, 11, 24, 21, 59, tzinfo=UTC)),  # before the session: today's
])
def test_a_clock_time_is_the_latest_such_time_within_the_session(typed, moment):
    assert clock_time_in_session(typed, AFTER_MIDNIGHT, ZONE, BEGAN) == moment


@pytest.mark.parametrize(("typed", "words"), [
    ("24:00", "not a time of day"), ("12:60", "not a time of day"), ("noon", "use HH:MM"),
    ("1:2", "use HH:MM"),
])
def test_a_clock_time_that_is_not_one_is_refused(typed, words):
    with pytest.raises(FieldProblem, match=words):
        clock_time_in_session(typed, AFTER_MIDNIGHT, ZONE, BEGAN)


def test_a_late_entry_names_its_day_and_time_both_required():
    assert local_moment("2026-11-22", "07:45", ZONE) == datetime(2026, 11, 22, 6, 45, tzinfo=UTC)
    with pytest.raises(FieldProblem, match="required \\(HH:MM\\)"):
        local_moment("2026-11-22", " ", ZONE)
    with pytest.raises(FieldProblem, match="use YYYY-MM-DD"):
        local_moment("22/11/2026", "07:45", ZONE)
    with pytest.raises(FieldProblem, match="required"):
        calendar_date("")
    assert calendar_date(" 2026-02-28 ") == date(2026, 2, 28)


@pytest.mark.parametrize(("moment", "problem"), [
    (AFTER_MIDNIGHT, None),
    (AFTER_MIDNIGHT + timedelta(seconds=1), "is in the future"),
    (BEGAN, None),
    (BEGAN.replace(second=30) - timedelta(seconds=30), None),  # the session's minute
    (BEGAN - timedelta(minutes=1), "is before the session began (23:00)"),
])
def test_an_entrys_time_lies_between_the_sessions_first_minute_and_now(moment, problem):
    began = BEGAN.replace(second=30)
    assert entry_time_problem(moment, now=AFTER_MIDNIGHT, session_began=began,
                              zone=ZONE) == problem


def test_the_minute_typed_as_it_is_now_is_now_even_in_a_session_a_day_long():
    long_ago = AFTER_MIDNIGHT - timedelta(days=2)
    assert clock_time_in_session("00:10", AFTER_MIDNIGHT, ZONE, long_ago) == AFTER_MIDNIGHT
    assert clock_time_in_session("00:11", AFTER_MIDNIGHT, ZONE, long_ago) == (
        AFTER_MIDNIGHT + timedelta(minutes=1) - timedelta(days=1))
