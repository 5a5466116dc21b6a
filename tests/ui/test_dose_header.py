"""Issue 17: the session page's header shows the dose given beside the plan once the
infusion has stopped early (the button a nurse presses, the window at 1366x768)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt

from ketamonitor.core.phases import Action, Phase


def test_an_early_stop_at_31_of_40_minutes_shows_planned_and_given(qtbot, window, charting,
                                                                   store, clock, prompts):
    session_id = charting.started()
    page = window.open_session(session_id)
    header = page.title.text()
    assert "36\u00a0mg" in header and "given" not in header  # running: the plan alone
    clock.advance(minutes=31)
    window.tick()
    prompts.reason_answer = "BP 190/112"
    button = page.action_buttons[Action.STOP_INFUSION_EARLY]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.chart(session_id).phase is Phase.OBSERVATION)
    header = page.title.text()
    assert "0.5\u00a0mg/\u2060kg\u00a0=\u00a036\u00a0mg" in header  # the plan, kept
    assert header.endswith(" · <b>given\u00a027.9\u00a0mg</b>")
    assert page.title.toolTip() == ("Given 27.9 mg of 36 mg planned (from time infused, "
                                    "27.9 mL)")
    shot = os.environ.get("DOSE_SCREENSHOT")
    if shot:
        window.grab().save(shot)
