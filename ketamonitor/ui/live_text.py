"""Text that changes every tick without making Qt lay the window out again.

A QLabel asks its layout to recompute on every setText; six tiles ticking once a second
would re-lay the whole room each second. LiveText keeps a fixed height, paints its text
(elided to its width) on its own opaque paper, and only asks to be repainted.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class LiveText(QWidget):
    def __init__(self, template: str = "00:00:00", paper: str = "#ffffff",
                 parent: QWidget | None = None, *, shrink: bool = True) -> None:
        super().__init__(parent)
        self._shrink = shrink  # a timer's digits must never be elided: it does not shrink
        self._text = ""
        # Opaque: a repaint of this text never repaints the (styled, costly) tile behind it.
        self._paper = QColor(paper)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._template = template
        self._ink: QColor | None = None
        self._background: QColor | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._fit()

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()  # a repaint of this widget only: no layout pass

    def is_elided(self) -> bool:
        """True when the text does not fit the width it has: a clipped timer misleads."""
        return (QFontMetrics(self._drawn_font()).horizontalAdvance(self._text)
                > self.width() - 2 * self._pad())

    def _pad(self) -> int:
        return 4 if self._background is not None else 0

    def _drawn_font(self) -> QFont:
        """The widget's font; for text that must never be elided (a timer's digits) and
        has outgrown its template ("10:32:00" where "0:00:00" was planned), a smaller size
        of it that fits the width, so every digit stays readable."""
        font = self.font()
        room = self.width() - 2 * self._pad()
        if self._shrink or room <= 0:
            return font
        smaller = QFont(font)
        size = font.pointSizeF()
        while QFontMetrics(smaller).horizontalAdvance(self._text) > room and size > 6:
            size -= 0.5
            smaller.setPointSizeF(size)
        return smaller

    def set_colours(self, ink: str | None = None, background: str | None = None) -> None:
        new_ink = QColor(ink) if ink else None
        new_background = QColor(background) if background else None
        if (new_ink, new_background) != (self._ink, self._background):
            self._ink, self._background = new_ink, new_background
            self.update()

    def setFont(self, font: QFont | str | Sequence[str]) -> None:
        super().setFont(font)
        self._fit()

    def _fit(self) -> None:
        metrics = QFontMetrics(self.font())
        self.setFixedHeight(metrics.height() + 4)
        self._hint = QSize(metrics.horizontalAdvance(self._template) + 8, metrics.height() + 4)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return self._hint

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._hint.height()) if self._shrink else self._hint

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._paper)
        font = self._drawn_font()
        painter.setFont(font)
        metrics = QFontMetrics(font)
        pad = self._pad()
        text = metrics.elidedText(self._text, Qt.TextElideMode.ElideRight,
                                  self.width() - 2 * pad)
        if self._background is not None:
            width = min(metrics.horizontalAdvance(text) + 2 * pad, self.width())
            painter.fillRect(QRect(0, 0, width, self.height()), self._background)
        painter.setPen(self._ink if self._ink is not None else self.palette().windowText().color())
        painter.drawText(self.rect().adjusted(pad, 0, -pad, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
