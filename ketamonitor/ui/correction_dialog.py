"""Correcting a charted vitals set: new values and a reason; the original stays visible.
A value corrected to an extreme reading (RR 0) is asked about with a "Yes, chart it" box
beside its field, as on the vitals form."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.vitals import LABELS, MEASUREMENTS
from ketamonitor.ui.fields import save_cancel_buttons
from ketamonitor.ui.vitals_form import CONFIRM_TEXT, ConfirmBox, confirmed_fields


class CorrectionDialog(QDialog):
    def __init__(self, parent: QWidget, entry: VitalsEntry,
                 correct: Callable[..., bool]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Correct a vitals set")
        self._entry = entry
        self._correct = correct
        form = QFormLayout(self)
        form.addRow(QLabel("The original stays on the record; the correction is shown with "
                           "your name, the time and the reason."))
        self.fields: dict[str, QLineEdit] = {}
        current = entry.current
        self.confirms: dict[str, ConfirmBox] = {}
        for name in MEASUREMENTS:
            value = getattr(current, name)
            field = QLineEdit("" if value is None else str(value))
            self.fields[name] = field
            box = ConfirmBox(CONFIRM_TEXT)
            box.setObjectName(f"correction_confirm_{name}")
            box.submit_requested.connect(self._save)
            box.hide()
            field.textEdited.connect(lambda _text, box=box: (box.setChecked(False), box.hide()))
            self.confirms[name] = box
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(field, 1)
            row.addWidget(box)
            form.addRow(LABELS[name], holder)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. typed 150 for 105")
        form.addRow("Reason", self.reason)
        form.addRow(save_cancel_buttons(self, self._save))

    def confirmed(self) -> frozenset[str]:
        return confirmed_fields(self.confirms)

    def ask(self, questions: Mapping[str, str]) -> None:
        """A "Yes, chart it" box beside each field asked about."""
        for name, box in self.confirms.items():
            if name in questions:
                box.show()
                box.setToolTip(questions[name])

    def _save(self) -> None:
        typed = {name: field.text() for name, field in self.fields.items()}
        if self._correct(self._entry.id, typed, self.reason.text(),
                         confirmed=self.confirmed(), ask=self.ask):
            self.accept()
