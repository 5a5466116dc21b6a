"""A patient's course: one small BP chart per session, side by side on the same scales and
aligned on dose start, and beneath them the trends a physician asks about: does the BP rise
grow from session to session, and does the PHQ-9 fall?
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.chart_marks import phase_spans
from ketamonitor.core.course import SessionOutcome, course_outcomes
from ketamonitor.plotting import style
from ketamonitor.plotting.axes import MinutesAxis
from ketamonitor.plotting.shades import PhaseShade
from ketamonitor.plotting.traces import Band, curve

#: Small charts per row before wrapping to the next.
PER_ROW = 6
#: PHQ-9 severity bands (CLINICAL.md): 0–4, 5–9, 10–14, 15–19, 20–27.
PHQ9_BANDS = (5, 10, 15, 20)


class CoursePlot:
    """Builds the course into `layout`; `sessions` holds each small chart's plot item and
    `rise` / `phq9` the trend plots, for reading back what is drawn."""

    def __init__(self, layout: pg.GraphicsLayout, zone: tzinfo) -> None:
        style.configure()
        self.layout = layout
        self.zone = zone
        self.sessions: list[pg.PlotItem] = []
        self.outcomes: tuple[SessionOutcome, ...] = ()
        self.rise: pg.PlotItem | None = None
        self.phq9: pg.PlotItem | None = None
        layout.setContentsMargins(4, 4, 10, 4)

    def show_course(self, charts: Sequence[SessionChart]) -> None:
        self.layout.clear()
        self.sessions = []
        self.outcomes = course_outcomes(charts)
        ordered = sorted(charts, key=lambda c: (c.session.began_at, c.session.id))
        columns = max(1, min(PER_ROW, len(ordered)))
        high = max([200, *(c.protocol.thresholds.stop_systolic_above + 20 for c in ordered),
                    *(o.peak_systolic + 10 for o in self.outcomes if o.peak_systolic)])
        for index, (chart, outcome) in enumerate(zip(ordered, self.outcomes, strict=True)):
            plot = self._session_plot(chart, outcome, index == 0)
            self.layout.addItem(plot, row=index // columns, col=index % columns)
            if self.sessions:
                plot.setXLink(self.sessions[0])
                plot.setYLink(self.sessions[0])
            self.sessions.append(plot)
        if self.sessions:
            first = self.sessions[0]
            first.setYRange(40, high, padding=0)
            reached = [float(x) for plot in self.sessions for item in plot.listDataItems()
                       if item.name() == "systolic" and item.xData is not None
                       for x in (item.xData[0], item.xData[-1])]
            first.setXRange(min([-15.0, *reached]) - 2, max([90.0, *reached]) + 4, padding=0)
        trends = (len(ordered) + columns - 1) // columns
        self.rise = self._trend("Rise of the BP over its baseline, mmHg: "
                                "▼ systolic (solid), ▲ diastolic (dashed)")
        self.phq9 = self._trend("PHQ-9 total: ● before the session (solid), "
                                "○ after (dashed)")
        if columns == 1:
            self.layout.addItem(self.rise, row=trends, col=0)
            self.layout.addItem(self.phq9, row=trends + 1, col=0)
        else:
            half = columns // 2
            self.layout.addItem(self.rise, row=trends, col=0, colspan=half)
            self.layout.addItem(self.phq9, row=trends, col=half, colspan=columns - half)
        self._show_trends(self.rise, self.phq9)

    def _session_plot(self, chart: SessionChart, outcome: SessionOutcome,
                      first: bool) -> pg.PlotItem:
        plot = pg.PlotItem(axisItems={"bottom": MinutesAxis("bottom")})
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setMouseEnabled(x=False, y=False)
        plot.getViewBox().disableAutoRange()
        plot.showGrid(x=True, y=True, alpha=0.15)
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(tickFont=style.font(7.5))
        plot.getAxis("left").setWidth(34)
        if first:
            plot.setLabel("left", "BP mmHg", **{"font-size": "8pt"})
        plot.setLabel("bottom", "min from dose", **{"font-size": "7.5pt"})
        day = chart.session.began_at.astimezone(self.zone)
        peak = (f"peak {outcome.peak_systolic}/{outcome.peak_diastolic}"
                if outcome.peak_systolic is not None else "no dose")
        rise = (f" ({outcome.systolic_rise:+d})" if outcome.systolic_rise is not None else "")
        plot.setTitle(f"<b>#{outcome.number}</b> {day:%a %d %b}<br>{peak}{rise}",
                      size="8pt", color=style.INK)
        origin = chart.timeline.dose_started_at or chart.timeline.began_at

        def minutes(moment: datetime) -> float:
            return (moment - origin).total_seconds() / 60

        end = chart.timeline.finished_at or (chart.valid_vitals[-1].current.observed_at
                                             if chart.valid_vitals else chart.session.began_at)
        shade = PhaseShade()
        shade.set_spans(tuple((minutes(span.start), minutes(span.end or end), span.phase)
                              for span in phase_spans(chart.timeline)))
        plot.addItem(shade, ignoreBounds=True)
        sets = chart.bp_sets()
        x = np.array([minutes(e.current.observed_at) for e in sets], dtype=float)
        systolic = np.array([e.current.systolic for e in sets], dtype=float)
        diastolic = np.array([e.current.diastolic for e in sets], dtype=float)
        high = curve(style.SYSTOLIC_PEN, "t", 6, style.BP, style.BP, name="systolic")
        low = curve(style.DIASTOLIC_PEN, "t1", 6, style.BP, "w", name="diastolic")
        high.setData(x, systolic)
        low.setData(x, diastolic)
        plot.addItem(high)
        plot.addItem(low)
        plot.addItem(Band(high.curve, low.curve, style.BAND_BRUSH))
        stop = chart.protocol.thresholds.stop_systolic_above
        plot.addItem(pg.InfiniteLine(stop, angle=0, pen=style.STOP_PEN), ignoreBounds=True)
        plot.addItem(pg.InfiniteLine(chart.protocol.thresholds.stop_diastolic_above, angle=0,
                                     pen=style.STOP_PEN), ignoreBounds=True)
        return plot

    def _trend(self, title: str) -> pg.PlotItem:
        plot = pg.PlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setTitle(title, size="9pt", color=style.INK)
        plot.setLabel("bottom", "session", **{"font-size": "8pt"})
        for name in ("left", "bottom"):
            plot.getAxis(name).setStyle(tickFont=style.font(8))
        plot.setMinimumHeight(160)
        return plot

    def _show_trends(self, rise: pg.PlotItem, phq9: pg.PlotItem) -> None:
        numbers = np.array([o.number for o in self.outcomes], dtype=float)

        def column(values: list[int | None]) -> tuple[np.ndarray, np.ndarray]:
            kept = [(n, v) for n, v in zip(numbers, values, strict=True) if v is not None]
            return (np.array([n for n, _ in kept], dtype=float),
                    np.array([v for _, v in kept], dtype=float))

        smooth = {"antialias": True}
        sys_x, sys_y = column([o.systolic_rise for o in self.outcomes])
        dia_x, dia_y = column([o.diastolic_rise for o in self.outcomes])
        rise.plot(sys_x, sys_y, pen=style.SYSTOLIC_PEN, symbol="t", symbolSize=10,
                  symbolBrush=style.BP, symbolPen=style.BP, **smooth)
        rise.plot(dia_x, dia_y, pen=style.DIASTOLIC_PEN, symbol="t1", symbolSize=10,
                  symbolBrush="w", symbolPen=style.BP, **smooth)
        rise.addItem(pg.InfiniteLine(0, angle=0, pen=style.pen(style.MUTED, 1)))
        before_x, before_y = column([o.phq9_before for o in self.outcomes])
        after_x, after_y = column([o.phq9_after for o in self.outcomes])
        phq9.plot(before_x, before_y, pen=style.pen(style.INK, 2), symbol="o", symbolSize=9,
                  symbolBrush=style.INK, symbolPen=style.INK, **smooth)
        phq9.plot(after_x, after_y, pen=style.pen(style.INK, 2, Qt.PenStyle.DashLine),
                  symbol="o", symbolSize=9, symbolBrush="w", symbolPen=style.INK, **smooth)
        for band in PHQ9_BANDS:  # the severity bands' edges
            phq9.addItem(pg.InfiniteLine(band, angle=0,
                                         pen=style.pen(style.MUTED, 1, Qt.PenStyle.DotLine)))
        phq9.setYRange(0, 27, padding=0.02)
        last = max(len(self.outcomes), 1)
        for plot in (rise, phq9):
            plot.setXRange(0.5, last + 0.5, padding=0)
            plot.getAxis("bottom").setTicks([[(n, f"#{n}") for n in range(1, last + 1)]])
