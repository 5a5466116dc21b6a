"""The time typed on the REMS tab for "ready to leave without the minimum observation":
parsed by core, each refusal worded for its field (the session page only forwards it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.rems import READY_FIELD, parse_rems_time

NOW = datetime(2026, 11, 23, 8, 43, tzinfo=UTC)
BEGAN = datetime(2026, 11, 23, 7, 15, tzinfo=UTC)
PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(("typed", "zone", "began", "moment"), [
    ("08:40", UTC, BEGAN, datetime(2026, 11, 23, 8, 40, tzinfo=UTC)),
    (" 8.40 ", UTC, BEGAN, datetime(2026, 11, 23, 8, 40, tzinfo=UTC)),
    ("0840", UTC, BEGAN, datetime(2026, 11, 23, 8, 40, tzinfo=UTC)),
    ("10:40", PLUS_TWO, BEGAN, datetime(2026, 11, 23, 8, 40, tzinfo=UTC)),  # the room's clock
    # typed just after midnight for a session begun the evening before: last night
    ("23:50", UTC, datetime(2026, 11, 22, 23, 0, tzinfo=UTC),
     datetime(2026, 11, 22, 23, 50, tzinfo=UTC)),
])
def test_a_typed_time_is_the_latest_such_time_in_the_session(typed, zone, began, moment):
    now = NOW if began == BEGAN else datetime(2026, 11, 23, 0, 10, tzinfo=UTC)
    assert parse_rems_time(typed, now, zone, began) == moment


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "type the time (HH:MM)"),  # empty is not "now" here
    ("   ", "type the time (HH:MM)"),
    ("quarter to nine", "use HH:MM, or leave empty for now"),
    ("25:00", "not a time of day"),
    ("08:60", "not a time of day"),
])
def test_a_time_that_is_not_one_is_refused_beside_its_field(typed, reason):
    with pytest.raises(ValidationError) as refused:
        parse_rems_time(typed, NOW, UTC, BEGAN)
    assert refused.value.reasons == {READY_FIELD: reason}
