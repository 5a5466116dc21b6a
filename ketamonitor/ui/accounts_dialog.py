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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any, NamedTuple, TypeVar

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.accounts import (
    MIN_PASSWORD_LENGTH,
    Account,
    Role,
    check_display_name,
    check_password,
    check_roles,
    check_username,
    password_is_temporary,
)
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.core.permissions import PERMISSIONS, PermissionDenied
from ketamonitor.core.times import format_clock
from ketamonitor.store.store import Store
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors, field_row
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.views import read_only_table
from ketamonitor.ui.writes import attempt

Result = TypeVar("Result")

GENERAL = "general"
DISABLE_SUGGESTIONS = ["left the clinic", "no longer needs access",
                       "password may be known to others"]


def refusal(store: Store, error: RuleError, doing: str) -> str:
    """Why the person logged in cannot use an administrator's dialog, in words: who can, and
    who they are ("Only administrators can manage accounts: …")."""
    account = store.account
    if isinstance(error, PermissionDenied) and account is not None:
        allowed = [f"{role.value}s" for role in Role if role in PERMISSIONS[error.permission]]
        who = " and ".join(allowed) or "no one"
        roles = account.roles_label.lower() or "no role"
        return (f"Only {who} can {doing}. You are logged in as {account.username} ({roles}): "
                f"ask an administrator.")
    text = str(error)
    return text[:1].upper() + text[1:]


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


def lock_ends(until: datetime, zone: tzinfo) -> str:
    """When a lock runs out, to the minute, rounded up: "until 10:45" is never too early."""
    rounded = until + (timedelta(minutes=1) - timedelta(seconds=until.second,
                                                        microseconds=until.microsecond)
                       if until.second or until.microsecond else timedelta())
    return format_clock(rounded, zone)


class AccountRow(NamedTuple):
    """An account as the table shows it, with when its lock after failed logins runs out."""

    account: Account
    locked_until: datetime | None = None

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and not self.account.disabled

    def status(self, zone: tzinfo) -> str:
        if self.locked_until is not None and not self.account.disabled:
            return f"locked until {lock_ends(self.locked_until, zone)}"
        return self.account.activity


