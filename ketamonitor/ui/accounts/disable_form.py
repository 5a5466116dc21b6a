"""Disable the account chosen, with the reason the audit trail keeps."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from ketamonitor.core.accounts import Account
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.accounts.form import ChosenAccountForm
from ketamonitor.ui.fields import field_row
from ketamonitor.ui.prompts import Prompts

DISABLE_SUGGESTIONS = ["left the clinic", "no longer needs access",
                       "password may be known to others"]


class DisableForm(ChosenAccountForm):
    """Disable an account, with the reason the audit trail keeps."""

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Disable account", "Disable account", store, prompts, parent)
        self.submit_button.setObjectName("account_disable_save")
        self.about.setText(
            "A disabled account can no longer log in. Accounts are disabled, never deleted: "
            "the name stays on every entry the person charted, and the username is never "
            "used again, not even for a new account.")
        self.reason = QComboBox()
        self.reason.setObjectName("account_disable_reason")
        self.reason.setEditable(True)
        self.reason.addItems(["", *DISABLE_SUGGESTIONS])
        self.reason.setCurrentIndex(0)
        line = self.reason.lineEdit()
        assert line is not None
        line.setPlaceholderText("why, e.g. left the clinic")
        line.returnPressed.connect(self.submit)
        field_row(self.form, self.errors, "reason", "Reason", self.reason)
        self._finish_layout()

    def set_account(self, account: Account) -> None:
        super().set_account(account)
        self.reason.setCurrentIndex(0)
        self.reason.setEditText("")

    def submit(self) -> Account | None:
        account = self.account
        if account is None:
            return None
        why = self.reason.currentText()
        disabled = self._attempt(lambda: self.store.disable_account(account.username, why))
        if disabled is None:
            return None
        self.done.emit(disabled.username,
                       f"{disabled.username} is disabled; their entries keep their name.")
        return disabled
