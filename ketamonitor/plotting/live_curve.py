"""A line fed one reading at a time, drawn at the cost of what changed.

pyqtgraph's PlotDataItem clips and peak-downsamples a curve again from all of its points on
every `setData` (half a millisecond for 14,400 points, five curves a reading), and drops a
last bin that is not yet full, so a monitor's newest readings would show late. Here the bins
are anchored to the readings' index, kept, and worked out again only from the last complete
one when readings are appended; the view takes the bins it shows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPen

from ketamonitor.plotting.buffers import Columns

#: A new bin size is taken only when it differs from the last by more than this share, so
#: that a growing session does not start the bins over with every reading.
_STEP_SLACK = 0.25


class Peaks:
    """Each bin of `step` readings as its highest and its lowest value, at the bin's middle
    time (the line then looks as it would with every point, a pixel a bin)."""

    def __init__(self) -> None:
        self.step = 0
        self.bins = Columns(("x", "high", "low"))
        self.complete = 0  # bins worked out from `step` readings each

    def reset(self) -> None:
        self.step = 0
        self.bins.clear()
        self.complete = 0

    def shown(self, x: np.ndarray, y: np.ndarray, low: float, high: float,
              pixels: float) -> tuple[np.ndarray, np.ndarray]:
        """What to draw of (x, y) between `low` and `high` on `pixels` of width: the readings
        there (and one either side), or their bins when they outnumber the pixels."""
        count = len(x)
        first = max(bisect_left(x, low) - 1, 0)
        last = min(bisect_right(x, high) + 1, count)
        step = int((last - first) // max(pixels, 1.0))
        if step <= 1:
            return x[first:last], y[first:last]
        if not self.step or abs(step - self.step) > _STEP_SLACK * self.step:
            self.reset()
            self.step = step
        step = self.step
        self._work_out(x, y)
        begin, end = first // step, min(-(-last // step), len(self.bins))
        xs = np.repeat(self.bins["x"][begin:end], 2)
        ys = np.empty(2 * (end - begin))
        ys[0::2] = self.bins["high"][begin:end]
        ys[1::2] = self.bins["low"][begin:end]
        return xs, ys

    def _work_out(self, x: np.ndarray, y: np.ndarray) -> None:
        """Bins from the last complete one on, including a last one still filling."""
        step = self.step
        full = len(x) // step
        start = self.complete
        kept = start  # rows of `bins` still right: the complete ones
        rows: dict[str, list[float] | np.ndarray] = {"x": [], "high": [], "low": []}
        if full > start:
            block = y[start * step:full * step].reshape(full - start, step)
            rows["x"] = x[start * step + step // 2:full * step:step]
            rows["high"] = block.max(axis=1)
            rows["low"] = block.min(axis=1)
        tail = y[full * step:]
        self.bins.truncate(kept)
        if full > start:
            self.bins.extend(rows)
        if len(tail):
            middle = x[full * step + (len(tail) - 1) // 2]
            self.bins.extend({"x": [middle], "high": [tail.max()], "low": [tail.min()]})
        self.complete = full


class LiveCurve:
    """A growing series shown as a line (and symbols while readings are far enough apart),
    from views of the caller's columns."""

    def __init__(self, plot: pg.PlotItem, pen: QPen, symbol: str | None, size: float,
                 symbol_pen: object, symbol_brush: object) -> None:
        self.pen = pen
        self.symbol = symbol
        self.line = pg.PlotCurveItem(pen=pen, antialias=True, skipFiniteCheck=True)
        self.dots = pg.ScatterPlotItem(symbol=symbol or "o", size=size,
                                       pen=pg.mkPen(symbol_pen), brush=pg.mkBrush(symbol_brush))
        self.dots.setZValue(1)
        self.peaks = Peaks()
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.dense = False
        plot.addItem(self.line)
        plot.addItem(self.dots)

    @property
    def xData(self) -> np.ndarray:
        return self.x

    @property
    def yData(self) -> np.ndarray:
        return self.y

    @property
    def shows_symbols(self) -> bool:
        return self.symbol is not None and not self.dense

    def set_data(self, x: np.ndarray, y: np.ndarray) -> None:
        """The whole series so far (views: appended readings keep the bins made so far)."""
        if len(x) < len(self.x):
            self.peaks.reset()
        self.x, self.y = x, y

    def reset(self) -> None:
        self.peaks.reset()
        self.x, self.y = np.empty(0), np.empty(0)

    def set_dense(self, dense: bool) -> None:
        """While readings crowd each other, a plain one-pixel line: no symbols, no
        smoothing, no dashes (Qt strokes a smoothed, dashed or wide path of a thousand
        zigzags in milliseconds, a plain one-pixel one in a tenth of that)."""
        if dense == self.dense:
            return
        self.dense = dense
        self.line.opts["antialias"] = not dense
        thin = QPen(self.pen.color(), 1)  # its colour as it is, a faint one's alpha too
        thin.setCosmetic(True)
        self.line.setPen(thin if dense else self.pen)

    def redraw(self, low: float, high: float, pixels: float) -> None:
        xs, ys = self.peaks.shown(self.x, self.y, low, high, pixels)
        self.line.setData(xs, ys)
        if self.shows_symbols:
            self.dots.setData(xs, ys)
        elif len(self.dots.data):
            self.dots.clear()
        self.dots.setVisible(self.shows_symbols)  # hidden, an item costs nothing to paint
