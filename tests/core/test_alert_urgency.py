"""The one order of alerts, and what the locked screen's band shows of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ketamonitor.core.alerts import (
    AlertKind,
    AlertRecord,
    Priority,
    attention_order,
    through_the_lock,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def alert(number: int, kind: AlertKind, priority: Priority, *, minutes_ago: int = 0,
          session_id: int = 1) -> AlertRecord:
    return AlertRecord(number, session_id, f"{kind.value}:{number}", kind, priority,
                       kind.value, NOW - timedelta(minutes=minutes_ago))


def test_a_finding_comes_before_an_older_task_of_the_same_priority():
    overdue = alert(1, AlertKind.CHECK_OVERDUE, Priority.HIGH, minutes_ago=20)
    self_harm = alert(2, AlertKind.SELF_HARM_ITEM, Priority.HIGH)
    reminder = alert(3, AlertKind.CHECK_DUE, Priority.LOW, minutes_ago=30)
    assert attention_order([reminder, overdue, self_harm]) == [self_harm, overdue, reminder]


def test_the_band_shows_every_act_now_alert_however_many_and_counts_the_rest():
    act_now = [alert(n, AlertKind.BP_ABOVE_STOP_LINE, Priority.HIGH, minutes_ago=10 - n,
                     session_id=n) for n in range(1, 5)]
    self_harm = alert(9, AlertKind.SELF_HARM_ITEM, Priority.HIGH)  # the newest
    attention = alert(10, AlertKind.CHECK_OVERDUE, Priority.MEDIUM, minutes_ago=60)
    shown, more = through_the_lock([attention, *act_now, self_harm])
    assert shown == [*act_now, self_harm]
    assert more == 1


def test_with_few_act_now_alerts_the_band_fills_its_lines_most_urgent_first():
    high = alert(1, AlertKind.SPO2_LOW, Priority.HIGH)
    medium = alert(2, AlertKind.CHECK_OVERDUE, Priority.MEDIUM, minutes_ago=5)
    lows = [alert(n, AlertKind.CHECK_DUE, Priority.LOW, minutes_ago=n) for n in (3, 4)]
    assert through_the_lock([*lows, medium, high], lines=3) == ([high, medium, lows[1]], 1)
    assert through_the_lock([]) == ([], 0)
