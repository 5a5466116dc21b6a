"""The session's side-effects tab: the form to chart one (or resolve one still present)
above the table of every entry, each onset beside its course (resolved when, or still
present)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.records import ChecklistEntry
from ketamonitor.core.side_effects import Course, course_words, courses
from ketamonitor.ui.checklist_views import SideEffectForm
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.views import read_only_table, scrolled


class SideEffectsTab(QWidget):
    """`form`: the side-effect form (the page charts what it submits); `shown`: a time as
    this chart's tables show it."""

    def __init__(self, form: SideEffectForm, shown: Callable[[datetime], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self._shown = shown
        #: Each side effect's course (onset, resolved), for the table.
        self._courses: tuple[Course, ...] = ()
        self.side_effect_model: RowsModel[ChecklistEntry] = RowsModel([
            Column("Time", lambda e: shown(e.observed_at)),
            Column("Side effect", lambda e: e.label),
            Column("Severity", lambda e: e.severity or ""),
            Column("Intervention", lambda e: self._intervention_label(e.intervention)),
            Column("Course", self._course_text),
            Column("Note", lambda e: e.note or ""),
        ], self)
        layout = QVBoxLayout(self)
        # the form scrolls rather than set the page's least height: at 1366x768 the window
        # must stay on the screen with two alerts waiting above the tabs
        effects_form = scrolled(form)
        effects_form.setMinimumHeight(min(form.sizeHint().height(), 120))
        effects_form.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(effects_form)
        layout.addWidget(read_only_table(self.side_effect_model), 1)

    def draw(self, chart: SessionChart, zone: tzinfo) -> None:
        self._courses = courses(chart)
        self.side_effect_model.set_rows(chart.entries_of(self.form.checklist.id))
        self.form.show_still_present([c for c in self._courses if c.still_present], zone)

    def _intervention_label(self, key: str | None) -> str:
        if not key:
            return ""
        return self.form.checklist.intervention_label(key)

    def _course_text(self, entry: ChecklistEntry) -> str:
        """A side effect's course beside its onset entry: resolved when, or still present."""
        return course_words(entry, self._courses, self._shown)
