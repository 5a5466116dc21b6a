"""Issue 16, item 5: a high or critical alert acknowledged through the escalation dialog (what
was done, the physician called, what was ordered), read back on the page; signing lists the
high and critical alerts no physician has seen, and records that the signer has."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.phases import Action
from ketamonitor.core.times import format_clock
from ketamonitor.ui.escalation_dialog import EscalationDialog
from ketamonitor.ui.prompts import DialogPrompts
from ketamonitor.ui.signature_views import SignDialog
from tests.charting import EARLY_END
from tests.people import PASSWORD, PHYSICIAN
from tests.store.steps import raise_alert, running
from tests.store.test_escalation import SPO2_CRITICAL
from tests.ui.conftest import ScriptedPrompts


class RealEscalationPrompts(ScriptedPrompts):
    """Scripted confirmations, but the real escalation dialog."""

    def escalate(self, parent: QWidget, record: AlertRecord, choices: list[str],
                 physicians: list[str], now: datetime, zone: tzinfo) -> Escalation | None:
        self.escalations_asked.append((record, list(choices), list(physicians), now))
        return DialogPrompts().escalate(parent, record, choices, physicians, now, zone)


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return RealEscalationPrompts()


def when_the_dialog_opens(steps: Callable[[EscalationDialog, list], None]) -> list:
    """Run `steps` on the modal dialog once it is up; never left open."""
    seen: list = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EscalationDialog)
        try:
            steps(dialog, seen)
        finally:
            if dialog.isVisible():
                seen.append("left open")
                dialog.reject()

    QTimer.singleShot(0, run)
    return seen


def stop_line_bp(window, charting, clock) -> tuple[int, int]:
    session_id = charting.started()
    clock.advance(minutes=5)
    charting.bp(session_id, 186, 112)
    window.session_charted(session_id)
    (alert,) = [a for a in window.room.state(session_id).alerts if a.priority.acts_now]
    return session_id, alert.id


def test_a_high_alert_is_acknowledged_with_a_physician_call_and_read_back(
        qtbot, window, charting, clock, prompts):
    session_id, alert_id = stop_line_bp(window, charting, clock)
    page = window.open_session(session_id)
    button = page.findChild(QPushButton, f"acknowledge_{alert_id}")
    qtbot.waitUntil(button.isVisible)
    clock.advance(minutes=3)
    now = format_clock(clock.now(), clock.local_zone)

    def steps(dialog: EscalationDialog, seen: list) -> None:
        seen.append(dialog.findChild(QWidget, "escalation_alert").text())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)  # Enter on an empty dialog
        seen.append((dialog.isVisible(), dialog.errors.text("done")))
        # a call ticked with a time that is not one: refused beside it, the typing kept
        qtbot.keyClick(dialog.done_ticks[1], Qt.Key.Key_Space)  # Infusion paused
        dialog.note.setFocus()
        qtbot.keyClicks(dialog.note, "sat the patient up")
        dialog.called.setFocus()
        qtbot.keyClick(dialog.called, Qt.Key.Key_Space)
        qtbot.keyClicks(dialog.called_at, "25:00")
        qtbot.keyClicks(dialog.ordered.lineEdit(), "Labetalol 10 mg IV")
        qtbot.keyClick(dialog.called_at, Qt.Key.Key_Return)
        seen.append((dialog.isVisible(), dialog.errors.text("called_at"), dialog.note.text(),
                     dialog.physician.currentText(), dialog.ordered.currentText()))
        dialog.called_at.clear()
        qtbot.keyClicks(dialog.called_at, now)
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
        seen.append(dialog.isVisible())

    seen = when_the_dialog_opens(steps)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "BP 186/112" in seen[0] and "Raised at" in seen[0]
    assert seen[1] == (True, "say what was done: tick an action or write it")
    assert seen[2] == (True, "not a time of day", "sat the patient up", "Dr Ada Obi",
                       "Labetalol 10 mg IV")
    assert seen[3] is False
    (_, choices, physicians, _), = prompts.escalations_asked
    assert "Infusion paused" in choices and physicians == ["Dr Ada Obi"]

    (alert,) = [a for a in window.room.state(session_id).alerts if a.id == alert_id]
    assert alert.acknowledged_by == "nurse.ana"
    assert alert.action == "Infusion paused; sat the patient up"
    escalation = alert.escalation
    assert escalation is not None
    assert (escalation.done, escalation.note) == (("Infusion paused",), "sat the patient up")
    assert (escalation.physician_called, escalation.physician) == (True, "Dr Ada Obi")
    assert format_clock(escalation.called_at, clock.local_zone) == now
    assert escalation.ordered == "Labetalol 10 mg IV"

    model = page.alerts_model
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = {name: model.index(0, c).data() for c, name in enumerate(header)}
    assert row["What was done"] == "Infusion paused; sat the patient up"
    assert row["Physician called"].startswith("Dr Ada Obi at ")
    assert row["Ordered"] == "Labetalol 10 mg IV"
    assert row["Seen by physician"] == "not yet"


def test_cancelling_the_escalation_records_nothing(qtbot, window, charting, clock):
    session_id, alert_id = stop_line_bp(window, charting, clock)

    def steps(dialog: EscalationDialog, seen: list) -> None:
        qtbot.keyClick(dialog.done_ticks[0], Qt.Key.Key_Space)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
        seen.append(dialog.isVisible())

    seen = when_the_dialog_opens(steps)
    assert window.acknowledge(alert_id) is False
    assert seen == [False]
    (alert,) = [a for a in window.room.state(session_id).alerts if a.id == alert_id]
    assert (alert.acknowledged_at, alert.escalation) == (None, None)


def critical_then_finished(store, charting) -> tuple[int, int]:
    """A critical alert a nurse acknowledged (no physician saw it), the session ended."""
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id, SPO2_CRITICAL)
    store.acknowledge_alert(alert_id, "Oxygen given", Escalation(done=("Oxygen given",)))
    charting.clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="Patient declined")
    return session_id, alert_id


def sign_from_the_page(qtbot, window, session_id: int) -> SignDialog:
    window.switch_user()
    form = window.lock.form
    form.username.setText(PHYSICIAN)
    form.password.setText(PASSWORD)
    assert form.submit()
    page = window.open_session(session_id)
    qtbot.mouseClick(page.signature_panel.sign_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in page.findChildren(SignDialog) if d.isVisible()]
    return dialog


def test_signing_lists_an_unseen_critical_alert_and_records_it_seen(qtbot, window, store,
                                                                     charting):
    session_id, alert_id = critical_then_finished(store, charting)
    dialog = sign_from_the_page(qtbot, window, session_id)
    assert dialog.unseen_alerts is not None
    listed = dialog.unseen_alerts.text()
    assert f"{Priority.CRITICAL.mark} Critical: SpO2 78 %" in listed
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert store.signatures(session_id)
    (alert,) = [a for a in store.alerts([session_id])[session_id] if a.id == alert_id]
    assert alert.seen_by_physician == PHYSICIAN
    assert store.alerts_unseen_by_physician(session_id) == []


def test_a_chart_whose_alerts_a_physician_has_seen_signs_with_nothing_extra(
        qtbot, window, store, charting):
    session_id, _ = running(charting)
    charting.clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="Patient declined")
    dialog = sign_from_the_page(qtbot, window, session_id)
    assert dialog.unseen_alerts is None
    dialog.reject()
