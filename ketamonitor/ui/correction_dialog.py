"""Correcting a charted vitals set: new values and a reason; the original stays visible."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.vitals import LABELS, MEASUREMENTS
from ketamonitor.ui.fields import save_cancel_buttons


class CorrectionDialog(QDialog):
    def __init__(self, parent: QWidget, entry: VitalsEntry,
                 correct: Callable[[int, dict[str, str], str], bool]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Correct a vitals set")
        self._entry = entry
        self._correct = correct
        form = QFormLayout(self)
        form.addRow(QLabel("The original stays on the record; the correction is shown with "
                           "your name, the time and the reason."))
        self.fields: dict[str, QLineEdit] = {}
        current = entry.current
        for name in MEASUREMENTS:
            value = getattr(current, name)
            field = QLineEdit("" if value is None else str(value))
            self.fields[name] = field
            form.addRow(LABELS[name], field)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. typed 150 for 105")
        form.addRow("Reason", self.reason)
        form.addRow(save_cancel_buttons(self, self._save))

    def _save(self) -> None:
        typed = {name: field.text() for name, field in self.fields.items()}
        if self._correct(self._entry.id, typed, self.reason.text()):
            self.accept()
