"""End session early in the window: the outcome, a transfer's destination and the physician
informed are asked together, and the end is charted only with all of them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome


def test_a_transfer_waits_for_its_destination_and_the_physician(qtbot, window, store,
                                                                charting):
    session_id = charting.started()
    page = window.open_session(session_id)
    qtbot.mouseClick(page.action_buttons[Action.END_SESSION_EARLY], Qt.MouseButton.LeftButton)
    dialog = page.early_end_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.destination.isEnabled()  # asked for a transfer only
    dialog.outcome.setCurrentIndex(dialog.outcome.findText("Transferred to emergency care"))
    assert dialog.destination.isEnabled() and not dialog.end_button.isEnabled()
    assert "the destination of the transfer" in dialog.missing.text()
    qtbot.keyClicks(dialog.physician, "Dr Ada Obi")
    assert not dialog.end_button.isEnabled()
    qtbot.keyClicks(dialog.destination, "City Hospital ED")
    assert dialog.end_button.isEnabled() and dialog.missing.text() == ""
    dialog.reason.setCurrentText("Chest pain")
    qtbot.mouseClick(dialog.end_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    chart = store.chart(session_id)
    assert chart.phase is Phase.STOPPED_EARLY
    assert chart.early_end == EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Ada Obi",
                                       "City Hospital ED")
    (ended,) = [e for e in chart.events if e.kind == Action.END_SESSION_EARLY]
    assert ended.text == ("Transferred to emergency care (City Hospital ED); physician "
                          "informed: Dr Ada Obi — Chest pain")
    texts = [page.events_model.index(row, column).data()
             for row in range(page.events_model.rowCount())
             for column in range(page.events_model.columnCount())]
    assert f"End session early: {ended.text}" in texts  # on the chart's events


def test_cancelling_the_early_end_charts_nothing(qtbot, window, store, charting):
    session_id = charting.started()
    page = window.open_session(session_id)
    qtbot.mouseClick(page.action_buttons[Action.END_SESSION_EARLY], Qt.MouseButton.LeftButton)
    dialog = page.early_end_dialog
    dialog.outcome.setCurrentIndex(dialog.outcome.findText("Left against advice"))
    qtbot.keyClicks(dialog.physician, "Dr Ada Obi")
    qtbot.keyClick(dialog.physician, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert store.chart(session_id).phase is Phase.INFUSING
