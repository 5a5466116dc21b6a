"""The patient's course from the session page: sessions side by side and the trends."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.entries import scale_answer
from ketamonitor.core.phases import Action
from ketamonitor.ui.course_view import CourseDialog
from tests.charting import EARLY_END


def phq9(store, session_id: int, clock, total: int) -> None:
    scale = store.library.scale("phq9")
    keys = [item.key for item in scale.items]
    scores = dict.fromkeys(keys, 0)
    for n in range(total):
        scores[keys[n % len(keys)]] += 1
    store.record_scale_score(session_id, scale_answer(scale, scores, clock.now(),
                                                      "before session"))


def course_of_three(store, charting, clock) -> list[int]:
    """Three sessions a week apart, the BP rising more each time, the PHQ-9 falling."""
    patient = charting.patient()
    sessions = []
    for number, (peak, score) in enumerate([(140, 20), (156, 15), (176, 9)]):
        if number:
            clock.advance(minutes=7 * 24 * 60)
        session_id = charting.session(patient=patient)
        phq9(store, session_id, clock, score)
        charting.ready_to_start(session_id)  # baseline 124/80
        clock.advance(minutes=2)
        store.change_phase(session_id, Action.START_INFUSION)
        clock.advance(minutes=30)
        charting.bp(session_id, peak, 90)
        if number < 2:
            clock.advance(minutes=5)
            store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                               reason="test")
        sessions.append(session_id)
    return sessions


def test_the_course_button_shows_each_session_and_the_trends(qtbot, window, store, charting,
                                                            clock):
    sessions = course_of_three(store, charting, clock)
    page = window.open_session(sessions[-1])
    qtbot.mouseClick(page.course_button, Qt.MouseButton.LeftButton)
    dialog = page.course
    assert isinstance(dialog, CourseDialog) and dialog.isVisible()
    assert "RIVERA, Ana" in dialog.windowTitle()
    plot = dialog.plot
    assert len(plot.sessions) == 3
    for small, peak in zip(plot.sessions, (140, 156, 176), strict=True):
        (systolic,) = [i for i in small.listDataItems() if i.name() == "systolic"]
        x, y = systolic.xData, systolic.yData
        assert list(y) == [124, peak] and list(x) == [-2, 30]  # minutes from its own dose
    rise_systolic = plot.rise.listDataItems()[0]
    assert list(rise_systolic.yData) == [16, 32, 52]  # the BP response grows
    before = plot.phq9.listDataItems()[0]
    assert list(before.xData) == [1, 2, 3] and list(before.yData) == [20, 15, 9]
    dialog.close()
    assert not dialog.isVisible()
