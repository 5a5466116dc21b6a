"""One measure drawn in one panel from growing columns: its curve(s) and its flagged readings.

The curves are given views of numpy buffers, clipped to the visible time and peak-downsampled
when there are more readings than pixels (see live_curve), so a four-hour monitor feed
(14,400 readings) draws as fast as a hand-charted session; symbols are dropped while readings
are denser than a few pixels apart, where the line already says everything.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QPainter, QPainterPath

from ketamonitor.core.flags import Level
from ketamonitor.plotting import style
from ketamonitor.plotting.buffers import Columns
from ketamonitor.plotting.live_curve import LiveCurve

#: Ring shapes of flagged readings: a diamond is critical (the alerts' ◆), a circle asks to
#: act now, a square to consider.
RING_SYMBOLS = {Level.CRITICAL: ("d", style.FLAG_CRITICAL_PEN),
                Level.HIGH: ("o", style.FLAG_HIGH_PEN),
                Level.CAUTION: ("s", style.FLAG_CAUTION_PEN)}
RING_SIZE = 17
DENSE_RING_SIZE = 5


def curve(pen: object, symbol: str | None = None, size: float = 8, symbol_pen: object = None,
          symbol_brush: object = None, name: str | None = None) -> pg.PlotDataItem:
    """A curve that stays fluid however long it grows (clip to view, peak downsampling:
    also set on the plot item, which hands its own settings to every curve added to it).
    One bin a pixel: peak mode keeps each bin's highest and lowest, so the line looks the
    same as with every point. Symbols are hollow unless given a brush."""
    item = pg.PlotDataItem(pen=pen, symbol=symbol, symbolSize=size, symbolPen=symbol_pen,
                           symbolBrush=pg.mkBrush(symbol_brush), name=name,
                           skipFiniteCheck=True, autoDownsampleFactor=1.0, antialias=True)
    item.setClipToView(True)
    item.setDownsampling(auto=True, method="peak")
    return item


class Trace:
    """Columns x, the measure's y columns and each reading's row in the chart's list; one
    live curve per y column; flagged readings ringed by level."""

    def __init__(self, plot: pg.PlotItem, curves: dict[str, LiveCurve]) -> None:
        self.plot = plot
        self.curves = curves
        self.columns = Columns(("x", *curves, "row"))
        self.rings: dict[Level, tuple[Columns, pg.PlotDataItem]] = {}
        for level, (symbol, ring_pen) in RING_SYMBOLS.items():
            ring = curve(None, symbol, RING_SIZE, ring_pen, None)
            ring.setZValue(5)
            ring.hide()  # until a reading crosses a line: an empty item still costs a paint
            self.rings[level] = (Columns(("x", "y")), ring)
            plot.addItem(ring)
        self.dense = False
        #: Each y column's lowest and highest value, kept as rows are appended.
        self.extremes: dict[str, tuple[float, float]] = {}

    @property
    def x(self) -> np.ndarray:
        return self.columns["x"]

    def clear(self) -> None:
        self.columns.clear()
        self.extremes = {}
        for item in self.curves.values():
            item.reset()
        for columns, ring in self.rings.values():
            columns.clear()
            ring.setData([], [])
            ring.hide()

    def extend(self, rows: dict[str, list[float]], rings: dict[Level, tuple[list[float],
                                                                            list[float]]]) -> bool:
        """Append rows and rings; True if any curve grew (it then needs a `redraw`)."""
        for level, (xs, ys) in rings.items():
            if xs:
                columns, ring = self.rings[level]
                columns.extend({"x": xs, "y": ys})
                ring.setData(columns["x"], columns["y"])
                ring.show()
        if not rows["x"]:
            return False
        self.columns.extend(rows)
        x = self.columns["x"]
        for name, item in self.curves.items():
            added = rows[name]
            low, high = self.extremes.get(name, (min(added), max(added)))
            self.extremes[name] = (min(low, *added), max(high, *added))
            item.set_data(x, self.columns[name])
        return True

    def redraw(self, dense_pixels: float) -> None:
        """Draw what the panel's view shows; plain lines while readings are closer than
        `dense_pixels` apart."""
        view = self.plot.getViewBox()
        (low, high), width = view.viewRange()[0], max(view.width(), 1.0)
        dense = self.visible_count(low, high) * dense_pixels > width
        for item in self.curves.values():
            item.set_dense(dense)
            item.redraw(low, high, width)
        if dense != self.dense:
            self.dense = dense
            for level, (_columns, ring) in self.rings.items():
                # crowded rings merge into a blot: mark each flagged reading with a dot
                ring.setSymbolSize(DENSE_RING_SIZE if dense else RING_SIZE)
                ring.setSymbolBrush(RING_SYMBOLS[level][1].color() if dense else None)

    def visible_count(self, low: float, high: float) -> int:
        x = self.columns["x"]
        return int(np.searchsorted(x, high, "right") - np.searchsorted(x, low, "left"))

    def nearest(self, x: float, y: float, pixel: tuple[float, float],
                within: float) -> tuple[int, float, float] | None:
        """The reading closest on screen to (x, y), if within `within` pixels: its row in
        the chart's list and the point drawn."""
        xs = self.columns["x"]
        reach = within * pixel[0]
        low = int(np.searchsorted(xs, x - reach, "left"))
        high = int(np.searchsorted(xs, x + reach, "right"))
        if low >= high:
            return None
        dx = (xs[low:high] - x) / pixel[0]
        best: tuple[float, int, float] | None = None
        for name in self.curves:
            ys = self.columns[name][low:high]
            distance = np.hypot(dx, (ys - y) / pixel[1])
            index = int(np.argmin(distance))
            if best is None or distance[index] < best[0]:
                best = (float(distance[index]), low + index, float(ys[index]))
        if best is None or best[0] > within:
            return None
        return int(self.columns["row"][best[1]]), float(xs[best[1]]), best[2]


class Band(pg.GraphicsObject):
    """The band between two curves drawn on the same x (systolic above, diastolic below),
    filled from what the curves show: clipped and downsampled with them, and redrawn when
    either changes, zoom included (pyqtgraph's FillBetweenItem follows data changes only).
    The outline is worked out when painted, once for both curves' changes."""

    def __init__(self, upper: pg.PlotCurveItem, lower: pg.PlotCurveItem, brush: QBrush) -> None:
        super().__init__()
        self.upper = upper
        self.lower = lower
        self.brush = brush
        self.path: QPainterPath | None = None
        self.upper.sigPlotChanged.connect(self.follow)
        self.lower.sigPlotChanged.connect(self.follow)

    def follow(self, *_changed: object) -> None:
        self.prepareGeometryChange()
        self.path = None
        self.update()

    def boundingRect(self) -> QRectF:
        return self.upper.boundingRect().united(self.lower.boundingRect())

    def outline(self) -> QPainterPath:
        if self.path is None:
            self.path = QPainterPath()
            x1, y1 = self.upper.getData()
            x2, y2 = self.lower.getData()
            if x1 is not None and x2 is not None and len(x1) > 1 and len(x2) > 1:
                self.path = pg.arrayToQPath(np.concatenate((x1, x2[::-1])),
                                            np.concatenate((y1, y2[::-1])), connect="all")
                self.path.closeSubpath()
        return self.path

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.fillPath(self.outline(), self.brush)
