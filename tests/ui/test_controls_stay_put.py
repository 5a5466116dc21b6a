"""Issue 15: a control never moves because something else was answered, and an answer
shows what was chosen before it is saved."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from ketamonitor.ui.checklist_views import YesNoChecklistView
from tests.ui.test_whole_session import show_tab


def _answer_buttons(view: YesNoChecklistView) -> list[QPushButton]:
    return [b for b in view.findChildren(QPushButton)
            if b.objectName().endswith(("_yes", "_no"))]


def _settle() -> None:
    """Let the layouts run the requests the answer posted (they move things, if anything)."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def _where(view: YesNoChecklistView) -> dict[str, tuple[QPoint, QPoint]]:
    """Each button's place on the screen and inside its checklist."""
    return {b.objectName(): (b.mapToGlobal(QPoint(0, 0)), b.mapTo(view, QPoint(0, 0)))
            for b in _answer_buttons(view)}


def _answer_first_row(qtbot, view: YesNoChecklistView) -> dict[str, tuple[QPoint, QPoint]]:
    """Click Yes on row 1; give back where every button was before it."""
    qtbot.waitUntil(lambda: all(b.isVisible() for b in _answer_buttons(view)))
    _settle()
    before = _where(view)
    assert len(before) >= 10
    first_yes = min((b for b in _answer_buttons(view) if b.objectName().endswith("_yes")),
                    key=lambda b: before[b.objectName()][1].y())
    qtbot.mouseClick(first_yes, Qt.MouseButton.LeftButton)
    assert first_yes.isChecked()  # the chosen answer is marked
    qtbot.waitUntil(lambda: "not answered" not in next(iter(view._stamps.values())).text())
    _settle()
    assert first_yes.isChecked()  # and stays marked once charted
    return before


def test_discharge_buttons_stay_put_after_an_answer(qtbot, window, charting):
    page = window.open_session(charting.started())
    show_tab(page, "Discharge")
    before = _answer_first_row(qtbot, page.discharge_checklist)
    after = _where(page.discharge_checklist)
    assert {name: after[name][0] for name in before} == {
        name: place[0] for name, place in before.items()}


def test_pre_session_buttons_stay_put_after_an_answer(qtbot, window, charting):
    """Within the checklist nothing moves, and never sideways on the screen. (The page above
    the tabs may grow or shrink by a line as reminders come and go.)"""
    page = window.open_session(charting.session())
    show_tab(page, "Pre-session")
    before = _answer_first_row(qtbot, page.pre_session)
    after = _where(page.pre_session)
    assert {name: (after[name][0].x(), after[name][1]) for name in before} == {
        name: (place[0].x(), place[1]) for name, place in before.items()}
