"""A note field that says it is too long while it is typed, and charts with the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton

from ketamonitor.core.entries import note_length_problem

#: The keys that chart a several-line note (Enter alone starts a new line in it).
CHART_KEYS = ("Ctrl+Return", "Ctrl+Enter")


class NoteGuard(QObject):
    """Keeps a note field, its chart button and its reason label agreeing as the nurse types.

    Past the length limit the reason shows at once and the button is disabled (a 10,000-
    character paste was refused only after Add); any change to the text takes away a reason
    shown before ("write the note first", or the limit), so a fixed note carries no stale
    error. The limit itself is core's, the same the store checks."""

    def __init__(self, field: QPlainTextEdit | QLineEdit, button: QPushButton, error: QLabel,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or field)
        self._field = field
        self._button = button
        self._error = error
        field.textChanged.connect(self.check)
        if isinstance(field, QPlainTextEdit):
            self.shortcuts = [QShortcut(QKeySequence(keys), field, button.click,
                                        Qt.ShortcutContext.WidgetShortcut)
                              for keys in CHART_KEYS]

    def text(self) -> str:
        field = self._field
        return field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()

    def check(self) -> str | None:
        """Show the reason the typed note would be refused for its length; None if none."""
        problem = note_length_problem(self.text())
        self._error.setText(problem or "")
        self._button.setEnabled(problem is None and self._field.isEnabled())
        return problem
