"""A panel's phases as shaded spans behind its data.

One item paints a rectangle per span: the same picture as a LinearRegionItem per phase,
without a dozen items (each with two edge lines) to repaint whenever a reading arrives.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from ketamonitor.core.phases import Phase
from ketamonitor.plotting import style

#: Far beyond any vital's scale: the shade fills the panel whatever its range.
_REACH = 1e4

Span = tuple[float, float, Phase]


class PhaseShade(pg.GraphicsObject):
    def __init__(self) -> None:
        super().__init__()
        self.spans: tuple[Span, ...] = ()
        self.setZValue(-20)

    def set_spans(self, spans: tuple[Span, ...]) -> None:
        """(start, end, phase) in minutes; repainted only when they changed."""
        if spans == self.spans:
            return
        self.prepareGeometryChange()
        self.spans = spans
        self.update()

    def boundingRect(self) -> QRectF:
        if not self.spans:
            return QRectF()
        start, end = self.spans[0][0], self.spans[-1][1]
        return QRectF(start, -_REACH, end - start, 2 * _REACH)

    def paint(self, painter: QPainter, *_args: object) -> None:
        for start, end, phase in self.spans:
            brush = style.PHASE_BRUSHES.get(phase, style.OTHER_PHASE_BRUSH)
            painter.fillRect(QRectF(start, -_REACH, end - start, 2 * _REACH), brush)
