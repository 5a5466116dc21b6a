"""After a crash or kill, the window comes back with every running session and its time."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.phases import Phase
from ketamonitor.store.store import Store
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.unsaved_typing import PAUSE_MS
from tests.people import FAST_HASHER, NURSE, PHYSICIAN, audit_of, login_as


def test_a_reopened_window_resumes_the_running_session_with_the_right_time(
        qtbot, db_path, clock, charting, store, prompts):
    session_id = charting.started()
    clock.advance(minutes=13, seconds=20)
    store.close()  # the app is gone; nothing but the file remains

    later = FakeClock(clock.now())
    reopened = Store.open(db_path, later, hasher=FAST_HASHER, create=True)
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


def test_closing_with_typed_vitals_asks_first_and_keeps_them(qtbot, window, charting, prompts,
                                                             store):
    session_id = charting.session()
    page = window.open_session(session_id)
    page.vitals_form.inputs["systolic"].setText("141")
    prompts.confirm_answer = False
    assert window.close() is False
    assert page.vitals_form.inputs["systolic"].text() == "141"
    assert "It is kept" in prompts.questions[-1]
    prompts.confirm_answer = True
    assert window.close() is True
    # kept on the way out, whether or not the timer had fired
    assert store.unsaved_typing(session_id)["vitals"].text == '{"systolic": "141"}'


def _type_vitals_and_a_note(qtbot, page) -> None:
    qtbot.keyClicks(page.vitals_form.inputs["systolic"], "141")
    qtbot.keyClicks(page.vitals_form.inputs["diastolic"], "92")
    qtbot.keyClicks(page.note_text, "Pt reports mild nausea, settling with rest")


def test_typing_not_yet_saved_survives_a_crash_and_comes_back_marked_unsaved(
        qtbot, window, charting, store, db_path, clock, prompts):
    session_id = charting.started()
    page = window.open_session(session_id)
    _type_vitals_and_a_note(qtbot, page)
    # typing arms the pause timer, and when it fires the typing is on disk, committed:
    # a kill now loses nothing
    keeper = page.unsaved
    assert keeper.timer.isActive() and keeper.timer.interval() == PAUSE_MS
    assert store.unsaved_typing(session_id) == {}
    with qtbot.waitSignal(keeper.timer.timeout, timeout=PAUSE_MS + 2000):
        pass
    assert set(store.unsaved_typing(session_id)) == {"vitals", "note"}
    assert "nausea, settling with rest" in store.unsaved_typing(session_id)["note"].text

    typed_at = clock.now().strftime("%H:%M")  # the fake clock's zone is UTC
    # the app is killed; the physician starts it again on the same file
    later = FakeClock(clock.now())
    later.advance(minutes=3)
    reopened = Store.open(db_path, later, hasher=FAST_HASHER, lock=False, create=True)
    login_as(reopened, PHYSICIAN)
    try:
        again = MainWindow(reopened, prompts)
        qtbot.addWidget(again)
        again.idle_lock = again.automatic_backups = False
        again.show()
        restored = again.open_session(session_id)
        form = restored.vitals_form.inputs
        assert (form["systolic"].text(), form["diastolic"].text()) == ("141", "92")
        assert restored.note_text.toPlainText() == "Pt reports mild nausea, settling with rest"
        notice = restored.unsaved_notice
        assert notice.isVisible()
        assert notice.text().startswith(
            f"Not saved yet: vitals and a note typed by {NURSE} at {typed_at}, put back")
        # putting it back is not typing: it stays the nurse's until someone edits it
        assert not restored.unsaved.timer.isActive()
        assert reopened.unsaved_typing(session_id)["note"].typed_by == NURSE

        # saved now: charted under the physician, and no longer unsaved
        qtbot.keyClick(form["systolic"], Qt.Key.Key_Return)
        qtbot.mouseClick(restored.note_button, Qt.MouseButton.LeftButton)
        assert reopened.unsaved_typing(session_id) == {}
        assert not notice.isVisible()
        chart = reopened.chart(session_id)
        last = chart.vitals[-1]
        assert (last.original.systolic, last.original.diastolic) == (141, 92)
        assert last.entered_by == PHYSICIAN
        assert chart.events[-1].text == "Pt reports mild nausea, settling with rest"
        again.ticker.stop()
        again.close()
    finally:
        reopened.close()


def test_one_tick_drives_every_timer_and_idle_ticks_write_nothing(window, charting, store,
                                                                  clock):
    page = window.open_session(charting.started())
    audit_before = len(audit_of(store))
    for _ in range(5):
        clock.advance(seconds=1)
        window.tick()
    assert page.timer.values["since_dose"].text() == "00:05"
    assert len(audit_of(store)) == audit_before
    # the one repeating timer; others fire once (keeping typing a moment after a pause)
    repeating = [t for t in window.findChildren(type(window.ticker)) if not t.isSingleShot()]
    assert repeating == [window.ticker]
