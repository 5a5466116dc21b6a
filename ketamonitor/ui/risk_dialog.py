"""A physician's risk assessment after PHQ-9 item 9 was answered above "Not at all": the
outcome and the plan chosen from the clinic's own words, and an optional note. The page
charts it (the store checks the role and the words again)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ketamonitor.core.risk import MAX_TEXT, RiskAssessmentDraft, RiskWording
from ketamonitor.ui.fields import FieldErrors, field_row, save_cancel_buttons

ShowReasons = Callable[[Mapping[str, str]], None]
#: `record(draft, show_reasons)` charts it and says whether it was charted.
Record = Callable[[RiskAssessmentDraft, ShowReasons], bool]


class RiskAssessmentDialog(QDialog):
    """Closes only once the assessment is in the record (or on Cancel, Esc, the ✕)."""

    def __init__(self, parent: QWidget, wording: RiskWording, mark: str,
                 record: Record) -> None:
        super().__init__(parent)
        self.setObjectName("risk_assessment_dialog")
        self.setWindowTitle("Risk assessment (PHQ-9 item 9)")
        self.setMinimumWidth(720)
        self._record = record
        self.errors = FieldErrors()
        form = QFormLayout(self)
        words = QLabel(f"{mark}. Record your assessment of the patient's suicide risk and "
                       "the plan, in the clinic's words. It is charted with your name.")
        words.setWordWrap(True)
        form.addRow(words)
        self.outcome = self._combo("outcome", "Outcome", wording.outcomes, form)
        self.plan = self._combo("plan", "Plan", wording.plans, form)
        self.note = QLineEdit()
        self.note.setObjectName("risk_note")
        self.note.setMaxLength(MAX_TEXT)
        self.note.setPlaceholderText("optional")
        field_row(form, self.errors, "note", "Note", self.note)
        self.general = self.errors.add("general", self)
        form.addRow(self.general)
        self.buttons = save_cancel_buttons(self, self.submit, "Record assessment")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        form.addRow(self.buttons)
        self.outcome.setFocus()

    def _combo(self, name: str, caption: str, choices: tuple[str, ...],
               form: QFormLayout) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"risk_{name}")
        combo.setPlaceholderText(f"Choose the {caption.lower()}")
        combo.addItems(list(choices))
        combo.setCurrentIndex(-1)  # nothing chosen until the physician chooses
        combo.currentIndexChanged.connect(lambda _index: self.errors.forget(name))
        field_row(form, self.errors, name, caption, combo)
        return combo

    def draft(self) -> RiskAssessmentDraft:
        return RiskAssessmentDraft(self.outcome.currentText(), self.plan.currentText(),
                                   self.note.text().strip() or None)

    def submit(self) -> None:
        if self._record(self.draft(), self.errors.show):
            self.accept()
