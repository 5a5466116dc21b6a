"""Acknowledge a high or critical alert with what was done about it: the actions (the
clinic's list, several may be ticked) and free text, whether a physician was called (who,
when) and what they ordered.

The dialog only collects the fields; `core.escalation` decides what may be recorded, and a
refusal shows its reasons beside the fields with everything typed kept. Cancel, Esc or the
window's ✕ leave without recording anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from html import escape

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.escalation import (
    MAX_CHARACTERS,
    NO_NEW_ORDERS,
    Escalation,
    escalation_from_form,
)
from ketamonitor.core.times import format_clock
from ketamonitor.ui.alert_views import PRIORITY_STYLE
from ketamonitor.ui.fields import FieldErrors, confirm_cancel_buttons, set_placeholder

#: The actions side by side in this many columns (eight fit in four rows).
ACTION_COLUMNS = 2


class EscalationDialog(QDialog):
    """The alert at the top, then what was done, the physician called, what was ordered."""

    def __init__(self, parent: QWidget | None, record: AlertRecord, choices: Sequence[str],
                 physicians: Sequence[str], now: datetime, zone: tzinfo) -> None:
        super().__init__(parent)
        self.setWindowTitle("Acknowledge alert: what was done")
        self.setObjectName("escalation_dialog")
        self.setMinimumWidth(760)
        self._record = record
        self._now = now
        self._zone = zone
        #: The escalation as accepted; None until OK is pressed on valid fields.
        self.escalation: Escalation | None = None
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.addWidget(self._alert_banner(record))
        layout.addWidget(self._actions_box(choices))
        layout.addWidget(self._physician_box(physicians))
        self.general = self.errors.add("general", self)
        layout.addWidget(self.general)
        buttons, self.confirm = confirm_cancel_buttons(self, "Acknowledge", self.submit,
                                                       "confirm_escalation")
        self.confirm.setDefault(True)
        layout.addWidget(buttons)
        self._called_changed()
        (self.done_ticks[0] if self.done_ticks else self.note).setFocus()
        self.adjustSize()

    def _alert_banner(self, record: AlertRecord) -> QLabel:
        ink, background, width = PRIORITY_STYLE[record.priority]
        banner = QLabel(f"<b>{record.priority.mark} {record.priority.word}:</b> "
                        f"{escape(record.message)}<br>Raised at "
                        f"{format_clock(record.raised_at, self._zone)}")
        banner.setObjectName("escalation_alert")
        banner.setWordWrap(True)
        banner.setStyleSheet(f"QLabel {{ color: {ink}; background: {background}; "
                             f"border: {min(width, 3)}px solid {ink}; border-radius: 4px; "
                             "padding: 6px; }")
        return banner

    def _actions_box(self, choices: Sequence[str]) -> QGroupBox:
        box = QGroupBox("What was done (tick all that apply)")
        column = QVBoxLayout(box)
        grid = QGridLayout()
        self.done_ticks: list[QCheckBox] = []
        for index, choice in enumerate(choices):
            tick = QCheckBox(choice)
            tick.setObjectName(f"escalation_done_{index}")
            tick.setMinimumHeight(tick.sizeHint().height() + 6)  # the focus ring's room
            grid.addWidget(tick, index // ACTION_COLUMNS, index % ACTION_COLUMNS)
            self.done_ticks.append(tick)
        grid.setVerticalSpacing(8)
        column.addLayout(grid)
        form = QFormLayout()
        self.note = QLineEdit()
        self.note.setObjectName("escalation_note")
        self.note.setMaxLength(MAX_CHARACTERS + 1)  # one over: the reason says the limit
        self.note.setPlaceholderText("anything else done, in your words")
        self._row(form, "note", "Other", self.note)
        column.addLayout(form)
        done_error = self.errors.add("done", self.done_ticks[0] if self.done_ticks else self.note)
        column.addWidget(done_error)
        for tick in self.done_ticks:
            tick.toggled.connect(lambda _on: self.errors.forget("done"))
        self.note.textEdited.connect(lambda _text: self.errors.forget("done"))
        return box

    def _physician_box(self, physicians: Sequence[str]) -> QGroupBox:
        box = QGroupBox("Physician")
        form = QFormLayout(box)
        self.called = QCheckBox("Physician called")
        self.called.setObjectName("escalation_called")
        self.called.setMinimumHeight(self.called.sizeHint().height() + 6)
        self.called.toggled.connect(self._called_changed)
        called_row = QHBoxLayout()
        called_row.addWidget(self.called)
        called_row.addWidget(self.errors.add("physician_called", self.called), 1)
        form.addRow(called_row)
        self.physician = QComboBox()
        self.physician.setObjectName("escalation_physician")
        self.physician.setEditable(True)
        self.physician.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.physician.addItems(list(physicians))
        self.physician.setCurrentIndex(-1)  # offered once "Physician called" is ticked
        set_placeholder(self.physician, "who was called")
        self._row(form, "physician", "Who", self.physician)
        self.called_at = QLineEdit()
        self.called_at.setObjectName("escalation_called_at")
        self.called_at.setPlaceholderText("HH:MM (empty: now)")
        self._row(form, "called_at", "When", self.called_at, stretch=2)
        self.ordered = QComboBox()
        self.ordered.setObjectName("escalation_ordered")
        self.ordered.setEditable(True)
        self.ordered.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.ordered.addItem(NO_NEW_ORDERS)
        self.ordered.setCurrentIndex(-1)
        set_placeholder(self.ordered, "what the physician ordered (optional)")
        self._row(form, "ordered", "Ordered", self.ordered)
        return box

    def _row(self, form: QFormLayout, name: str, caption: str, widget: QWidget, *,
             stretch: int = 3) -> None:
        """A field and its reason beside it, the field taking most of the line."""
        row = QHBoxLayout()
        row.addWidget(widget, stretch)
        row.addWidget(self.errors.add(name, widget), 5 - stretch)
        form.addRow(caption, row)

    def _called_changed(self) -> None:
        """Who and when are asked only of a call that was made."""
        on = self.called.isChecked()
        for widget in (self.physician, self.called_at):
            widget.setEnabled(on)
        self.errors.forget("physician_called")
        if on and not self.physician.currentText().strip():
            self.physician.setCurrentIndex(0 if self.physician.count() else -1)

    def done_actions(self) -> list[str]:
        return [tick.text() for tick in self.done_ticks if tick.isChecked()]

    def submit(self) -> None:
        """OK: the escalation if the fields make one, else the reasons beside them (the
        dialog stays open, everything typed kept)."""
        try:
            self.escalation = escalation_from_form(
                done=self.done_actions(), note=self.note.text(),
                physician_called=self.called.isChecked(),
                physician=self.physician.currentText(), called_at=self.called_at.text(),
                ordered=self.ordered.currentText(), raised_at=self._record.raised_at,
                now=self._now, zone=self._zone)
        except ValidationError as refused:
            self.show_reasons(refused.reasons)
            return
        self.accept()

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        self.errors.show(reasons)
