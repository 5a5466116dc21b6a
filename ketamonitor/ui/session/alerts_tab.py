"""The session's alert log tab: every alert with what became of it, under the disclaimer
that alerts support the nurse's judgement and do not replace it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ketamonitor.core.alerts import DISCLAIMER, AlertRecord
from ketamonitor.core.escalation import done_text, ordered_text, physician_text, seen_text
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.session.words import acknowledged_text
from ketamonitor.ui.views import read_only_table

#: The alerts table's columns of running text (the alert, what was done, the physician
#: called, what was ordered), in pixels: wrapped there, so the table reads without
#: scrolling sideways for every word.
ALERT_TEXT_WIDTHS = {2: 220, 4: 170, 5: 130, 6: 150}


class AlertsTab(QWidget):
    """`shown`: a time as this chart's tables show it."""

    def __init__(self, shown: Callable[[datetime], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alerts_model: RowsModel[AlertRecord] = RowsModel([
            Column("Raised", lambda a: shown(a.raised_at)),
            Column("", lambda a: f"{a.priority.mark} {a.priority.word}"),
            Column("Alert", lambda a: a.message),
            Column("Acknowledged", lambda a: acknowledged_text(a, shown)),
            Column("What was done", done_text),
            Column("Physician called", lambda a: physician_text(a, shown)),
            Column("Ordered", ordered_text),
            Column("Seen by physician", seen_text),
            Column("Cleared", lambda a: shown(a.cleared_at) if a.cleared_at else ""),
        ], self)
        layout = QVBoxLayout(self)
        disclaimer = QLabel(DISCLAIMER)
        disclaimer.setProperty("role", "muted")
        disclaimer.setWordWrap(True)
        layout.addWidget(disclaimer)
        self.alerts_table = read_only_table(self.alerts_model)
        self.alerts_table.setObjectName("alerts_table")
        _wrap_long_columns(self.alerts_table, ALERT_TEXT_WIDTHS)
        layout.addWidget(self.alerts_table, 1)


def _wrap_long_columns(table: QTableView, widths: dict[int, int]) -> None:
    header = table.horizontalHeader()
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
