"""Time axes in minutes, ticked the way a clinician counts time (5, 10, 15, 30, 60 min),
and the same axis read as wall-clock time in the room's zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import pyqtgraph as pg

_STEPS = (1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0)
_PIXELS_PER_TICK = 55


def minute_spacing(span: float, pixels: float) -> float:
    """The smallest clinical step that keeps labelled ticks about 55 px apart."""
    wanted = max(span, 1e-9) / max(pixels / _PIXELS_PER_TICK, 1.0)
    return next((step for step in _STEPS if step >= wanted), _STEPS[-1])


class MinutesAxis(pg.AxisItem):
    """Minutes from an origin (dose start, or arrival before any dose)."""

    def __init__(self, orientation: str = "bottom", **options: object) -> None:
        super().__init__(orientation, **options)
        self.offset = 0.0  # minutes of the origin past a round clock time (0: plain minutes)

    def tickSpacing(self, low: float, high: float, size: float
                    ) -> list[tuple[float, float]]:
        step = minute_spacing(high - low, size)
        return [(step, -self.offset % step)]  # ticks where origin + value is a round time

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{value:.0f}" for value in values]


class ClockAxis(MinutesAxis):
    """The minutes axis read as clock time (HH:MM), ticked at round clock minutes."""

    def __init__(self, zone: tzinfo, orientation: str = "top", **options: object) -> None:
        super().__init__(orientation, **options)
        self.zone = zone
        self.origin: datetime | None = None

    def set_origin(self, origin: datetime) -> None:
        self.origin = origin
        local = origin.astimezone(self.zone)
        self.offset = local.hour * 60 + local.minute + local.second / 60
        self.picture = None
        self.update()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.origin is None:
            return ["" for _ in values]
        return [(self.origin + timedelta(minutes=value)).astimezone(self.zone).strftime("%H:%M")
                for value in values]
