"""The idle lock's rule: the clinic's idle time read from its setting (the default where the
stored value is unusable), and the lock due once that time has passed since the last input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ketamonitor.core.idle import idle_limit, lock_due

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(("stored", "minutes"), [
    ("2", 2), ("10", 10), ("30", 30), ("1", 1),
    ("0", 10), ("-5", 10), ("", 10), ("ten", 10), ("7.5", 10),
])
def test_the_idle_time_is_the_setting_or_the_default_when_unusable(stored, minutes):
    assert idle_limit(stored) == timedelta(minutes=minutes)


@pytest.mark.parametrize(("idle_for", "due"), [
    (timedelta(minutes=10) - timedelta(seconds=1), False),
    (timedelta(minutes=10), True),
    (timedelta(minutes=10, seconds=1), True),
    (timedelta(0), False),
    (-timedelta(minutes=30), False),  # the clock went backwards: no time has passed
])
def test_the_lock_is_due_at_the_limit_and_not_a_second_before(idle_for, due):
    assert lock_due(AT, AT + idle_for, timedelta(minutes=10)) is due
