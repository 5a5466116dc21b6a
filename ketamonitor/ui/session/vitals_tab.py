"""The session's vitals tab: every set in time order (amended and struck ones marked), and
the buttons to correct a set, strike it, or chart a late one (the page opens the dialogs)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.monitor_words import ARTIFACT_MARK, artifact_words
from ketamonitor.core.times import format_clock
from ketamonitor.ui.models import VitalsModel
from ketamonitor.ui.views import read_only_table

#: How many artifacts are listed under the table (the rest are on the chart, each an ✗).
ARTIFACTS_LISTED = 3


class VitalsTab(QWidget):
    """`day`: the session's calendar day (times on it show without a date)."""

    def __init__(self, zone: tzinfo, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vitals_model = VitalsModel(zone, self, day=day)
        layout = QVBoxLayout(self)
        self.vitals_table = read_only_table(self.vitals_model)
        self.vitals_table.setObjectName("vitals_table")
        layout.addWidget(self.vitals_table, 1)
        self.zone = zone
        #: The monitor's readings marked as artifacts: not sets, so not rows; listed here.
        self.artifacts = QLabel("")
        self.artifacts.setObjectName("vitals_artifacts")
        self.artifacts.setTextFormat(Qt.TextFormat.PlainText)
        self.artifacts.setWordWrap(True)
        self.artifacts.setProperty("role", "muted")
        self.artifacts.hide()
        layout.addWidget(self.artifacts)
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
        self.vitals_model.show_rows(chart.all_vitals_rows(), chart.accepted_readings)
        if self.vitals_model.rowCount() > before:
            self.vitals_table.scrollToBottom()
        self._show_artifacts(chart)

    def _clock_words(self, moment: datetime) -> str:
        return format_clock(moment, self.zone)

    def _show_artifacts(self, chart: SessionChart) -> None:
        """The latest few artifacts, one a line, and how many more the chart holds."""
        marked = chart.artifacts
        self.artifacts.setVisible(bool(marked))
        shown = marked[-ARTIFACTS_LISTED:]
        lines = [f"Monitor readings marked as artifacts ({len(marked)}), not charted:"]
        lines += [f"{ARTIFACT_MARK} {artifact_words(reading, mark, self._clock_words)}"
                  for reading, mark in shown]
        if len(marked) > len(shown):
            lines.append(f"… and {len(marked) - len(shown)} earlier (on the chart as ✗)")
        said = "\n".join(lines)
        if self.artifacts.text() != said:
            self.artifacts.setText(said)
