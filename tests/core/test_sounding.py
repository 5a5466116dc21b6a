"""When the room sounds: once for a new act-now alert; a critical one every CRITICAL_REPEAT
until acknowledged, judged from the clock (the last sound and now)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.sounding import (
    CRITICAL_REPEAT,
    critical_waiting,
    sounds_again,
    sounds_when_raised,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def alert(priority: Priority, *, acknowledged: bool = False, cleared: bool = False,
          kind: str = "spo2_critical") -> AlertRecord:
    return AlertRecord(1, 1, "k", kind, priority, "m", NOW - timedelta(minutes=1),
                       acknowledged_at=NOW if acknowledged else None,
                       cleared_at=NOW if cleared else None)


def test_the_repeat_is_ten_seconds():
    assert timedelta(seconds=10) == CRITICAL_REPEAT


@pytest.mark.parametrize(("priority", "sounds"), [
    (Priority.LOW, False), (Priority.MEDIUM, False), (Priority.HIGH, True),
    (Priority.CRITICAL, True)])
def test_a_new_alert_sounds_when_a_person_must_act_now(priority, sounds):
    assert sounds_when_raised([alert(priority)]) is sounds
    assert sounds_when_raised([]) is False


@pytest.mark.parametrize(("record", "waiting"), [
    (alert(Priority.CRITICAL), True),
    (alert(Priority.CRITICAL, cleared=True), True),  # came back, not yet acknowledged
    (alert(Priority.CRITICAL, acknowledged=True), False),
    (alert(Priority.HIGH), False),  # a high alert sounds once, as before
])
def test_a_critical_alert_waits_until_acknowledged(record, waiting):
    assert critical_waiting([record]) is waiting


@pytest.mark.parametrize(("since_last", "again"), [
    (None, True),  # never sounded (raised before the window opened): at once
    (timedelta(), False),
    (CRITICAL_REPEAT - timedelta(microseconds=1), False),  # just under
    (CRITICAL_REPEAT, True),  # at
    (CRITICAL_REPEAT + timedelta(seconds=1), True),  # just over
])
def test_a_waiting_critical_alert_sounds_again_every_repeat(since_last, again):
    last = None if since_last is None else NOW - since_last
    assert sounds_again([alert(Priority.CRITICAL)], last, NOW) is again


@pytest.mark.parametrize("records", [
    [], [alert(Priority.HIGH)], [alert(Priority.CRITICAL, acknowledged=True)]])
def test_nothing_sounds_again_without_a_critical_alert_waiting(records):
    assert sounds_again(records, NOW - timedelta(minutes=5), NOW) is False
