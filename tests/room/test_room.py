"""The room owns each open session: an entry through it reads the chart once, judges the
alerts at once, and hands back one change that the page and the tile both draw."""

from __future__ import annotations

import pytest

from ketamonitor.core.errors import RuleError
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.vitals import parse_vitals
from ketamonitor.room import ChartChange, Room
from ketamonitor.store.errors import DiskFull, UnknownRecord
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.statements import counting


def _vitals(store: Store, room: Room, session_id: int, systolic: str, diastolic: str):
    return parse_vitals({"systolic": systolic, "diastolic": diastolic, "heart_rate": "76",
                         "spo2": "98", "respiratory_rate": "14"}, now=store.clock.now(),
                        session_began=room.state(session_id).chart.session.began_at,
                        zone=store.clock.local_zone)


@pytest.fixture
def seated(store: Store, charting: Charting) -> tuple[Room, int]:
    session_id = charting.session()
    return Room(store), session_id


def test_vitals_over_the_line_come_back_with_their_alert_in_one_read(store, clock, seated):
    room, session_id = seated
    clock.advance(minutes=5)
    with counting(store) as statements:
        change = room.open(session_id).record_vitals(
            _vitals(store, room, session_id, "186", "112"))
    assert statements.chart_reads == 1
    assert [entry.current.systolic for entry in change.chart.vitals] == [186]
    assert change.chart is room.state(session_id).chart  # the one copy, page and tile
    assert change.raised and all(record in change.alerts for record in change.raised)
    assert change.alerts == room.state(session_id).alerts
    assert change.alert_problem is None
    assert isinstance(change.result, int)


def test_a_phase_change_reads_the_listing_again_an_entry_does_not(store, charting, seated):
    room, session_id = seated
    charting.ready_to_start(session_id)
    room.reread(session_id)
    with counting(store) as entry:
        room.open(session_id).record_vitals(_vitals(store, room, session_id, "128", "82"))
    assert not any("s.id, s.patient_id" in sql for sql in entry.run)  # no listing read
    change = room.open(session_id).change_phase(Action.START_INFUSION)
    assert change.chart.phase is Phase.INFUSING
    assert room.state(session_id).listing.phase is Phase.INFUSING


def test_a_refused_entry_reads_and_judges_nothing(store, seated):
    room, session_id = seated
    session = room.open(session_id)
    with counting(store) as statements, pytest.raises(RuleError):
        session.change_phase(Action.DISCHARGE)  # not before the infusion: refused
    assert statements.chart_reads <= 1  # the store's own look at the gates, not the room's
    assert "COMMIT" not in statements.run  # nothing written: no entry, no alert


def test_a_file_that_will_not_take_the_alerts_leaves_the_entry_charted(store, clock, seated,
                                                                       monkeypatch):
    room, session_id = seated
    clock.advance(minutes=5)

    def full_disk(*_args: object) -> None:
        raise DiskFull(store.path, "database or disk is full", "free some space")

    monkeypatch.setattr(store, "apply_alert_changes", full_disk)
    change: ChartChange[int] = room.open(session_id).record_vitals(
        _vitals(store, room, session_id, "186", "112"))
    assert change.alert_problem is not None
    assert change.raised == []
    assert [entry.current.systolic for entry in store.chart(session_id).vitals] == [186]


def test_a_vitals_set_is_found_in_the_rooms_copy(store, seated):
    room, session_id = seated
    session = room.open(session_id)
    saved = session.record_vitals(_vitals(store, room, session_id, "128", "82")).result
    with counting(store) as statements:
        assert session.vitals_entry(saved).current.systolic == 128
    assert len(statements) == 0
    with pytest.raises(UnknownRecord):
        session.vitals_entry(saved + 1)


def test_signatures_are_read_once_until_one_is_added(store, seated):
    room, session_id = seated
    assert room.open(session_id).signatures() == []
    with counting(store) as statements:
        assert room.signatures(session_id) == []
    assert len(statements) == 0
