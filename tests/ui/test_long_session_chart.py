"""A session fed by a monitor, one set a second for four hours, stays fluid on the chart."""

from __future__ import annotations

from datetime import UTC

import numpy as np
import pytest

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.flags import Level
from ketamonitor.plotting.session_plot import BP
from ketamonitor.ui.session_chart import SessionChartView
from tests.core.builders import minutes, monitored, with_reading

READINGS = 4 * 60 * 60


@pytest.fixture(scope="module")
def long_chart() -> SessionChart:
    return monitored(READINGS)


@pytest.fixture
def view(qtbot) -> SessionChartView:
    shown = SessionChartView(UTC)
    qtbot.addWidget(shown)
    shown.resize(600, 440)
    shown.show()
    return shown


def with_one_more(chart: SessionChart, second: int) -> SessionChart:
    return with_reading(chart, second / 60, 131, 83, heart_rate=80, spo2=96,
                        respiratory_rate=15)


def test_every_reading_is_in_the_buffers_but_only_a_screenful_is_drawn(qtbot, view,
                                                                        long_chart):
    view.show_chart(long_chart)
    plot = view.plot
    x, systolic = plot.systolic.xData, plot.systolic.yData
    assert len(x) == READINGS and systolic.max() == 190
    drawn, shown = plot.systolic.line.getData()
    assert len(drawn) < 3 * plot.panels[BP].view.width()  # about a peak pair a pixel
    assert shown.max() == 190 and shown.min() == 120  # peaks kept whatever the bins
    assert not plot.systolic.shows_symbols  # too dense for symbols: the line says it
    assert len(plot.bp.rings[Level.HIGH][1].xData) > 0  # the peak is flagged


def test_one_more_reading_is_appended_to_the_same_buffers(qtbot, view, long_chart):
    view.show_chart(long_chart)
    plot = view.plot
    before = plot.systolic.xData
    capacity = plot.bp.columns.capacity
    first = plot.readings[0]
    view.show_chart(with_one_more(long_chart, READINGS))
    after = plot.systolic.xData
    assert len(after) == READINGS + 1 and after[-1] == pytest.approx(READINGS / 60 - 10)
    assert np.shares_memory(before, after)  # appended in place, not rebuilt
    assert plot.bp.columns.capacity == capacity
    assert plot.readings[0] is first


def test_zoomed_in_far_enough_the_symbols_come_back(qtbot, view, long_chart):
    view.show_chart(long_chart)
    plot = view.plot
    plot.panels[BP].plot.setXRange(100, 101, padding=0)
    assert plot.systolic.shows_symbols
    drawn = plot.systolic.line.getData()[0]
    assert 60 <= len(drawn) <= 63  # the minute shown, one reading either side
    assert len(plot.systolic.dots.data) == len(drawn)


def test_the_buffers_double_when_full():
    from ketamonitor.plotting.buffers import Columns

    columns = Columns(("x", "y"), capacity=4)
    for n in range(9):
        columns.extend({"x": [n], "y": [n * 2]})
    assert columns.capacity == 16
    assert list(columns["x"]) == list(range(9)) and list(columns["y"]) == [n * 2 for n in range(9)]
    columns.clear()
    assert len(columns["x"]) == 0 and columns.capacity == 16


def test_the_chart_builder_times_are_seconds_apart():
    chart = monitored(3)
    assert [e.current.observed_at for e in chart.vitals] == [minutes(0), minutes(1 / 60),
                                                             minutes(2 / 60)]
