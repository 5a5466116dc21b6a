"""The session's vitals tab: every set in time order (amended and struck ones marked), and
the buttons to correct a set, strike it, or chart a late one (the page opens the dialogs)."""

from __future__ import annotations

from datetime import date, tzinfo

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.ui.models import VitalsModel
from ketamonitor.ui.views import read_only_table


class VitalsTab(QWidget):
    """`day`: the session's calendar day (times on it show without a date)."""

    def __init__(self, zone: tzinfo, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vitals_model = VitalsModel(zone, self, day=day)
        layout = QVBoxLayout(self)
        self.vitals_table = read_only_table(self.vitals_model)
        self.vitals_table.setObjectName("vitals_table")
        layout.addWidget(self.vitals_table, 1)
        buttons = QHBoxLayout()
        self.correct_button = QPushButton("Correct selected set…")
        self.strike_button = QPushButton("Entered in error…")
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.strike_button)
        self.late_button = QPushButton("Late entry…")
        self.late_button.setObjectName("late_entry")
        self.late_button.setToolTip("A set of vitals taken during this session and not "
                                    "charted then: with its date, time and why it is late")
        self.late_button.hide()
        buttons.addWidget(self.late_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def draw(self, chart: SessionChart) -> None:
        """The sets in time order; a new one is scrolled into view, since on a 768-pixel
        screen the newest row was below the table's edge once a session had a dozen."""
        before = self.vitals_model.rowCount()
        self.vitals_model.set_rows(chart.all_vitals_rows())
        if self.vitals_model.rowCount() > before:
            self.vitals_table.scrollToBottom()
