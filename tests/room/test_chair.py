"""One chair as the room holds it: its waiting alerts the most urgent first, its timers from
its chart, and whether the listing must be read again (only when the chart moved on from it:
a phase changed or a handover, not after every entry)."""

from __future__ import annotations

from dataclasses import replace

from ketamonitor.core.alerts import attention_order
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.timers import session_timers
from ketamonitor.room.chair import ChairState
from ketamonitor.room.judging import judge


def _chair(store, session_id: int) -> ChairState:
    return ChairState(store.listing(session_id), store.chart(session_id),
                      store.alerts([session_id])[session_id])


def test_an_entry_leaves_the_listing_as_read(store, charting, clock):
    session_id = charting.session()
    chair = _chair(store, session_id)
    assert not chair.listing_outdated()
    clock.advance(minutes=5)
    charting.bp(session_id, 128, 82)
    chair.chart = store.chart(session_id)
    assert not chair.listing_outdated()


def test_a_phase_change_outdates_the_listing_until_it_is_read_again(store, charting, clock):
    session_id = charting.session()
    charting.ready_to_start(session_id)
    chair = _chair(store, session_id)
    clock.advance(minutes=2)
    store.change_phase(session_id, Action.START_INFUSION)
    chair.chart = store.chart(session_id)
    assert chair.chart.phase is not chair.listing.phase
    assert chair.listing_outdated()
    chair.listing = store.listing(session_id)
    assert not chair.listing_outdated()


def test_a_handover_outdates_the_listing(store, charting):
    session_id = charting.session()
    chair = _chair(store, session_id)
    chair.chart = replace(chair.chart, session=replace(chair.chart.session, nurse="nurse.bo"))
    assert chair.listing_outdated()


def test_a_phase_alone_differing_outdates_the_listing(store, charting):
    chair = _chair(store, charting.session())
    chair.listing = replace(chair.listing, phase=Phase.INFUSING)
    assert chair.listing_outdated()


def test_the_chair_answers_for_its_session_its_timers_and_its_alerts(store, charting, clock):
    session_id = charting.session()
    clock.advance(minutes=5)
    charting.bp(session_id, 186, 112)
    chair = _chair(store, session_id)
    chair.chart = store.chart(session_id)
    assert chair.session_id == session_id
    assert chair.timers(clock.now()) == session_timers(chair.chart, clock.now())
    charting.vitals(session_id, systolic="128", diastolic="82", heart_rate="76", spo2="85",
                    respiratory_rate="14")
    chair.chart = store.chart(session_id)
    judge(store, chair)
    urgent_first = attention_order(chair.alerts)
    assert len(urgent_first) >= 2
    chair.alerts = urgent_first[::-1]
    assert chair.waiting() == urgent_first
