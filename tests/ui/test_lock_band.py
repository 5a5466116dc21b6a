"""The band over the locked screen: the room's most urgent alerts first, and no "act now"
alert (a PHQ-9 self-harm answer) hidden behind "+2 more"."""

from __future__ import annotations

from ketamonitor.core.entries import scale_answer
from ketamonitor.ui.main_window import MainWindow


def phq9_item_9(store, session_id: int, clock) -> None:
    """A PHQ-9 with item 9 (thoughts of self-harm) answered above "Not at all"."""
    scale = store.library.scale("phq9")
    scores = {item.key: 0 for item in scale.items} | {"q9": 1}
    store.record_scale_score(session_id, scale_answer(scale, scores, clock.now(),
                                                      "before session"))


def band(window: MainWindow) -> list[str]:
    assert window.lock.alerts.isVisible()
    return window.lock.alerts.text().split("\n")


def test_the_lock_band_shows_a_phq9_self_harm_alert_behind_older_ones(
        qtbot, window, charting, store, clock):
    chair_2 = charting.started(chair="2", patient=charting.patient("MRN-2"))
    chair_1 = charting.started(chair="1", patient=charting.patient("MRN-1"))
    window.room.reload()  # both sessions started: the room holds them
    clock.advance(minutes=9)  # chair 2's BP check is due: a reminder
    charting.vitals(chair_1, systolic="186", diastolic="112", heart_rate="76", spo2="85",
                    respiratory_rate="14")  # over the stop line, and SpO2 low: act now
    window.session_charted(chair_1)
    clock.advance(minutes=1)
    phq9_item_9(store, chair_1, clock)  # the newest of chair 1's alerts
    window.session_charted(chair_1)
    window.tick()
    assert [record.kind for record in window.room.state(chair_2).waiting()] == [
        "check_due"]
    assert len(window.room.state(chair_1).waiting()) == 3

    window.lock_screen()

    lines = band(window)
    assert len(lines) == 4, lines
    assert all(line.startswith("▲ Chair 1: ") for line in lines[:3]), lines
    assert any("PHQ-9 item 9 (thoughts of self-harm)" in line for line in lines[:3]), lines
    assert lines[3] == "+1 more waiting: log in to see them"  # chair 2's reminder
