"""A medicine given during the session (an antiemetic, an antihypertensive, oxygen…): chosen
from the clinic's list, with its dose, unit, route, time, who ordered it and who gave it.
The page decides; the dialog shows the reasons beside the fields and keeps what was typed
until the medicine is charted."""

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

from ketamonitor.core.medications import FIELD_WORDS, Medicine, MedicineList
from ketamonitor.ui.fields import FieldErrors, field_row, save_cancel_buttons

#: What the dialog's fields are called in the typed text it hands to the page.
FIELDS = ("drug", "dose", "unit", "route", "time", "ordered_by", "given_by")

ShowReasons = Callable[[Mapping[str, str]], None]


class MedicationDialog(QDialog):
    """`chart_medication(typed, show_reasons)` charts it and says whether it was charted;
    the dialog closes only then."""

    def __init__(self, parent: QWidget, medicines: MedicineList, ordered_by: str,
                 given_by: str, chart_medication: Callable[[dict[str, str], ShowReasons], bool],
                 intro: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("medication_dialog")
        self.setWindowTitle("Medicine given")
        self.setMinimumWidth(640)  # the reasons beside the fields
        self._chart_medication = chart_medication
        self._medicines = medicines
        self.errors = FieldErrors()
        form = QFormLayout(self)
        words = QLabel(intro or "A medicine given during this session besides the dose, "
                                "from the clinic's list. It is charted with your name.")
        words.setWordWrap(True)
        form.addRow(words)
        self.drug = self._combo("drug", form)
        self.drug.setPlaceholderText("Choose a medicine")
        for medicine in medicines.medicines:
            self.drug.addItem(medicine.label, medicine.id)
        self.drug.setCurrentIndex(-1)  # nothing chosen: a slip of the first item is no choice
        self.dose = self._line("dose", form, "", "e.g. 4")
        self.unit = self._combo("unit", form)
        self.route = self._combo("route", form)
        self.time = self._line("time", form, "", "HH:MM, or empty for now")
        self.ordered_by = self._line("ordered_by", form, ordered_by, "the physician's name")
        self.given_by = self._line("given_by", form, given_by, "")
        self.general = self.errors.add("general", self)
        form.addRow(self.general)
        self.buttons = save_cancel_buttons(self, self.submit, "Chart medicine")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        form.addRow(self.buttons)
        self.drug.currentIndexChanged.connect(self._drug_chosen)
        self.drug.setFocus()

    def _combo(self, name: str, form: QFormLayout) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"medication_{name}")
        combo.setAccessibleName(FIELD_WORDS[name])
        combo.currentIndexChanged.connect(lambda _index: self.errors.forget(name))
        field_row(form, self.errors, name, FIELD_WORDS[name], combo)
        return combo

    def _line(self, name: str, form: QFormLayout, text: str, hint: str) -> QLineEdit:
        field = QLineEdit(text)
        field.setObjectName(f"medication_{name}")
        field.setPlaceholderText(hint)
        field.setAccessibleName(FIELD_WORDS[name])
        field.textEdited.connect(lambda _text: self.errors.forget(name))
        field_row(form, self.errors, name, FIELD_WORDS[name], field)
        return field

    def chosen(self) -> Medicine | None:
        return self._medicines.find(self.drug.currentData() or "")

    def _drug_chosen(self) -> None:
        """The chosen medicine's units and routes, its usual ones first chosen; the dose
        typed stays (the reason beside it goes when it is changed)."""
        medicine = self.chosen()
        if medicine is None:
            _fill(self.unit, (), None)
            _fill(self.route, (), None)
            return
        _fill(self.unit, medicine.units, medicine.default_unit)
        _fill(self.route, medicine.routes, medicine.default_route)

    def choose(self, medicine_id: str) -> None:
        """Choose a medicine of the list by its id (as a click in the list does)."""
        self.drug.setCurrentIndex(self.drug.findData(medicine_id))

    def typed(self) -> dict[str, str]:
        return {"drug": self.drug.currentData() or "", "dose": self.dose.text(),
                "unit": self.unit.currentText(), "route": self.route.currentText(),
                "time": self.time.text(), "ordered_by": self.ordered_by.text(),
                "given_by": self.given_by.text()}

    def submit(self) -> None:
        """Chart it; the dialog closes only once the medicine is in the record."""
        if self._chart_medication(self.typed(), self.errors.show):
            self.accept()


def _fill(combo: QComboBox, values: tuple[str, ...], default: str | None) -> None:
    combo.clear()
    combo.addItems(list(values))
    if default is not None:
        combo.setCurrentText(default)
