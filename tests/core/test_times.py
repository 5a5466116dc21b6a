"""Stored times: one canonical text form, read back exactly, and nothing else read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ketamonitor.core.times import from_stored, to_stored


def test_a_stored_time_reads_back_to_the_millisecond():
    moment = datetime(2026, 11, 23, 2, 5, 9, 123000, tzinfo=timezone(timedelta(hours=-5)))
    assert to_stored(moment) == "2026-11-23T07:05:09.123Z"
    assert from_stored(to_stored(moment)) == moment
    assert from_stored("2026-11-23T07:05:09.123Z").tzinfo is UTC


@pytest.mark.parametrize("text", [
    "2026-11-23 07:05:09.123Z",   # another separator fromisoformat would take
    "2026-11-23T07:05:09,123Z",
    "2026-11-23T07:05:09.123+",
    "2026-11-23T07:05:09.12aZ",
    "2026-11-23T07:05:0a.123Z",
    "+026-11-23T07:05:09.123Z",
    "2026-13-23T07:05:09.123Z",   # the shape, but no such month
    "2026-11-23T07:05:09.123",
    "2026-11-23T07:05:09.1234Z",
    "",
])
def test_anything_but_the_canonical_form_is_refused(text):
    with pytest.raises(ValueError, match="not a canonical stored time"):
        from_stored(text)
