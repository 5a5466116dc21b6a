"""Amendments read back: each field's value after its last amendment (by time, then by the
order written), and an entry in error while its last status amendment says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ketamonitor.core.amendments import (
    ENTERED_IN_ERROR,
    STATUS,
    Amendment,
    is_in_error,
    latest_values,
)

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _amend(id_: int, field: str, new: str | None, minutes: int = 0) -> Amendment:
    return Amendment(id_, "vitals", 1, field, None, new, "typo", AT + timedelta(minutes=minutes),
                     "nurse.ana")


def test_no_amendment_leaves_no_value():
    assert latest_values(()) == {}
    assert not is_in_error(())


def test_each_field_takes_its_last_amendment_by_time_whatever_the_order_given():
    later, earlier = _amend(1, "hr", "90", minutes=5), _amend(2, "hr", "80", minutes=1)
    other = _amend(3, "spo2", "97", minutes=2)
    assert latest_values((later, other, earlier)) == {"hr": "90", "spo2": "97"}


def test_two_amendments_at_one_moment_are_read_in_the_order_written():
    assert latest_values((_amend(9, "hr", "95"), _amend(4, "hr", "85"))) == {"hr": "95"}


def test_an_amendment_may_clear_a_value():
    assert latest_values((_amend(1, "etco2", "38"), _amend(2, "etco2", None, 1))) == {
        "etco2": None}


def test_an_entry_is_in_error_while_its_last_status_says_so():
    in_error = _amend(1, STATUS, ENTERED_IN_ERROR)
    assert is_in_error((in_error,))
    assert not is_in_error((in_error, _amend(2, STATUS, "valid", minutes=1)))
    assert is_in_error((_amend(2, STATUS, "valid", minutes=-1), in_error))
    assert not is_in_error((_amend(1, "hr", ENTERED_IN_ERROR),))  # only the status field
