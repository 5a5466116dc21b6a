"""A day opens dozens of charts: the window keeps only the pages someone may still use."""

from __future__ import annotations

import shiboken6

from ketamonitor.core.phases import Action
from ketamonitor.ui.main_window import KEPT_FINISHED_PAGES
from tests.charting import EARLY_END


def finished_sessions(charting, store, count: int) -> list[int]:
    sessions = []
    for number in range(count):
        session_id = charting.session(patient=charting.patient(f"MRN-F{number}"))
        store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                           reason="declined")
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


def test_a_finished_charts_page_holds_no_typing_and_is_let_go_with_the_others(
        qtbot, window, charting, store):
    """A finished chart is read-only (its note field is gone), so it has no typing that
    could keep its page: it goes like any other finished page."""
    first, *others = finished_sessions(charting, store, KEPT_FINISHED_PAGES + 2)
    window.room.reload()
    page = window.open_session(first)
    assert not page.note_text.isVisible() and not page.has_typing()
    for session_id in others:
        window.open_session(session_id)
    window.show_room()
    assert first not in window.session_pages
    assert len(window.session_pages) == KEPT_FINISHED_PAGES
