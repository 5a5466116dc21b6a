"""The session chart, as a physician reads it: panels stacked on one time axis.

From the top: the legend; an events strip (phase changes, devices, notes, side effects,
scores, alerts) under a clock-time axis; blood pressure as a caret pair per reading (▼
systolic, ▲ diastolic) with the band between them shaded; then heart rate, SpO₂ and
respiratory rate, each in its own panel. Minutes count from dose start (from arrival until
there is one). Phases are shaded in every panel and named in the BP panel; the protocol's
lines are drawn with their numbers on the right edge, readings beyond them ringed.

Live, `show_chart` is called with each chart the store reads back. When the drawn readings
are still the first ones of the new chart (no correction, no reading charted in between),
only the new readings are appended to the buffers, and only items whose content changed
are touched: a reading costs a few curves' worth of work, not a redraw of everything. The
view follows the session (its right edge moving on in steps) until the user zooms or pans,
and keeps the user's view after that until `reset_view`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import FlaggedVitals, SessionChart
from ketamonitor.core.chart_marks import (
    Mark,
    MarkKind,
    PhaseSpan,
    alert_marks,
    chart_marks,
    phase_spans,
    reading_words,
    span_label,
)
from ketamonitor.core.flags import Level
from ketamonitor.core.library import Library
from ketamonitor.core.monitor_readings import MonitorReading, ReadingMark
from ketamonitor.core.monitor_words import artifact_readout, pending_readout
from ketamonitor.core.protocol import Thresholds
from ketamonitor.core.timeline import PhaseChange
from ketamonitor.core.vitals import Vitals
from ketamonitor.plotting import style
from ketamonitor.plotting.axes import ClockAxis, MinutesAxis
from ketamonitor.plotting.live_curve import LiveCurve
from ketamonitor.plotting.readout import Readout
from ketamonitor.plotting.shades import PhaseShade
from ketamonitor.plotting.traces import RING_SIZE, Band, Trace, curve

BP = "bp"
EVENTS = "events"
MEASURES = ("heart_rate", "spo2", "respiratory_rate")
PANELS = (EVENTS, BP, *MEASURES)
#: How close (in pixels) the pointer must be to a reading or a mark to show it.
HOVER_PIXELS = 16
#: Readings closer together than this many pixels are drawn as a line without symbols.
DENSE_PIXELS = 5
LEFT_AXIS_WIDTH = 50
RIGHT_AXIS_WIDTH = 30
#: Minutes of margin before arrival and after the last reading in the default view.
MARGIN_MINUTES = 3
#: While following, the right edge moves on by at least this many minutes (or a tenth of
#: the span) at a time, so that most readings arrive inside the view.
FOLLOW_STEP_MINUTES = 5

#: Each data panel's minimum and preferred height in pixels, and its share of extra height.
_HEIGHTS = {BP: (110, 200, 5), "heart_rate": (44, 60, 1), "spo2": (44, 60, 1),
            "respiratory_rate": (62, 80, 1)}

#: The protocol's lines (Thresholds fields) and the panel each is drawn in.
_THRESHOLD_PANELS = {"stop_systolic_above": BP, "stop_diastolic_above": BP,
                     "heart_rate_above": "heart_rate", "heart_rate_below": "heart_rate",
                     "spo2_below": "spo2", "respiratory_rate_below": "respiratory_rate",
                     "respiratory_rate_above": "respiratory_rate"}

_LEGEND_STYLE = {"labelTextSize": f"{style.FONT_POINTS}pt", "labelTextColor": style.INK,
                 "horSpacing": 4, "verSpacing": -6, "frame": False}

_FIELD_PANEL = {"systolic": BP, "diastolic": BP, "heart_rate": "heart_rate", "spo2": "spo2",
                "respiratory_rate": "respiratory_rate"}



@dataclass(frozen=True)
class Hovered:
    """What the pointer is near: one charted set, or the marks at one moment."""

    text: str
    reading: FlaggedVitals | None = None
    marks: tuple[Mark, ...] = ()


@dataclass
class Panel:
    key: str
    plot: pg.PlotItem
    shade: PhaseShade
    cursor: pg.InfiniteLine
    highlight: pg.ScatterPlotItem

    @property
    def view(self) -> pg.ViewBox:
        return self.plot.getViewBox()


class SessionPlot:
    """Builds the chart's items into `layout` and keeps them in step with the record."""

    def __init__(self, layout: pg.GraphicsLayout, zone: tzinfo,
                 library: Library | None = None, mark_legend: bool = True) -> None:
        """`mark_legend`: a second legend row naming the shapes of the events strip; a
        picture needs it, a screen where pointing at a mark names it can spare the room."""
        style.configure()
        self.layout = layout
        self.zone = zone
        self.library = library
        self.following = True
        self.readings: list[FlaggedVitals] = []
        self.marks: tuple[Mark, ...] = ()
        self.spans: tuple[PhaseSpan, ...] = ()
        self.hovered: Hovered | None = None
        self._chart_marks: tuple[Mark, ...] = ()
        self._alert_marks: tuple[Mark, ...] = ()
        self._session: int | None = None
        self._origin: datetime | None = None
        self._dosed = False
        self._running = True
        self._changes: tuple[PhaseChange, ...] = ()
        self._amendments: tuple[tuple[int, int], ...] = ()
        self._limits: Thresholds | None = None
        self._extent: tuple[float, float] = (-MARGIN_MINUTES, 60.0)
        self._span_ends: tuple[tuple[float, float], ...] = ()
        self._predose: tuple[list[float], list[float]] | None = None
        layout.setContentsMargins(2, 2, 8, 2)
        layout.layout.setVerticalSpacing(0)
        self.legend = self._legend()
        layout.addItem(self.legend, row=0, col=0)
        layout.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignLeft)
        self.mark_legend = pg.LegendItem(colCount=len(MarkKind), sampleType=_Sample,
                                         **_LEGEND_STYLE)
        self._legend_kinds: tuple[MarkKind, ...] = ()
        if mark_legend:
            layout.addItem(self.mark_legend, row=1, col=0)
            layout.layout.setAlignment(self.mark_legend, Qt.AlignmentFlag.AlignLeft)
        self.panels: dict[str, Panel] = {}
        for row, key in enumerate(PANELS, start=2):
            self.panels[key] = self._panel(key, row)
        self.clock_axis: ClockAxis = self.panels[EVENTS].plot.getAxis("top")
        self.minutes_axis: MinutesAxis = self.panels[MEASURES[-1]].plot.getAxis("bottom")
        bp = self.panels[BP].plot
        self.systolic = LiveCurve(bp, style.SYSTOLIC_PEN, "t", 10, style.BP, style.BP)
        self.diastolic = LiveCurve(bp, style.DIASTOLIC_PEN, "t1", 10, style.BP, style.PAPER)
        self.bp = Trace(bp, {"systolic": self.systolic, "diastolic": self.diastolic})
        self.band = Band(self.systolic.line, self.diastolic.line, style.BAND_BRUSH)
        self.band.setZValue(-1)
        bp.addItem(self.band)
        self.measures: dict[str, Trace] = {}
        for name in MEASURES:
            _title, colour, symbol = style.MEASURE_STYLE[name]
            plot = self.panels[name].plot
            line = LiveCurve(plot, style.pen(colour, 1.5), symbol, 7, colour, colour)
            self.measures[name] = Trace(plot, {"y": line})
        self.traces: dict[str, Trace] = {BP: self.bp, **self.measures}
        self._monitor_layer()
        self.thresholds = self._threshold_lines()
        self.predose = pg.PlotDataItem(pen=style.CAUTION_PEN, connect="pairs")
        self.predose_label = pg.TextItem("", color=style.CAUTION, anchor=(0, 1))
        self.predose_label.setFont(style.font())
        bp.addItem(self.predose, ignoreBounds=True)
        bp.addItem(self.predose_label, ignoreBounds=True)
        self.phase_labels: list[pg.TextItem] = []
        self.events = pg.ScatterPlotItem(size=11, pxMode=True)
        self.panels[EVENTS].plot.addItem(self.events)
        self.readout = Readout(layout)
        for item in (self.legend, self.predose_label, self.events, *self.thresholds.values()):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # seldom change
        for key, trace in (*self.traces.items(), *self.pending_traces.items()):
            redraw = partial(_redraw, trace)  # each curve drawn for its own view's range
            self.panels[key].view.sigXRangeChanged.connect(redraw)
            self.panels[key].view.sigResized.connect(redraw)
        self.panels[BP].view.sigXRangeChanged.connect(self._place_phase_labels)
        self.panels[BP].view.sigResized.connect(self._place_phase_labels)
        for panel in self.panels.values():
            panel.view.sigRangeChangedManually.connect(self._moved_by_user)

    # -- building ------------------------------------------------------------------------

    def _monitor_layer(self) -> None:
        """A monitor's readings not yet validated, faint, in buffers of their own (appended
        as they come, a reading a second); the artifacts, an ✗ each, few."""
        self.pending: list[MonitorReading] = []
        self.pending_traces: dict[str, Trace] = {}
        bp = self.panels[BP].plot
        self.pending_traces[BP] = Trace(bp, {
            "systolic": LiveCurve(bp, style.faint_pen(style.BP), "t", 9,
                                  style.faint(style.BP), None),
            "diastolic": LiveCurve(bp, style.faint_pen(style.BP), "t1", 9,
                                   style.faint(style.BP), None)})
        for name in MEASURES:
            colour = style.MEASURE_STYLE[name][1]
            plot = self.panels[name].plot
            self.pending_traces[name] = Trace(plot, {"y": LiveCurve(
                plot, style.faint_pen(colour), style.MEASURE_STYLE[name][2], 7,
                style.faint(colour), None)})
        self.artifacts: tuple[tuple[MonitorReading, ReadingMark], ...] = ()
        self.artifact_marks: dict[str, pg.ScatterPlotItem] = {}
        for key in (BP, *MEASURES):
            marks = pg.ScatterPlotItem(symbol="x", size=style.ARTIFACT_SIZE,
                                       pen=style.pen(style.ARTIFACT_INK, 1),
                                       brush=pg.mkBrush(style.ARTIFACT_INK))
            marks.setZValue(6)
            self.panels[key].plot.addItem(marks)
            self.artifact_marks[key] = marks
        self._pending_origin: datetime | None = None
        self._monitor_legend = False

    def _legend(self) -> pg.LegendItem:
        legend = pg.LegendItem(colCount=4, sampleType=_Sample, **_LEGEND_STYLE)
        for item, words in (
            (curve(style.SYSTOLIC_PEN, "t", 10, style.BP, style.BP), "Systolic"),
            (curve(style.DIASTOLIC_PEN, "t1", 10, style.BP, "w"), "Diastolic"),
            (curve(style.STOP_PEN, "o", 13, style.FLAG_HIGH_PEN, None), "over a stop line"),
            (curve(style.CAUTION_PEN, "s", 12, style.FLAG_CAUTION_PEN, None),
             "over the pre-dose line"),
        ):
            item.setData([0.0], [0.0])  # a sample takes its symbol's style from its data
            legend.addItem(item, words + "\u2003")  # an em space between the entries
        _pack(legend)
        return legend

    def _panel(self, key: str, row: int) -> Panel:
        axes: dict[str, pg.AxisItem] = {"bottom": MinutesAxis("bottom")}
        if key == EVENTS:
            axes["top"] = ClockAxis(self.zone, "top")
        plot = pg.PlotItem(axisItems=axes)
        self.layout.addItem(plot, row=row, col=0)
        plot.setMenuEnabled(False)  # its export dialog offers the SVG exporter, which crashes
        plot.hideButtons()
        # the plot item hands these to every curve added to it (they would be undone else)
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        view = plot.getViewBox()
        view.disableAutoRange()
        view.setMouseEnabled(x=True, y=False)
        view.setLimits(minXRange=0.5)  # half a minute: a monitor's readings one by one
        plot.showGrid(x=True, y=key != EVENTS, alpha=0.18)
        left = plot.getAxis("left")
        left.setWidth(LEFT_AXIS_WIDTH)
        left.setStyle(tickFont=style.font(), tickTextOffset=3)
        bottom = plot.getAxis("bottom")
        bottom.setStyle(tickFont=style.font())
        plot.showAxis("right")  # on every panel, so that all their views line up
        right = plot.getAxis("right")
        right.setWidth(RIGHT_AXIS_WIDTH)
        right.setStyle(tickFont=style.font(), tickTextOffset=2, tickLength=4,
                       showValues=key != EVENTS)
        right.setTextPen(style.HIGH)
        right.setPen(style.pen(style.MUTED, 1))
        for name in ("left", "right", "top", "bottom"):
            # an axis (with its grid across the panel) is painted once into a pixmap and
            # blitted after that: a new reading then repaints the curves, not every label
            plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        words = {"font-size": f"{style.FONT_POINTS}pt"}
        if key == EVENTS:
            plot.showAxis("top")
            top = plot.getAxis("top")
            top.setStyle(tickFont=style.font())
            top.setHeight(22)
            plot.hideAxis("bottom")
            left.setStyle(tickLength=0)
            left.setTicks([[(0.5, "Events")]])
            right.setStyle(tickLength=0)
            right.setTicks([[]])
            plot.setYRange(0, 1, padding=0)
            plot.setFixedHeight(50)
        else:
            plot.setXLink(self.panels[EVENTS].plot)
            left.setLabel("BP mmHg" if key == BP else style.MEASURE_STYLE[key][0], **words)
            if key == MEASURES[-1]:
                bottom.setLabel("minutes from dose start", **words)
            else:
                bottom.setStyle(showValues=False)
                bottom.setHeight(2)
            plot.setMinimumHeight(_HEIGHTS[key][0])  # BP gets most of the height
            plot.setPreferredHeight(_HEIGHTS[key][1])
            self.layout.layout.setRowStretchFactor(row, _HEIGHTS[key][2])
        shade = PhaseShade()
        plot.addItem(shade, ignoreBounds=True)
        cursor = pg.InfiniteLine(angle=90, pen=style.CURSOR_PEN)
        cursor.hide()
        plot.addItem(cursor, ignoreBounds=True)
        highlight = pg.ScatterPlotItem(size=RING_SIZE + 6, pen=style.pen(style.INK, 2),
                                       brush=None, symbol="o")
        highlight.setZValue(20)
        highlight.hide()
        plot.addItem(highlight, ignoreBounds=True)
        return Panel(key, plot, shade, cursor, highlight)

    def _threshold_lines(self) -> dict[str, pg.InfiniteLine]:
        """The protocol's lines; their numbers go on each panel's right axis, in the lines'
        colour, beside the data and never over it."""
        lines = {}
        for key, panel in _THRESHOLD_PANELS.items():
            line = pg.InfiniteLine(angle=0, pen=style.STOP_PEN, movable=False)
            line.setZValue(2)
            self.panels[panel].plot.addItem(line, ignoreBounds=True)
            lines[key] = line
        return lines

    # -- showing the record --------------------------------------------------------------

    def show_chart(self, chart: SessionChart, now: datetime | None = None) -> None:
        """Draw `chart`; append only what is new when the drawn readings are unchanged.
        `now` ends the phase the session is in (else its last reading or mark)."""
        timeline = chart.timeline
        origin = timeline.dose_started_at or timeline.began_at
        readings = chart.flagged_vitals
        amendments = _corrections(chart)
        if self._can_append(chart, origin, readings, amendments):
            new = readings[len(self.readings):]
        else:
            self._clear()
            new = readings
        self._session = chart.session.id
        self._origin = origin
        self._dosed = timeline.dose_started_at is not None
        self._running = timeline.finished_at is None
        self._changes = timeline.changes
        self._amendments = amendments
        if self.clock_axis.origin != origin:
            self.clock_axis.set_origin(origin)
        axis_words = "minutes from dose start" if self._dosed else "minutes from arrival"
        if self.minutes_axis.labelText != axis_words:
            self.minutes_axis.setLabel(axis_words)
        if new:
            self._append(new)
        self._show_monitor(chart)
        self._chart_marks = chart_marks(chart, self.library)
        self._show_marks()
        limits = chart.protocol.thresholds
        if limits != self._limits:
            self._show_thresholds(limits)
        end = self._end_of_record(chart, now)
        self._show_phases(chart, end)
        self._extent = self._session_extent(chart, end)
        self._fit_y(limits)
        if self.following:
            self._follow()

    def show_alerts(self, records: Iterable[AlertRecord]) -> None:
        """Alerts as marks in the events strip (redrawn only when they changed)."""
        marks = alert_marks(records)
        if marks != self._alert_marks:
            self._alert_marks = marks
            self._show_marks()

    def reset_view(self) -> None:
        """The whole session again, following it live."""
        self.following = True
        self._follow()

    def minutes(self, moment: datetime) -> float:
        if self._origin is None:
            return 0.0
        return (moment - self._origin).total_seconds() / 60

    def _can_append(self, chart: SessionChart, origin: datetime,
                    readings: Sequence[FlaggedVitals],
                    amendments: tuple[tuple[int, int], ...]) -> bool:
        """The drawn readings are the first of `readings`, judged against the same phases."""
        drawn = len(self.readings)
        if (chart.session.id != self._session or origin != self._origin
                or amendments != self._amendments or len(readings) < drawn):
            return False
        if drawn and readings[drawn - 1].entry.id != self.readings[-1].entry.id:
            return False
        changes = chart.timeline.changes
        if changes[:len(self._changes)] != self._changes:
            return False
        last = self.readings[-1].entry.current.observed_at if drawn else None
        return last is None or all(change.at > last for change in changes[len(self._changes):])

    def _clear(self) -> None:
        self.hide_readout()  # it may speak of a reading about to be redrawn
        self.readings = []
        for trace in self.traces.values():
            trace.clear()

    def _append(self, new: Sequence[FlaggedVitals]) -> None:
        """Sort the new sets into the traces' columns (one pass), then redraw what grew."""
        origin = self._origin
        assert origin is not None
        first_row = len(self.readings)
        self.readings.extend(new)
        rows: dict[str, dict[str, list[float]]] = {
            key: {name: [] for name in trace.columns.names}
            for key, trace in self.traces.items()}
        rings: dict[str, dict[Level, tuple[list[float], list[float]]]] = {
            key: {level: ([], []) for level in Level} for key in self.traces}
        for row, flagged in enumerate(new, start=first_row):
            vitals = flagged.entry.current
            x = (vitals.observed_at - origin).total_seconds() / 60
            _add_columns(rows, vitals, x, row)
            ringed: set[tuple[str, Level]] = set()
            for flag in flagged.flags:
                panel = _FIELD_PANEL.get(flag.fields[0]) if flag.fields else None
                if panel is None or (panel, flag.level) in ringed:
                    continue
                ringed.add((panel, flag.level))
                value = vitals.systolic if panel == BP else getattr(vitals, panel)
                xs, ys = rings[panel][flag.level]
                xs.append(x)
                ys.append(float(value or 0))
        for key, trace in self.traces.items():
            if trace.extend(rows[key], rings[key]):
                trace.redraw(DENSE_PIXELS)

    # -- a monitor's readings ----------------------------------------------------------------

    def _show_monitor(self, chart: SessionChart) -> None:
        """The readings waiting, appended to their buffers while the drawn ones are still
        the first of them (a reading a second costs one append); drawn again only when a
        verdict took one away. The artifacts drawn again when one is added."""
        if chart.monitor_readings and not self._monitor_legend:
            self._add_monitor_legend()
        waiting = chart.pending_readings
        drawn = len(self.pending)
        appendable = (self._pending_origin == self._origin and len(waiting) >= drawn
                      and (not drawn or waiting[drawn - 1].id == self.pending[-1].id))
        fresh = waiting[drawn:] if appendable else waiting
        if appendable and drawn and fresh and (
                min(r.observed_at for r in fresh) < self.pending[-1].observed_at):
            appendable, fresh = False, waiting  # one sent late: put in its place
        if not appendable:
            self.pending = []
            for trace in self.pending_traces.values():
                trace.clear()
            fresh = tuple(sorted(fresh, key=lambda r: (r.observed_at, r.id)))
        self._pending_origin = self._origin
        if fresh:
            self._append_pending(fresh)
        elif not appendable:
            for trace in self.pending_traces.values():
                trace.redraw(DENSE_PIXELS)
        if chart.artifacts != self.artifacts:
            self._show_artifacts(chart.artifacts)

    def _append_pending(self, fresh: Sequence[MonitorReading]) -> None:
        first_row = len(self.pending)
        self.pending.extend(fresh)
        rows: dict[str, dict[str, list[float]]] = {
            key: {name: [] for name in trace.columns.names}
            for key, trace in self.pending_traces.items()}
        for row, reading in enumerate(fresh, start=first_row):
            _add_columns(rows, reading.vitals, self.minutes(reading.observed_at), row)
        for key, trace in self.pending_traces.items():
            if trace.extend(rows[key], {}):
                trace.redraw(DENSE_PIXELS)

    def _show_artifacts(self, artifacts: tuple[tuple[MonitorReading, ReadingMark], ...]
                        ) -> None:
        self.artifacts = artifacts
        for key, marks in self.artifact_marks.items():
            xs, ys = [], []
            for reading, _mark in artifacts:
                vitals = reading.vitals
                value = vitals.systolic if key == BP else getattr(vitals, key)
                if value is not None:
                    xs.append(self.minutes(reading.observed_at))
                    ys.append(float(value))
            marks.setData(xs, ys)

    def _add_monitor_legend(self) -> None:
        self._monitor_legend = True
        pending = curve(style.faint_pen(style.BP), "t", 10, style.faint(style.BP), None)
        pending.setData([0.0], [0.0])
        self.legend.addItem(pending, "from the monitor, not validated\u2003")
        artifact = pg.ScatterPlotItem(symbol="x", size=style.ARTIFACT_SIZE,
                                      pen=style.pen(style.ARTIFACT_INK, 1),
                                      brush=pg.mkBrush(style.ARTIFACT_INK))
        self.legend.addItem(artifact, "artifact (not charted)\u2003")
        self.legend.setColumnCount(3)  # two rows of three: four and two overran the panel
        _pack(self.legend)

    def _end_of_record(self, chart: SessionChart, now: datetime | None) -> datetime:
        finished = chart.timeline.finished_at
        if finished is not None:
            return finished
        moments = [chart.timeline.phase_since]
        if self.readings:
            moments.append(self.readings[-1].entry.current.observed_at)
        if self._chart_marks:
            moments.append(self._chart_marks[-1].at)
        if now is not None:
            moments.append(now)
        return max(moments)

    def _session_extent(self, chart: SessionChart, end: datetime) -> tuple[float, float]:
        """The minutes the default view spans: arrival to the end of the record, and while
        dosing, at least to when the dose should end."""
        low = min([self.minutes(chart.timeline.began_at),
                   *(float(trace.x[0]) for trace in self.traces.values() if len(trace.x))])
        high = self.minutes(end)
        for trace in self.traces.values():
            if len(trace.x):
                high = max(high, float(trace.x[-1]))
        if self._dosed and chart.timeline.infusion_ended_at is None:
            high = max(high, chart.infusion_time.total_seconds() / 60)
        return (low - MARGIN_MINUTES, high + MARGIN_MINUTES)

    def _follow(self) -> None:
        """Show the whole session. While it runs, leave a step of room on the right and move
        the edge on only when a reading reaches it, not with every reading."""
        low, high = self._extent
        shown_low, shown_high = self.panels[EVENTS].view.viewRange()[0]
        if self._running:
            step = max(FOLLOW_STEP_MINUTES, (high - low) / 10)
            if math.isclose(shown_low, low) and high <= shown_high <= high + step:
                return
            high += step
        elif math.isclose(shown_low, low) and math.isclose(shown_high, high):
            return
        self.panels[EVENTS].plot.setXRange(low, high, padding=0)

    def _fit_y(self, limits: Thresholds) -> None:
        def span(name: str, column: str = "y") -> tuple[float, float] | None:
            found = [extremes[column] for trace in (self.traces[name],
                                                    self.pending_traces[name])
                     if column in (extremes := trace.extremes)]
            if column != "diastolic":  # an artifact's ✗ in view, however far off it was
                marked = self.artifact_marks[name].getData()[1]
                if marked is not None and len(marked):
                    found.append((float(np.min(marked)), float(np.max(marked))))
            if not found:
                return None
            return min(low for low, _ in found), max(high for _, high in found)

        systolic, diastolic = span(BP, "systolic"), span(BP, "diastolic")
        hr, spo2, rr = span("heart_rate"), span("spo2"), span("respiratory_rate")
        ranges = {
            BP: (min(40, diastolic[0] - 10 if diastolic else 40),
                 max(200, limits.stop_systolic_above + 20, systolic[1] + 12 if systolic else 0)),
            "heart_rate": (min(30, limits.heart_rate_below - 15, hr[0] - 5 if hr else 30),
                           max(150, limits.heart_rate_above + 25, hr[1] + 8 if hr else 0)),
            "spo2": (min(82, limits.spo2_below - 8, spo2[0] - 3 if spo2 else 82), 101),
            "respiratory_rate": (0, max(32, limits.respiratory_rate_above + 7,
                                        rr[1] + 4 if rr else 0)),
        }
        for key, (low, high) in ranges.items():
            view = self.panels[key].view
            if tuple(view.viewRange()[1]) != (low, high):
                view.setYRange(low, high, padding=0)
        bottom = ranges[BP][0]
        for label in self.phase_labels:
            if label.pos().y() != bottom:
                label.setPos(label.pos().x(), bottom)

    def _show_thresholds(self, limits: Thresholds) -> None:
        self._limits = limits
        ticks: dict[str, list[tuple[float, str]]] = {key: [] for key in (BP, *MEASURES)}
        for key, line in self.thresholds.items():
            value = getattr(limits, key)
            line.setValue(value)
            ticks[_THRESHOLD_PANELS[key]].append((value, f"{value}"))
        for key, values in ticks.items():
            self.panels[key].plot.getAxis("right").setTicks([values])

    def _show_phases(self, chart: SessionChart, end: datetime) -> None:
        spans = phase_spans(chart.timeline)
        ends = tuple((self.minutes(span.start), self.minutes(span.end or end))
                     for span in spans)
        if spans == self.spans and ends == self._span_ends:
            return
        self.spans = spans
        self._span_ends = ends
        shaded = tuple((start, stop, span.phase)
                       for (start, stop), span in zip(ends, spans, strict=True))
        for panel in self.panels.values():
            panel.shade.set_spans(shaded)
        bp = self.panels[BP].plot
        while len(self.phase_labels) < len(spans):
            label = pg.TextItem("", color=style.MUTED, anchor=(0, 1))
            label.setFont(style.font(bold=True))
            label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            bp.addItem(label, ignoreBounds=True)
            self.phase_labels.append(label)
        while len(self.phase_labels) > len(spans):
            bp.removeItem(self.phase_labels.pop())
        for label, span in zip(self.phase_labels, spans, strict=True):
            words = span_label(span.phase, chart.protocol.route)
            if label.toPlainText() != words:
                label.setText(words)
        limits = chart.protocol.thresholds
        dose = chart.timeline.dose_started_at
        start = ends[0][0] if ends else 0.0
        stop = self.minutes(dose) if dose else ends[-1][1] if ends else 0.0
        lines = ([start, stop, start, stop],
                 [float(limits.predose_systolic_above)] * 2
                 + [float(limits.predose_diastolic_above)] * 2)
        if self._predose != lines:
            self._predose = lines
            self.predose.setData(*lines)
            self.predose_label.setText(
                f"pre-dose {limits.predose_systolic_above}/{limits.predose_diastolic_above}")
            self.predose_label.setPos(start, limits.predose_systolic_above)
        self._place_phase_labels()

    def _show_marks(self) -> None:
        marks = tuple(sorted((*self._chart_marks, *self._alert_marks), key=lambda m: m.at))
        if marks == self.marks and len(self.events.data) == len(marks):
            return
        self.marks = marks
        x = np.array([self.minutes(mark.at) for mark in marks], dtype=float)
        symbols, pens, brushes = [], [], []
        for mark in marks:
            symbol, line, fill = style.MARK_STYLE[mark.kind]
            symbols.append(symbol)
            pens.append(style.pen(line, 1.5))
            brushes.append(pg.mkBrush(fill) if fill else pg.mkBrush(style.PAPER))
        self.events.setData(x=x, y=np.full(len(marks), 0.5), symbol=symbols, pen=pens,
                            brush=brushes)
        self._show_mark_legend(tuple(kind for kind in MarkKind
                                     if any(mark.kind is kind for mark in marks)))

    def _show_mark_legend(self, kinds: tuple[MarkKind, ...]) -> None:
        """The shapes of the marks on this chart, in words (a picture has no hover)."""
        if kinds == self._legend_kinds:
            return
        self._legend_kinds = kinds
        self.mark_legend.clear()
        for kind in kinds:
            symbol, line, fill = style.MARK_STYLE[kind]
            sample = pg.ScatterPlotItem(symbol=symbol, size=10, pen=style.pen(line, 1.5),
                                        brush=pg.mkBrush(fill or style.PAPER))
            self.mark_legend.addItem(sample, style.MARK_WORDS[kind] + "\u2003")
        _pack(self.mark_legend)

    # -- the view --------------------------------------------------------------------------

    def _moved_by_user(self, *_changed: object) -> None:
        self.following = False

    def _place_phase_labels(self, *_changed: object) -> None:
        """Each phase's word at its span's left edge in view, if the span has room for it."""
        view = self.panels[BP].view
        (low, high), width = view.viewRange()[0], max(view.width(), 1.0)
        per_pixel = (high - low) / width
        for label, (start, stop) in zip(self.phase_labels, self._span_ends, strict=True):
            shown_from = max(start, low)
            room = (min(stop, high) - shown_from) / per_pixel if per_pixel > 0 else 0
            label.setVisible(room >= _label_width(label.toPlainText()) + 6)
            if label.pos().x() != shown_from:
                label.setPos(shown_from, label.pos().y())

    # -- pointing at the chart -------------------------------------------------------------

    def hover(self, scene_pos: QPointF) -> Hovered | None:
        """Show what is under the pointer (or finger): the nearest reading of the panel,
        with all of its set, or the marks at that moment. None (and nothing shown) if the
        pointer is near nothing."""
        found = self._find(scene_pos)
        self.hovered = found
        for panel in self.panels.values():
            panel.cursor.hide()
            panel.highlight.hide()
        if found is None:
            self.readout.hide()
            return None
        if found.reading is not None:
            vitals = found.reading.entry.current
            x = self.minutes(vitals.observed_at)
            points = {BP: vitals.systolic, **{name: getattr(vitals, name) for name in MEASURES}}
            for key, panel in self.panels.items():
                panel.cursor.setValue(x)
                panel.cursor.show()
                value = points.get(key)
                if value is not None:
                    panel.highlight.setData([x], [value])
                    panel.highlight.show()
        self.readout.show_text(found.text, scene_pos)
        return found

    def hide_readout(self) -> None:
        self.hover(QPointF(-1e6, -1e6))

    def _find(self, scene_pos: QPointF) -> Hovered | None:
        for key, panel in self.panels.items():
            view = panel.view
            if not view.sceneBoundingRect().contains(scene_pos):
                continue
            point = view.mapSceneToView(scene_pos)
            pixel = view.viewPixelSize()
            if key == EVENTS:
                return self._marks_near(point.x(), pixel[0])
            if self._origin is None:
                return None
            artifact = self._artifact_near(key, point.x(), point.y(), pixel)
            if artifact is not None:  # drawn over the rest: what the pointer is on
                return artifact
            found = self.traces[key].nearest(point.x(), point.y(), pixel, HOVER_PIXELS)
            if found is None:
                return self._pending_near(key, point.x(), point.y(), pixel)
            reading = self.readings[found[0]]
            return Hovered(reading_words(reading, self._origin, self._dosed, self.zone),
                           reading=reading)
        return None

    def _artifact_near(self, key: str, x: float, y: float,
                       pixel: tuple[float, float]) -> Hovered | None:
        """An artifact under the pointer, with its reason."""
        marks = self.artifact_marks[key]
        xs, ys = marks.getData()
        if xs is not None and len(xs):
            distance = np.hypot((np.asarray(xs) - x) / pixel[0],
                                (np.asarray(ys) - y) / pixel[1])
            index = int(np.argmin(distance))
            if distance[index] <= HOVER_PIXELS:
                shown = [pair for pair in self.artifacts
                         if (pair[0].vitals.systolic if key == BP
                             else getattr(pair[0].vitals, key)) is not None]
                reading, mark = shown[index]
                return Hovered(artifact_readout(reading, mark, self.zone))
        return None

    def _pending_near(self, key: str, x: float, y: float,
                      pixel: tuple[float, float]) -> Hovered | None:
        """A reading waiting under the pointer, said as not validated."""
        found = self.pending_traces[key].nearest(x, y, pixel, HOVER_PIXELS)
        if found is None:
            return None
        return Hovered(pending_readout(self.pending[found[0]], self.zone))

    def _marks_near(self, x: float, pixel: float) -> Hovered | None:
        if not self.marks or self._origin is None:
            return None
        xs = np.array([self.minutes(mark.at) for mark in self.marks])
        distance = np.abs(xs - x) / pixel
        nearest = float(distance.min())
        if nearest > HOVER_PIXELS:
            return None
        close = tuple(m for m, d in zip(self.marks, distance, strict=True)
                      if d <= nearest + 4)
        lines = [f"{m.at.astimezone(self.zone):%H:%M} · {m.text}" for m in close]
        return Hovered("\n".join(lines), marks=close)


