"""Change the roles of the account chosen."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ketamonitor.core.accounts import Account
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.accounts.form import ChosenAccountForm
from ketamonitor.ui.fields import field_row
from ketamonitor.ui.prompts import Prompts


class RolesForm(ChosenAccountForm):
    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Change roles", "Save roles", store, prompts, parent)
        self.submit_button.setObjectName("account_roles_save")
        self.about.setText("Nurses chart, physicians review and sign (and may chart), "
                           "administrators manage accounts, protocols and the audit trail.")
        self.about.setProperty("role", "muted")
        holder, self.roles = self._role_boxes("roles_role")
        field_row(self.form, self.errors, "roles", "Roles", holder)
        self._finish_layout()

    def set_account(self, account: Account) -> None:
        super().set_account(account)
        for role, box in self.roles.items():
            box.setChecked(role in account.roles)

    def submit(self) -> Account | None:
        account = self.account
        if account is None:
            return None
        roles = frozenset(role for role, box in self.roles.items() if box.isChecked())
        changed = self._attempt(lambda: self.store.set_roles(account.username, roles))
        if changed is None:
            return None
        self.done.emit(changed.username,
                       f"{changed.username} is now: {changed.roles_label.lower()}.")
        return changed
