"""Failed logins: a growing wait between tries, a lock after five in a row, and a fresh
start after a good login, an unlock, or the lock running out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ketamonitor.core.lockout import LOCK_TIME, MAX_FAILURES, LoginEvent, login_state

T0 = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
FAILED, LOCKED = LoginEvent.FAILED, LoginEvent.LOCKED


def seconds(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


def failures(count: int, gap: float = 60) -> list[tuple[LoginEvent, datetime]]:
    """`count` failed logins `gap` seconds apart, the first at T0, with the lock that the
    store writes beside the fifth."""
    events = []
    for n in range(count):
        events.append((FAILED, seconds(n * gap)))
        if n + 1 == MAX_FAILURES:
            events.append((LOCKED, seconds(n * gap)))
    return events


def test_the_clinic_numbers():
    assert MAX_FAILURES == 5
    assert timedelta(minutes=15) == LOCK_TIME


def test_no_events_no_wait():
    state = login_state([])
    assert (state.failures, state.next_try_at, state.locked_until) == (0, None, None)
    assert state.refusal(T0) is None


@pytest.mark.parametrize(("count", "wait"), [(1, 1), (2, 2), (3, 4), (4, 8)])
def test_each_failure_doubles_the_wait_before_the_next_try(count, wait):
    state = login_state(failures(count, gap=60))
    last = seconds((count - 1) * 60)
    assert state.failures == count
    assert state.locked_until is None
    assert state.next_try_at == last + timedelta(seconds=wait)
    assert state.refusal(last) == f"wait {wait} s before trying again"
    assert state.refusal(last + timedelta(seconds=wait) - timedelta(milliseconds=1)) is not None
    assert state.refusal(last + timedelta(seconds=wait)) is None


@pytest.mark.parametrize(("count", "locks"), [(1, False), (4, False), (5, True), (6, False)])
def test_the_fifth_failure_in_a_row_is_the_one_that_locks(count, locks):
    events = [(FAILED, seconds(n)) for n in range(count)]
    assert login_state(events).locks_now is locks


def test_five_failures_lock_for_fifteen_minutes_then_the_account_may_try_again():
    state = login_state(failures(5))
    fifth = seconds(4 * 60)
    assert state.locked_until == fifth + LOCK_TIME
    refusal = state.refusal(fifth + LOCK_TIME - timedelta(seconds=1))
    assert refusal is not None
    assert "locked after 5 failed logins" in refusal
    assert "07:49 UTC" in refusal  # 07:34 + 15 min
    assert state.refusal(fifth + LOCK_TIME) is None


def test_a_failure_after_the_lock_ran_out_starts_a_fresh_count():
    fifth = seconds(4 * 60)
    state = login_state([*failures(5), (FAILED, fifth + LOCK_TIME)])
    assert (state.failures, state.locked_until) == (1, None)
    assert not state.locks_now


@pytest.mark.parametrize("reset", [LoginEvent.SUCCEEDED, LoginEvent.UNLOCKED])
def test_a_good_login_or_an_unlock_resets_everything(reset):
    at_once = seconds(4 * 60)  # during the lock: an unlock does not wait for it to run out
    state = login_state([*failures(5), (reset, at_once)])
    assert (state.failures, state.next_try_at, state.locked_until) == (0, None, None)
    assert state.refusal(at_once) is None


def test_failures_counted_after_a_reset_are_only_the_new_ones():
    events = [*failures(4), (LoginEvent.SUCCEEDED, seconds(300)), (FAILED, seconds(400))]
    state = login_state(events)
    assert state.failures == 1
    assert state.next_try_at == seconds(401)


def test_the_wait_stops_growing_at_32_seconds():
    events = [(FAILED, seconds(n)) for n in range(9)]
    state = login_state(events)
    assert state.next_try_at == seconds(8) + timedelta(seconds=32)
