"""The frame of an administrator's dialog (Accounts, the audit trail): the refusal line,
hidden until the store refuses the person logged in, then shown in place of the dialog's
body (the words are core's, `refusal_words`); and the bottom row, a line of words beside
Close."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def refusal_and_body(outer: QVBoxLayout, name: str) -> tuple[QLabel, QWidget, QVBoxLayout]:
    """An administrator's dialog: a line for the refusal (hidden until the store refuses the
    person logged in), and the body it replaces."""
    refused = QLabel("")
    refused.setObjectName(name)
    refused.setProperty("role", "field-error")
    refused.setWordWrap(True)
    refused.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    refused.hide()
    outer.addWidget(refused, 1)
    body = QWidget()  # everything but the refusal and Close
    layout = QVBoxLayout(body)
    layout.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(body, 1)
    return refused, body, layout


def line_and_close(dialog: QDialog, outer: QVBoxLayout, line: QLabel, name: str) -> None:
    """The dialog's bottom row: `line` (a status or a note, wrapped) beside Close (named
    `name`, for tests). Close never takes Enter: Enter belongs to the form above it."""
    bottom = QHBoxLayout()
    line.setWordWrap(True)
    bottom.addWidget(line, 1)
    close = QPushButton("Close")
    close.setObjectName(name)
    close.clicked.connect(dialog.reject)
    close.setAutoDefault(False)
    bottom.addWidget(close)
    outer.addLayout(bottom)


def action_button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    """A button of an administrator's dialog beside its table: never the dialog's default,
    so Return in a panel's field submits that panel only."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)
    button.clicked.connect(slot)
    return button
