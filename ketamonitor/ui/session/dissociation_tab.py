"""The session's dissociation tab: the presence checklist beside the table of every
assessment charted (side by side, not stacked: stacked at 1366x768 the form's Save was
below the tab's edge, behind a scroll bar)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.review import Assessment, assessments
from ketamonitor.ui.checklist_views import PresenceChecklistView
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.views import read_only_table, scrolled


class DissociationTab(QSplitter):
    """`form`: the checklist (the page charts what it submits); `shown`: a time as this
    chart's tables show it."""

    def __init__(self, form: PresenceChecklistView, shown: Callable[[datetime], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.form = form
        self.assessments_model: RowsModel[Assessment] = RowsModel([
            Column("Assessed", lambda a: shown(a.observed_at)),
            Column("Present", lambda a: ("; ".join(a.present) or "none present")
                   + ("  (entered in error)" if a.in_error else "")),
            Column("By", lambda a: a.entered_by),
        ], self)
        self.dissociation_form = scrolled(form)
        self.dissociation_form.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.dissociation_form.setMinimumWidth(form.sizeHint().width())
        self.addWidget(self.dissociation_form)
        self.addWidget(read_only_table(self.assessments_model))
        self.setChildrenCollapsible(False)
        self.setStretchFactor(1, 1)

    def draw(self, chart: SessionChart, zone: tzinfo) -> None:
        entries = chart.entries_of(self.form.checklist.id)
        self.form.show_entries(entries, zone)
        self.assessments_model.set_rows(assessments(entries))
