"""Issue 16, the whole window on a fake clock: apnoea typed into the vitals form is asked
about beside the field, charted once confirmed, and raised as a critical alert that sounds;
the nurse acknowledges it in the real escalation dialog with a physician call, charts the
oxygen given, and the tile and the timer count down to a recheck five minutes after the
reading."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from ketamonitor.core.alerts import Priority
from ketamonitor.core.chart_marks import MarkKind
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.times import format_clock
from ketamonitor.ui.escalation_dialog import EscalationDialog
from ketamonitor.ui.main_window import MainWindow
from tests.charting import Charting
from tests.ui.conftest import ScriptedPrompts
from tests.ui.test_escalation import RealEscalationPrompts, when_the_dialog_opens
from tests.ui.test_medications import open_dialog
from tests.ui.test_room import tile
from tests.ui.test_whole_session import type_into


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return RealEscalationPrompts()


def test_apnoea_is_confirmed_raised_escalated_treated_and_rechecked_in_five_minutes(
        qtbot, window: MainWindow, store, charting: Charting, clock):
    # the test ticks by hand on the fake clock: the window's one-second timer, left running,
    # once ticked during a dialog on a loaded machine and sounded the SpO2 alert a beat early
    window.ticker.stop()
    session_id = charting.started(chair="1")  # IV: routine BP every 10 minutes while infusing
    page = window.open_session(session_id)
    clock.advance(minutes=12)
    window.tick()
    beeps = window.beeps
    baseline = store.chart(session_id).vitals  # charted before the start

    # Apnoea typed: asked once beside the field, nothing charted, the typing kept.
    form = page.vitals_form
    typed = {"respiratory_rate": "0", "spo2": "78", "heart_rate": "52", "systolic": "148",
             "diastolic": "88"}
    for name, text in typed.items():
        type_into(qtbot, form.inputs[name], text)
    qtbot.keyClick(form.inputs["respiratory_rate"], Qt.Key.Key_Return)
    assert form.errors.text("respiratory_rate") == "RR 0 — apnoea?"
    assert store.chart(session_id).vitals == baseline
    qtbot.keyClick(form.inputs["respiratory_rate"], Qt.Key.Key_Tab)
    qtbot.keyClick(form.confirms["respiratory_rate"], Qt.Key.Key_Space)
    qtbot.keyClick(form.confirms["respiratory_rate"], Qt.Key.Key_Return)
    (charted,) = store.chart(session_id).vitals[len(baseline):]
    assert charted.current.respiratory_rate == 0
    taken_at = charted.current.observed_at

    # Two critical alerts (apnoea, and the SpO2 under 85 %), raised at once and sounded once
    # for the tick, each of its own: never merged into an older alert.
    criticals = {a.kind: a for a in window.room.state(session_id).alerts
                 if a.priority is Priority.CRITICAL}
    assert sorted(criticals) == ["respiratory_rate_critical", "spo2_critical"]
    apnoea = criticals["respiratory_rate_critical"]
    assert apnoea.message.startswith("Apnoea (respiratory rate 0)")
    assert window.beeps == beeps + 1
    button = page.findChild(QPushButton, f"acknowledge_{apnoea.id}")
    qtbot.waitUntil(button.isVisible)

    # Acknowledged in the escalation dialog: oxygen and the airway, the physician called.
    clock.advance(minutes=1)
    called_at = format_clock(clock.now(), clock.local_zone)

    def steps(dialog: EscalationDialog, seen: list) -> None:
        seen.append(dialog.findChild(QWidget, "escalation_alert").text())
        for tick in dialog.done_ticks:
            if tick.text() in ("Oxygen given", "Airway positioned", "Infusion stopped"):
                tick.setChecked(True)
        dialog.called.setChecked(True)
        dialog.called_at.setText(called_at)
        dialog.ordered.setEditText("Oxygen 4 L/min by mask")
        qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
        seen.append(dialog.isVisible())

    seen = when_the_dialog_opens(steps)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "Critical:</b> Apnoea (respiratory rate 0)" in seen[0] and seen[1] is False
    (acknowledged,) = [a for a in window.room.state(session_id).alerts if a.id == apnoea.id]
    escalation = acknowledged.escalation
    assert escalation is not None and acknowledged.acknowledged_by == "nurse.ana"
    assert escalation.done == ("Infusion stopped", "Oxygen given", "Airway positioned")
    assert (escalation.physician_called, escalation.physician) == (True, "Dr Ada Obi")
    assert format_clock(escalation.called_at, clock.local_zone) == called_at
    assert escalation.ordered == "Oxygen 4 L/min by mask"

    # The oxygen given, charted from the page and marked on the chart's event strip.
    clock.advance(minutes=1)
    dialog = open_dialog(qtbot, page)
    dialog.choose("oxygen")
    dialog.dose.setText("4")
    dialog.time.setText(format_clock(clock.now(), clock.local_zone))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    (given,) = store.chart(session_id).medications
    assert (given.drug, given.dose, given.unit, given.ordered_by) == (
        "oxygen", 4.0, "L/min", "Dr Ada Obi")
    assert any(m.kind is MarkKind.MEDICATION for m in page.chart_view.plot.marks)

    # The SpO2 alert still sounds until it too is acknowledged; then the room is quiet.
    for _ in range(10):
        clock.advance(seconds=1)
        window.tick()
    assert window.beeps == beeps + 2
    window.room.acknowledge(criticals["spo2_critical"].id, "Oxygen given", Escalation(
        done=("Oxygen given",), physician_called=True, physician="Dr Ada Obi",
        called_at=clock.now()))
    for _ in range(20):
        clock.advance(seconds=1)
        window.tick()
    assert window.beeps == beeps + 2

    # A recheck due five minutes after the reading, counted from the stored time.
    assert clock.now() - taken_at == timedelta(minutes=2, seconds=30)
    assert page.timer.captions["next_vitals"].text().startswith("Recheck after SpO2 78 %, RR 0 · ")
    assert page.timer.values["next_vitals"].text() == "02:30"
    window.show_room()
    window.tick()
    countdown = tile(window, "1").next_check
    assert countdown.text().endswith(" · in 02:30")
    assert countdown.toolTip() == "Recheck after SpO2 78 %, RR 0"
    clock.advance(minutes=3)
    window.tick()
    assert "DUE NOW · 00:30" in countdown.text()
