"""Form fields that show their validation reason right beside them."""

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
    QPushButton,
    QWidget,
)


class FieldErrors:
    """Maps field names to their widgets and reason labels; shows and clears reasons."""

    def __init__(self) -> None:
        self._inputs: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}

    def add(self, name: str, widget: QWidget) -> QLabel:
        label = QLabel("")
        label.setProperty("role", "field-error")
        label.setWordWrap(True)
        label.setObjectName(f"error_{name}")
        self._inputs[name] = widget
        self._labels[name] = label
        return label

    def show(self, reasons: Mapping[str, str]) -> None:
        """Show each reason beside its field; reasons for unknown fields go to `general`."""
        self.clear()
        leftover = []
        for field, reason in reasons.items():
            if field in self._labels:
                self._labels[field].setText(reason)
                _mark(self._inputs[field], True)
            else:
                leftover.append(reason)
        if leftover and "general" in self._labels:
            self._labels["general"].setText("; ".join(leftover))
        first = next((self._inputs[f] for f in reasons if f in self._inputs), None)
        if first is not None:
            first.setFocus()

    def forget(self, name: str) -> None:
        """Take one field's reason away once the person changes that field: a reason left
        beside text that no longer has the problem reads as if it still did."""
        if name in self._labels:
            self._labels[name].setText("")
            _mark(self._inputs[name], False)

    def show_text(self, name: str, text: str) -> None:
        """Words beside one field that are not a refusal (no red frame): a question
        already answered, say."""
        if name in self._labels:
            self._labels[name].setText(text)
            _mark(self._inputs[name], False)

    def clear(self) -> None:
        for name, label in self._labels.items():
            label.setText("")
            _mark(self._inputs[name], False)

    def text(self, name: str) -> str:
        return self._labels[name].text()


def _mark(widget: QWidget, invalid: bool) -> None:
    if isinstance(widget, (QLineEdit, QComboBox)):
        widget.setProperty("invalid", "true" if invalid else "false")
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def field_row(form: QFormLayout, errors: FieldErrors, name: str, caption: str,
              widget: QWidget) -> QLabel:
    """A form row with the field's reason label right beside it (on the same line)."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(widget, 1)
    label = errors.add(name, widget)
    row.addWidget(label, 1)
    form.addRow(caption, holder)
    return label


def set_placeholder(combo: QComboBox, text: str) -> None:
    """The grey hint in an editable combo's line edit. Qt types `lineEdit()` as optional
    because a combo that is not editable has none: then there is nowhere to hint."""
    edit = combo.lineEdit()
    if edit is not None:
        edit.setPlaceholderText(text)


def save_cancel_buttons(dialog: QDialog, save: Callable[[], object],
                        save_text: str | None = None) -> QDialogButtonBox:
    """Save and Cancel for a form dialog: Save checks and charts (the dialog accepts only when
    it is written), Cancel, Esc and the window's close reject without writing. `save_text`
    names what Save charts ("Chart medicine"), so the button says what it does."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Cancel)
    if save_text is not None:
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(save_text)
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    return buttons


def confirm_cancel_buttons(dialog: QDialog, text: str, confirm: Callable[[], object],
                           name: str) -> tuple[QDialogButtonBox, QPushButton]:
    """Cancel and one primary button named for the act ("Countersign", "Override"): the act
    checks and writes (the dialog accepts only when it is written); Cancel, Esc and the
    window's close reject without writing. `name` is the button's object name, for tests."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    button.setObjectName(name)
    button.setProperty("role", "primary")
    buttons.accepted.connect(confirm)
    buttons.rejected.connect(dialog.reject)
    return buttons, button
