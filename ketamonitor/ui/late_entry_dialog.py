"""A late entry on a finished, unsigned chart: a set of vitals taken during the session and
not charted then, with the date and time it was taken (both typed, never guessed) and why
it is charted late. The page decides; the dialog shows the reasons beside the fields and
keeps what was typed until the set is charted. An extreme reading is asked about beside
its field with a "Yes, chart it" box, as on the page's form; the SpO2 says room air or
oxygen."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ketamonitor.core.vitals import (
    LABELS,
    MEASUREMENTS,
    ON_OXYGEN,
    OXYGEN,
    OXYGEN_FLOW,
    ROOM_AIR,
)
from ketamonitor.ui.fields import FieldErrors, field_row, save_cancel_buttons
from ketamonitor.ui.vitals_form import CONFIRM_TEXT, ConfirmBox, confirmed_fields

#: What the dialog's fields are called in the typed text it hands to the page.
FIELDS = ("date", "time", *MEASUREMENTS, OXYGEN_FLOW, "reason")


class LateEntryDialog(QDialog):
    """`chart_late(typed, show_reasons)` charts the set and says whether it was charted."""

    def __init__(self, parent: QWidget, span: str, day: str,
                 chart_late: Callable[[dict[str, str], Callable[[Mapping[str, str]], None]],
                                      bool]) -> None:
        super().__init__(parent)
        self.setObjectName("late_entry_dialog")
        self.setWindowTitle("Late entry")
        self._chart_late = chart_late
        self.errors = FieldErrors()
        self.setMinimumWidth(640)  # the reasons beside the fields, the intro unclipped
        form = QFormLayout(self)
        intro = QLabel(f"A set of vitals taken during this session ({span}) and not charted "
                       "then. It is marked late everywhere, with the time you chart it, "
                       "your name and the reason.")
        intro.setWordWrap(True)
        intro.setMinimumHeight(intro.heightForWidth(600))
        form.addRow(intro)
        self.fields: dict[str, QLineEdit] = {}
        self.confirms: dict[str, ConfirmBox] = {}
        self._add(form, "date", "Date taken", day, "YYYY-MM-DD")
        self._add(form, "time", "Time taken", "", "HH:MM")
        for name in MEASUREMENTS:
            self._add(form, name, LABELS[name], "", "")
            if name == "spo2":
                self._add_oxygen(form)
        self._add(form, "reason", "Why late", "", "e.g. written on paper while the monitor "
                                                  "was down")
        self.general = self.errors.add("general", self)
        form.addRow(self.general)
        self.buttons = save_cancel_buttons(self, self.submit, "Chart late entry")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        form.addRow(self.buttons)
        self.fields["time"].setFocus()

    def _add(self, form: QFormLayout, name: str, caption: str, text: str,
             hint: str) -> None:
        field = QLineEdit(text)
        field.setObjectName(f"late_{name}")
        field.setPlaceholderText(hint)
        field.setAccessibleName(caption)
        self.fields[name] = field
        if name not in MEASUREMENTS:
            field_row(form, self.errors, name, caption, field)
            return
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(field, 1)
        row.addWidget(self.errors.add(name, field), 1)
        box = ConfirmBox(CONFIRM_TEXT)
        box.setObjectName(f"late_confirm_{name}")
        box.setAccessibleName(f"{caption}: yes, chart it")
        box.submit_requested.connect(self.submit)
        box.hide()
        field.textEdited.connect(lambda _text: self._ask_again(box))
        self.confirms[name] = box
        row.addWidget(box)
        form.addRow(caption, holder)

    def _add_oxygen(self, form: QFormLayout) -> None:
        """Room air or oxygen for the SpO2, and the flow (typed, never guessed)."""
        self.oxygen = QComboBox()
        self.oxygen.setObjectName("late_oxygen")
        self.oxygen.setAccessibleName(LABELS[OXYGEN])
        self.oxygen.addItem("Room air", ROOM_AIR)
        self.oxygen.addItem("Oxygen", ON_OXYGEN)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.oxygen)
        row.addStretch(1)
        form.addRow("SpO2 on", holder)
        self._add(form, OXYGEN_FLOW, "Oxygen L/min", "", "only with Oxygen, 0.5–15")

    @staticmethod
    def _ask_again(box: ConfirmBox) -> None:
        """A field typed in again takes back its "yes, chart it": the new value is asked
        about afresh."""
        box.setChecked(False)
        box.hide()

    def typed(self) -> dict[str, str]:
        return {**{name: field.text() for name, field in self.fields.items()},
                OXYGEN: self.oxygen.currentData()}

    def confirmed(self) -> frozenset[str]:
        return confirmed_fields(self.confirms)

    def ask(self, questions: Mapping[str, str]) -> None:
        """A "Yes, chart it" box beside each question (shown as the field's reason)."""
        for name, box in self.confirms.items():
            if name in questions:
                box.show()
            elif not box.isChecked():
                box.hide()

    def submit(self) -> None:
        """Chart it; the dialog closes only once the set is in the record."""
        if self._chart_late(self.typed(), self.errors.show):
            self.accept()
