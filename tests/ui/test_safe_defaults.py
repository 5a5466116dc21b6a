"""Issue 15: a choice with clinical meaning starts empty, so Enter cannot make it.

These tests answer the real reason dialog (the window's other questions stay scripted)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QPushButton, QWidget

from ketamonitor.core.phases import Action, Phase
from ketamonitor.ui.prompts import DialogPrompts
from ketamonitor.ui.session import SessionPage
from tests.ui.conftest import ScriptedPrompts


class RealReasonPrompts(ScriptedPrompts):
    """Scripted confirmations, but the real dialog whenever a reason is asked."""

    def reason(self, parent: QWidget, title: str, question: str,
               suggestions: list[str]) -> str | None:
        self.questions.append(question)
        return DialogPrompts().reason(parent, title, question, suggestions)


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return RealReasonPrompts()


Steps = Callable[[QDialog, list[object]], None]


def when_the_dialog_opens(steps: Steps) -> list[object]:
    """Run `steps` on the modal dialog once it is up; it is never left open (a failed step
    would otherwise hang the test in the dialog's own loop)."""
    seen: list[object] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        try:
            steps(dialog, seen)
        finally:
            if dialog.isVisible():
                seen.append("left open")
                dialog.reject()

    QTimer.singleShot(0, run)
    return seen


def _field(dialog: QDialog) -> QWidget:
    return dialog.findChild(QComboBox).lineEdit()


def enter_refused_then_typed(qtbot, reason: str) -> Steps:
    """Enter on the dialog as it opens, then the reason typed and Enter again."""
    def steps(dialog: QDialog, seen: list[object]) -> None:
        seen.append(_field(dialog).text())  # what the dialog starts with
        qtbot.keyClick(_field(dialog), Qt.Key.Key_Return)
        seen.append(dialog.isVisible())
        qtbot.keyClicks(_field(dialog), reason)
        qtbot.keyClick(_field(dialog), Qt.Key.Key_Return)
    return steps


def _stop_line_alert(window, charting, clock) -> tuple[SessionPage, int]:
    """A pre-dose BP over the line: a medium alert, acknowledged with a reason (a high or
    critical one asks for its escalation instead: tests/ui/test_escalation.py)."""
    session_id = charting.session()
    clock.advance(minutes=5)
    charting.bp(session_id, 152, 96)
    window.session_charted(session_id)
    alerts = [a for a in window.room.state(session_id).alerts
              if a.kind == "predose_bp_high"]
    assert len(alerts) == 1
    return window.open_session(session_id), alerts[0].id


def _acknowledged_action(window, page: SessionPage, alert_id: int) -> str | None:
    return next(a.action for a in window.room.state(page.session_id).alerts if a.id == alert_id)


def test_acknowledging_starts_with_no_action_and_enter_alone_records_nothing(
        qtbot, window, charting, clock):
    page, alert_id = _stop_line_alert(window, charting, clock)
    button = page.findChild(QPushButton, f"acknowledge_{alert_id}")
    assert button is not None
    qtbot.waitUntil(button.isVisible)
    seen = when_the_dialog_opens(enter_refused_then_typed(qtbot, "BP rechecked"))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen == ["", True]  # empty at first; Enter left it open
    assert _acknowledged_action(window, page, alert_id) == "BP rechecked"


def test_ending_early_offers_no_outcome_until_one_is_chosen(qtbot, window, charting):
    session_id = charting.session()
    page = window.open_session(session_id)
    qtbot.mouseClick(page.action_buttons[Action.END_SESSION_EARLY], Qt.MouseButton.LeftButton)
    dialog = page.early_end_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.outcome.currentIndex() == -1 and not dialog.end_button.isEnabled()
    qtbot.keyClick(dialog.outcome, Qt.Key.Key_Return)  # Enter on nothing chosen: nothing
    assert dialog.isVisible() and page.chart.phase is Phase.PRE_INFUSION
    dialog.outcome.setCurrentIndex(dialog.outcome.findText("Patient's request"))
    qtbot.keyClicks(dialog.physician, "Dr Ada Obi")
    qtbot.keyClick(dialog.physician, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert page.chart.phase is Phase.STOPPED_EARLY


@pytest.mark.parametrize("how", ["escape", "cancel", "close"])
def test_the_reason_dialog_can_be_left_without_recording(qtbot, window, charting, clock, how):
    page, alert_id = _stop_line_alert(window, charting, clock)

    def leave(dialog: QDialog, seen: list[object]) -> None:
        combo = dialog.findChild(QComboBox)
        combo.setCurrentIndex(combo.findText("Physician informed"))
        seen.append(dialog.ok_button.isEnabled())
        if how == "escape":
            qtbot.keyClick(_field(dialog), Qt.Key.Key_Escape)
        elif how == "cancel":
            dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()
        else:
            dialog.close()
        seen.append(dialog.isVisible())

    seen = when_the_dialog_opens(leave)
    assert window.acknowledge(alert_id) is False
    assert seen == [True, False]
    assert _acknowledged_action(window, page, alert_id) is None
