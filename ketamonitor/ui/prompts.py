"""Questions the window asks the nurse (confirm, give a reason), behind one small interface
so tests can answer them without a modal dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


class Prompts(Protocol):
    def confirm(self, parent: QWidget, title: str, question: str) -> bool: ...

    def reason(self, parent: QWidget, title: str, question: str,
               suggestions: list[str]) -> str | None: ...

    def show_problem(self, parent: QWidget, title: str, message: str) -> None: ...

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  filters: str) -> Path | None: ...


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
        text, accepted = QInputDialog.getItem(parent, title, question, suggestions, 0, True)
        return text.strip() if accepted and text.strip() else None

    def show_problem(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.warning(parent, title, message)

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  filters: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        return Path(chosen) if chosen else None
