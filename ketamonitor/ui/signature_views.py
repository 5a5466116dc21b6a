"""A chart's signatures on screen, and the dialogs that sign it or add a signed addendum.

The dialogs only collect the password (and the addendum's text) and hand them to a callable
of the session page, which asks the store; a refusal comes back as reasons shown beside the
fields, and the dialog stays open.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.review import ChartAccess, mismatch_warning, shown_hash
from ketamonitor.core.signature import (
    ADDENDUM_MAX_CHARACTERS,
    ADDENDUM_MEANING,
    MEANING,
    Signature,
    SignatureKind,
)
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors, confirm_cancel_buttons, field_row
from ketamonitor.ui.views import restyle, scrolled

ShowReasons = Callable[[Mapping[str, str]], None]
#: sign(password, show_reasons) -> signed?
SignCall = Callable[[str, ShowReasons], bool]
#: add_addendum(text, password, show_reasons) -> signed?
AddendumCall = Callable[[str, str, ShowReasons], bool]

SIGN_MARK = "✍"
#: The list of alerts not yet seen by a physician scrolls beyond this height (pixels).
UNSEEN_MAX_HEIGHT = 260


def manifestation_html(signature: Signature) -> str:
    """A signature as it shows on screen: who, when (UTC), what it means, the hash signed,
    and an addendum's own words."""
    line = (f"{SIGN_MARK} <b>{html.escape(signature.manifestation())}</b>"
            f" <span style='color:{theme.MUTED}'>· content {shown_hash(signature)}</span>")
    if signature.kind is SignatureKind.ADDENDUM and signature.text:
        words = html.escape(signature.text).replace("\n", "<br>")
        line += (f"<div style='margin-left:18px; margin-top:2px'>Addendum: “{words}”</div>")
    return line


