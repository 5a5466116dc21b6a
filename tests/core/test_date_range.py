"""A typed range of days for a log: both ends included, each bad end with its own reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.date_range import RangeEnds, local_day_bounds, parse_date_range
from ketamonitor.core.errors import ValidationError


def test_a_range_of_days_both_ends_included():
    assert parse_date_range("2026-01-01", " 2026-12-31 ") == (date(2026, 1, 1),
                                                             date(2026, 12, 31))
    assert parse_date_range("2026-03-04", "2026-03-04") == (date(2026, 3, 4), date(2026, 3, 4))


@pytest.mark.parametrize("from_text, to_text, reasons", [
    ("2026-03-31", "2026-03-01", {"to": "is before the first day 2026-03-31"}),
    ("31/03/2026", "2026-04-01", {"from": "not a date: use YYYY-MM-DD"}),
    ("2026-02-30", "yesterday", {"from": "not a day of the calendar",
                                 "to": "not a date: use YYYY-MM-DD"}),
    ("", "20260301", {"from": "required", "to": "not a date"}),
])
def test_a_bad_range_is_refused_with_a_reason_per_field(from_text, to_text, reasons):
    with pytest.raises(ValidationError) as refused:
        parse_date_range(from_text, to_text)
    assert set(refused.value.reasons) == set(reasons)
    for field, words in reasons.items():
        assert words in refused.value.reasons[field]


def test_a_backwards_range_is_worded_with_the_names_the_person_sees():
    """The window's captions in the window, the flags on the command line: one wording."""
    cases = {RangeEnds("From", "To"): "set To on or after From",
             RangeEnds("--from", "--to"): "set --to on or after --from",
             RangeEnds(): "set the last day on or after the first day"}
    for ends, words in cases.items():
        with pytest.raises(ValidationError) as refused:
            parse_date_range("2026-03-31", "2026-03-01", ends)
        reason = refused.value.reasons["to"]
        assert words in reason and "both days are included" in reason
        assert ("--" in reason) == ends.first.startswith("--")


def test_local_days_are_bounded_at_local_midnights_even_across_a_clock_change():
    paris = ZoneInfo("Europe/Paris")
    start, end = local_day_bounds(date(2026, 3, 29), date(2026, 3, 29), paris)
    assert start.astimezone(UTC) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # a 23-hour day
