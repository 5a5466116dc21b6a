"""A physician's review queue: finished sessions not yet signed, the oldest first.

Opening one (double-click, Enter, or Open) asks the window for that session's page, where
the whole chart shows read-only beside the signature panel.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ketamonitor.core.permissions import Permission, allowed
from ketamonitor.core.phases import Action
from ketamonitor.core.records import SessionListing
from ketamonitor.core.review import queue_title, time_ago
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui import theme
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.views import read_only_table

NOT_A_REVIEWER = "Only physicians review and sign charts."


class ReviewQueuePage(QWidget):
    """Emits `open_requested(session_id)` for the chart to open, `back_requested` to leave."""

    open_requested = Signal(int)
    back_requested = Signal()

    def __init__(self, store: StoreApi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.zone = store.clock.local_zone
        self._now = store.clock.now()
        #: The actions a physician overrode, per chart in the queue.
        self._overridden: dict[int, tuple[Action, ...]] = {}
        #: The item-9 mark of each queued chart that has one (read at each reload).
        self.item9: dict[int, str] = {}
        self.model: RowsModel[SessionListing] = RowsModel([
            Column("Date", lambda s: f"{s.began_at.astimezone(self.zone):%a %Y-%m-%d %H:%M}"),
            Column("Patient", lambda s: s.patient_name),
            Column("MRN", lambda s: s.mrn),
            Column("Protocol", lambda s: s.protocol_name),
            Column("Nurse", lambda s: s.nurse),
            Column("Ended", lambda s: s.phase.label),
            Column("Physician overrides", lambda s: ", ".join(
                a.label for a in self._overridden.get(s.session_id, ()))),
            Column("PHQ-9 item 9", lambda s: self.item9.get(s.session_id, "")),
            Column("Finished", lambda s: time_ago(s.phase_since, self._now)),
        ], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        top = QHBoxLayout()
        self.back = QPushButton("◀ All sessions  (Esc)")
        self.back.setObjectName("back")
        self.back.clicked.connect(self.back_requested.emit)
        top.addWidget(self.back)
        self.title = QLabel("")
        self.title.setObjectName("queue_title")
        self.title.setStyleSheet(f"font-size: {theme.HEADER_POINT_SIZE}pt; font-weight: bold;")
        top.addWidget(self.title, 1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("refresh_queue")
        self.refresh_button.clicked.connect(self.reload)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        hint = QLabel("Each chart opens read-only with its signature panel: check it, then "
                      "“Sign…” with your password. Double-click a row or press Enter to open it.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = read_only_table(self.model)
        self.table.setObjectName("review_queue")
        self.table.activated.connect(self._open_index)  # a double-click, or Enter
        layout.addWidget(self.table, 1)
        self.empty = QLabel("")
        self.empty.setObjectName("queue_empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("role", "muted")
        self.empty.setStyleSheet(f"font-size: {theme.HEADER_POINT_SIZE}pt;")
        layout.addWidget(self.empty, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.open_button = QPushButton("Open chart")
        self.open_button.setObjectName("open_review")
        self.open_button.setProperty("role", "primary")
        self.open_button.clicked.connect(self.open_selected)
        bottom.addWidget(self.open_button)
        layout.addLayout(bottom)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        """Read the queue again (a chart signed elsewhere leaves it, a new one joins it)."""
        self._now = self.store.clock.now()
        if not allowed(self.store.account, Permission.REVIEW):
            queue: list[SessionListing] = []
            self.title.setText("Charts to sign")
            self.empty.setText(NOT_A_REVIEWER)
        else:
            queue = self.store.review_queue()
            self._overridden = self.store.overridden([s.session_id for s in queue])
            self.item9 = self.store.item9_marks([q.session_id for q in queue])
            self.title.setText(queue_title(len(queue)))
            self.empty.setText(queue_title(0))
        selected = self.selected_session()
        self.model.set_rows(queue)
        self.table.setVisible(bool(queue))
        self.empty.setVisible(not queue)
        self.open_button.setEnabled(bool(queue))
        ids = [listing.session_id for listing in queue]
        if queue:
            self.table.selectRow(ids.index(selected) if selected in ids else 0)

    def tick(self) -> None:
        """Repaint how long ago each chart finished (no reading: the rows stay)."""
        self._now = self.store.clock.now()
        self.table.viewport().update()

    @property
    def count(self) -> int:
        return self.model.rowCount()

    def selected_session(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= self.model.rowCount():
            return None
        return self.model.row_value(rows[0].row()).session_id

    def open_selected(self) -> None:
        session_id = self.selected_session()
        if session_id is not None:
            self.open_requested.emit(session_id)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.row_value(index.row()).session_id)
