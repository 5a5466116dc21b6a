"""A physician's countersignature of a protocol draft: what changes (old → new for each
number), who saved it and why, and the password asked again.

The dialog only shows the draft and hands the password to a callable of the protocols
dialog, which asks the store; a refusal (a wrong password above all) comes back as a reason
beside the field, and the dialog stays open.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.library import ProtocolDraft
from ketamonitor.core.protocol_text import reference
from ketamonitor.ui.fields import FieldErrors, confirm_cancel_buttons, field_row
from ketamonitor.ui.signature_views import ShowReasons

#: countersign(password, show_reasons) -> in force?
CountersignCall = Callable[[str, ShowReasons], bool]


def changes_text(draft: ProtocolDraft) -> str:
    """The draft's changes in words, one a line, with what they are compared with: the
    same words for both roles, in the protocols dialog and here."""
    if draft.compared_with is None:
        return "A new protocol: no earlier version to compare it with."
    against = reference(draft.compared_with)
    head = (f"Changes from version {draft.compared_with.version}, in force now:"
            if draft.in_force else f"Changes from {against}, which it copies:")
    if not draft.changes:
        return f"{head} none in the numbers."
    return "\n".join([head, *(f"• {change}" for change in draft.changes)])


class CountersignDialog(QDialog):
    """The draft's changes and reason, and the physician's password asked again."""

    def __init__(self, parent: QWidget, draft: ProtocolDraft, signer: str,
                 countersign: CountersignCall) -> None:
        super().__init__(parent)
        self.setWindowTitle("Countersign the protocol change")
        self.setMinimumWidth(560)
        self._countersign = countersign
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        version = draft.version
        intro = QLabel(
            f"You countersign version {version.version} of “{html.escape(draft.protocol.name)}"
            f"”, saved by <b>{html.escape(version.created_by)}</b>. From now on new sessions "
            "use it; sessions already started keep the version they began with.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.reason = _plain(draft.reason or "—", "draft_reason")
        form.addRow("Their reason", self.reason)
        self.changes = _plain(changes_text(draft), "draft_changes")
        form.addRow("What changes", self.changes)
        form.addRow("Countersigned by", _plain(signer, "countersigner"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("your password, asked again")
        field_row(form, self.errors, "password", "Password", self.password)
        self.general = self.errors.add("general", self)
        layout.addWidget(self.general)
        buttons, self.confirm = confirm_cancel_buttons(self, "Countersign", self.submit,
                                                       "confirm_countersign")
        layout.addWidget(buttons)
        self.password.setFocus()
        self.adjustSize()

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        self.errors.show(reasons)
        if "password" in reasons:
            self.password.selectAll()

    def submit(self) -> None:
        if self._countersign(self.password.text(), self.show_reasons):
            self.accept()


def _plain(text: str, name: str) -> QLabel:
    """A label showing typed words exactly as typed (never read as rich text)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setObjectName(name)
    return label
