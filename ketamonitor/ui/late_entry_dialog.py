"""A late entry on a finished, unsigned chart: a set of vitals taken during the session and
not charted then, with the date and time it was taken (both typed, never guessed) and why
it is charted late. The page decides; the dialog shows the reasons beside the fields and
keeps what was typed until the set is charted."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ketamonitor.core.vitals import LABELS, MEASUREMENTS
from ketamonitor.ui.fields import FieldErrors, field_row, save_cancel_buttons

#: What the dialog's fields are called in the typed text it hands to the page.
FIELDS = ("date", "time", *MEASUREMENTS, "reason")


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
        self._add(form, "date", "Date taken", day, "YYYY-MM-DD")
        self._add(form, "time", "Time taken", "", "HH:MM")
        for name in MEASUREMENTS:
            self._add(form, name, LABELS[name], "", "")
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
        field_row(form, self.errors, name, caption, field)

    def typed(self) -> dict[str, str]:
        return {name: field.text() for name, field in self.fields.items()}

    def submit(self) -> None:
        """Chart it; the dialog closes only once the set is in the record."""
        if self._chart_late(self.typed(), self.errors.show):
            self.accept()
