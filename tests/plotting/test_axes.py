"""The time axes: ticks at the clinical step that keeps labels about 55 px apart, minutes
labelled as whole numbers, and the same axis read as clock time in the room's zone, ticked
at round clock minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ketamonitor.plotting.axes import ClockAxis, MinutesAxis, minute_spacing


@pytest.mark.parametrize(("span", "pixels", "step"), [
    (10, 550, 1.0),    # 10 ticks fit: one a minute
    (11, 550, 2.0),    # just over: the next step
    (50, 550, 5.0),
    (60, 550, 10.0),
    (150, 550, 15.0),
    (600, 550, 60.0),
    (5000, 550, 240.0),  # beyond the last step: the last
    (10, 10, 10.0),    # a tiny axis still has one tick
    (0, 550, 1.0),
])
def test_the_tick_step_is_the_smallest_clinical_step_that_fits(span, pixels, step):
    assert minute_spacing(span, pixels) == step


def test_minutes_are_labelled_whole_from_the_origin(qapp):
    axis = MinutesAxis()
    assert axis.tickStrings([0.0, 5.0, 12.6], 1.0, 5.0) == ["0", "5", "13"]
    assert axis.tickSpacing(0, 50, 550) == [(5.0, 0.0)]


def test_the_clock_axis_reads_the_rooms_time_and_ticks_at_round_minutes(qapp):
    zone = timezone(timedelta(hours=1))
    axis = ClockAxis(zone)
    assert axis.tickStrings([0.0], 1.0, 5.0) == [""]  # no origin yet: no labels
    axis.set_origin(datetime(2026, 11, 23, 8, 3, tzinfo=UTC))  # 09:03 in the room
    assert axis.tickStrings([0.0, 2.0, 57.0], 1.0, 5.0) == ["09:03", "09:05", "10:00"]
    assert axis.tickSpacing(0, 50, 550) == [(5.0, 2.0)]  # 2 min after the origin is 09:05
