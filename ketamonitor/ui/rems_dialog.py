"""Clinic ▸ REMS forms: esketamine sessions whose Spravato REMS monitoring form is not yet
marked submitted, overdue first, with the days left of the 7-calendar-day window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.core.rems import RemsPending
from ketamonitor.export.files import ExportFailed
from ketamonitor.store.errors import StoreError
from ketamonitor.store.store import Store
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.prompts import DialogPrompts, Prompts


class RemsDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 prompts: Prompts | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
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
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
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
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(980, 520)
        self.reload()

    def reload(self) -> None:
        try:
            pending = self.store.rems_pending()
        except RuleError as refused:
            self.refused.setText(str(refused))
            self.model.set_rows([])
            self.mark_button.setEnabled(False)
            return
        overdue = sum(1 for p in pending if p.overdue)
        self.count.setText(f"{len(pending)} form{'s' if len(pending) != 1 else ''} to file"
                           + (f", {overdue} overdue" if overdue else "")
                           if pending else "Every REMS form is marked submitted.")
        self.model.set_rows(pending)
        self.table.resizeColumnsToContents()
        if pending:
            self.table.selectRow(0)

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
            return export_rems_form(self.store, pending.session_id, fmt, path)
        except ExportFailed as failed:
            self.prompts.show_problem(self, failed.title, failed.message)
        except ValidationError as refused:
            self.refused.setText("; ".join(refused.reasons.values()))
        except RuleError as refused:
            self.refused.setText(str(refused))
        except StoreError as problem:
            self.prompts.show_problem(self, problem.title, problem.message)
        return None

    def mark_selected(self) -> bool:
        pending = self._selected()
        if pending is None:
            return False
        reference = self.prompts.reason(
            self, "Mark REMS form submitted",
            f"{pending.patient_name}, treated {pending.treatment_date:%Y-%m-%d}: the "
            "submission's reference (confirmation number, or where it was filed)", [])
        if reference is None:
            return False
        try:
            self.store.mark_rems_submitted(pending.session_id, reference)
        except ValidationError as refused:
            self.refused.setText("; ".join(refused.reasons.values()))
            return False
        except RuleError as refused:
            self.refused.setText(str(refused))
            return False
        except StoreError as problem:
            self.prompts.show_problem(self, problem.title, problem.message)
            return False
        self.refused.setText("")
        self.reload()
        return True
