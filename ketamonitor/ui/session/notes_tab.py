"""The session's notes tab: a note to add, and the log of events (phases, notes,
handovers) as charted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import Event
from ketamonitor.core.wording import listed_event
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.note_box import NoteGuard
from ketamonitor.ui.views import read_only_table


class NotesTab(QWidget):
    """`shown`: a time as this chart's tables show it; events in `route`'s words. The page
    charts the note (Add note is connected there) and clears the box once it is charted."""

    def __init__(self, shown: Callable[[datetime], str], route: Route,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.events_model: RowsModel[Event] = RowsModel([
            Column("Time", lambda e: shown(e.occurred_at)),
            Column("What", lambda e: listed_event(e, route)),
            Column("By", lambda e: e.entered_by),
        ], self)
        layout = QVBoxLayout(self)
        self.note_text = QPlainTextEdit()
        self.note_text.setObjectName("note_text")
        self.note_text.setPlaceholderText("Note for the chart…")
        self.note_text.setMaximumHeight(90)
        layout.addWidget(self.note_text)
        row = QHBoxLayout()
        self.note_button = QPushButton("Add note")
        self.note_button.setObjectName("note_save")
        self.note_error = QLabel("")
        self.note_error.setProperty("role", "field-error")
        row.addWidget(self.note_button)
        row.addWidget(self.note_error, 1)
        self.note_guard = NoteGuard(self.note_text, self.note_button, self.note_error)
        self.note_button.setToolTip("Add note (Ctrl+Enter)")
        layout.addLayout(row)
        layout.addWidget(read_only_table(self.events_model), 1)

    def draw(self, chart: SessionChart) -> None:
        self.events_model.set_rows(chart.events)
