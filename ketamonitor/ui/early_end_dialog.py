"""End session early: the outcome (transferred to emergency care with where to, left against
advice, the patient's request, a clinical stop) and the physician informed. The page charts
it; the store refuses an early end without them, so the dialog only asks and shows why not.
End session stays disabled until what the core asks for is there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome
from ketamonitor.core.risk import early_end_gaps
from ketamonitor.ui.fields import save_cancel_buttons, set_placeholder

#: `end(early_end, typed_reason)` charts it and says whether it was charted.
EndEarly = Callable[[EarlyEnd, str], bool]


class EarlyEndDialog(QDialog):
    """Closes only once the early end is in the record (or on Cancel, Esc, the ✕)."""

    def __init__(self, parent: QWidget, title: str, end: EndEarly,
                 suggestions: list[str]) -> None:
        super().__init__(parent)
        self.setObjectName("early_end_dialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self._end = end
        form = QFormLayout(self)
        words = QLabel("Ending the session before discharge: say how, where a transferred "
                       "patient went, and the physician you informed. It is charted with "
                       "your name.")
        words.setWordWrap(True)
        form.addRow(words)
        self.outcome = QComboBox()
        self.outcome.setObjectName("early_end_outcome")
        self.outcome.setPlaceholderText("Choose the outcome")
        for outcome in EarlyEndOutcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.outcome.setCurrentIndex(-1)  # nothing chosen: no outcome by a stray Enter
        form.addRow("Outcome", self.outcome)
        self.destination = QLineEdit()
        self.destination.setObjectName("early_end_destination")
        self.destination.setPlaceholderText("where to (needed for a transfer)")
        form.addRow("Transferred to", self.destination)
        self.physician = QLineEdit()
        self.physician.setObjectName("early_end_physician")
        self.physician.setPlaceholderText("the physician's name")
        form.addRow("Physician informed", self.physician)
        self.reason = QComboBox()
        self.reason.setObjectName("early_end_reason")
        self.reason.setEditable(True)
        self.reason.addItems(suggestions)
        self.reason.setCurrentIndex(-1)
        set_placeholder(self.reason, "optional: choose or type more")
        form.addRow("Details", self.reason)
        self.missing = QLabel("")
        self.missing.setObjectName("early_end_missing")
        self.missing.setProperty("role", "muted")
        self.missing.setWordWrap(True)
        form.addRow(self.missing)
        self.buttons = save_cancel_buttons(self, self.submit, "End session")
        self.end_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        form.addRow(self.buttons)
        self.outcome.currentIndexChanged.connect(self._changed)
        self.destination.textChanged.connect(self._changed)
        self.physician.textChanged.connect(self._changed)
        self._changed()
        self.outcome.setFocus()

    def early_end(self) -> EarlyEnd | None:
        value = self.outcome.currentData()
        if value is None:
            return None
        return EarlyEnd(EarlyEndOutcome(value), self.physician.text().strip(),
                        self.destination.text().strip() or None)

    def _changed(self) -> None:
        chosen = self.early_end()
        transfer = chosen is not None and chosen.outcome is EarlyEndOutcome.TRANSFERRED
        self.destination.setEnabled(transfer)
        gaps = early_end_gaps(chosen)
        self.missing.setText("Still needed: " + "; ".join(gaps) if gaps else "")
        self.end_button.setEnabled(not gaps)

    def submit(self) -> None:
        chosen = self.early_end()
        if chosen is not None and not early_end_gaps(chosen) \
                and self._end(chosen, self.reason.currentText().strip()):
            self.accept()
