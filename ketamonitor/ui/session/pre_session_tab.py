"""The session's pre-session tab: the arrival checklist, and above it, for a dose whose bag
or vial lot is charted (an IV infusion), the drug-lot panel."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.ui.checklist_views import YesNoChecklistView
from ketamonitor.ui.drug_lot_panel import DrugLotPanel
from ketamonitor.ui.views import scrolled


class PreSessionTab(QWidget):
    """`checklist`: the pre-session questions (the page charts each answer); `drug_lot`:
    the lot panel, or None where the protocol charts no lot."""

    def __init__(self, checklist: YesNoChecklistView, drug_lot: DrugLotPanel | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist = checklist
        self.drug_lot = drug_lot
        layout = QVBoxLayout(self)
        if drug_lot is None:
            # the checklist alone fills the tab, edge to edge, as the other checklists do
            layout.setContentsMargins(0, 0, 0, 0)
        else:
            layout.addWidget(drug_lot)
        layout.addWidget(scrolled(checklist), 1)

    def draw(self, chart: SessionChart, zone: tzinfo) -> None:
        if self.drug_lot is not None:
            self.drug_lot.show_chart(chart)
        self.checklist.show_answers(chart.answers(self.checklist.checklist.id), zone)
