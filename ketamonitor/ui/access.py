"""Who is at the workstation: the first administrator on an empty database, the login, and
the lock that covers the window when it is left idle or someone switches user.

The lock covers the window but does not stop it: timers run and alerts show through, and
whatever was typed stays in its field for whoever logs in next."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.accounts import MIN_PASSWORD_LENGTH
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.store.interface import StoreApi, StoreError
from ketamonitor.ui.fields import FieldErrors

#: A long field for anything a person types here: enough for any real name or password,
#: short enough that a pasted novel is cut at the door.
_MAX_TYPED = 256
CHOOSING_TITLE = "Choose your password"


def _line(name: str, *, secret: bool = False) -> QLineEdit:
    line = QLineEdit()
    line.setObjectName(name)
    line.setMaxLength(_MAX_TYPED)
    line.setMinimumWidth(240)
    if secret:
        line.setEchoMode(QLineEdit.EchoMode.Password)
    return line


def _card_row(form: QFormLayout, errors: FieldErrors, name: str, caption: str,
              widget: QWidget) -> QLabel:
    """A row of the narrow card with the field's reason under the field, the field's whole
    width: beside it (ui.fields.field_row) a reason had some 90 pixels and ran to seven
    lines."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    label = errors.add(name, widget)
    column.addWidget(label)
    form.addRow(caption, holder)
    return label


