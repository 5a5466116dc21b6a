"""Issue 17: the session page's header shows the dose given beside the plan once the
infusion has stopped early (the button a nurse presses, the window at 1366x768)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

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


def test_the_nurse_confirms_the_pumps_volume_and_the_header_gives_it(qtbot, window, charting,
                                                                     store, clock, prompts):
    session_id = charting.started()
    page = window.open_session(session_id)
    assert not page.pump_volume_button.isVisible()  # running: nothing to read yet
    clock.advance(minutes=31)
    store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="BP 190/112")
    page.reload()
    assert page.pump_volume_button.isVisible()
    qtbot.mouseClick(page.pump_volume_button, Qt.MouseButton.LeftButton)
    dialog = page.pump_volume_dialog
    assert dialog is not None and dialog.isVisible()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    for typed, reason in (("twenty", '"twenty" is not a number of mL'),
                          ("50", "above the planned 36 mL (at most 37.8 mL)")):
        dialog.volume.setText(typed)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.errors.text("volume_ml") == reason
        assert dialog.volume.text() == typed  # what was typed stays
        assert store.chart(session_id).pump_volumes == ()
    dialog.volume.setText("30,5")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [v.volume_ml for v in store.chart(session_id).pump_volumes] == [30.5]
    assert page.title.text().endswith(" · <b>given\u00a030.5\u00a0mg</b>")
    assert page.title.toolTip() == ("Given 30.5 mg of 36 mg planned (pump volume confirmed, "
                                    "30.5 mL)")
