"""The one clock every part of ketamonitor asks for the time.

Elapsed time is always `clock.now() - a stored start`, never a count of timer ticks, so a
restart, a slow tick or a sleeping laptop cannot make a timer wrong. Tests hand in a
`FakeClock` and move it by hand instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Tells the current moment (aware, UTC) and the room's time zone for display."""

    def now(self) -> datetime: ...

    @property
    def local_zone(self) -> tzinfo: ...


class SystemClock:
    """The real clock of the workstation."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    @property
    def local_zone(self) -> tzinfo:
        zone = datetime.now().astimezone().tzinfo
        return zone if zone is not None else UTC


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