class AccountsModel(RowsModel[AccountRow]):
    """Every account ever made (disabled ones stay, greyed), with its status."""

    STATUS = 3

    def __init__(self, zone: tzinfo, parent: QObject | None = None) -> None:
        super().__init__([
            Column("Username", lambda r: r.account.username),
            Column("Printed name", lambda r: r.account.display_name),
            Column("Roles", lambda r: r.account.roles_label),
            Column("Status", lambda r: r.status(zone)),
            Column("Created", lambda r: f"{r.account.created_at.astimezone(zone):%Y-%m-%d}"),
        ], parent)

    def usernames(self) -> list[str]:
        return [self.row_value(r).account.username for r in range(self.rowCount())]

    def extra_data(self, row: AccountRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.account.disabled:
                return QBrush(QColor(theme.MUTED))
            if row.is_locked and column == self.STATUS:
                return QBrush(QColor(theme.CAUTION))
        if role == Qt.ItemDataRole.BackgroundRole and row.is_locked and column == self.STATUS:
            return QBrush(QColor(theme.CAUTION_BG))
        return None


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(f"account_{name}")
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _checked(checks: Sequence[Callable[[], object]]) -> dict[str, str]:
    """The reasons of every check that refuses, gathered (the store stops at the first)."""
    reasons: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except ValidationError as refused:
            reasons.update(refused.reasons)
    return reasons


def _twice(password: str, again: str) -> dict[str, str]:
    """A password typed twice must be typed the same: a typing slip, not a clinic rule."""
    return {} if password == again else {"password_again": "not the same as the password above"}


class AccountForm(QGroupBox):
    """A panel of the dialog: fields with their reasons beside them, a button that submits
    and one that closes the panel. `done` carries the account's username and what to tell
    the administrator."""

    done = Signal(str, str)
    cancelled = Signal()

    def __init__(self, title: str, submit_text: str, store: Store, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.store = store
        self.prompts = prompts
        self.errors = FieldErrors()
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.submit_button = QPushButton(submit_text)
        self.submit_button.setProperty("role", "primary")
        self.submit_button.clicked.connect(self.submit)
        self.submit_button.setAutoDefault(False)  # Return submits through returnPressed
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancelled.emit)

    def _finish_layout(self) -> None:
        """The general reason (one no field owns) and the buttons, last."""
        general = self.errors.add(GENERAL, self.submit_button)
        self.form.addRow(general)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        self.form.addRow(buttons)

    def _role_boxes(self, prefix: str) -> tuple[QWidget, dict[Role, QCheckBox]]:
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        boxes = {}
        for role in Role:
            box = QCheckBox(role.label)
            box.setObjectName(f"{prefix}_{role.value}")
            boxes[role] = box
            line.addWidget(box)
        line.addStretch(1)
        return holder, boxes

    def _attempt(self, write: Callable[[], Result]) -> Result | None:
        """The write's result, or None once the reason is shown: beside its field, in the
        panel for a refusal no field owns, or as a message naming the file."""
        try:
            return attempt(write, self.errors.show, self.prompts, self)
        except RuleError as refused:
            self.errors.show({GENERAL: str(refused)})
            return None

    def submit(self) -> object | None:
        raise NotImplementedError


class AddAccountForm(AccountForm):
    """A new account: username, printed name, roles and a first password typed twice."""

    def __init__(self, store: Store, prompts: Prompts, parent: QWidget | None = None) -> None:
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
            field = _password_field(name)
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
        reasons = _checked([lambda: check_username(typed["username"]),
                            lambda: check_display_name(typed["display_name"]),
                            lambda: check_roles(roles),
                            lambda: check_password(typed["password"])])
        reasons.update(_twice(typed["password"], typed["password_again"]))
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


class _ChosenAccountForm(AccountForm):
    """A form about one account, chosen in the table."""

    def __init__(self, title: str, submit_text: str, store: Store, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, submit_text, store, prompts, parent)
        self.account: Account | None = None
        self.about = QLabel("")
        self.about.setObjectName("account_about")
        self.about.setWordWrap(True)
        self.form.addRow(self.about)
        self._title = title

    def set_account(self, account: Account) -> None:
        self.account = account
        self.errors.clear()
        self.setTitle(f"{self._title}: {account.username} ({account.display_name})")


class RolesForm(_ChosenAccountForm):
    def __init__(self, store: Store, prompts: Prompts, parent: QWidget | None = None) -> None:
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


class PasswordForm(_ChosenAccountForm):
    """A new password set by the administrator, typed twice, to be handed over in person."""

    def __init__(self, store: Store, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Reset password", "Set password", store, prompts, parent)
        self.submit_button.setObjectName("account_password_save")
        self.about.setText("Give the new password to the person directly, never by e-mail. "
                           "It lets them in once: at that login they choose their own.")
        self.about.setProperty("role", "muted")
        self.inputs: dict[str, QLineEdit] = {}
        for name, caption in [("password", "New password"),
                              ("password_again", "New password again")]:
            field = _password_field(f"new_{name}")
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
        reasons = _checked([lambda: check_password(password)])
        reasons.update(_twice(password, again))
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


class DisableForm(_ChosenAccountForm):
    """Disable an account, with the reason the audit trail keeps."""

    def __init__(self, store: Store, prompts: Prompts, parent: QWidget | None = None) -> None:
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


class EnableForm(_ChosenAccountForm):
    """Let a disabled account log in again, with the reason the audit trail keeps."""

    def __init__(self, store: Store, prompts: Prompts, parent: QWidget | None = None) -> None:
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


class AccountsDialog(QDialog):
    """Clinic ▸ Accounts…: emits `accounts_changed` with the username of each change."""

    accounts_changed = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None, *,
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
        self.add_button = self._action("Add account…", "account_add", self.show_add)
        self.roles_button = self._action("Change roles…", "account_roles", self.show_roles)
        self.password_button = self._action("Reset password…", "account_password",
                                            self.show_password)
        self.disable_button = self._action("Disable…", "account_disable", self.show_disable)
        self.enable_button = self._action("Enable…", "account_enable", self.show_enable)
        self.unlock_button = self._action("Unlock", "account_unlock", self.unlock)
        self.unlock_button.setToolTip("Let an account locked after failed logins try again "
                                      "now, without waiting for its lock to run out")
        self.buttons = [self.add_button, self.roles_button, self.password_button,
                        self.disable_button, self.enable_button, self.unlock_button]
        for button in self.buttons:
            actions.addWidget(button)
        actions.addStretch(1)
        middle.addLayout(actions)
        layout.addLayout(middle, 1)

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

        bottom = QHBoxLayout()
        self.status = QLabel("")
        self.status.setObjectName("accounts_status")
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        close = QPushButton("Close")
        close.setObjectName("accounts_close")
        close.clicked.connect(self.reject)
        close.setAutoDefault(False)
        bottom.addWidget(close)
        outer.addLayout(bottom)

        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.setMinimumSize(760, 480)
        self.resize(1000, 640)  # a refusal makes it small again
        self.reload()

    def _action(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)  # Return in a form's field submits that form only
        button.clicked.connect(slot)
        return button

    # -- showing -------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> bool:
        """Read the accounts and their locks again; False (and the reason shown) when the
        person logged in may not manage accounts."""
        chosen = select or self._chosen_username()
        try:
            accounts = self.store.accounts()
            locks = dict(self.store.locked_accounts())
        except RuleError as refused:
            self._refuse(refusal(self.store, refused, "manage accounts"))
            return False
        self.model.set_rows([AccountRow(a, locks.get(a.username)) for a in accounts])
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

    def chosen(self) -> AccountRow | None:
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
            if usable and chosen is not None and isinstance(shown, _ChosenAccountForm):
                if shown.account is None or shown.account.username != chosen.account.username:
                    shown.set_account(chosen.account)
            else:
                self.close_form()

    def _shown_form(self) -> _ChosenAccountForm | AddAccountForm | None:
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

    def _show_chosen(self, form: _ChosenAccountForm) -> _ChosenAccountForm | None:
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

        def write() -> bool:
            self.store.unlock_account(username)
            return True

        try:
            done = attempt(write, lambda reasons: self.status.setText("; ".join(reasons.values())),
                           self.prompts, self)
        except RuleError as refused:
            self.status.setText(str(refused))
            return False
        if not done:
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
