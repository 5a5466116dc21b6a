"""What every form of the Accounts dialog shares: fields with their reasons beside them, a
submit and a cancel button (`AccountForm`), and the forms about one chosen account
(`ChosenAccountForm`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.errors import ValidationError
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.fields import FieldErrors
from ketamonitor.ui.prompts import Prompts
from ketamonitor.ui.writes import attempt

#: The reason no field owns (a refusal of the whole form) is shown under the fields.
GENERAL = "general"

Result = TypeVar("Result")


def password_field(name: str) -> QLineEdit:
    """A field that hides what is typed, named for tests."""
    field = QLineEdit()
    field.setObjectName(f"account_{name}")
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def gather_reasons(checks: Sequence[Callable[[], object]]) -> dict[str, str]:
    """The reasons of every check that refuses, gathered (the store stops at the first)."""
    reasons: dict[str, str] = {}
    for check in checks:
        try:
            check()
        except ValidationError as refused:
            reasons.update(refused.reasons)
    return reasons


def typed_twice(password: str, again: str) -> dict[str, str]:
    """A password typed twice must be typed the same: a typing slip, not a clinic rule."""
    return {} if password == again else {"password_again": "not the same as the password above"}


class AccountForm(QGroupBox):
    """A panel of the dialog: fields with their reasons beside them, a button that submits
    and one that closes the panel. `done` carries the account's username and what to tell
    the administrator."""

    done = Signal(str, str)
    cancelled = Signal()

    def __init__(self, title: str, submit_text: str, store: StoreApi, prompts: Prompts,
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
        """The write's result, or None once the reason is shown: beside its field (or in
        the panel for a reason no field owns), a rule's refusal or the file's problem as a
        plain message (ui.writes.attempt, which every write in the window goes through)."""
        return attempt(write, self.errors.show, self.prompts, self)

    def submit(self) -> object | None:
        raise NotImplementedError


class ChosenAccountForm(AccountForm):
    """A form about one account, chosen in the table."""

    def __init__(self, title: str, submit_text: str, store: StoreApi, prompts: Prompts,
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
