"""Issue 15 on the session page: the keyboard goes where the next entry is."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.phases import Phase
from tests.ui.test_whole_session import show_tab


def test_after_start_infusion_the_focus_is_in_the_vitals(qtbot, window, charting, clock):
    session_id = charting.session()
    charting.ready_to_start(session_id)
    page = window.open_session(session_id)
    clock.advance(minutes=2)
    button = page.action_buttons[next(a for a in page.action_buttons
                                      if a.value == "start_infusion")]
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert page.chart.phase is Phase.INFUSING
    assert window.focusWidget() is page.vitals_form.inputs["systolic"]
    qtbot.keyClicks(window.focusWidget(), "128")
    assert page.vitals_form.inputs["systolic"].text() == "128"


def test_phq9_answers_are_chosen_by_typing_their_number(qtbot, window, charting):
    page = window.open_session(charting.started())
    show_tab(page, "Scales")
    form = page.scales["phq9"]
    first = form._choices["q1"]
    first.setFocus()
    qtbot.keyClick(first, "2")
    assert first.currentData() == 2
    second = form._choices["q2"]
    second.setFocus()
    qtbot.keyClick(second, "0")
    assert second.currentData() == 0  # "Not at all", not the empty choice
    assert second.currentText() == "0 - Not at all"
