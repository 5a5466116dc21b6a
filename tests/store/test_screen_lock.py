"""A locked screen: the room goes on (reading, alerts recorded), charting waits for a login."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketamonitor.core.idle import idle_limit, lock_due
from ketamonitor.core.permissions import NotLoggedIn
from ketamonitor.core.settings import IDLE_LOCK_MINUTES
from tests.people import NURSE, PASSWORD, PHYSICIAN, audit_of


def test_a_locked_screen_refuses_charting_but_the_room_is_still_read(store, charting, clock):
    session_id = charting.started()
    store.lock_screen()
    assert store.screen_locked
    assert store.account is not None and store.account.username == NURSE
    with pytest.raises(NotLoggedIn, match="locked"):
        charting.bp(session_id, 120, 80)
    assert store.chart(session_id).session.id == session_id  # the room reads on
    assert audit_of(store)[-1]["action"] == "screen.locked"


def test_any_account_logs_in_over_the_lock_and_charts_as_itself(store, charting):
    session_id = charting.started()
    store.lock_screen("switch user")
    store.login(PHYSICIAN, PASSWORD)
    assert not store.screen_locked
    vitals_id = charting.bp(session_id, 120, 80)
    assert [v.entered_by for v in store.chart(session_id).vitals if v.id == vitals_id] == [
        PHYSICIAN]


@pytest.mark.parametrize(("stored", "minutes"), [("10", 10), ("2", 2), ("", 10), ("0", 10),
                                                 ("junk", 10)])
def test_the_idle_limit_comes_from_the_setting_or_its_default(stored, minutes):
    assert IDLE_LOCK_MINUTES.default == "10"
    assert idle_limit(stored) == timedelta(minutes=minutes)


@pytest.mark.parametrize(("idle_seconds", "due"), [(0, False), (599, False), (600, True),
                                                   (601, True), (-30, False)])
def test_the_lock_is_due_when_the_idle_time_has_passed(clock, idle_seconds, due):
    last_input = clock.now()
    assert lock_due(last_input, last_input + timedelta(seconds=idle_seconds),
                    timedelta(minutes=10)) is due
