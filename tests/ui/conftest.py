"""UI fixtures: the real window on a fresh database, with prompts a test answers."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.escalation import Escalation
from ketamonitor.ui.app import application
from ketamonitor.ui.main_window import MainWindow


@dataclass
class ScriptedPrompts:
    """Answers the window's questions as the test says, and remembers what was shown."""

    confirm_answer: bool = True
    reason_answer: str | None = "Nausea or vomiting"
    problems: list[tuple[str, str]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    save_answer: Path | None = None
    #: What was told as done: (title, message).
    infos: list[tuple[str, str]] = field(default_factory=list)
    #: What the escalation dialog answers for a high or critical alert (None: cancelled).
    escalation_answer: Escalation | None = field(
        default_factory=lambda: Escalation(done=("BP rechecked",)))
    #: What each escalation asked was offered: (alert, actions, physicians, now).
    escalations_asked: list[tuple[AlertRecord, list[str], list[str], datetime]] = field(
        default_factory=list)

    def confirm(self, parent: QWidget, title: str, question: str) -> bool:
        self.questions.append(question)
        return self.confirm_answer

    def reason(self, parent: QWidget, title: str, question: str,
               suggestions: list[str]) -> str | None:
        self.questions.append(question)
        return self.reason_answer

    def show_problem(self, parent: QWidget, title: str, message: str) -> None:
        self.problems.append((title, message))

    def show_info(self, parent: QWidget, title: str, message: str) -> None:
        self.infos.append((title, message))

    def escalate(self, parent: QWidget, record: AlertRecord, choices: list[str],
                 physicians: list[str], now: datetime, zone: tzinfo) -> Escalation | None:
        self.escalations_asked.append((record, list(choices), list(physicians), now))
        return self.escalation_answer

    def save_path(self, parent: QWidget, title: str, suggested: Path,
                  filters: str) -> Path | None:
        self.questions.append(title)
        return self.save_answer


def create_first_administrator() -> None:
    """On the login window the app opened on an empty file: the first administrator."""
    from ketamonitor.ui.access import LoginWindow

    login = next(w for w in QApplication.topLevelWidgets()
                 if isinstance(w, LoginWindow) and w.isVisible())
    login.form.username.setText("boss")
    login.form.display_name.setText("Bo Boss")
    login.form.password.setText("a-long-enough-password")
    login.form.password_again.setText("a-long-enough-password")
    assert login.form.submit()


@pytest.fixture(autouse=True)
def nothing_left_open(qapp) -> Iterator[None]:
    """A test that leaves a visible window behind fails (napari's habit): a leaked window
    keeps timers ticking into the next test."""
    yield
    # Widgets of earlier tests whose Python side is garbage are deleted now, not in the
    # middle of the listing: a collection there deleted a parent under a child already
    # listed, and isVisible() on the child crashed the run (1 run in 2 at 940 tests).
    gc.collect()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.disable()
    try:
        left = [widget for widget in QApplication.topLevelWidgets()
                if shiboken6.isValid(widget) and widget.isVisible()]
    finally:
        gc.enable()
    for widget in left:
        widget.close()
    assert not left, f"windows left open: {[type(w).__name__ for w in left]}"


@pytest.fixture
def whole_app(qapp, monkeypatch) -> Iterator[None]:
    """For a test that runs `ketamonitor` through app.exec() and back.

    Closing the last window while exec runs posts a Quit that arrives only after exec has
    returned; it would leave Qt's quit flag set, and every later event loop (qtbot.wait,
    waitSignal) would return at once, so no timer in a later test would ever fire."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_window installs its own
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(True)


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


def opened_window(qtbot, store, prompts) -> MainWindow:
    """The real window as a login opens it, shown at 1366x768, with the clinic's settings
    as they are now; no idle lock (these tests move the clock by hours without a key press)
    and no automatic backups (nor do they want a backup file each)."""
    application()
    main = MainWindow(store, prompts)
    main.idle_lock = False
    main.automatic_backups = False
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    return main


@pytest.fixture
def window(qtbot, store, prompts) -> Iterator[MainWindow]:
    main = opened_window(qtbot, store, prompts)
    yield main
    main.ticker.stop()
    prompts.confirm_answer = True
    main.close()  # while the store is still open: closing keeps any unsaved typing
