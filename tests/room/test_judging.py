"""Judging one chair: what changed is recorded and only the newly raised alerts come back;
a chair whose rules fail gets one "could not judge" alert, raised once and logged once,
while a fault of the file itself is the window's to tell, never hidden as a rule's."""

from __future__ import annotations

import logging

import pytest

from ketamonitor.core.alerts import AlertKind, Priority
from ketamonitor.room import judging
from ketamonitor.room.chair import ChairState
from ketamonitor.room.judging import JUDGING_FAILED_KEY, judge
from ketamonitor.store.errors import DiskFull
from tests.statements import counting


def _chair(store, session_id: int) -> ChairState:
    return ChairState(store.listing(session_id), store.chart(session_id),
                      store.alerts([session_id])[session_id])


def _failing_rules(*args, **kwargs):
    raise ZeroDivisionError("a rule's bug")


def test_a_line_crossed_is_raised_once_and_only_the_new_alert_comes_back(store, charting, clock,
                                                                         caplog):
    session_id = charting.session()
    clock.advance(minutes=5)
    charting.bp(session_id, 186, 112)
    chair = _chair(store, session_id)
    with caplog.at_level(logging.ERROR, logger="ketamonitor.room"):
        raised = judge(store, chair)
    assert raised and all(record.is_active for record in raised)
    assert chair.alerts == store.alerts([session_id])[session_id]
    assert caplog.records == []  # a rule that worked is not a fault
    with counting(store) as statements:
        assert judge(store, chair) == []
    assert statements.run == []  # nothing changed: nothing recorded, nothing read again
    clock.advance(minutes=1)
    charting.vitals(session_id, systolic="128", diastolic="82", heart_rate="76", spo2="85",
                    respiratory_rate="14")
    chair.chart = store.chart(session_id)
    before = {record.id for record in chair.alerts}
    new = judge(store, chair)
    assert new and not {record.id for record in new} & before


def test_a_chair_whose_rules_fail_is_told_once_and_logged_once(store, charting, monkeypatch,
                                                               caplog):
    session_id = charting.session()
    chair = _chair(store, session_id)
    monkeypatch.setattr(judging, "alert_conditions", _failing_rules)
    with caplog.at_level(logging.ERROR, logger="ketamonitor.room"):
        (failed,) = judge(store, chair)
        assert judge(store, chair) == []  # the next tick: still failing, not raised again
    assert failed.key == f"{JUDGING_FAILED_KEY}:1"
    assert (failed.kind, failed.priority) == (AlertKind.RULE_FAILED, Priority.HIGH)
    assert f"chair {chair.listing.chair}" in failed.message
    (logged,) = caplog.records
    assert "ZeroDivisionError: a rule's bug" in logged.getMessage()


def test_a_fault_of_the_file_is_not_taken_for_a_rules(store, charting, monkeypatch):
    session_id = charting.session()

    def full(*args, **kwargs):
        raise DiskFull(store.path, "the disk is full", "free some space")

    monkeypatch.setattr(judging, "alert_conditions", full)
    with pytest.raises(DiskFull):
        judge(store, _chair(store, session_id))
    assert store.alerts([session_id])[session_id] == []
