"""The session's scales tab: a form per rating scale of the protocol above the table of
every score charted, each total with its band."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.records import ScaleScore
from ketamonitor.ui.checklist_views import ScaleForm
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.views import read_only_table, scrolled


class ScalesTab(QSplitter):
    """`forms`: the protocol's scale forms by scale id (the page charts what they submit);
    `shown`: a time as this chart's tables show it."""

    def __init__(self, forms: Mapping[str, ScaleForm], shown: Callable[[datetime], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.forms = forms
        self.scores_model: RowsModel[ScaleScore] = RowsModel([
            Column("Scored", lambda s: shown(s.observed_at)),
            Column("Scale", lambda s: self.scale_title(s.scale)),
            Column("When", lambda s: s.timepoint or ""),
            Column("Total", self.score_text),
            Column("By", lambda s: s.entered_by),
        ], self)
        scale_forms = QWidget()
        scales_layout = QVBoxLayout(scale_forms)
        for form in forms.values():
            title = QLabel(form.scale.title)
            title.setProperty("role", "section")
            scales_layout.addWidget(title)
            scales_layout.addWidget(form)
        scales_layout.addStretch(1)
        self.scale_forms = scrolled(scale_forms)
        self.addWidget(self.scale_forms)
        scores_table = read_only_table(self.scores_model)
        scores_table.setObjectName("scores_table")
        self.addWidget(scores_table)
        self.setChildrenCollapsible(False)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)

    def scale_title(self, scale_id: str) -> str:
        form = self.forms.get(scale_id)
        return form.scale.title if form else scale_id

    def score_text(self, score: ScaleScore) -> str:
        form = self.forms.get(score.scale)
        if form is None:
            return str(score.total)
        band = form.scale.band(score.total)
        return (f"{score.total} of {form.scale.max_total}" + (f", {band}" if band else "")
                + ("  (entered in error)" if score.in_error else ""))

    def draw(self, chart: SessionChart, zone: tzinfo) -> None:
        for scale_id, form in self.forms.items():
            form.show_latest(chart.latest_score(scale_id), zone)
        self.scores_model.set_rows(chart.scale_scores)