class AccessForm(QWidget):
    """Log in (or, on an empty database, create the first administrator and log in)."""

    logged_in = Signal()
    #: The login was good but the password was given: the form now asks for the person's own.
    choosing_password = Signal()

    def __init__(self, store: StoreApi, *, first_start: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.first_start = first_start
        self.errors = FieldErrors()
        form = self._form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.username = _line("access_username")
        _card_row(form, self.errors, "username", "Username", self.username)
        self.display_name = _line("access_display_name")
        self.password = _line("access_password", secret=True)
        self.password_again = _line("access_password_again", secret=True)
        if first_start:
            self.display_name.setPlaceholderText("as signatures will print it")
            _card_row(form, self.errors, "display_name", "Printed name", self.display_name)
            self.password.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        _card_row(form, self.errors, "password", "Password", self.password)
        if first_start:
            _card_row(form, self.errors, "password_again", "Password again",
                      self.password_again)
        # after a login with a password an administrator gave: the person's own, twice
        self.choosing = QLabel(
            "An administrator set the password you logged in with, so they know it too. "
            f"Choose your own now (at least {MIN_PASSWORD_LENGTH} characters): only you will "
            "know it, and everything you chart and sign carries your name.")
        self.choosing.setObjectName("access_choosing")
        self.choosing.setWordWrap(True)
        form.addRow(self.choosing)
        self.new_password = _line("access_new_password", secret=True)
        self.new_password_again = _line("access_new_password_again", secret=True)
        _card_row(form, self.errors, "new_password", "Your password", self.new_password)
        _card_row(form, self.errors, "new_password_again", "Again", self.new_password_again)
        self._choosing_rows = (self.choosing, self.new_password, self.new_password_again)
        self._login_rows = (self.username, self.password)
        self.general = self.errors.add("general", self)
        form.addRow(self.general)
        self.submit_button = QPushButton("Create and log in" if first_start else "Log in")
        self.submit_button.setObjectName("access_submit")
        self.submit_button.setProperty("role", "primary")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        form.addRow(self.submit_button)
        for line in (self.username, self.display_name, self.password, self.password_again,
                     self.new_password, self.new_password_again):
            line.returnPressed.connect(self.submit)
        self._show_choosing(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay the rows out again for the new size. The card grows to the height a longer
        reason needs only after the form was laid out in the old one, and QFormLayout kept
        those row heights: the reason and the text above it were clipped (issue 15)."""
        super().resizeEvent(event)
        self._form.invalidate()

    def _show_row(self, row: QWidget | None, visible: bool) -> None:
        """Show or hide one row of the form by its field's holder (every field here sits in
        one, made by `_card_row`)."""
        if row is not None:
            self._form.setRowVisible(row, visible)

    def _show_choosing(self, choosing: bool) -> None:
        """One form, two steps: the login, then (only when the password was given) the
        person's own password."""
        for widget in self._choosing_rows:
            self._show_row(widget if widget is self.choosing else widget.parentWidget(),
                           choosing)
        for widget in self._login_rows:
            self._show_row(widget.parentWidget(), not choosing)
        self.submit_button.setText("Save my password and go on" if choosing else
                                   "Create and log in" if self.first_start else "Log in")
        self.is_choosing = choosing

    def prefill(self, username: str) -> None:
        self._show_choosing(False)
        self.username.setText(username)
        self.password.clear()
        self.errors.clear()
        (self.password if username else self.username).setFocus()

    def submit(self) -> bool:
        """Log in with what was typed; a refusal is said beside the fields, the username is
        kept and the password cleared for the next try."""
        self.errors.clear()
        try:
            done = self._choose_own_password() if self.is_choosing else self._log_in()
        except ValidationError as refused:
            self.errors.show(refused.reasons)
            return False
        except RuleError as refused:
            self.errors.show({"general": str(refused)})
            secret = self.new_password if self.is_choosing else self.password
            secret.clear()
            secret.setFocus()
            return False
        except StoreError as problem:
            self.errors.show({"general": f"{problem.title}: {problem.path}"})
            return False
        if not done:
            return False
        for line in (self.password, self.password_again, self.new_password,
                     self.new_password_again):
            line.clear()
        self._show_choosing(False)
        self.logged_in.emit()
        return True

    def _log_in(self) -> bool:
        """True when the person may go on; False when they must first choose a password."""
        if self.first_start:
            self._create_first_administrator()
        account = self.store.login(self.username.text(), self.password.text())
        if not account.must_choose_password:
            return True
        self.password.clear()
        self._show_choosing(True)
        self.new_password.setFocus()
        self.choosing_password.emit()
        return False

    def _choose_own_password(self) -> bool:
        if self.new_password.text() != self.new_password_again.text():
            raise ValidationError({"new_password_again": "the two passwords differ"})
        account = self.store.account
        assert account is not None  # logged in, with a password given
        try:
            self.store.set_password(account.username, self.new_password.text())
        except ValidationError as refused:
            raise ValidationError({"new_password": refused.reasons.get("password", "")
                                   or str(refused)}) from None
        return True

    def _create_first_administrator(self) -> None:
        if self.password.text() != self.password_again.text():
            raise ValidationError({"password_again": "the two passwords differ"})
        self.store.create_first_administrator(self.username.text(), self.display_name.text(),
                                              self.password.text())
        self.first_start = False  # created: a second press only logs in


class _Card(QFrame):
    """A fixed width, and exactly the height its wrapped text needs at that width: a
    width-less hint is too tall for short text and too short for long."""

    def sizeHint(self) -> QSize:
        layout = self.layout()
        if layout is None:
            return super().sizeHint()
        return QSize(self.width(), layout.totalHeightForWidth(self.width()))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def hasHeightForWidth(self) -> bool:
        return False  # the width is fixed: the hint above is the height, and is not cached


def _card(title: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout, QLabel, QLabel]:
    """The white card of a login: its layout, its heading and the explanation under it."""
    card = _Card(parent)
    card.setObjectName("access_card")
    card.setStyleSheet("QFrame#access_card { background: white; border-radius: 8px; }")
    card.setFixedWidth(520)  # a fixed width lets the wrapped text take the height it needs
    card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(28, 24, 28, 24)
    heading = QLabel(title)
    heading.setObjectName("access_title")
    heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
    layout.addWidget(heading)
    explanation = QLabel("")
    explanation.setWordWrap(True)
    explanation.setProperty("role", "muted")
    layout.addWidget(explanation)
    return card, layout, heading, explanation


class LoginWindow(QWidget):
    """The first window of the app: a login, or the first administrator on an empty file."""

    def __init__(self, store: StoreApi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        first_start = not store.has_accounts()
        self.setWindowTitle(f"ketamonitor — {store.path.name}")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card, layout, title, explanation = _card(
            "Welcome: the first administrator" if first_start else "Log in", self)
        explanation.setText(
            "This database has no accounts yet. Create the clinic's first administrator, who "
            "then adds the nurses and physicians (Clinic ▸ Accounts)." if first_start else
            f"Everything charted carries the name of the person logged in.\n"
            f"Database: {store.path}")
        self.form = AccessForm(store, first_start=first_start, parent=card)
        layout.addWidget(self.form)
        self.form.choosing_password.connect(lambda: title.setText(CHOOSING_TITLE))
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.logged_in = self.form.logged_in
        self.resize(720, 520)


class LockOverlay(QWidget):
    """Covers the whole window while the screen is locked; the room shows through it."""

    def __init__(self, store: StoreApi, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("lock_overlay")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        self.alerts = QLabel("")
        self.alerts.setObjectName("lock_alerts")
        self.alerts.setWordWrap(True)
        self.alerts.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.alerts.setStyleSheet("background: #b00020; color: white; font-size: 16pt; "
                                  "font-weight: bold; border-radius: 6px; padding: 10px;")
        self.alerts.hide()
        outer.addWidget(self.alerts)
        outer.addStretch(1)
        card, layout, self.title, self.explanation = _card("Screen locked", self)
        self.card = card
        self.covered = parent  # the window it covers, followed as it is resized
        self.form = AccessForm(store, parent=card)
        layout.addWidget(self.form)
        self.form.choosing_password.connect(self._choosing_password)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.hide()
        parent.installEventFilter(self)

    def _choosing_password(self) -> None:
        self.title.setText(CHOOSING_TITLE)
        self.explanation.setText("Sessions, timers and alerts go on underneath.")

    def show_lock(self, reason: str, *, keep_username: bool) -> None:
        account = self.store.account
        who = "" if account is None else f"{account.display_name} ({account.username})"
        self.title.setText("Switch user" if not keep_username else "Screen locked")
        self.explanation.setText(
            f"{reason.capitalize()}. {who} was charting. Sessions, timers and alerts go on "
            "underneath; anything typed stays where it was. Log in to go on (the same or "
            "another person).")
        self.form.prefill(account.username if keep_username and account else "")
        self.setGeometry(self.covered.rect())
        self.show()
        self.raise_()

    def show_alerts(self, lines: list[str]) -> None:
        """The waiting alerts, big enough to be seen across the room through the lock."""
        self.alerts.setText("\n".join(lines))
        self.alerts.setVisible(bool(lines))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.covered and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.covered.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 26, 36, 150))
        painter.end()


class InputWatcher(QObject):
    """Notes every key press, click, wheel or touch anywhere in the app: the idle lock
    counts from the last one."""

    noticed = Signal()

    _INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                        QEvent.Type.Wheel, QEvent.Type.TouchBegin})

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._INPUT:
            self.noticed.emit()
        return False
