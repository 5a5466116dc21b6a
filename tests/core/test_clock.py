import time
from datetime import UTC, datetime

import pytest

from ketamonitor.core.clock import FakeClock, SystemClock
from ketamonitor.core.times import format_clock


@pytest.fixture
def berlin(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_system_zone_follows_daylight_saving(berlin):
    zone = SystemClock().local_zone
    winter = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 12, 0, tzinfo=UTC)
    assert format_clock(winter, zone) == "13:00"
    assert format_clock(summer, zone) == "14:00"
    # the night of the spring change: 00:30 UTC is 01:30, 01:30 UTC is 03:30
    assert format_clock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), zone) == "01:30"
    assert format_clock(datetime(2026, 3, 29, 1, 30, tzinfo=UTC), zone) == "03:30"


def test_a_local_wall_time_converts_back_to_the_right_moment(berlin):
    zone = SystemClock().local_zone
    local = datetime(2026, 7, 15, 9, 5, tzinfo=zone)
    assert local.astimezone(UTC) == datetime(2026, 7, 15, 7, 5, tzinfo=UTC)


def test_the_fake_clock_moves_only_when_told():
    clock = FakeClock(datetime(2026, 11, 23, 7, 30, tzinfo=UTC))
    before = clock.now()
    assert clock.now() == before
    clock.advance(minutes=2, seconds=3)
    assert (clock.now() - before).total_seconds() == 123


def test_the_fake_clock_refuses_a_naive_start():
    with pytest.raises(ValueError, match="aware"):
        FakeClock(datetime(2026, 11, 23, 7, 30))


def test_a_moment_not_today_carries_its_day():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ketamonitor.core.times import format_moment

    zone = ZoneInfo("Europe/Amsterdam")
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert format_moment(datetime(2026, 11, 23, 7, 5, tzinfo=UTC), zone, now) == "08:05"
    assert format_moment(datetime(2026, 11, 16, 11, 35, tzinfo=UTC), zone, now) == (
        "12:35 on Mon 16 Nov 2026")


def test_the_system_zone_is_named_not_shown_as_an_object(berlin):
    """A log's header says which zone its times are in: "Europe/Berlin", never
    "<ketamonitor.core.clock.SystemLocalZone object at 0x…>"."""
    zone = SystemClock().local_zone
    assert str(zone) == repr(zone) == "Europe/Berlin"


def test_without_tz_the_system_zone_is_named_by_its_zone_file_or_abbreviations(monkeypatch):
    monkeypatch.delenv("TZ", raising=False)
    name = str(SystemClock().local_zone)
    assert name and "object at" not in name and "<" not in name
