"""The rule for REMS forms still to file: which sessions need one, the 7-calendar-day window
in the room's own days, and the order an administrator works through them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.rems import (
    RemsCandidate,
    RemsSubmission,
    check_rems_submission,
    needs_rems_form,
    rems_pending,
    rems_window,
)

TOKYO = ZoneInfo("Asia/Tokyo")
DOSED = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 01:00 on the 24th in Tokyo


def candidate(session_id: int = 1, *, route: Route = Route.INTRANASAL,
              phase: Phase = Phase.DISCHARGED,
              first_dose_at: datetime | None = DOSED) -> RemsCandidate:
    return RemsCandidate(session_id, 10 + session_id, "RIVERA, Ana", f"MRN-{session_id}",
                         route, phase, first_dose_at)


def test_only_a_finished_dosed_intranasal_session_needs_a_form():
    assert needs_rems_form(candidate())
    assert needs_rems_form(candidate(phase=Phase.STOPPED_EARLY))
    assert not needs_rems_form(candidate(phase=Phase.READY_FOR_DISCHARGE))
    assert not needs_rems_form(candidate(route=Route.IV))
    assert not needs_rems_form(candidate(first_dose_at=None))


def test_the_window_is_seven_local_calendar_days_from_the_treatment_date():
    assert rems_window(DOSED, date(2026, 11, 24), TOKYO) == (
        date(2026, 11, 24), date(2026, 12, 1), 7)
    assert rems_window(DOSED, date(2026, 11, 24), UTC) == (
        date(2026, 11, 23), date(2026, 11, 30), 6)
    assert rems_window(DOSED, date(2026, 12, 3), TOKYO)[2] == -2


def test_overdue_first_then_fewest_days_left_then_the_earliest_treatment():
    sessions = [candidate(1, first_dose_at=DOSED - timedelta(days=2)),
                candidate(2, first_dose_at=DOSED - timedelta(days=9)),
                candidate(3, first_dose_at=DOSED + timedelta(hours=1)),
                candidate(4, first_dose_at=DOSED),
                candidate(5, phase=Phase.OBSERVATION)]
    found = rems_pending(sessions, today=date(2026, 11, 23), zone=UTC)
    assert [(p.session_id, p.days_left, p.label) for p in found] == [
        (2, -2, "2 days overdue"), (1, 5, "5 days left"), (4, 7, "7 days left"),
        (3, 7, "7 days left")]


def test_a_mark_is_refused_with_the_reason():
    marked = RemsSubmission(1, "R-1", DOSED, "admin")
    refusals = [
        (None, None, "R", "there is no session 1"),
        (candidate(route=Route.IM), None, "R", "not an esketamine"),
        (candidate(phase=Phase.INFUSING), None, "R", "is not finished"),
        (candidate(first_dose_at=None), None, "R", "no dose was given"),
        (candidate(), marked, "R", "already marked submitted by admin (reference R-1)"),
        (candidate(), None, " \t", "confirmation number"),
    ]
    for session, already, reference, words in refusals:
        with pytest.raises(ValidationError) as refused:
            check_rems_submission(1, session, already, reference)
        assert words in str(refused.value)
    assert check_rems_submission(1, candidate(), None, " R-2\n 77 ") == "R-2 77"
