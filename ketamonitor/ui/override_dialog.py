"""A physician's override: the holds on the start (or the gaps before discharge) listed as
they are now, which physician, their password, and why they go ahead.

The physician may have come to the nurse's workstation: the dialog asks which physician and
takes *their* password (the logged-in physician is chosen already). It only collects the
fields and hands them to a callable of the session page, which asks the store; a refusal
comes back as reasons beside the fields, with everything typed kept. Cancel, Esc or the
window's ✕ leave without overriding anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.holds import REASON_MAX_CHARACTERS
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors, confirm_cancel_buttons, field_row
from ketamonitor.ui.signature_views import ShowReasons

#: override(physician username, password, reason, show_reasons) -> overridden?
OverrideCall = Callable[[str, str, str, ShowReasons], bool]


class OverrideDialog(QDialog):
    """What holds, then the physician, their password and the reason."""

    def __init__(self, parent: QWidget | None, what: str, items: Sequence[str],
                 physicians: Sequence[tuple[str, str]], chosen: str | None,
                 override: OverrideCall) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Physician override: {what}")
        self.setObjectName("override_dialog")
        self.setMinimumWidth(640)
        self._override = override
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        listed = "".join(f"<li>{escape(item)}</li>" for item in items)
        self.items = QLabel(f"<b>{escape(what)} is held by:</b><ul style='margin:2px'>"
                            f"{listed}</ul>The override covers exactly these. Anything that "
                            "holds it later holds it again.")
        self.items.setObjectName("override_items")
        self.items.setWordWrap(True)
        self.items.setStyleSheet(f"QLabel {{ color: {theme.CAUTION}; "
                                 f"background: {theme.CAUTION_BG}; border: 2px solid "
                                 f"{theme.CAUTION}; border-radius: 4px; padding: 6px; }}")
        layout.addWidget(self.items)
        form = QFormLayout()
        layout.addLayout(form)
        self.physician = QComboBox()
        self.physician.setObjectName("override_physician")
        self.physician.addItem("— choose the physician —", "")
        for username, name in physicians:
            self.physician.addItem(f"{name} ({username})", username)
        found = self.physician.findData(chosen) if chosen else -1
        self.physician.setCurrentIndex(max(found, 0))
        field_row(form, self.errors, "physician", "Physician", self.physician)
        self.password = QLineEdit()
        self.password.setObjectName("override_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("the physician's own password")
        field_row(form, self.errors, "password", "Their password", self.password)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("override_reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(f"why the physician goes ahead (at most "
                                       f"{REASON_MAX_CHARACTERS} characters)")
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 4)
        form.addRow("Reason", self.reason)
        form.addRow("", self.errors.add("reason", self.reason))
        self.general = self.errors.add("general", self)
        layout.addWidget(self.general)
        buttons, self.confirm = confirm_cancel_buttons(self, "Override", self.submit,
                                                       "confirm_override")
        layout.addWidget(buttons)
        self.physician.currentIndexChanged.connect(lambda _i: self.errors.forget("physician"))
        self.password.textEdited.connect(lambda _t: self.errors.forget("password"))
        self.reason.textChanged.connect(lambda: self.errors.forget("reason"))
        (self.password if found >= 0 else self.physician).setFocus()
        self.adjustSize()

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        self.errors.show(reasons)
        if "password" in reasons:
            self.password.selectAll()

    def submit(self) -> None:
        if self._override(self.physician.currentData() or "", self.password.text(),
                          self.reason.toPlainText(), self.show_reasons):
            self.accept()
