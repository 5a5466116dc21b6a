"""A monitor's readings in the room (issue 21): appended to the charts it holds on each
tick with one read for every chair, never twice, never by reading a chart again; the
nurse's verdicts charted through the room like any entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketamonitor.core.monitor_readings import FROM_MONITOR
from ketamonitor.core.oru_build import build_oru, observation
from ketamonitor.room.room import Room
from tests.monitor_frames import journal_and_read
from tests.people import ADMIN, NURSE, login_as
from tests.store.steps import running

APP = "MINDRAY_EGATEWAY^00A0370000000001^EUI-64"
_SENT = iter(range(1, 10**6))


def feed(store, clock, *, systolic: int = 142, diastolic: int = 88) -> None:
    """A frame from chair 3's monitor, journaled and read as the listener does."""
    raw = build_oru([observation(150021, systolic), observation(150022, diastolic),
                     observation(150456, 97)], control_id=f"R{next(_SENT)}",
                    observed_at=clock.now())
    journal_and_read(store, raw)


@pytest.fixture
def fed_room(store, charting, clock):
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, "INFUSION", "INFUSION^^Chair1", "3")
    login_as(store, NURSE)
    session_id, _ = running(charting)
    return Room(store), session_id


def test_readings_are_appended_on_a_tick_without_reading_the_chart_again(
        store, clock, fed_room, monkeypatch):
    room, session_id = fed_room
    clock.advance(seconds=30)
    feed(store, clock)
    monkeypatch.setattr(store, "chart", lambda *_: pytest.fail("the chart was read again"))
    room.tick()
    [reading] = room.state(session_id).chart.monitor_readings
    assert reading.vitals.systolic == 142
    room.tick()  # nothing new: nothing appended twice
    assert len(room.state(session_id).chart.monitor_readings) == 1


def test_a_chart_read_after_a_reading_does_not_hold_it_twice(store, clock, fed_room):
    room, session_id = fed_room
    clock.advance(seconds=30)
    feed(store, clock)
    room.reread(session_id)  # read whole (an entry): the reading is in it already
    room.tick()
    assert len(room.state(session_id).chart.monitor_readings) == 1


def test_the_nurse_accepts_or_marks_through_the_room(store, clock, fed_room):
    room, session_id = fed_room
    clock.advance(seconds=30)
    feed(store, clock)
    clock.advance(seconds=30)
    feed(store, clock, systolic=230, diastolic=60)
    room.tick()
    page = room.open(session_id)
    latest = page.chart.latest_pending_reading
    assert latest is not None and latest.vitals.systolic == 230
    change = page.mark_artifact(latest.id, "Cuff motion")
    assert change.chart.artifacts[0][1].reason == "Cuff motion"
    first = page.chart.latest_pending_reading
    assert first is not None and first.vitals.systolic == 142
    accepted = page.accept_reading(first.id)
    entry = next(e for e in accepted.chart.vitals if e.id == accepted.result)
    assert entry.source == FROM_MONITOR and page.chart.pending_readings == ()
    assert clock.now() - entry.entered_at < timedelta(seconds=1)


def _stop_line_bp_ticked(store, clock, room, session_id):
    """A stop-line BP from chair 3's monitor, and the tick after it: the reading, and the
    stop-line alert that tick raised."""
    limits = room.state(session_id).chart.protocol.thresholds
    clock.advance(seconds=30)
    feed(store, clock, systolic=limits.stop_systolic_above + 15, diastolic=90)
    raised = [record for record in room.tick() if record.kind == "bp_above_stop_line"]
    [reading] = room.state(session_id).chart.pending_readings
    assert [record.key for record in raised] == [f"bp_above_stop_line:monitor:{reading.id}"]
    return reading, raised[0]


def test_a_stop_line_bp_from_the_monitor_is_raised_on_the_tick_it_arrives(
        store, clock, fed_room):
    room, session_id = fed_room
    reading, alert = _stop_line_bp_ticked(store, clock, room, session_id)
    assert alert.message.endswith("(monitor, not validated)")
    assert alert.is_active and alert.acknowledged_at is None
    chart = room.state(session_id).chart  # before any validation:
    assert chart.pending_readings == (reading,) and chart.accepted_readings == {}


def test_accepting_the_reading_keeps_its_alert_record(store, clock, fed_room):
    room, session_id = fed_room
    reading, alert = _stop_line_bp_ticked(store, clock, room, session_id)
    change = room.open(session_id).accept_reading(reading.id)
    assert [r.kind for r in change.raised] == []
    clock.advance(seconds=1)
    assert not [r for r in room.tick() if r.kind == "bp_above_stop_line"]
    [kept] = [r for r in room.state(session_id).alerts if r.kind == "bp_above_stop_line"]
    assert (kept.id, kept.key, kept.is_active) == (alert.id, alert.key, True)


def test_an_artifact_clears_its_alert(store, clock, fed_room):
    room, session_id = fed_room
    reading, alert = _stop_line_bp_ticked(store, clock, room, session_id)
    room.open(session_id).mark_artifact(reading.id, "Cuff motion")
    [cleared] = [r for r in room.state(session_id).alerts if r.id == alert.id]
    assert not cleared.is_active
