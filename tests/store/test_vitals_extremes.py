"""The store asks the same question as the form: an extreme reading from any path (a script,
the monitor's feed) is charted only once confirmed; oxygen and EtCO2 are kept on the set's
own row and in its audit row, and the file still verifies."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest

from ketamonitor.core.entries import LateVitals
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.vitals import ConfirmationNeeded, Vitals
from ketamonitor.store.verify import verify_database
from tests.people import ADMIN, login_as
from tests.store.steps import finished, running


def vitals_count(store, session_id: int) -> int:
    return len(store.chart(session_id).vitals)


def test_an_unconfirmed_extreme_from_a_script_is_refused_and_nothing_is_written(charting,
                                                                                  store, clock):
    session_id, _ = running(charting)
    before = vitals_count(store, session_id)
    apnoea = Vitals(observed_at=clock.now(), respiratory_rate=0, spo2=78)
    with pytest.raises(ConfirmationNeeded) as asked:
        store.record_vitals(session_id, apnoea)
    assert asked.value.questions["respiratory_rate"] == "RR 0 — apnoea?"
    with pytest.raises(ConfirmationNeeded):
        store.record_vitals(session_id, apnoea, confirmed=frozenset({"spo2"}))
    assert vitals_count(store, session_id) == before


def test_a_confirmed_extreme_is_charted_and_read_back(charting, store, clock, db_path):
    session_id, _ = running(charting)
    vitals_id = store.record_vitals(
        session_id, Vitals(observed_at=clock.now(), respiratory_rate=0, spo2=42),
        confirmed=frozenset({"respiratory_rate", "spo2"}))
    entry = next(e for e in store.chart(session_id).vitals if e.id == vitals_id)
    assert (entry.current.respiratory_rate, entry.current.spo2) == (0, 42)
    store.close()
    assert verify_database(db_path) == []


def test_oxygen_and_etco2_are_on_the_row_and_in_its_audit_row(charting, store, clock,
                                                                db_path):
    session_id, _ = running(charting)
    vitals_id = charting.vitals(session_id, spo2="93", oxygen="oxygen", oxygen_l_per_min="2.5",
                                etco2="41", respiratory_rate="12")
    entry = next(e for e in store.chart(session_id).vitals if e.id == vitals_id)
    assert (entry.current.oxygen_l_per_min, entry.current.etco2) == (2.5, 41)
    assert entry.current.on_oxygen
    room_air = next(e for e in store.chart(session_id).vitals if e.id != vitals_id)
    assert room_air.current.oxygen_l_per_min is None and room_air.current.etco2 is None
    login_as(store, ADMIN)
    audit = store.audit_trail(action="vitals.create", session_id=session_id)[0]
    assert '"oxygen_l_per_min":2.5' in audit["new_value"] and '"etco2":41' in audit["new_value"]
    store.close()
    assert verify_database(db_path) == []


def test_a_flow_beyond_the_flowmeter_is_refused_by_the_store_and_by_the_table(charting,
                                                                               store, clock,
                                                                               db_path):
    session_id, _ = running(charting)
    with pytest.raises(ValidationError) as refused:
        store.record_vitals(session_id, Vitals(observed_at=clock.now(), spo2=95,
                                               oxygen_l_per_min=20.0))
    assert refused.value.reasons["oxygen_l_per_min"] == "must be 0.5–15 L/min"
    store.close()
    connection = sqlite3.connect(db_path)
    try:
        for column, value in (("oxygen_l_per_min", 16.0), ("oxygen_l_per_min", 0.0),
                              ("etco2", 151)):
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(
                    f"INSERT INTO vitals (session_id, observed_at, spo2, {column}, entered_at,"
                    " entered_by) VALUES (?, '2026-11-23T09:00:00.000Z', 95, ?, "
                    "'2026-11-23T09:00:00.000Z', 'x')", [session_id, value])
    finally:
        connection.close()


def test_a_late_extreme_is_asked_then_charted_once_confirmed(charting, store, clock):
    session_id = finished(charting)
    observed = store.chart(session_id).session.began_at + timedelta(minutes=3)
    clock.advance(minutes=60)
    late = LateVitals(Vitals(observed_at=observed, respiratory_rate=0, heart_rate=60),
                      "Charted on paper during the apnoea")
    with pytest.raises(ConfirmationNeeded):
        store.record_late_vitals(session_id, late)
    vitals_id = store.record_late_vitals(session_id, late,
                                         confirmed=frozenset({"respiratory_rate"}))
    entry = next(e for e in store.chart(session_id).vitals if e.id == vitals_id)
    assert entry.is_late and entry.current.respiratory_rate == 0
    oxygen = replace(late, vitals=replace(late.vitals, respiratory_rate=12,
                                          oxygen_l_per_min=2.0))
    later_id = store.record_late_vitals(session_id, oxygen)
    assert next(e for e in store.chart(session_id).vitals
                if e.id == later_id).current.oxygen_l_per_min == 2.0
