"""Hand a session over to another nurse: the one explicit way the session's nurse changes
(it is otherwise the person logged in when the session was started). Recorded by the store
with its audit row; the dialog only chooses the account and forwards the intent."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.accounts import Account
from ketamonitor.ui.fields import FieldErrors, confirm_cancel_buttons, field_row
from ketamonitor.ui.signature_views import ShowReasons

#: Records the handover to a username; False (reasons shown) when it was refused.
HandOver = Callable[[str, ShowReasons], bool]


class HandoverDialog(QDialog):
    """The session's nurse now, the nurse accounts it may go to, and one button."""

    def __init__(self, parent: QWidget, current_nurse: str, choices: list[Account],
                 hand_over: HandOver) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hand over the session")
        self.setMinimumWidth(480)
        self._hand_over = hand_over
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        intro = QLabel(f"This session's nurse is <b>{escape(current_nurse)}</b>. Choose the "
                       "nurse who takes it over now; the handover is recorded, by you, and "
                       "the session names the new nurse from then on.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        layout.addLayout(form)
        self.nurse = QComboBox()
        self.nurse.setObjectName("handover_nurse")
        for account in choices:
            self.nurse.addItem(f"{account.display_name} ({account.username})", account.username)
        field_row(form, self.errors, "nurse", "Hand over to", self.nurse)
        self.general = self.errors.add("general", self)
        self.general.setText("" if choices else
                             "There is no other active nurse's account to hand over to.")
        layout.addWidget(self.general)
        buttons, self.confirm = confirm_cancel_buttons(self, "Hand over", self.submit,
                                                       "confirm_handover")
        self.confirm.setEnabled(bool(choices))
        layout.addWidget(buttons)
        self.adjustSize()

    def submit(self) -> None:
        """Closed only once the handover is recorded; a refusal stays in sight beside it."""
        chosen = self.nurse.currentData()
        if chosen is not None and self._hand_over(chosen, self.errors.show):
            self.accept()
