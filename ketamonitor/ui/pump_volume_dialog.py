"""The pump's "volume infused", confirmed by the nurse once an IV infusion has ended: from
then on the dose given is that volume times the concentration, not the time infused at the
pump rate. The page charts it; the core parses it and the store checks it against the plan,
so the dialog only asks and shows the reason beside the field."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from ketamonitor.ui.fields import FieldErrors, field_row, save_cancel_buttons

ShowReasons = Callable[[Mapping[str, str]], None]
#: `record(typed_volume, show_reasons)` charts it and says whether it was charted.
Record = Callable[[str, ShowReasons], bool]


class PumpVolumeDialog(QDialog):
    """Closes only once the volume is in the record (or on Cancel, Esc, the ✕); a refused
    volume stays typed, its reason beside it."""

    def __init__(self, parent: QWidget, given: str, record: Record) -> None:
        super().__init__(parent)
        self.setObjectName("pump_volume_dialog")
        self.setWindowTitle("Pump volume infused")
        self.setMinimumWidth(560)
        self._record = record
        self.errors = FieldErrors()
        form = QFormLayout(self)
        words = QLabel(f"So far the chart says: {given}. Type the volume infused that the "
                       "pump shows; the dose given is then worked out from it. It is charted "
                       "with your name.")
        words.setWordWrap(True)
        form.addRow(words)
        self.volume = QLineEdit()
        self.volume.setObjectName("pump_volume")
        self.volume.setPlaceholderText("mL, as the pump shows it")
        self.volume.textChanged.connect(lambda _text: self.errors.forget("volume_ml"))
        field_row(form, self.errors, "volume_ml", "Volume infused (mL)", self.volume)
        self.general = self.errors.add("general", self)
        form.addRow(self.general)
        self.buttons = save_cancel_buttons(self, self.submit, "Chart volume")
        form.addRow(self.buttons)
        self.volume.setFocus()

    def submit(self) -> None:
        if self._record(self.volume.text(), self.errors.show):
            self.accept()
