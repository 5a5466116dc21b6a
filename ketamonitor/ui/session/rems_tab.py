"""The session's REMS tab (esketamine): the REMS questions and the monitoring form they
fill, as the REMS asks it to be filed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Scale
from ketamonitor.core.rems import rems_form
from ketamonitor.core.rems_checks import PULSE_OXIMETRY
from ketamonitor.ui.checklist_views import YesNoChecklistView
from ketamonitor.ui.esketamine_views import RemsView
from ketamonitor.ui.views import scrolled


class RemsTab(QWidget):
    """`rems`: the REMS view holding `questions` (the page charts each answer and the
    'ready without the minimum' time). An answer the chart contradicts is marked beside it
    and listed under the form; `scales` holds the MOAA/S band the sedation answer is
    checked against."""

    def __init__(self, rems: RemsView, questions: YesNoChecklistView,
                 scales: Mapping[str, Scale] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rems = rems
        self.questions = questions
        self.scales = dict(scales or {})
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolled(rems))

    def draw(self, chart: SessionChart, zone: tzinfo, clinic_name: str) -> None:
        checklist = self.questions.checklist
        answered = chart.answers(checklist.id)
        self.questions.show_answers(answered, zone)
        form = rems_form(chart, checklist, clinic_name, zone, scales=self.scales)
        if PULSE_OXIMETRY not in answered and form.spo2_readings:
            self.questions.show_note(PULSE_OXIMETRY, "yes: SpO2 charted",
                                     caution=False)
        for contradiction in form.contradictions:
            self.questions.show_note(contradiction.field, "chart disagrees",
                                     contradiction.words, caution=True)
        self.rems.show_form(form)
