"""The room's "Finished today": the sessions discharged today in the clinic's time, whatever
was opened from an earlier day."""

from __future__ import annotations

from datetime import timedelta

from ketamonitor.core.phases import Action
from ketamonitor.ui.main_window import MainWindow
from tests.charting import EARLY_END
from tests.ui.test_review import finished

DAY_MINUTES = 24 * 60


def listed(window: MainWindow) -> list[int]:
    model = window.room_page.finished_model
    return [model.row_value(row).session_id for row in range(model.rowCount())]


def test_a_session_from_two_days_ago_stays_out_of_finished_today_once_opened(
        qtbot, window, charting, clock):
    earlier = finished(charting, clock, "MRN-3001")
    clock.advance(minutes=2 * DAY_MINUTES)
    today = finished(charting, clock, "MRN-3002")
    window.room.reload()
    window.show_room()
    assert listed(window) == [today]

    window.open_session(earlier)  # looked up from the patient's course, say
    window.show_room()

    assert listed(window) == [today]
    assert window.room_page.finished_box.isVisibleTo(window)


def test_a_session_begun_before_midnight_and_discharged_after_is_finished_today(
        qtbot, window, charting, store, clock):
    clock.set(clock.now().replace(hour=23, minute=40))  # the room's zone here is UTC
    late = charting.session(patient=charting.patient("MRN-3003"))
    window.room.reload()
    clock.set(clock.now() + timedelta(minutes=40))  # 00:20 the next day
    window.tick()  # the room starts the new day; the session is still in its chair
    store.change_phase(late, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="Patient declined treatment")
    window.session_charted(late)
    window.show_room()

    assert listed(window) == [late]
    window.open_session(late)
    window.show_room()
    assert listed(window) == [late]
