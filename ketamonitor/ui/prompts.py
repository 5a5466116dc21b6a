"""Questions the window asks the nurse (confirm, give a reason), behind one small interface
so tests can answer them without a modal dialog."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.escalation import Escalation
from ketamonitor.ui.escalation_dialog import EscalationDialog
from ketamonitor.ui.fields import set_placeholder


class Prompts(Protocol):
    def confirm(self, parent: QWidget, title: str, question: str) -> bool: ...

    def reason(self, parent: QWidget, title: str, question: str,
               suggestions: list[str]) -> str | None: ...

    def show_problem(self, parent: QWidget, title: str, message: str) -> None: ...

    def show_info(self, parent: QWidget, title: str, message: str) -> None:
        """Something done that the person should know of (where a file was written)."""
        ...

    def escalate(self, parent: QWidget, record: AlertRecord, choices: list[str],
                 physicians: list[str], now: datetime, zone: tzinfo) -> Escalation | None:
        """What was done about a high or critical alert; None when the nurse cancelled."""
        ...

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  filters: str) -> Path | None: ...


class ReasonDialog(QDialog):
    """A reason chosen from the usual ones or typed. It starts empty and OK stays disabled
    until there is one: a reason with clinical meaning ("Seen; rechecked", "Pre-dose BP too
    high") must never be charted by an Enter pressed to get the dialog out of the way."""

    def __init__(self, parent: QWidget | None, title: str, question: str,
                 suggestions: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("reason_dialog")
        layout = QVBoxLayout(self)
        prompt = QLabel(question)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.choice = QComboBox()
        self.choice.setObjectName("reason_choice")
        self.choice.setEditable(True)
        self.choice.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.choice.addItems(suggestions)
        self.choice.setCurrentIndex(-1)
        set_placeholder(self.choice, "choose or type the reason…")
        layout.addWidget(self.choice)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.choice.currentTextChanged.connect(self._allow_ok)
        self._allow_ok()
        self.choice.setFocus()

    def chosen(self) -> str:
        return self.choice.currentText().strip()

    def _allow_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.chosen()))

    def accept(self) -> None:
        """Enter in the field reaches here even with OK disabled: no reason, no answer."""
        if self.chosen():
            super().accept()


class DialogPrompts:
    """The real dialogs."""

    def confirm(self, parent: QWidget, title: str, question: str) -> bool:
        answer = QMessageBox.question(parent, title, question,
                                      QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def reason(self, parent: QWidget, title: str, question: str,
               suggestions: list[str]) -> str | None:
        dialog = ReasonDialog(parent, title, question, suggestions)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.chosen() if accepted and dialog.chosen() else None
        finally:
            dialog.deleteLater()

    def show_problem(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.warning(parent, title, message)

    def show_info(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.information(parent, title, message)

    def escalate(self, parent: QWidget, record: AlertRecord, choices: Sequence[str],
                 physicians: Sequence[str], now: datetime, zone: tzinfo) -> Escalation | None:
        dialog = EscalationDialog(parent, record, choices, physicians, now, zone)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            return dialog.escalation if accepted else None
        finally:
            dialog.deleteLater()

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  filters: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        return Path(chosen) if chosen else None
