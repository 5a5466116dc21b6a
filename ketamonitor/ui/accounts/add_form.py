"""Add an account: username, printed name, roles and a first password typed twice."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ketamonitor.core.accounts import (
    MIN_PASSWORD_LENGTH,
    Account,
    Role,
    check_display_name,
    check_password,
    check_roles,
    check_username,
)
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.accounts.form import AccountForm, gather_reasons, password_field, typed_twice
from ketamonitor.ui.fields import field_row
from ketamonitor.ui.prompts import Prompts


class AddAccountForm(AccountForm):
    """A new account: username, printed name, roles and a first password typed twice."""

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Add an account", "Add account", store, prompts, parent)
        self.submit_button.setObjectName("account_add_save")
        self.inputs: dict[str, QLineEdit] = {}
        for name, caption, hint in [
            ("username", "Username", "e.g. nurse.bo: lowercase, never reused"),
            ("display_name", "Printed name", "as signatures show it, e.g. Bo Lin RN"),
        ]:
            field = QLineEdit()
            field.setObjectName(f"account_{name}")
            field.setPlaceholderText(hint)
            self.inputs[name] = field
            field_row(self.form, self.errors, name, caption, field)
        holder, self.roles = self._role_boxes("account_role")
        field_row(self.form, self.errors, "roles", "Roles", holder)
        for name, caption in [("password", "Password"), ("password_again", "Password again")]:
            field = password_field(name)
            self.inputs[name] = field
            field_row(self.form, self.errors, name, caption, field)
        self.inputs["password"].setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        for field in self.inputs.values():
            field.returnPressed.connect(self.submit)
        self._finish_layout()

    def chosen_roles(self) -> frozenset[Role]:
        return frozenset(role for role, box in self.roles.items() if box.isChecked())

    def clear(self) -> None:
        self.errors.clear()
        for field in self.inputs.values():
            field.clear()
        for box in self.roles.values():
            box.setChecked(False)

    def submit(self) -> Account | None:
        typed = {name: field.text() for name, field in self.inputs.items()}
        roles = self.chosen_roles()
        reasons = gather_reasons([lambda: check_username(typed["username"]),
                            lambda: check_display_name(typed["display_name"]),
                            lambda: check_roles(roles),
                            lambda: check_password(typed["password"])])
        reasons.update(typed_twice(typed["password"], typed["password_again"]))
        if reasons:
            self.errors.show(reasons)
            return None
        account = self._attempt(lambda: self.store.add_account(
            typed["username"], typed["display_name"], roles, typed["password"]))
        if account is None:
            return None
        self.clear()
        self.done.emit(account.username, f"Added {account.username} ({account.display_name}; "
                       f"{account.roles_label.lower()}): they can log in now, and "
                       "choose their own password as they do.")
        return account
