"""The critical tier looks and sounds different: inverted colours, the ◆ mark and the word
"Critical", a thicker edge on the tile and on the page's row; a sound at once and again every
ten seconds of the clock until someone acknowledges it; first on the lock band."""

from __future__ import annotations

import pytest

import ketamonitor.room.judging
from ketamonitor.core.alerts import AlertCondition, AlertRecord, Priority
from ketamonitor.core.settings import AUDIBLE_ALERTS, OFF
from ketamonitor.ui import theme
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.room_page import ChairTile
from tests.charting import Charting
from tests.people import ADMIN, NURSE, login_as
from tests.store.steps import RECHECKED

CRITICAL_MESSAGE = ("SpO2 78 % below the critical line (85 %): open the airway, give "
                    "oxygen, stop the infusion and call the physician now")


@pytest.fixture
def chairs(window: MainWindow, charting: Charting) -> dict[str, int]:
    sessions = {chair: charting.started(chair=chair, patient=charting.patient(f"MRN-{chair}"))
                for chair in ("1", "2")}
    window.room.reload()
    window.show_room()
    return sessions


def critical_for(session_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules find a critical value on one session (whatever rule finds it)."""
    real = ketamonitor.room.judging.alert_conditions

    def judged(chart, *args):
        found = real(chart, *args)
        if chart.session.id != session_id:
            return found
        return (*found, AlertCondition("spo2_critical:test", "spo2_critical",
                                       Priority.CRITICAL, CRITICAL_MESSAGE))

    monkeypatch.setattr(ketamonitor.room.judging, "alert_conditions", judged)


def tile(window: MainWindow, session_id: int) -> ChairTile:
    found = window.room_page.tile_for(session_id)
    assert found is not None
    return found


def the_critical(window: MainWindow, session_id: int) -> AlertRecord:
    (record,) = [a for a in window.room.state(session_id).alerts
                 if a.priority is Priority.CRITICAL]
    return record


def ticks(window: MainWindow, clock, seconds: int) -> None:
    for _ in range(seconds):
        clock.advance(seconds=1)
        window.tick()


def test_a_critical_alert_sounds_at_once_and_every_ten_seconds_until_acknowledged(
        qtbot, window, chairs, clock, monkeypatch):
    window.tick()
    before = window.beeps
    critical_for(chairs["1"], monkeypatch)
    window.tick()
    assert window.beeps == before + 1  # raised: at once
    ticks(window, clock, 9)
    assert window.beeps == before + 1
    ticks(window, clock, 1)  # ten seconds of the clock since the first
    assert window.beeps == before + 2
    clock.advance(seconds=25)  # ticks skipped (a busy machine): one sound, not two or three
    window.tick()
    assert window.beeps == before + 3
    window.room.acknowledge(the_critical(window, chairs["1"]).id, "Physician called", RECHECKED)
    ticks(window, clock, 30)
    assert window.beeps == before + 3  # acknowledged: quiet


def test_a_high_alert_sounds_once_and_the_clinic_can_switch_sounds_off(
        qtbot, window, chairs, charting, store, clock, monkeypatch):
    window.tick()
    before = window.beeps
    charting.bp(chairs["2"], 186, 112)  # over the stop line: act now, not critical
    window.session_charted(chairs["2"])
    ticks(window, clock, 30)
    assert window.beeps == before + 1

    login_as(store, ADMIN)
    store.set_setting(AUDIBLE_ALERTS.key, OFF)
    login_as(store, NURSE)
    critical_for(chairs["1"], monkeypatch)
    ticks(window, clock, 30)
    assert window.beeps == before + 1


def test_a_critical_alert_is_drawn_inverted_with_a_thicker_edge_on_tile_page_and_lock(
        qtbot, window, chairs, charting, clock, monkeypatch, tmp_path):
    charting.vitals(chairs["1"], systolic="128", diastolic="82", heart_rate="76", spo2="88",
                    respiratory_rate="8")  # two older "act now" alerts on the same chair
    window.session_charted(chairs["1"])
    critical_for(chairs["1"], monkeypatch)
    clock.advance(seconds=1)
    window.tick()
    window.show_room()

    critical = tile(window, chairs["1"])
    assert critical.top_priority is Priority.CRITICAL
    assert f"border: 6px solid {theme.CRITICAL_BG}" in critical.styleSheet()
    first = critical.alerts.rows[0]  # critical first, before the older high one
    assert first.text.text().startswith("<b>◆ Critical:</b> SpO2 78 %")
    assert f"background: {theme.CRITICAL_BG}" in first.styleSheet()
    assert "border: 3px solid" in first.styleSheet()
    assert f"color: {theme.CRITICAL}" in first.text.styleSheet()
    assert critical.alerts.rows[1].text.text().startswith("<b>▲ Act now:</b>")
    other = tile(window, chairs["2"])
    assert other.top_priority is not Priority.CRITICAL
    assert theme.CRITICAL_BG not in other.styleSheet()

    page = window.open_session(chairs["1"])
    row = page.alerts.rows[0]
    assert row.text.text().startswith("<b>◆ Critical:</b>")
    assert f"background: {theme.CRITICAL_BG}" in row.styleSheet()
    assert len(page.alerts.rows) == 3  # more than the page's slot holds: they scroll,
    for each in page.alerts.rows:  # none is squeezed below its wrapped words
        qtbot.waitUntil(lambda r=each: r.height() >= r.layout().heightForWidth(r.width()))

    window.show_room()
    window.lock_screen()
    lines = window.lock.alerts.text().split("\n")
    assert lines[0] == f"◆ Critical · Chair 1: {CRITICAL_MESSAGE}"
    assert lines[1].startswith("▲ Chair 1: SpO2 88 %")
