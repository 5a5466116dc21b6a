"""Vitals entry built for speed: Tab through the fields, Enter saves, time empty means now."""

from __future__ import annotations

import json
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from ketamonitor.core.flags import Flag
from ketamonitor.core.vitals import LABELS, MEASUREMENTS
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors

_UNITS = {"systolic": "mmHg", "diastolic": "mmHg", "heart_rate": "/min", "spo2": "%",
          "respiratory_rate": "/min", "time": "HH:MM"}
_SHORT = {"systolic": "Systolic", "diastolic": "Diastolic", "heart_rate": "Heart rate",
          "spo2": "SpO2", "respiratory_rate": "Resp. rate", "time": "Time"}
FIELDS = (*MEASUREMENTS, "time")


class VitalsForm(QWidget):
    """Emits `submitted` with the typed text; the page decides, and calls back with either
    the reasons to show (typed text kept) or `saved` (fields cleared for the next set)."""

    submitted = Signal(dict)
    #: A person changed what a field holds (not the form clearing or filling itself).
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = FieldErrors()
        self.inputs: dict[str, QLineEdit] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        title = QLabel("Vitals")
        title.setProperty("role", "section")
        grid.addWidget(title, 0, 0)
        big = QFont()
        big.setPointSize(theme.BASE_POINT_SIZE + 4)
        for column, name in enumerate(FIELDS, start=1):
            caption = QLabel(f"{_SHORT[name]} <span style='color:{theme.MUTED}'>"
                             f"{_UNITS[name]}</span>")
            field = QLineEdit()
            field.setObjectName(f"vitals_{name}")
            field.setFont(big)
            field.setMinimumWidth(74)
            field.setMaximumWidth(120)
            field.setAlignment(Qt.AlignmentFlag.AlignRight)
            field.setAccessibleName(LABELS.get(name, _SHORT[name]))
            if name == "time":
                field.setPlaceholderText("now")
                field.setToolTip("Leave empty to chart now; type HH:MM for a set taken "
                                 "earlier in the session.")
            field.returnPressed.connect(self.submit)
            field.textEdited.connect(lambda _text: self.edited.emit())
            self.inputs[name] = field
            grid.addWidget(caption, 0, column)
            grid.addWidget(field, 1, column)
            error = self.errors.add(name, field)
            error.setMaximumWidth(160)
            grid.addWidget(error, 2, column, Qt.AlignmentFlag.AlignTop)
        self.save_button = QPushButton("Save vitals  ⏎")
        self.save_button.setObjectName("save_vitals")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.submit)
        grid.addWidget(self.save_button, 1, len(FIELDS) + 1)
        self.general = self.errors.add("general", self.save_button)
        grid.addWidget(self.general, 2, len(FIELDS) + 1, Qt.AlignmentFlag.AlignTop)
        self.flag_banner = QLabel("")
        self.flag_banner.setObjectName("vitals_flags")
        self.flag_banner.setWordWrap(True)
        self.flag_banner.hide()
        grid.addWidget(self.flag_banner, 3, 0, 1, len(FIELDS) + 2)
        grid.setColumnStretch(len(FIELDS) + 2, 1)

    def typed(self) -> dict[str, str]:
        return {name: field.text() for name, field in self.inputs.items()}

    def typed_text(self) -> str:
        """What is typed, as one text to keep while it is unsaved ("" when nothing is)."""
        typed = {name: text for name, text in self.typed().items() if text.strip()}
        return json.dumps(typed, sort_keys=True) if typed else ""

    def put_back(self, text: str) -> None:
        """Fill the fields from `typed_text()` kept earlier (anything unreadable is left)."""
        try:
            typed = json.loads(text)
        except ValueError:
            return
        if isinstance(typed, dict):
            for name, value in typed.items():
                if name in self.inputs and isinstance(value, str):
                    self.inputs[name].setText(value)

    def has_typing(self) -> bool:
        return any(field.text().strip() for field in self.inputs.values())

    def focus_first_typed(self) -> None:
        field = next(f for f in self.inputs.values() if f.text().strip())
        field.setFocus()
        field.selectAll()

    def submit(self) -> None:
        """A second Enter on the emptied form is a slip, not an entry: nothing happens."""
        if self.has_typing():
            self.submitted.emit(self.typed())

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        self.errors.show(reasons)

    def saved(self, flags: tuple[Flag, ...]) -> None:
        """Clear for the next set and show what the saved set crossed, if anything."""
        self.errors.clear()
        for field in self.inputs.values():
            field.clear()
        self.inputs["systolic"].setFocus()
        self.show_flags(flags)

    def show_flags(self, flags: tuple[Flag, ...]) -> None:
        if not flags:
            self.flag_banner.hide()
            self.flag_banner.setText("")
            return
        level = max(flag.level for flag in flags)
        ink, background = theme.FLAG_STYLE[level]
        self.flag_banner.setStyleSheet(
            f"QLabel {{ color: {ink}; background: {background}; border: 2px solid {ink};"
            f" border-radius: 4px; padding: 6px; font-weight: bold; }}")
        self.flag_banner.setText("\n".join(f"{theme.FLAG_MARK} {flag.message}" for flag in flags))
        self.flag_banner.show()
