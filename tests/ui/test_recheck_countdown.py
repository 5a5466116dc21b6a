"""A recheck sooner than the routine cadence says so on the tile and in the timer panel."""

from __future__ import annotations

from ketamonitor.ui.main_window import MainWindow
from tests.charting import Charting
from tests.ui.test_room import tile


def test_a_stop_line_bp_makes_the_tile_and_the_timer_count_down_to_a_recheck(
        window: MainWindow, charting: Charting, clock):
    session_id = charting.started(chair="1")  # IV: routine BP every 10 min while infusing
    clock.advance(minutes=2)
    charting.bp(session_id, 186, 112)  # over the stop line: recheck in 5 min, not 10
    window.session_charted(session_id)
    page = window.open_session(session_id)
    clock.advance(seconds=30)
    window.tick()
    caption, cell = page.timer.captions["next_vitals"], page.timer.values["next_vitals"]
    assert caption.text().startswith("Recheck after BP 186/112 · ")
    assert cell.text() == "04:30"

    window.show_room()
    window.tick()
    countdown = tile(window, "1").next_check
    assert countdown.text().startswith("Recheck BP ")
    assert countdown.text().endswith(" · in 04:30")
    assert countdown.toolTip() == "Recheck after BP 186/112"

    clock.advance(minutes=5)
    window.tick()
    assert "Recheck BP DUE NOW · 00:30" in countdown.text()

    charting.bp(session_id, 150, 90)  # back inside the lines: the routine cadence again
    window.session_charted(session_id)
    window.tick()
    assert countdown.text().startswith("Next BP ")
    assert countdown.text().endswith(" · in 10:00")
    page.reload()  # charted behind the page's back, through the store
    window.open_session(session_id)
    assert page.timer.captions["next_vitals"].text().startswith("Next vitals at ")