class SignaturePanel(QFrame):
    """The chart's review: its signatures and addenda, a warning if one no longer matches,
    and the buttons to sign or add an addendum (for a physician)."""

    sign_requested = Signal()
    addendum_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_panel")
        self.setProperty("role", "panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        top = QHBoxLayout()
        title = QLabel("Physician's review")
        title.setProperty("role", "section")
        top.addWidget(title)
        self.state = QLabel("")
        self.state.setObjectName("signature_state")
        self.state.setProperty("role", "muted")
        top.addWidget(self.state, 1)
        self.sign_button = QPushButton("Sign…")
        self.sign_button.setObjectName("sign")
        self.sign_button.setProperty("role", "primary")
        self.sign_button.setToolTip("Sign the chart as reviewed and approved (asks your "
                                    "password again)")
        self.sign_button.clicked.connect(self.sign_requested.emit)
        top.addWidget(self.sign_button)
        self.addendum_button = QPushButton("Add addendum…")
        self.addendum_button.setObjectName("add_addendum")
        self.addendum_button.setToolTip("Add a signed addendum: the chart itself stays as "
                                        "signed")
        self.addendum_button.clicked.connect(self.addendum_requested.emit)
        top.addWidget(self.addendum_button)
        layout.addLayout(top)
        self.signatures = QLabel("")
        self.signatures.setObjectName("signatures")
        self.signatures.setTextFormat(Qt.TextFormat.RichText)
        self.signatures.setWordWrap(True)
        self.signatures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.signatures)
        self.warning = QLabel("")
        self.warning.setObjectName("signature_warning")
        self.warning.setWordWrap(True)
        restyle(self.warning, f"QLabel {{ color: {theme.HIGH}; background: {theme.HIGH_BG}; "
                              f"border: 2px solid {theme.HIGH}; border-radius: 4px; "
                              "padding: 4px; font-weight: bold; }")
        layout.addWidget(self.warning)
        self.error = QLabel("")
        self.error.setObjectName("signature_error")
        self.error.setProperty("role", "field-error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def show_access(self, access: ChartAccess, finished: bool, ended: str = "") -> None:
        """Shown for a finished session, or any session that carries a signature; `ended`
        says how and when the session ended ("Discharged at 15:12")."""
        self.setVisible(finished or bool(access.signatures))
        waiting = "" if access.is_signed else "not signed yet: waiting for a physician's review"
        parts = [part for part in (ended, waiting) if part]
        text = " · ".join(parts)
        self.state.setText(text[:1].upper() + text[1:])
        self.signatures.setText("".join(f"<div>{manifestation_html(s)}</div>"
                                        for s in access.signatures))
        self.signatures.setVisible(bool(access.signatures))
        # wrapped rich text: hold the height it needs for the width it has, or a new line
        # is clipped until the next resize
        self.signatures.setMinimumHeight(
            max(0, self.signatures.heightForWidth(max(self.signatures.width(), 400))))
        self.setMinimumHeight(self.minimumSizeHint().height() if self.isVisible() else 0)
        self.warning.setText(f"{theme.FLAG_MARK} {mismatch_warning(access.broken)}")
        self.warning.setVisible(bool(access.broken))
        self.sign_button.setVisible(access.can_sign)
        self.addendum_button.setVisible(access.can_add_addendum)
        if not (access.can_sign or access.can_add_addendum):
            self.show_reasons({})

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        """Why a signature was refused, when it was asked for without a dialog."""
        text = "; ".join(reasons.values())
        self.error.setText(f"Not signed: {text}" if text else "")
        self.error.setVisible(bool(text))


class _SigningDialog(QDialog):
    """What will be recorded (name, meaning, time) and the password asked again."""

    def __init__(self, parent: QWidget, title: str, intro: str, printed_name: str,
                 username: str, meaning: str, at: datetime, action: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(640)
        self.errors = FieldErrors()
        self._layout = QVBoxLayout(self)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self._layout.addWidget(intro_label)
        self.form = QFormLayout()
        self._layout.addLayout(self.form)
        self.printed_name = QLabel(f"<b>{html.escape(printed_name)}</b> ({html.escape(username)})")
        self.printed_name.setObjectName("printed_name")
        self.form.addRow("Signed by", self.printed_name)
        self.meaning = QLabel(f"<b>{html.escape(meaning)}</b>")
        self.meaning.setObjectName("meaning")
        self.form.addRow("Meaning", self.meaning)
        self.time = QLabel(f"<b>{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC</b> "
                           "(the moment you sign)")
        self.time.setObjectName("signing_time")
        self.form.addRow("Time", self.time)
        self._action = action

    def _finish(self) -> None:
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("your password, asked again")
        field_row(self.form, self.errors, "password", "Password", self.password)
        self.general = self.errors.add("general", self)
        self._layout.addWidget(self.general)
        buttons, self.confirm = confirm_cancel_buttons(self, self._action, self.submit,
                                                       "confirm_signature")
        self._layout.addWidget(buttons)
        self.password.setFocus()
        self.adjustSize()

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        self.errors.show(reasons)
        if "password" in reasons:
            self.password.selectAll()

    def submit(self) -> None:
        raise NotImplementedError


class SignDialog(_SigningDialog):
    """`unseen`: the chart's high and critical alerts no physician has seen yet, one line
    each (time, priority, words); shown above the password, and signing records that the
    signer has seen them. A chart with none shows nothing extra."""

    def __init__(self, parent: QWidget, printed_name: str, username: str, at: datetime,
                 sign: SignCall, unseen: Sequence[str] = ()) -> None:
        super().__init__(
            parent, "Sign the chart",
            "You sign this chart as reviewed and approved. A hash of the chart exactly as it "
            "reads now is recorded with your signature; after it the chart can no longer be "
            "charted or corrected (an addendum can still be added, itself signed).",
            printed_name, username, MEANING, at, "Sign")
        self._sign = sign
        self.unseen_alerts = self._unseen_list(unseen)
        self._finish()

    def _unseen_list(self, unseen: Sequence[str]) -> QLabel | None:
        if not unseen:
            return None
        items = "".join(f"<li>{html.escape(line)}</li>" for line in unseen)
        listed = QLabel(f"<b>High and critical alerts not yet seen by a physician</b> "
                        f"({len(unseen)}): by signing you record that you have seen them."
                        f"<ul style='margin-top:2px; margin-bottom:0px'>{items}</ul>")
        listed.setObjectName("unseen_alerts")
        listed.setTextFormat(Qt.TextFormat.RichText)
        listed.setWordWrap(True)
        listed.setStyleSheet(f"QLabel {{ color: {theme.HIGH}; background: {theme.HIGH_BG}; "
                             f"border: 1px solid {theme.HIGH}; border-radius: 4px; "
                             "padding: 4px; }")
        area = scrolled(listed)  # a long list scrolls: the password stays on screen
        area.setObjectName("unseen_alerts_area")
        listed.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # wrapped rich text: the height it needs at the dialog's width, not its unwrapped hint
        area.setFixedHeight(min(listed.heightForWidth(self.minimumWidth() - 40) + 6,
                                UNSEEN_MAX_HEIGHT))
        self._layout.insertWidget(1, area)  # after the intro, before name and password
        return listed

    def submit(self) -> None:
        if self._sign(self.password.text(), self.show_reasons):
            self.accept()


class AddendumDialog(_SigningDialog):
    def __init__(self, parent: QWidget, printed_name: str, username: str, at: datetime,
                 add: AddendumCall) -> None:
        super().__init__(
            parent, "Add an addendum",
            "The signed chart stays exactly as it was; the addendum is added after it, "
            "signed by you with the hash of the chart and of these words.",
            printed_name, username, ADDENDUM_MEANING, at, "Sign addendum")
        self._add = add
        self.text = QPlainTextEdit()
        self.text.setObjectName("addendum_text")
        self.text.setPlaceholderText(f"The addendum (at most {ADDENDUM_MAX_CHARACTERS} "
                                     "characters)")
        self.text.setMinimumHeight(110)
        self.form.addRow("Addendum", self.text)
        self.form.addRow("", self.errors.add("addendum", self.text))
        self._finish()
        self.text.setFocus()

    def submit(self) -> None:
        if self._add(self.text.toPlainText(), self.password.text(), self.show_reasons):
            self.accept()
