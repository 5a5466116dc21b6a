"""The session's corrections tab: every correction or strike of what was charted, with
what it was, what it is now, who and why (shown only when there is one)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.review import Correction, corrections
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.views import read_only_table


class CorrectionsTab(QWidget):
    """`shown`: a time as this chart's tables show it."""

    def __init__(self, shown: Callable[[datetime], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.corrections_model: RowsModel[Correction] = RowsModel([
            Column("Corrected", lambda c: shown(c.amendment.amended_at)),
            Column("What", lambda c: f"{c.subject} of {shown(c.observed_at)}"),
            Column("Field", lambda c: c.amendment.field.replace("_", " ")),
            Column("Was", lambda c: c.amendment.old_value or ""),
            Column("Now", lambda c: (c.amendment.new_value or "").replace("_", " ")),
            Column("By", lambda c: c.amendment.amended_by),
            Column("Reason", lambda c: c.amendment.reason),
        ], self)
        self.corrections_table = read_only_table(self.corrections_model)
        self.corrections_table.setObjectName("corrections_table")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.corrections_table)

    def draw(self, chart: SessionChart, scale_titles: Mapping[str, str]) -> int:
        """The chart's corrections shown; returns how many (the page's tab says so, and
        hides the tab when there are none)."""
        found = corrections(chart, scale_titles)
        self.corrections_model.set_rows(found)
        return len(found)
