"""An alert as a row: its priority's shape and word, its reason and value, and the button
that records an acknowledgement, offered only to someone who may acknowledge (an
administrator sees the alert, not a button the store would refuse)."""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.times import format_clock
from ketamonitor.ui import theme

PRIORITY_STYLE = {
    Priority.CRITICAL: (theme.CRITICAL, theme.CRITICAL_BG, 6),
    Priority.HIGH: (theme.HIGH, theme.HIGH_BG, 4),
    Priority.MEDIUM: (theme.CAUTION, theme.CAUTION_BG, 3),
    Priority.LOW: (theme.INK, "#eef2f6", 2),
}


def edge(priority: Priority | None) -> tuple[str, int]:
    """The colour and width of the edge around a tile or a row for its most urgent alert.
    A critical one is drawn inverted, so its edge is its dark background (its light ink
    would vanish on the white tile), and thicker than any other."""
    if priority is None:
        return theme.MUTED, 1
    ink, background, width = PRIORITY_STYLE[priority]
    return (background if priority is Priority.CRITICAL else ink), width


class AlertRow(QFrame):
    """One alert on a tile or a page: its shape, its words, and the button to answer it."""

    acknowledge = Signal(int)

    def __init__(self, record: AlertRecord, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record_id = record.id
        ink, background, _width = PRIORITY_STYLE[record.priority]
        critical = record.priority is Priority.CRITICAL
        #: A critical row: light on dark red, a thick edge a step brighter around it.
        border = f"3px solid {theme.CRITICAL_EDGE}" if critical else f"1px solid {ink}"
        self.setObjectName(f"alert_{record.id}")
        self.setProperty("priority", record.priority.value)
        self.setStyleSheet(f"QFrame#alert_{record.id} {{ background: {background};"
                           f" border: {border}; border-radius: 4px; }}")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 4, 2)
        cleared = record.cleared_at
        state = "" if cleared is None else f" (cleared {format_clock(cleared, zone)})"
        self.text = QLabel(f"<b>{record.priority.mark} {record.priority.word}:</b> "
                           f"{escape(record.message)}{state}")
        self.text.setStyleSheet(f"color: {ink}; background: transparent; border: none;")
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.text, 1)
        self.button = QPushButton("Acknowledge…")
        self.button.setStyleSheet("padding: 4px 8px;")
        self.button.setObjectName(f"acknowledge_{record.id}")
        self.button.clicked.connect(lambda: self.acknowledge.emit(record.id))
        row.addWidget(self.button)

    def set_acknowledge_offered(self, offered: bool) -> None:
        self.button.setVisible(offered)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Never squeezed below its wrapped words: where rows do not fit (the session
        page's fixed slot) they scroll, rather than cutting a message in half."""
        super().resizeEvent(event)
        layout = self.layout()
        needed = layout.heightForWidth(event.size().width()) if layout is not None else 0
        if needed > 0 and needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class AlertList(QWidget):
    """Alerts waiting for someone, as rows; rebuilt only when the alerts themselves change,
    so a tick that changes nothing repaints nothing."""

    acknowledge = Signal(int)

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.rows: list[AlertRow] = []
        self._shown: tuple[tuple[int, bool], ...] = ()
        self._acknowledge_offered = True
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(3)

    def set_acknowledge_offered(self, offered: bool) -> None:
        """Whether the rows carry the Acknowledge… button: the window decides it from the
        permissions of whoever is logged in (core.permissions), not this list."""
        self._acknowledge_offered = offered
        for row in self.rows:
            row.set_acknowledge_offered(offered)

    def show_alerts(self, records: list[AlertRecord]) -> None:
        shown = tuple((record.id, record.is_active) for record in records)
        if shown == self._shown:
            return
        self._shown = shown
        for row in self.rows:
            row.hide()
            row.setParent(None)  # off the layout now, not at the next turn of the event loop
            row.deleteLater()
        self.rows = []
        for record in records:
            row = AlertRow(record, self.zone)
            row.acknowledge.connect(self.acknowledge.emit)
            row.set_acknowledge_offered(self._acknowledge_offered)
            self._layout.addWidget(row)
            self.rows.append(row)
