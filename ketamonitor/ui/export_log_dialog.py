"""Clinic ▸ Export logs: the session log or the audit trail of a date range, to CSV or JSON,
with a progress bar and a cancel that leaves no half-written file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from ketamonitor.core.clock import local_today
from ketamonitor.core.date_range import RangeEnds, parse_date_range
from ketamonitor.core.errors import ValidationError
from ketamonitor.export.files import ExportCancelled, ExportFailed
from ketamonitor.export.logs import FORMATS as LOG_FORMATS
from ketamonitor.export.logs import export_audit_log, export_session_log
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.fields import FieldErrors
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.writes import attempt

#: The logs an administrator pulls: (key, what it is called).
LOGS = (("sessions", "Sessions: one row per session"), ("audit", "Audit trail"))
DEFAULT_DAYS = 30
#: The two dates as the form calls them: a reason about the range names these fields.
DATE_FIELDS = RangeEnds("From", "To")


class ExportLogDialog(QDialog):
    def __init__(self, store: StoreApi, parent: QWidget | None = None, *,
                 prompts: Prompts | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.setWindowTitle("Export logs")
        self.errors = FieldErrors()
        self._cancelled = False
        form = QFormLayout(self)
        today = local_today(store.clock)
        self.since = self._date_edit("log_from", today - timedelta(days=DEFAULT_DAYS - 1))
        self.until = self._date_edit("log_to", today)
        form.addRow(DATE_FIELDS.first, self.since)
        self.since_error = self.errors.add("from", self.since)
        form.addRow(self.since_error)
        form.addRow(f"{DATE_FIELDS.last} (inclusive)", self.until)
        self.until_error = self.errors.add("to", self.until)
        form.addRow(self.until_error)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self._recheck_dates)
        self.log = self._combo("log_kind", LOGS)
        form.addRow("Log", self.log)
        self.format = self._combo("log_format", tuple((f, f.upper()) for f in LOG_FORMATS))
        form.addRow("Format", self.format)
        self.deidentify = QCheckBox("De-identify (pseudonyms, dates to the year, typed text "
                                    "removed)")
        self.deidentify.setObjectName("log_deidentify")
        form.addRow(self.deidentify)
        path_row = QWidget()
        row = QHBoxLayout(path_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setObjectName("log_path")
        row.addWidget(self.path, 1)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row.addWidget(browse)
        form.addRow("File", path_row)
        form.addRow(self.errors.add("out", self.path))
        self.progress = QProgressBar()
        self.progress.setObjectName("log_progress")
        self.progress.hide()
        form.addRow(self.progress)
        self.general = self.errors.add("general", self)
        form.addRow(self.general)
        # not `self.done`: that name is QDialog.done, which Close, Esc and the ✕ all call
        self.outcome = QLabel("")
        self.outcome.setObjectName("log_outcome")
        self.outcome.setWordWrap(True)
        form.addRow(self.outcome)
        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export")
        self.export_button.setProperty("role", "primary")
        self.export_button.clicked.connect(self.export)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        for button in (self.export_button, self.cancel_button, close):
            buttons.addWidget(button)
        form.addRow(buttons)
        self.setMinimumWidth(700)

    def _date_edit(self, name: str, day: object) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))  # type: ignore[attr-defined]
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _combo(self, name: str, choices: tuple[tuple[str, str], ...]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for key, label in choices:
            combo.addItem(label, key)
        return combo

    def _browse(self) -> None:
        suffix = self.format.currentData()
        chosen = self.prompts.save_path(
            self, "Export log", Path.home() / f"ketamonitor-{self.log.currentData()}.{suffix}",
            f"{self.format.currentText()} (*.{suffix})")
        if chosen is not None:
            self.path.setText(str(chosen))

    def _date_range(self) -> tuple[date, date]:
        """The days chosen, or a ValidationError worded with this form's field names."""
        return parse_date_range(self.since.date().toString("yyyy-MM-dd"),
                                self.until.date().toString("yyyy-MM-dd"), DATE_FIELDS)

    def _recheck_dates(self) -> None:
        """Once a date reason is shown, judge the dates again on every change: the reason
        goes as soon as they are put right (and follows a new fault until then)."""
        if not (self.since_error.text() or self.until_error.text()):
            return
        try:
            self._date_range()
            reasons: dict[str, str] = {}
        except ValidationError as refused:
            reasons = refused.reasons
        self.since_error.setText(reasons.get("from", ""))
        self.until_error.setText(reasons.get("to", ""))

    def cancel(self) -> None:
        self._cancelled = True

    def _progress(self, done: int, total: int) -> bool:
        """Shown as it goes; False stops the export (and no file is left)."""
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        QApplication.processEvents()
        return not self._cancelled

    def export(self) -> Path | None:
        self.errors.clear()
        self.outcome.setText("")
        reasons: dict[str, str] = {}
        try:
            since, until = self._date_range()
        except ValidationError as refused:
            reasons.update(refused.reasons)
        if not self.path.text().strip():
            reasons["out"] = "choose the file to write"
        if reasons:
            self.errors.show(reasons)
            return None
        write: Callable[..., Path] = (export_session_log if self.log.currentData() == "sessions"
                                      else export_audit_log)
        self._cancelled = False
        self.progress.setValue(0)
        self.progress.show()
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        try:
            written = attempt(
                lambda: write(self.store, since, until, self.format.currentData(),
                              Path(self.path.text().strip()),
                              deidentify=self.deidentify.isChecked(), progress=self._progress),
                self.errors.show, self.prompts, self)
        except ExportCancelled:
            self.outcome.setText("Cancelled: no file was written.")
            return None
        except ExportFailed as failed:  # the export's own file, not the database
            self.errors.show({"out": failed.reason})
            self.prompts.show_problem(self, failed.title, failed.message)
            return None
        finally:
            self.export_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
        if written is None:
            return None
        self.outcome.setText(f"Written: {written}")
        return written
