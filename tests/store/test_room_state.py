"""The room's state across a day: what it holds, and the new day at midnight."""

from __future__ import annotations

from ketamonitor.core.phases import Action
from ketamonitor.room import Room
from tests.charting import EARLY_END
from tests.people import audit_of


def test_at_midnight_finished_sessions_leave_and_running_ones_stay(store, charting, clock):
    finished = charting.session()
    store.change_phase(finished, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="Patient declined")
    running = charting.session(patient=charting.patient("MRN-2002"))
    room = Room(store)
    assert [s.session_id for s in room.finished_today()] == [finished]
    clock.advance(minutes=17 * 60)  # past midnight
    room.tick()
    assert room.finished_today() == []
    assert [s.session_id for s in room.in_room()] == [running]


def test_a_tick_that_changes_nothing_writes_nothing(store, charting, clock):
    charting.started()
    room = Room(store)
    room.tick()
    before = len(audit_of(store))
    for _ in range(30):
        clock.advance(seconds=1)
        room.tick()
    assert len(audit_of(store)) == before


def test_the_room_raises_an_acknowledged_run_again_when_it_worsens(store, charting, clock):
    """The room hands the alerts it holds to the rules: a stop-line BP acknowledged, then a
    much higher one, is a new alert (judged from the room's own alerts, not a new read)."""
    from tests.store.steps import RECHECKED

    session = charting.started()
    room = Room(store)
    clock.advance(minutes=10)
    charting.bp(session, 186, 104)
    first = [a for a in room.refresh(session) if a.kind == "bp_above_stop_line"]
    assert len(first) == 1
    room.acknowledge(first[0].id, "BP rechecked", RECHECKED)
    clock.advance(minutes=5)
    charting.bp(session, 188, 106)  # within the step: nothing new
    assert [a for a in room.refresh(session) if a.kind == "bp_above_stop_line"] == []
    clock.advance(minutes=5)
    charting.bp(session, 198, 112)  # 12 mmHg past the worst acknowledged, not critical
    worse = room.refresh(session)
    assert any("198/112" in a.message for a in worse)
