"""The clinic's accounts, for administrators: who can log in and as what, new accounts,
roles, passwords, disabling and unlocking.

The dialog only shows and forwards. What was typed is checked by core (`check_username` and
its siblings, all at once so every reason shows beside its field), then written by the store,
which checks again, refuses whatever the rules forbid (a username taken, your own
administrator role, a non-administrator at all) and audits every change. A refusal shows
beside its field, the typed text stays, nothing is written. Accounts are disabled, never
deleted, and a username is never used twice.

Each action's form is a panel inside the dialog rather than a modal window of its own, so a
test fills and submits it like a person would, without a nested event loop.

The dialog shell is here; the table model in `table`, each form in a module of its own.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ketamonitor.core.accounts import Account
from ketamonitor.core.errors import RuleError
from ketamonitor.core.lockout import AccountState, lock_ends
from ketamonitor.core.permissions import refusal_words
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui import theme
from ketamonitor.ui.accounts.add_form import AddAccountForm
from ketamonitor.ui.accounts.disable_form import DisableForm
from ketamonitor.ui.accounts.enable_form import EnableForm
from ketamonitor.ui.accounts.form import AccountForm, ChosenAccountForm
from ketamonitor.ui.accounts.password_form import PasswordForm
from ketamonitor.ui.accounts.roles_form import RolesForm
from ketamonitor.ui.accounts.table import AccountsModel
from ketamonitor.ui.admin_panel import action_button, line_and_close, refusal_and_body
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.views import read_only_table
from ketamonitor.ui.writes import attempt, attempt_done


class AccountsDialog(QDialog):
    """Clinic ▸ Accounts…: emits `accounts_changed` with the username of each change."""

    accounts_changed = Signal(str)

    def __init__(self, store: StoreApi, parent: QWidget | None = None, *,
                 prompts: Prompts | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.allowed = True  # False once the store refuses the person logged in
        self.setWindowTitle("Accounts")
        outer = QVBoxLayout(self)

        self.refused, self.body, layout = refusal_and_body(outer, "accounts_refused")

        self.locked_line = QLabel("")
        self.locked_line.setObjectName("accounts_locked")
        self.locked_line.setWordWrap(True)
        self.locked_line.setStyleSheet(
            f"background: {theme.CAUTION_BG}; color: {theme.CAUTION}; font-weight: bold; "
            "padding: 6px; border-radius: 3px;")
        self.locked_line.hide()
        layout.addWidget(self.locked_line)

        middle = QHBoxLayout()
        self.model = AccountsModel(store.clock.local_zone, self)
        self.table = read_only_table(self.model)
        self.table.setObjectName("accounts")
        middle.addWidget(self.table, 1)
        actions = QVBoxLayout()
        self.add_button = action_button("Add account…", "account_add", self.show_add)
        self.roles_button = action_button("Change roles…", "account_roles", self.show_roles)
        self.password_button = action_button("Reset password…", "account_password",
                                            self.show_password)
        self.disable_button = action_button("Disable…", "account_disable", self.show_disable)
        self.enable_button = action_button("Enable…", "account_enable", self.show_enable)
        self.unlock_button = action_button("Unlock", "account_unlock", self.unlock)
        self.unlock_button.setToolTip("Let an account locked after failed logins try again "
                                      "now, without waiting for its lock to run out")
        self.buttons = [self.add_button, self.roles_button, self.password_button,
                        self.disable_button, self.enable_button, self.unlock_button]
        for button in self.buttons:
            actions.addWidget(button)
        actions.addStretch(1)
        middle.addLayout(actions)
        layout.addLayout(middle, 1)

        self.root_key = QLabel("")
        self.root_key.setObjectName("accounts_root_key")
        self.root_key.setWordWrap(True)
        self.root_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.root_key.setProperty("role", "muted")
        layout.addWidget(self.root_key)

        self.add_form = AddAccountForm(store, self.prompts)
        self.roles_form = RolesForm(store, self.prompts)
        self.password_form = PasswordForm(store, self.prompts)
        self.disable_form = DisableForm(store, self.prompts)
        self.enable_form = EnableForm(store, self.prompts)
        self.forms: list[AccountForm] = [self.add_form, self.roles_form, self.password_form,
                                         self.disable_form, self.enable_form]
        for form in self.forms:
            form.hide()
            form.done.connect(self._done)
            form.cancelled.connect(self.close_form)
            layout.addWidget(form)

        self.status = QLabel("")
        self.status.setObjectName("accounts_status")
        line_and_close(self, outer, self.status, "accounts_close")

        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.setMinimumSize(760, 480)
        self.resize(1000, 640)  # a refusal makes it small again
        self.reload()


    # -- showing -------------------------------------------------------------------------

    def _read(self) -> tuple[list[Account], dict[str, datetime]] | None:
        """The accounts and their locks; None, with the reason in place of the table, for
        someone who may not manage accounts (for the dialog's whole life)."""
        try:
            return self.store.accounts(), dict(self.store.locked_accounts())
        except RuleError as refused:
            self._refuse(refusal_words(refused, self.store.account, "manage accounts"))
            return None

    def _show_status(self, reasons: dict[str, str]) -> None:
        self.status.setText("; ".join(reasons.values()))

    def reload(self, select: str | None = None) -> bool:
        """Read the accounts and their locks again; False (and the reason shown) when the
        person logged in may not manage accounts."""
        chosen = select or self._chosen_username()
        read = attempt(self._read, self._show_status, self.prompts, self, typed=False)
        if read is None:  # refused (said in place of the table), or the file said
            return False
        accounts, locks = read
        self.model.set_rows([AccountState(a, locks.get(a.username)) for a in accounts])
        self._show_root_key()
        zone = self.store.clock.local_zone
        shown = [f"{name} until {lock_ends(until, zone)}" for name, until in locks.items()]
        self.locked_line.setText(
            f"{theme.FLAG_MARK} Locked after failed logins: {', '.join(shown)}. Choose one "
            "and press Unlock, or wait for the lock to run out." if shown else "")
        self.locked_line.setVisible(bool(shown))
        usernames = self.model.usernames()
        if usernames:
            row = usernames.index(chosen) if chosen in usernames else 0
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._selected()
        return True

    def _show_root_key(self) -> None:
        """The clinic's root key, for the administrator to keep apart from the file: every
        signature is traced to it, and a file rewritten whole has another."""
        root = self.store.root_key_fingerprint()
        self.root_key.setText(
            "" if root is None else
            f"The clinic's root key: {root}. Keep a copy apart from the database (on paper, "
            "or beside the anchor log on another disk): “ketamonitor verify” prints the "
            "file's, and a file rewritten whole has another.")
        self.root_key.setVisible(root is not None)

    def _refuse(self, text: str) -> None:
        """Only the reason and Close: nothing to read or press."""
        self.allowed = False
        self.refused.setText(text)
        self.refused.show()
        self.body.hide()
        self.close_form()
        for button in self.buttons:
            button.setEnabled(False)
        self.setMinimumSize(460, 140)
        self.resize(620, 160)

    def _chosen_username(self) -> str | None:
        chosen = self.chosen()
        return None if chosen is None else chosen.account.username

    def chosen(self) -> AccountState | None:
        """The account chosen in the table."""
        row = self.table.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            return self.model.row_value(row)
        return None

    def select(self, username: str) -> None:
        self.reload(select=username)

    def _selected(self) -> None:
        chosen = self.chosen()
        usable = self.allowed and chosen is not None and not chosen.account.disabled
        self.add_button.setEnabled(self.allowed)
        for button in (self.roles_button, self.password_button, self.disable_button):
            button.setEnabled(usable)
        disabled = self.allowed and chosen is not None and chosen.account.disabled
        self.enable_button.setEnabled(disabled)
        self.unlock_button.setEnabled(chosen is not None and chosen.is_locked)
        shown = self._shown_form()
        if shown is self.enable_form:
            if not disabled:
                self.close_form()
        elif shown is not None and shown is not self.add_form:
            if usable and chosen is not None and isinstance(shown, ChosenAccountForm):
                if shown.account is None or shown.account.username != chosen.account.username:
                    shown.set_account(chosen.account)
            else:
                self.close_form()

    def _shown_form(self) -> AccountForm | None:
        return next((form for form in self.forms if not form.isHidden()), None)

    # -- acting --------------------------------------------------------------------------

    def _open(self, form: AccountForm) -> None:
        for other in self.forms:
            other.setVisible(other is form)
        self.status.clear()

    def close_form(self) -> None:
        for form in self.forms:
            form.hide()

    def show_add(self) -> AddAccountForm:
        self._open(self.add_form)
        self.add_form.inputs["username"].setFocus()
        return self.add_form

    def _show_chosen(self, form: ChosenAccountForm) -> ChosenAccountForm | None:
        chosen = self.chosen()
        if not self.allowed or chosen is None or chosen.account.disabled:
            return None
        form.set_account(chosen.account)
        self._open(form)
        return form

    def show_roles(self) -> RolesForm | None:
        shown = self._show_chosen(self.roles_form)
        return None if shown is None else self.roles_form

    def show_password(self) -> PasswordForm | None:
        shown = self._show_chosen(self.password_form)
        if shown is not None:
            self.password_form.inputs["password"].setFocus()
        return None if shown is None else self.password_form

    def show_disable(self) -> DisableForm | None:
        shown = self._show_chosen(self.disable_form)
        if shown is not None:
            self.disable_form.reason.setFocus()
        return None if shown is None else self.disable_form

    def show_enable(self) -> EnableForm | None:
        chosen = self.chosen()
        if not self.allowed or chosen is None or not chosen.account.disabled:
            return None
        self.enable_form.set_account(chosen.account)
        self._open(self.enable_form)
        self.enable_form.reason.setFocus()
        return self.enable_form

    def unlock(self) -> bool:
        chosen = self.chosen()
        if chosen is None or not chosen.is_locked:
            return False
        username = chosen.account.username
        if not attempt_done(lambda: self.store.unlock_account(username),
                            self._show_status,
                            self.prompts, self, typed=False):
            return False
        self._changed(username, f"{username} is unlocked and can log in again.")
        return True

    def _done(self, username: str, message: str) -> None:
        self.close_form()
        self._changed(username, message)

    def _changed(self, username: str, message: str) -> None:
        self.reload(select=username)
        self.status.setText(message)
        self.accounts_changed.emit(username)