def _corrections(chart: SessionChart) -> tuple[tuple[int, int], ...]:
    """Which sets carry amendments, and how many: drawn sets need redrawing when it changes.
    (One pass over the sets, a fifth of a millisecond for 14,400.)"""
    return tuple((entry.id, len(entry.amendments)) for entry in
                 [entry for entry in chart.vitals if entry.amendments])


def _pack(legend: pg.LegendItem) -> None:
    """Packed to the top left, not spread over the room the layout would give it (nor
    framed by pyqtgraph's 9-pixel margins)."""
    legend.layout.setContentsMargins(4, 2, 0, 0)
    legend.layout.activate()
    legend.setMaximumWidth(legend.preferredWidth())
    legend.setMaximumHeight(legend.preferredHeight())


def _redraw(trace: Trace, *_changed: object) -> None:
    trace.redraw(DENSE_PIXELS)


def _label_width(text: str) -> float:
    """In pixels, from the font (an item's own size is known only once it is painted)."""
    return QFontMetricsF(style.font(bold=True)).horizontalAdvance(text)


class _Sample(pg.ItemSample):
    """A legend sample that does not hide its curve when clicked (the legend explains,
    it does not switch things off)."""

    def mouseClickEvent(self, event: object) -> None:
        event.ignore()  # type: ignore[attr-defined]


def _add_columns(rows: dict[str, dict[str, list[float]]], vitals: Vitals, x: float,
                 row: int) -> None:
    """A set's points appended to each measure's columns (the BP as its pair), at minute
    `x`, each knowing its `row`: a typed set's and a monitor's reading's alike."""
    if vitals.systolic is not None and vitals.diastolic is not None:
        columns = rows[BP]
        columns["x"].append(x)
        columns["systolic"].append(vitals.systolic)
        columns["diastolic"].append(vitals.diastolic)
        columns["row"].append(row)
    for name in MEASURES:
        value = getattr(vitals, name)
        if value is not None:
            columns = rows[name]
            columns["x"].append(x)
            columns["y"].append(value)
            columns["row"].append(row)
