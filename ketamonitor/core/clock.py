"""The one clock every part of ketamonitor asks for the time.

Elapsed time is always `clock.now() - a stored start`, never a count of timer ticks, so a
restart, a slow tick or a sleeping laptop cannot make a timer wrong. Tests hand in a
`FakeClock` and move it by hand instead of sleeping.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Tells the current moment (aware, UTC) and the room's time zone for display."""

    def now(self) -> datetime: ...

    @property
    def local_zone(self) -> tzinfo: ...


class SystemLocalZone(tzinfo):
    """The workstation's own time-zone rules, daylight saving included.

    A fixed offset taken at start-up would show every time across a clock change an hour
    off (yesterday's chart after the spring change, or a session running through it); this
    asks the operating system for the offset of each moment instead.
    """

    def fromutc(self, moment: datetime) -> datetime:
        local = time.localtime(moment.replace(tzinfo=UTC).timestamp())
        return datetime(*local[:6], microsecond=moment.microsecond, tzinfo=self)

    def utcoffset(self, moment: datetime | None) -> timedelta:
        return timedelta(seconds=self._local(moment).tm_gmtoff)

    def dst(self, moment: datetime | None) -> timedelta:
        return timedelta(hours=1) if self._local(moment).tm_isdst > 0 else timedelta()

    def tzname(self, moment: datetime | None) -> str:
        return self._local(moment).tm_zone

    def __str__(self) -> str:
        """The zone's name, as a log's header and the README's readers expect it
        ("Europe/Paris"): the TZ the app runs under, else the system's zone file's name, else
        its abbreviations ("CET/CEST"). Never the object's repr."""
        named = os.environ.get("TZ", "").lstrip(":")
        if named:
            return named
        target = os.path.realpath("/etc/localtime")
        if "/zoneinfo/" in target:
            return target.split("/zoneinfo/", 1)[1]
        standard, summer = time.tzname
        return standard if standard == summer else f"{standard}/{summer}"

    __repr__ = __str__

    @staticmethod
    def _local(moment: datetime | None) -> time.struct_time:
        if moment is None:
            return time.localtime()
        stamp = time.mktime((*moment.replace(tzinfo=None).timetuple()[:8], -1))
        return time.localtime(stamp)


class SystemClock:
    """The real clock of the workstation."""

    _zone = SystemLocalZone()

    def now(self) -> datetime:
        return datetime.now(UTC)

    @property
    def local_zone(self) -> tzinfo:
        return self._zone


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime, local_zone: tzinfo = UTC) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._now = start.astimezone(UTC)
        self._zone = local_zone

    def now(self) -> datetime:
        return self._now

    @property
    def local_zone(self) -> tzinfo:
        return self._zone

    def advance(self, *, minutes: float = 0, seconds: float = 0) -> datetime:
        self._now += timedelta(minutes=minutes, seconds=seconds)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


def local_today(clock: Clock) -> date:
    """Today's date in the room (not in UTC: at 00:30 local, UTC may still be yesterday)."""
    return clock.now().astimezone(clock.local_zone).date()
