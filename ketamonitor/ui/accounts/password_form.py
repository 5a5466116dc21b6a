"""Reset the password of the account chosen, to be handed over in person."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from ketamonitor.core.accounts import (
    MIN_PASSWORD_LENGTH,
    Account,
    check_password,
    password_is_temporary,
)
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.accounts.form import (
    ChosenAccountForm,
    gather_reasons,
    password_field,
    typed_twice,
)
from ketamonitor.ui.fields import field_row
from ketamonitor.ui.prompts import Prompts


class PasswordForm(ChosenAccountForm):
    """A new password set by the administrator, typed twice, to be handed over in person."""

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Reset password", "Set password", store, prompts, parent)
        self.submit_button.setObjectName("account_password_save")
        self.about.setText("Give the new password to the person directly, never by e-mail. "
                           "It lets them in once: at that login they choose their own.")
        self.about.setProperty("role", "muted")
        self.inputs: dict[str, QLineEdit] = {}
        for name, caption in [("password", "New password"),
                              ("password_again", "New password again")]:
            field = password_field(f"new_{name}")
            field.returnPressed.connect(self.submit)
            self.inputs[name] = field
            field_row(self.form, self.errors, name, caption, field)
        self.inputs["password"].setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self._finish_layout()

    def set_account(self, account: Account) -> None:
        super().set_account(account)
        for field in self.inputs.values():
            field.clear()

    def submit(self) -> bool:
        account = self.account
        if account is None:
            return False
        password, again = (self.inputs[n].text() for n in ("password", "password_again"))
        reasons = gather_reasons([lambda: check_password(password)])
        reasons.update(typed_twice(password, again))
        if reasons:
            self.errors.show(reasons)
            return False
        def write() -> bool:
            self.store.set_password(account.username, password)
            return True

        if self._attempt(write):
            for field in self.inputs.values():
                field.clear()
            self.done.emit(account.username, f"New password set for {account.username}"
                           + (": they choose their own at their next login." if
                              password_is_temporary(account.username, self.store.user)
                              else "."))
            return True
        return False
