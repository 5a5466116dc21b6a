"""A day opens dozens of charts: the window keeps only the pages someone may still use."""

from __future__ import annotations

import shiboken6

from ketamonitor.core.phases import Action
from ketamonitor.ui.main_window import KEPT_FINISHED_PAGES


def finished_sessions(charting, store, count: int) -> list[int]:
    sessions = []
    for number in range(count):
        session_id = charting.session(patient=charting.patient(f"MRN-F{number}"))
        store.change_phase(session_id, Action.END_SESSION_EARLY, reason="declined")
        sessions.append(session_id)
    return sessions


def test_pages_of_finished_sessions_are_let_go_but_the_last_few_and_the_room_stay(
        qtbot, window, charting, store):
    running = charting.started()
    finished = finished_sessions(charting, store, 6)
    window.room.reload()
    opened = {}
    for session_id in [running, *finished]:
        opened[session_id] = window.open_session(session_id)
    window.show_room()
    kept = finished[-KEPT_FINISHED_PAGES:]
    assert list(window.session_pages) == [running, *kept]
    gone = [opened[s] for s in finished[:-KEPT_FINISHED_PAGES]]
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(page) for page in gone))
    again = window.open_session(finished[0])  # opened again: a new page, whole
    assert again is not gone[0] and again.chart.session.id == finished[0]
    assert window.pages.currentWidget() is again


def test_a_page_with_typing_is_kept_however_many_are_opened_after_it(qtbot, window, charting,
                                                                      store):
    first, *others = finished_sessions(charting, store, KEPT_FINISHED_PAGES + 2)
    window.room.reload()
    page = window.open_session(first)
    page.note_text.setPlainText("Called the escort: on the way")
    for session_id in others:
        window.open_session(session_id)
    window.show_room()
    assert window.session_pages[first] is page
    assert page.note_text.toPlainText() == "Called the escort: on the way"
    assert len(window.session_pages) == 1 + KEPT_FINISHED_PAGES
