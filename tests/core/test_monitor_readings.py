"""core.monitor_readings: the artifact reasons offered (data, not code), an artifact's reason
checked as every path must check it, and which readings wait for the nurse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.monitor_readings import (
    MonitorReading,
    ReadingMark,
    ReadingVerdict,
    artifact_reasons,
    check_artifact_reason,
    latest_pending,
    pending,
)
from ketamonitor.core.vitals import Vitals

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def reading(reading_id: int, minutes: int) -> MonitorReading:
    taken = AT + timedelta(minutes=minutes)
    return MonitorReading(reading_id, 1, reading_id, Vitals(taken, 130, 80), taken)


def mark(reading_id: int, verdict: ReadingVerdict = ReadingVerdict.ARTIFACT) -> ReadingMark:
    return ReadingMark(reading_id, reading_id, 1, verdict, None, "probe off", AT, "nurse.ana")


def test_the_reasons_offered_are_the_resource_files_in_its_order():
    reasons = artifact_reasons()
    assert [reason.key for reason in reasons][:2] == ["cuff_motion", "probe_off"]
    assert len({reason.key for reason in reasons}) == len(reasons)
    assert all(reason.label.strip() == reason.label and reason.label for reason in reasons)


@pytest.mark.parametrize("typed", ["", "   ", "\x07 bell", 7, "x" * 501])
def test_a_reason_that_says_nothing_or_cannot_be_kept_is_refused_naming_reason(typed):
    with pytest.raises(ValidationError) as refused:
        check_artifact_reason(typed)
    assert set(refused.value.reasons) == {"reason"}


def test_a_reason_is_kept_with_its_runs_of_spaces_made_one():
    assert check_artifact_reason("  Cuff   motion\n during NIBP ") == "Cuff motion during NIBP"


def test_the_key_takes_the_latest_reading_by_its_time_not_by_when_it_came():
    readings = (reading(1, 0), reading(2, 5), reading(3, 2))  # 3 came late, taken earlier
    assert latest_pending(readings, ()) == readings[1]
    assert pending(readings, (mark(2),)) == (readings[0], readings[2])
    assert latest_pending(readings, (mark(2),)) == readings[2]
    assert latest_pending(readings, tuple(mark(n) for n in (1, 2, 3))) is None
