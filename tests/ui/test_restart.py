"""After a crash or kill, the window comes back with every running session and its time."""

from __future__ import annotations

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.phases import Phase
from ketamonitor.store.store import Store
from ketamonitor.ui.main_window import MainWindow
from tests.people import FAST_HASHER, NURSE, audit_of, login_as


def test_a_reopened_window_resumes_the_running_session_with_the_right_time(
        qtbot, db_path, clock, charting, store, prompts):
    session_id = charting.started()
    clock.advance(minutes=13, seconds=20)
    store.close()  # the app is gone; nothing but the file remains

    later = FakeClock(clock.now())
    reopened = Store.open(db_path, later, hasher=FAST_HASHER)
    login_as(reopened, NURSE)
    try:
        window = MainWindow(reopened, prompts)
        qtbot.addWidget(window)
        window.show_room()
        tile = window.room_page.tile_for(session_id)
        assert tile is not None
        assert tile.phase_time.text() == "13:20"
        window.open_tile(1)  # Alt+1
        page = window.current_session()
        assert page is not None and page.session_id == session_id
        assert page.chart.phase is Phase.INFUSING
        assert page.timer.values["since_dose"].text() == "13:20"
        assert page.timer.values["infusion_left"].text() == "26:40"
        later.advance(minutes=1)
        window.tick()
        assert page.timer.values["since_dose"].text() == "14:20"
        window.ticker.stop()
    finally:
        reopened.close()


def test_closing_with_typed_vitals_asks_first_and_keeps_them(qtbot, window, charting, prompts):
    page = window.open_session(charting.session())
    page.vitals_form.inputs["systolic"].setText("141")
    prompts.confirm_answer = False
    assert window.close() is False
    assert page.vitals_form.inputs["systolic"].text() == "141"
    prompts.confirm_answer = True
    assert window.close() is True


def test_one_tick_drives_every_timer_and_idle_ticks_write_nothing(window, charting, store,
                                                                  clock):
    page = window.open_session(charting.started())
    audit_before = len(audit_of(store))
    for _ in range(5):
        clock.advance(seconds=1)
        window.tick()
    assert page.timer.values["since_dose"].text() == "00:05"
    assert len(audit_of(store)) == audit_before
    assert len(window.findChildren(type(window.ticker))) == 1
