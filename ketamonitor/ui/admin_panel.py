"""The refusal line of an administrator's dialog (Accounts, the audit trail): hidden until the
store refuses the person logged in, then shown in place of the dialog's body. The words are
core's (`refusal_words`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


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
