"""A page charts through the room: what it saves is judged at once, the page draws the
alerts the room read back, the window sounds them, and a file that will not take the
alerts is said in the window while the entry stands."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.store.errors import DiskFull
from ketamonitor.ui.main_window import MainWindow
from tests.ui.test_whole_session import type_into


def _save_bp(qtbot, page, systolic: str, diastolic: str) -> None:
    for name, text in {"systolic": systolic, "diastolic": diastolic, "heart_rate": "80",
                       "spo2": "98", "respiratory_rate": "14"}.items():
        type_into(qtbot, page.vitals_form.inputs[name], text)
    qtbot.keyClick(page.vitals_form.inputs["respiratory_rate"], Qt.Key.Key_Return)


def test_a_bp_over_the_line_is_an_alert_on_the_page_and_a_sound_at_once(
        qtbot, window: MainWindow, charting, clock):
    session_id = charting.session()
    clock.advance(minutes=5)
    page = window.open_session(session_id)
    beeps = window.beeps
    _save_bp(qtbot, page, "186", "112")
    held = window.room.state(session_id)
    assert page.chart is held.chart  # the page draws the room's one copy
    assert any(record.kind == "bp_above_stop_line" for record in page.alert_records)
    assert page.alert_records == held.alerts
    assert window.beeps > beeps


def test_alerts_the_file_will_not_take_are_said_and_the_vitals_stay_charted(
        qtbot, window: MainWindow, charting, clock, store, monkeypatch):
    session_id = charting.session()
    clock.advance(minutes=5)
    page = window.open_session(session_id)

    def full_disk(*_args: object) -> None:
        raise DiskFull(store.path, "database or disk is full", "free some space")

    monkeypatch.setattr(store, "apply_alert_changes", full_disk)
    _save_bp(qtbot, page, "186", "112")
    assert "alerts cannot be recorded" in window.problem.text()
    assert [entry.current.systolic for entry in store.chart(session_id).vitals] == [186]
    assert page.vitals_form.inputs["systolic"].text() == ""  # saved: the form is cleared
