"""The session chart and the course view as PNG pictures of a chosen size, for summaries.

Drawn by the same plot building as the screen (ketamonitor.plotting), in pyqtgraph's own
layout widget that is never shown: such a widget keeps a default layout until it is told
its size, so it is resized and laid out at the size asked for before pyqtgraph's
ImageExporter renders it. (Not the SVGExporter: it crashes on pyqtgraph 0.14 with Qt 6.12.)
A QApplication must exist, as for any Qt painting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtGui import QImage

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.library import Library
from ketamonitor.plotting import style
from ketamonitor.plotting.course_plot import CoursePlot
from ketamonitor.plotting.session_plot import SessionPlot

SESSION_SIZE = (1200, 800)
COURSE_SIZE = (1400, 760)


def session_chart_image(chart: SessionChart, zone: tzinfo, *,
                        size: tuple[int, int] = SESSION_SIZE, now: datetime | None = None,
                        library: Library | None = None,
                        alerts: Iterable[AlertRecord] = ()) -> QImage:
    """The session's chart, whole, at `size` pixels (width, height), with its alerts."""
    def build(layout: pg.GraphicsLayout) -> SessionPlot:
        plot = SessionPlot(layout, zone, library)
        plot.show_chart(chart, now)
        plot.show_alerts(alerts)
        return plot

    return _render(build, size)


def course_image(charts: Sequence[SessionChart], zone: tzinfo, *,
                 size: tuple[int, int] = COURSE_SIZE) -> QImage:
    """A patient's course (one small chart per session, and the trends) at `size` pixels."""
    def build(layout: pg.GraphicsLayout) -> CoursePlot:
        plot = CoursePlot(layout, zone)
        plot.show_course(charts)
        return plot

    return _render(build, size)


def save_png(image: QImage, path: Path) -> Path:
    # PySide6 stub gap: the stubs type the format as bytes, but 6.11 refuses bytes at run
    # time and takes the str (tests/export/test_chart_image.py writes the file)
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"could not write the picture to {path}")
    return path


def _render(build: Callable[[pg.GraphicsLayout], object], size: tuple[int, int]) -> QImage:
    """`build` returns the plot object: it is kept until the picture is taken, because its
    handlers (laying labels out for the size, for one) live only as long as it does."""
    width, height = size
    canvas = style.canvas()
    try:
        plot = build(canvas.ci)
        canvas.resize(width, height)
        canvas.resizeEvent(None)  # lay the items out at this size now; it is never shown
        exporter = ImageExporter(canvas.ci)
        exporter.parameters()["width"] = width
        exporter.parameters()["height"] = height
        image = exporter.export(toBytes=True)
        assert isinstance(image, QImage)
        del plot
        return image.copy()
    finally:
        canvas.close()
        canvas.deleteLater()
