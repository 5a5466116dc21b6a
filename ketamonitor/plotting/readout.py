"""The box of words beside the pointer: what a reading or a mark under it says."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF

from ketamonitor.plotting import style

#: Pixels between the pointer and the box.
GAP = 14
#: The box never takes more than this share of the chart's width (long flags wrap).
MOST_OF_WIDTH = 0.7


class Readout(pg.TextItem):
    """Placed in the chart's layout (not in a panel), so it may overlap panels."""

    def __init__(self, layout: pg.GraphicsLayout) -> None:
        super().__init__("", color=style.INK, fill=pg.mkBrush(255, 255, 255, 235),
                         border=style.pen(style.MUTED, 1), anchor=(0, 0))
        self.layout = layout
        self.setFont(style.font(9))
        self.setParentItem(layout)
        self.setZValue(100)
        self.hide()

    def show_text(self, text: str, scene_pos: QPointF) -> None:
        """Beside the pointer, on the side with room, and always inside the chart."""
        self.setText(text)
        bounds: QRectF = self.layout.boundingRect()
        self.setTextWidth(-1)
        if self.textItem.boundingRect().width() > bounds.width() * MOST_OF_WIDTH:
            self.setTextWidth(bounds.width() * MOST_OF_WIDTH)
        size = self.textItem.boundingRect()
        at = self.layout.mapFromScene(scene_pos)
        x = at.x() + GAP
        if x + size.width() > bounds.right():
            x = at.x() - GAP - size.width()
        y = at.y() + GAP
        if y + size.height() > bounds.bottom():
            y = at.y() - GAP - size.height()
        x = min(max(x, bounds.left()), bounds.right() - size.width())
        y = min(max(y, bounds.top()), bounds.bottom() - size.height())
        self.setPos(QPointF(x, y))
        self.show()
