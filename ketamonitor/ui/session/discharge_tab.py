"""The session's discharge tab: the discharge checklist, showing only the answers the
discharge gate counts."""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.gates import discharge_answers
from ketamonitor.ui.checklist_views import YesNoChecklistView
from ketamonitor.ui.views import scrolled


class DischargeTab(QWidget):
    """`checklist`: the discharge questions (the page charts each answer)."""

    def __init__(self, checklist: YesNoChecklistView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist = checklist
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolled(checklist))

    def draw(self, chart: SessionChart, zone: tzinfo, now: datetime) -> None:
        """Only the answers the gate counts (after dosing ended): one charted on arrival
        shows unanswered, to be asked again at discharge."""
        self.checklist.show_answers(discharge_answers(chart, self.checklist.checklist.id, now),
                                    zone)
