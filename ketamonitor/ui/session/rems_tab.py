"""The session's REMS tab (esketamine): the REMS questions and the monitoring form they
fill, as the REMS asks it to be filed."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.rems import rems_form
from ketamonitor.ui.checklist_views import YesNoChecklistView
from ketamonitor.ui.esketamine_views import RemsView
from ketamonitor.ui.views import scrolled


class RemsTab(QWidget):
    """`rems`: the REMS view holding `questions` (the page charts each answer and the
    'ready without the minimum' time)."""

    def __init__(self, rems: RemsView, questions: YesNoChecklistView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rems = rems
        self.questions = questions
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolled(rems))

    def draw(self, chart: SessionChart, zone: tzinfo, clinic_name: str) -> None:
        checklist = self.questions.checklist
        self.questions.show_answers(chart.answers(checklist.id), zone)
        self.rems.show_form(rems_form(chart, checklist, clinic_name, zone))
