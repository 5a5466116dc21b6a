"""The database file deleted or replaced under the open window: the vitals being saved stay
typed on screen, the message names the file and says so, and the room's tick says it too
while no one saves."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.store.errors import DatabaseMoved
from ketamonitor.ui.main_window import MainWindow
from tests.ui.test_whole_session import type_into

TYPED = {"systolic": "142", "diastolic": "88", "heart_rate": "80", "spo2": "98",
         "respiratory_rate": "14"}


def test_vitals_saved_into_a_deleted_file_stay_typed_and_it_is_said(
        qtbot, window: MainWindow, charting, clock, store, prompts, db_path):
    session_id = charting.session()
    clock.advance(minutes=5)
    page = window.open_session(session_id)
    for name, text in TYPED.items():
        type_into(qtbot, page.vitals_form.inputs[name], text)
    db_path.unlink()
    qtbot.keyClick(page.vitals_form.inputs["respiratory_rate"], Qt.Key.Key_Return)

    ((title, message),) = prompts.problems
    assert title == DatabaseMoved.title
    assert str(db_path) in message
    assert "kept on screen" in message
    assert {name: page.vitals_form.inputs[name].text() for name in TYPED} == TYPED
    assert store.chart(session_id).vitals == ()  # not saved, not even into the deleted file


def test_the_tick_says_the_file_is_gone_while_no_one_saves(window: MainWindow, charting,
                                                             db_path, prompts):
    charting.session()
    window.tick()
    assert window.problem.text() == ""
    db_path.unlink()
    window.tick()
    assert DatabaseMoved.title in window.problem.text()
    assert str(db_path) in window.problem.text()
    ((title, message),) = prompts.problems  # said in words once, before anyone types
    assert title == DatabaseMoved.title and "note it on paper" in message
    window.tick()
    assert len(prompts.problems) == 1  # not every second
