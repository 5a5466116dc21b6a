"""The session page's Notes tab words each event as the summary PDF does: an intranasal
session says "First device given / Dosing complete" on screen too, never a raw code."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.export.summary import build_summary
from tests.ui.test_whole_session import type_into


def test_an_intranasal_sessions_events_read_as_in_its_pdf(qtbot, window, charting, store,
                                                           clock):
    session_id = charting.session("intranasal-esketamine", devices="2")
    charting.ready_to_start(session_id)
    page = window.open_session(session_id)
    type_into(qtbot, page.devices.lot, "LOT-77A")
    qtbot.keyClick(page.devices.lot, Qt.Key.Key_Return)
    clock.advance(minutes=5)
    window.tick()
    qtbot.keyClick(page.devices.lot, Qt.Key.Key_Return)
    clock.advance(minutes=60)
    type_into(qtbot, page.rems.ready, "08:30")
    qtbot.keyClick(page.rems.ready, Qt.Key.Key_Return)

    model = page.events_model
    shown = [model.index(row, 1).data() for row in range(model.rowCount())]
    assert "First device given" in shown and "Dosing complete" in shown
    assert any(text.startswith("Would have been ready to leave without the 2-hour minimum")
               for text in shown)
    assert not any("_" in text for text in shown)

    printed = build_summary(store, session_id).events
    assert shown == [f"{e.label}: {e.text}" if e.text else e.label for e in printed]
