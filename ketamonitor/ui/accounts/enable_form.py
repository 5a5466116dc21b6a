"""Let a disabled account log in again, with the reason the audit trail keeps."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ketamonitor.core.accounts import Account
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.accounts.form import ChosenAccountForm
from ketamonitor.ui.fields import field_row
from ketamonitor.ui.prompts import Prompts


class EnableForm(ChosenAccountForm):
    """Let a disabled account log in again, with the reason the audit trail keeps."""

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Enable account", "Enable account", store, prompts, parent)
        self.submit_button.setObjectName("account_enable_save")
        self.about.setText(
            "The account can log in again with its password as it was (reset it too if the "
            "person does not know it). Its roles are as they were.")
        self.reason = QLineEdit()
        self.reason.setObjectName("account_enable_reason")
        self.reason.setPlaceholderText("why, e.g. back from leave")
        self.reason.returnPressed.connect(self.submit)
        field_row(self.form, self.errors, "reason", "Reason", self.reason)
        self._finish_layout()

    def set_account(self, account: Account) -> None:
        super().set_account(account)
        self.reason.clear()

    def submit(self) -> Account | None:
        account = self.account
        if account is None:
            return None
        why = self.reason.text()
        enabled = self._attempt(lambda: self.store.enable_account(account.username, why))
        if enabled is None:
            return None
        self.done.emit(enabled.username, f"{enabled.username} can log in again.")
        return enabled
