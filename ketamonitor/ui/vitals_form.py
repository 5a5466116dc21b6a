"""Vitals entry built for speed: Tab through the fields, Enter saves, time empty means now.

An extreme reading (RR 0, SpO2 42 %) is asked about once, beside its field, with a "Yes,
chart it" box under the question: the typed values stay, and Enter again charts the set
once the box is ticked. Changing the value drops its confirmation. No dialog opens.

Beside the SpO2, what the patient breathed: room air or oxygen with its flow. The choice
is kept from one set to the next (a patient on oxygen stays on it until the nurse says
otherwise) and starts from the chart's latest set, drawn bold and framed when oxygen."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
        QWidget,
)

from ketamonitor.core.flags import Flag
from ketamonitor.core.measurements import measurement
from ketamonitor.core.vitals import (
    LABELS,
    MEASUREMENTS,
    ON_OXYGEN,
    OXYGEN,
    OXYGEN_FLOW,
    ROOM_AIR,
    ConfirmationNeeded,
)
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors

#: Each column's caption and unit: the measurements' from their one table, then the others'.
_UNITS = {**{name: measurement(name).unit for name in MEASUREMENTS},
          "time": "HH:MM", OXYGEN: "", OXYGEN_FLOW: "L/min"}
_SHORT = {**{name: measurement(name).short for name in MEASUREMENTS},
          "time": "Time", OXYGEN: f"{measurement('spo2').short} on", OXYGEN_FLOW: "O2"}
FIELDS = (*MEASUREMENTS, "time")
#: The columns left to right: the oxygen beside the SpO2 it was read with.
_COLUMNS = ("systolic", "diastolic", "heart_rate", "spo2", OXYGEN, OXYGEN_FLOW,
            "respiratory_rate", "etco2", "time")
_BREATHING = ((ROOM_AIR, "Room air"), (ON_OXYGEN, "Oxygen"))
#: The BP is asked about once, beside whichever of its two numbers is extreme: changing
#: either drops the confirmation.
_TOGETHER = {"systolic": ("systolic", "diastolic"), "diastolic": ("systolic", "diastolic")}
CONFIRM_TEXT = "Yes, chart it"


@contextmanager
def asking(ask: Callable[[Mapping[str, str]], None] | None) -> Iterator[None]:
    """Around a write of vitals: the questions of a set with unconfirmed extremes go to the
    form's `ask` (its boxes), then the refusal goes on to show the reasons; any other
    outcome leaves the boxes as the form has them, with no question asked anew."""
    try:
        yield
    except ConfirmationNeeded as asked:
        if ask is not None:
            ask(asked.questions)
        raise


class ConfirmBox(QCheckBox):
    """The "Yes, chart it" box under a question; Enter on it charts, as in a field."""

    submit_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit_requested.emit()
            return
        super().keyPressEvent(event)


def confirmed_fields(confirms: Mapping[str, ConfirmBox]) -> frozenset[str]:
    """The fields whose extreme value the nurse has said to chart: a box ticked and still
    shown (a box hidden because its question went away no longer counts)."""
    return frozenset(name for name, box in confirms.items()
                     if box.isChecked() and not box.isHidden())


class VitalsForm(QWidget):
    """Emits `submitted` with the typed text; the page decides, and calls back with either
    the reasons to show (typed text kept), the questions to ask (`ask`), or `saved`
    (fields cleared for the next set, the oxygen choice kept)."""

    submitted = Signal(dict)
    #: A person changed what a field holds (not the form clearing or filling itself).
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors = FieldErrors()
        self.inputs: dict[str, QLineEdit] = {}
        self.confirms: dict[str, ConfirmBox] = {}
        self._asked: dict[str, str] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        title = QLabel("Vitals")
        title.setProperty("role", "section")
        grid.addWidget(title, 0, 0)
        big = QFont()
        big.setPointSize(theme.BASE_POINT_SIZE + 4)
        self.oxygen = self._breathing_choice()
        self.oxygen_flow = self._line_edit(OXYGEN_FLOW, big)
        self.oxygen_flow.setMinimumWidth(52)
        self.oxygen_flow.setMaximumWidth(72)
        self.oxygen_flow.setPlaceholderText("L/min")
        self.oxygen_flow.setToolTip("Oxygen flow in L/min (0.5–15), with Oxygen chosen")
        for column, name in enumerate(_COLUMNS, start=1):
            caption = QLabel(f"{_SHORT[name]} <span style='color:{theme.MUTED}'>"
                             f"{_UNITS[name]}</span>")
            grid.addWidget(caption, 0, column)
            field = self._field(name, big)
            grid.addWidget(field, 1, column)
            error = self.errors.add(name, field)
            error.setMaximumWidth(150)
            grid.addWidget(error, 2, column, Qt.AlignmentFlag.AlignTop)
            if name in MEASUREMENTS:
                grid.addWidget(self._confirm_box(name), 3, column, Qt.AlignmentFlag.AlignTop)
        self.save_button = QPushButton("Save vitals  ⏎")
        self.save_button.setObjectName("save_vitals")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.submit)
        grid.addWidget(self.save_button, 1, len(_COLUMNS) + 1)
        self.general = self.errors.add("general", self.save_button)
        grid.addWidget(self.general, 2, len(_COLUMNS) + 1, Qt.AlignmentFlag.AlignTop)
        self.flag_banner = QLabel("")
        self.flag_banner.setObjectName("vitals_flags")
        self.flag_banner.setWordWrap(True)
        self.flag_banner.hide()
        grid.addWidget(self.flag_banner, 4, 0, 1, len(_COLUMNS) + 2)
        grid.setColumnStretch(len(_COLUMNS) + 2, 1)
        self._set_tab_order()
        self._show_breathing()

    # -- building ------------------------------------------------------------------------

    def _line_edit(self, name: str, font: QFont) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(f"vitals_{name}")
        field.setFont(font)
        field.setMinimumWidth(66)
        field.setMaximumWidth(84)  # three digits in the large font, and room to spare
        field.setAlignment(Qt.AlignmentFlag.AlignRight)
        field.setAccessibleName(LABELS.get(name, _SHORT[name]))
        field.returnPressed.connect(self.submit)
        field.textEdited.connect(lambda _text: self.edited.emit())
        return field

    def _breathing_choice(self) -> QComboBox:
        choice = QComboBox()
        choice.setObjectName("vitals_oxygen")
        choice.setMinimumWidth(112)  # "Room air" and the arrow, with the stylesheet's padding
        choice.setAccessibleName(LABELS[OXYGEN])
        choice.setToolTip("What the patient breathed when the SpO2 was read; kept for the "
                          "next set until you change it")
        for key, words in _BREATHING:
            choice.addItem(words, key)
        choice.currentIndexChanged.connect(lambda _index: self._show_breathing())
        return choice

    def _field(self, name: str, font: QFont) -> QWidget:
        if name == OXYGEN:
            return self.oxygen
        if name == OXYGEN_FLOW:
            return self.oxygen_flow
        field = self._line_edit(name, font)
        if name == "time":
            field.setPlaceholderText("now")
            field.setToolTip("Leave empty to chart now; type HH:MM for a set taken "
                             "earlier in the session.")
        if name == "etco2":
            field.setMaximumWidth(72)
            field.setToolTip("End-tidal CO2 from capnography, if the clinic has it; leave "
                             "empty otherwise")
        if name in MEASUREMENTS:
            field.textEdited.connect(lambda _text, name=name: self._drop_confirmation(name))
        self.inputs[name] = field
        return field

    def _confirm_box(self, name: str) -> ConfirmBox:
        """The box under a field's question that says yes to it (hidden until asked)."""
        box = ConfirmBox(CONFIRM_TEXT)
        box.setObjectName(f"confirm_{name}")
        box.setAccessibleName(f"{LABELS[name]}: yes, chart it")
        box.submit_requested.connect(self.submit)
        box.hide()
        self.confirms[name] = box
        return box

    def _set_tab_order(self) -> None:
        """Each question's box right after its field (a hidden box is passed over)."""
        chain: list[QWidget] = []
        for name in _COLUMNS:
            chain.append(self.oxygen if name == OXYGEN else
                         self.oxygen_flow if name == OXYGEN_FLOW else self.inputs[name])
            if name in self.confirms:
                chain.append(self.confirms[name])
        chain.append(self.save_button)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- what is typed -------------------------------------------------------------------

    def typed(self) -> dict[str, str]:
        return {**{name: field.text() for name, field in self.inputs.items()},
                OXYGEN: self.oxygen.currentData(), OXYGEN_FLOW: self.oxygen_flow.text()}

    def confirmed(self) -> frozenset[str]:
        return confirmed_fields(self.confirms)

    def typed_text(self) -> str:
        """What is typed, as one text to keep while it is unsaved ("" when nothing is)."""
        if not self.has_typing():
            return ""
        typed = {name: text for name, text in self.typed().items() if text.strip()}
        if typed.get(OXYGEN) == ROOM_AIR:
            del typed[OXYGEN]  # the choice as it starts: put back from the chart, not kept
        return json.dumps(typed, sort_keys=True)

    def put_back(self, text: str) -> None:
        """Fill the fields from `typed_text()` kept earlier (anything unreadable is left)."""
        try:
            typed = json.loads(text)
        except ValueError:
            return
        if not isinstance(typed, dict):
            return
        for name, value in typed.items():
            if name in self.inputs and isinstance(value, str):
                self.inputs[name].setText(value)
        if typed.get(OXYGEN) in (ROOM_AIR, ON_OXYGEN):
            self.oxygen.setCurrentIndex(self.oxygen.findData(typed[OXYGEN]))
            self.oxygen_flow.setText(str(typed.get(OXYGEN_FLOW, "")))

    def has_typing(self) -> bool:
        """Typed measurements or a time; the oxygen choice alone is not typing (it is kept
        from the last set on purpose)."""
        return any(field.text().strip() for field in self.inputs.values())

    def focus_first_typed(self) -> None:
        field = next(f for f in self.inputs.values() if f.text().strip())
        field.setFocus()
        field.selectAll()

    def show_oxygen(self, flow: float | None) -> None:
        """Start the choice from what the chart says the patient is on."""
        self.oxygen.setCurrentIndex(self.oxygen.findData(ON_OXYGEN if flow else ROOM_AIR))
        self.oxygen_flow.setText(f"{flow:g}" if flow else "")

    # -- the page's answers --------------------------------------------------------------

    def submit(self) -> None:
        """A second Enter on the emptied form is a slip, not an entry: nothing happens."""
        if self.has_typing():
            self.submitted.emit(self.typed())

    def ask(self, questions: Mapping[str, str]) -> None:
        """Show a "Yes, chart it" box under each question (the question itself is shown
        as the field's reason); a box already ticked stays ticked."""
        self._asked = dict(questions)
        for name, box in self.confirms.items():
            asked = name in questions
            if not asked and not box.isChecked():
                box.hide()
            elif asked:
                box.show()

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        """Each reason beside its field; a confirmed question stays beside its ticked box,
        so what was said yes to is still in view while another field is put right."""
        self.errors.show(reasons)
        for name in self.confirmed():
            if name not in reasons:
                self.errors.show_text(name, self._asked.get(name, ""))

    def _drop_confirmation(self, name: str) -> None:
        for each in _TOGETHER.get(name, (name,)):
            box = self.confirms[each]
            box.setChecked(False)
            box.hide()

    def _show_breathing(self) -> None:
        """Oxygen is drawn bold and framed so it is seen at a glance (not in a flag's
        colours: being on oxygen is a fact of the set, not an alarm); room air plain."""
        on_oxygen = self.oxygen.currentData() == ON_OXYGEN
        self.oxygen.setStyleSheet(
            f"QComboBox {{ color: {theme.INK}; font-weight: bold; "
            f"border: 2px solid {theme.INK}; }}" if on_oxygen else "")

    def saved(self, flags: tuple[Flag, ...]) -> None:
        """Clear for the next set and show what the saved set crossed, if anything; the
        oxygen choice and flow stay for the next set."""
        self.errors.clear()
        self._asked = {}
        for field in self.inputs.values():
            field.clear()
        for box in self.confirms.values():
            box.setChecked(False)
            box.hide()
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
