"""Clinic ▸ REMS forms: esketamine sessions whose Spravato REMS monitoring form is not yet
marked submitted, overdue first, with the days left of the 7-calendar-day window.

A form with fields missing, or answers the chart contradicts, is marked submitted only
after the IncompleteMarkDialog has listed them and the administrator has confirmed: the
mark then says "submitted incomplete" and the audit row keeps what was missing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.errors import RuleError
from ketamonitor.core.rems import RemsCandidate, RemsPending, RemsSubmission, treatment_day
from ketamonitor.export.files import ExportFailed
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.views import read_only_table
from ketamonitor.ui.writes import attempt, attempt_done

WITHDRAW_SUGGESTIONS = ["marked on the wrong patient",
                        "the submission did not go through"]


def _treatment_day(session: RemsCandidate, zone: tzinfo) -> str:
    dosed = session.first_dose_at
    return "" if dosed is None else f"{treatment_day(dosed, zone):%a %Y-%m-%d}"


def _marked_at(submission: RemsSubmission, zone: tzinfo) -> str:
    """The day and the time a form was marked, always both: the list is read days later,
    against the 7-day window, and a bare time cannot be told from today's."""
    return f"{submission.submitted_at.astimezone(zone):%a %Y-%m-%d %H:%M}"


class IncompleteMarkDialog(QDialog):
    """Asks, before an incomplete form is marked submitted, whether it really was filed so:
    every missing field and contradiction listed, Cancel the default."""

    def __init__(self, pending: RemsPending, gaps: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark an incomplete REMS form submitted?")
        layout = QVBoxLayout(self)
        count = len(gaps)
        heading = QLabel(
            f"<b>The form of {pending.patient_name} (MRN {pending.mrn}), treated "
            f"{pending.treatment_date:%a %Y-%m-%d}, is not complete.</b><br>"
            f"{count} thing{'s' if count != 1 else ''} the record lacks or contradicts. "
            "Chart them and export the form again; mark it submitted incomplete only if it "
            "was filed as it is. The mark and this list are kept in the audit trail.")
        heading.setObjectName("rems_incomplete_heading")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.gaps = QListWidget()
        self.gaps.setObjectName("rems_incomplete_gaps")
        self.gaps.setWordWrap(True)
        self.gaps.addItems(list(gaps))
        layout.addWidget(self.gaps, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.confirm_button = QPushButton("Mark submitted incomplete…")
        self.confirm_button.setObjectName("rems_confirm_incomplete")
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.clicked.connect(self.accept)
        buttons.addWidget(self.confirm_button)
        cancel = QPushButton("Cancel")
        cancel.setDefault(True)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.resize(640, 420)


class RemsDialog(QDialog):
    def __init__(self, store: StoreApi, parent: QWidget | None = None, *,
                 prompts: Prompts | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.zone = store.clock.local_zone
        self.setWindowTitle("REMS forms to file")
        layout = QVBoxLayout(self)
        self.count = QLabel("")
        self.count.setObjectName("rems_count")
        self.count.setProperty("role", "section")
        layout.addWidget(self.count)
        self.model: RowsModel[RemsPending] = RowsModel([
            Column("Time left", lambda p: f"▲ {p.label}" if p.overdue else p.label),
            Column("Due by", lambda p: f"{p.due_by:%a %Y-%m-%d}"),
            Column("Treatment", lambda p: f"{p.treatment_date:%a %Y-%m-%d}"),
            Column("Patient", lambda p: p.patient_name),
            Column("MRN", lambda p: p.mrn),
        ], self)
        self.table = read_only_table(self.model)
        layout.addWidget(self.table, 1)
        self.refused = QLabel("")
        self.refused.setProperty("role", "field-error")
        self.refused.setWordWrap(True)
        layout.addWidget(self.refused)
        buttons = QHBoxLayout()
        self.mark_button = QPushButton("Mark submitted…")
        self.mark_button.setProperty("role", "primary")
        self.mark_button.clicked.connect(self.mark_selected)
        buttons.addWidget(self.mark_button)
        self.form_button = QPushButton("Export form…")
        self.form_button.setToolTip("The form's fields from the record, as PDF (or JSON), to "
                                    "copy onto the REMS form")
        self.form_button.clicked.connect(self.export_selected)
        buttons.addWidget(self.form_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self._marked_section(), 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.resize(980, 640)
        self.reload()

    def _marked_section(self) -> QWidget:
        """The marks that stand, newest first: where a mark made on the wrong row is taken
        back, so that form is to file again."""
        section = QWidget()
        column = QVBoxLayout(section)
        column.setContentsMargins(0, 8, 0, 0)
        heading = QLabel("Marked submitted, newest first")
        heading.setProperty("role", "section")
        column.addWidget(heading)
        self.marked_model: RowsModel[tuple[RemsSubmission, RemsCandidate]] = RowsModel([
            Column("Marked", lambda m: _marked_at(m[0], self.zone)),
            Column("By", lambda m: m[0].submitted_by),
            Column("Reference", lambda m: m[0].reference),
            Column("Treatment", lambda m: _treatment_day(m[1], self.zone)),
            Column("Patient", lambda m: m[1].patient_name),
            Column("MRN", lambda m: m[1].mrn),
            Column("Form", lambda m: (f"▲ submitted incomplete ({len(m[0].gaps)})"
                                      if m[0].incomplete else "complete")),
        ], self)
        self.marked_table = read_only_table(self.marked_model)
        self.marked_table.setObjectName("rems_marked")
        column.addWidget(self.marked_table, 1)
        row = QHBoxLayout()
        self.withdraw_button = QPushButton("Withdraw mark…")
        self.withdraw_button.setObjectName("rems_withdraw")
        self.withdraw_button.setToolTip("A mark made on the wrong row, or for a submission "
                                        "that did not go through: the form is to file again")
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        row.addWidget(self.withdraw_button)
        row.addStretch(1)
        column.addLayout(row)
        return section

    def reload(self) -> None:
        """Read both lists again; a file that cannot be read is said (ui.writes.attempt)
        and the lists shown before stay."""
        lists = attempt(self._read, self._show_reasons, self.prompts, self, typed=False)
        if lists is None:
            return
        pending, submitted = lists
        self.marked_model.set_rows(submitted)
        self.marked_table.resizeColumnsToContents()
        self.withdraw_button.setEnabled(self.marked_model.rowCount() > 0)
        overdue = sum(1 for p in pending if p.overdue)
        self.count.setText(f"{len(pending)} form{'s' if len(pending) != 1 else ''} to file"
                           + (f", {overdue} overdue" if overdue else "")
                           if pending else "Every REMS form is marked submitted.")
        self.model.set_rows(pending)
        self.table.resizeColumnsToContents()
        if pending:
            self.table.selectRow(0)

    def _read(self) -> tuple[list[RemsPending],
                             list[tuple[RemsSubmission, RemsCandidate]]] | None:
        """The forms to file and the marks made; None, with the reason in place of the
        lists, for someone who may not see them (a refusal for the dialog's whole life,
        not a message to dismiss)."""
        try:
            pending = self.store.rems_pending()
        except RuleError as refused:
            self.refused.setText(str(refused))
            self.model.set_rows([])
            self.mark_button.setEnabled(False)
            self.withdraw_button.setEnabled(False)
            return None
        return pending, self.store.rems_submitted()

    def _selected(self) -> RemsPending | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_value(rows[0].row()) if rows else None

    def export_selected(self) -> Path | None:
        """The selected session's form as PDF (or JSON, by the file's ending)."""
        from ketamonitor.export.rems_form import export_rems_form, rems_file_name

        pending = self._selected()
        if pending is None:
            return None
        path = self.prompts.save_path(
            self, "Export REMS form", Path.home() / rems_file_name(pending.session_id, "pdf"),
            "PDF (*.pdf);;JSON (*.json)")
        if path is None:
            return None
        fmt = "json" if path.suffix.lower() == ".json" else "pdf"
        try:
            return attempt(lambda: export_rems_form(self.store, pending.session_id, fmt, path),
                           self._show_reasons, self.prompts, self, typed=False)
        except ExportFailed as failed:  # the export's own file, not the database
            self.prompts.show_problem(self, failed.title, failed.message)
        return None

    def mark_selected(self) -> bool:
        """Mark the selected form submitted: at once for a complete form; for an incomplete
        one, only through the IncompleteMarkDialog (opened here; False until confirmed)."""
        pending = self._selected()
        if pending is None:
            return False
        read = attempt(lambda: (self.store.rems_form_of(pending.session_id),),
                       self._show_reasons, self.prompts, self, typed=False)
        if read is None:
            return False
        form = read[0]
        gaps = form.gaps if form is not None else ()
        if not gaps:
            return self._mark(pending, confirmed=False)
        self.confirmation = IncompleteMarkDialog(pending, gaps, self)
        self.confirmation.accepted.connect(lambda: self._mark(pending, confirmed=True))
        self.confirmation.open()
        return False

    def _mark(self, pending: RemsPending, *, confirmed: bool) -> bool:
        """Ask the submission's reference and write the mark."""
        reference = self.prompts.reason(
            self, "Mark REMS form submitted",
            f"{pending.patient_name}, treated {pending.treatment_date:%Y-%m-%d}: the "
            "submission's reference (confirmation number, or where it was filed)", [])
        if reference is None:
            return False
        return self._record(lambda: self.store.mark_rems_submitted(
            pending.session_id, reference, confirm_incomplete=confirmed))

    def withdraw_selected(self) -> bool:
        """Take back the selected mark, with the reason the audit trail keeps."""
        rows = self.marked_table.selectionModel().selectedRows()
        if not rows:
            self.refused.setText("Choose the mark to withdraw in the list below.")
            return False
        submission, session = self.marked_model.row_value(rows[0].row())
        reason = self.prompts.reason(
            self, "Withdraw the submitted mark",
            f"{session.patient_name} ({session.mrn}), marked by {submission.submitted_by} "
            f"with reference {submission.reference}: why is the mark withdrawn? Its form is "
            "then to file again.", WITHDRAW_SUGGESTIONS)
        if reason is None:
            return False
        return self._record(lambda: self.store.withdraw_rems_submission(
            submission.session_id, reason))

    def _show_reasons(self, reasons: dict[str, str]) -> None:
        self.refused.setText("; ".join(reasons.values()))

    def _record(self, write: Callable[[], object]) -> bool:
        """One mark (or withdrawal) written, the lists read again; a refusal said here."""
        if not attempt_done(write, self._show_reasons, self.prompts, self, typed=False):
            return False
        self.refused.setText("")
        self.reload()
        return True
