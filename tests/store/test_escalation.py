"""A high or critical alert's escalation as the store writes it: with its acknowledgement in
one transaction, refused without one, re-checked; a physician's having seen each such alert,
by acknowledging it or at signing."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from ketamonitor.core.alerts import AlertCondition, AlertKind, Priority
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.phases import Action
from ketamonitor.core.signature import matches
from ketamonitor.store.store import Store
from tests.charting import EARLY_END, Charting
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, login_as
from tests.store.steps import RECHECKED, finished, raise_alert, row_counts, running, tamper

SPO2_CRITICAL = AlertCondition("spo2-critical-1", AlertKind.SPO2_CRITICAL, Priority.CRITICAL,
                               "SpO2 78 % is below the critical line 85 %")
REMINDER = AlertCondition("check-due-1", AlertKind.CHECK_DUE, Priority.LOW, "BP check due")


def called(store: Store, minutes_ago: int = 1) -> Escalation:
    return Escalation(done=("Infusion paused", "BP rechecked"), note="sat the patient up",
                      physician_called=True, physician="Dr Ada Obi",
                      called_at=store.clock.now() - timedelta(minutes=minutes_ago),
                      ordered="Clonidine 0.1 mg PO, recheck in 10 min")


def ack_rows(db_path) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute("SELECT e.alert_id, x.done FROM alert_events e LEFT JOIN "
                                  "escalations x ON x.alert_id = e.alert_id WHERE e.kind = "
                                  "'acknowledged'").fetchall()
    connection.close()
    return rows


@pytest.mark.parametrize("condition", [None, SPO2_CRITICAL], ids=["high", "critical"])
def test_a_high_or_critical_alert_is_acknowledged_with_its_escalation(store, charting,
                                                                      condition):
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id, *([condition] if condition else []))
    charting.clock.advance(minutes=4)
    escalation = called(store, minutes_ago=2)
    store.acknowledge_alert(alert_id, "Infusion paused", escalation)
    (alert,) = store.alerts([session_id])[session_id]
    assert (alert.acknowledged_by, alert.action) == (NURSE, "Infusion paused")
    assert alert.escalation is not None
    assert alert.escalation.done == ("Infusion paused", "BP rechecked")
    assert alert.escalation.physician == "Dr Ada Obi"
    assert alert.escalation.called_at == escalation.called_at
    assert alert.escalation.ordered == "Clonidine 0.1 mg PO, recheck in 10 min"
    assert (alert.escalation.entered_by, alert.escalation.entered_at) == (
        NURSE, store.clock.now())
    assert alert.seen_by_physician is None  # a nurse acknowledged it


@pytest.mark.parametrize("condition", [None, SPO2_CRITICAL], ids=["high", "critical"])
def test_a_high_or_critical_alert_without_an_escalation_is_refused(store, charting, db_path,
                                                                   condition):
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id, *([condition] if condition else []))
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.acknowledge_alert(alert_id, "Seen")
    assert "escalation" in refused.value.reasons
    assert row_counts(db_path) == before


def test_a_low_alert_keeps_the_quick_acknowledgement(store, charting):
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id, REMINDER)
    store.acknowledge_alert(alert_id, "Seen; rechecked")
    (alert,) = store.alerts([session_id])[session_id]
    assert (alert.action, alert.escalation) == ("Seen; rechecked", None)


@pytest.mark.parametrize(("escalation", "field"), [
    (Escalation(), "done"),
    (Escalation(done=("Infusion paused",), physician_called=True), "physician"),
    (Escalation(done=("x" * 501,)), "done"),
    (Escalation(done=("a",), ordered="x" * 501), "ordered"),
])
def test_the_store_checks_the_escalation_again(store, charting, db_path, escalation, field):
    """A script calling the store is a path in too: what the dialog refuses, it refuses."""
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id)
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.acknowledge_alert(alert_id, "Seen", escalation)
    assert field in refused.value.reasons
    assert row_counts(db_path) == before


def test_a_call_before_the_alert_or_in_the_future_is_refused(store, charting):
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id)
    for minutes in (-1, 1):
        escalation = Escalation(done=("a",), physician_called=True, physician="Dr Obi",
                                called_at=store.clock.now() + timedelta(minutes=minutes))
        with pytest.raises(ValidationError) as refused:
            store.acknowledge_alert(alert_id, "Seen", escalation)
        assert "called_at" in refused.value.reasons


def test_a_failure_after_the_acknowledgement_row_leaves_nothing(store, charting, db_path,
                                                                monkeypatch):
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id)
    before = row_counts(db_path)
    written = Store._record

    def failing(self, table, values, **kwargs):
        if table == "escalations":
            failure = sqlite3.OperationalError("disk I/O error")
            failure.sqlite_errorcode = sqlite3.SQLITE_IOERR  # as SQLite raises it
            raise failure
        return written(self, table, values, **kwargs)

    monkeypatch.setattr(Store, "_record", failing)
    with pytest.raises(Exception, match="disk"):
        store.acknowledge_alert(alert_id, "Infusion paused", called(store, 0))
    monkeypatch.undo()
    assert row_counts(db_path) == before
    assert ack_rows(db_path) == []
    store.acknowledge_alert(alert_id, "Infusion paused", called(store, 0))  # still waiting
    assert ack_rows(db_path) == [(alert_id, '["Infusion paused","BP rechecked"]')]


def test_the_physician_names_offered_are_the_prescriber_and_the_physicians(store, charting):
    session_id, _ = running(charting)
    assert store.escalation_physicians(session_id) == ["Dr Ada Obi"]
    other = charting.session(patient=charting.patient("MRN-9"), prescriber="Dr Kim Lee")
    assert store.escalation_physicians(other) == ["Dr Kim Lee", "Dr Ada Obi"]


def test_a_physician_who_acknowledges_has_seen_it(store, charting):
    session_id, _ = running(charting)
    alert_id = raise_alert(store, session_id)
    login_as(store, PHYSICIAN)
    store.acknowledge_alert(alert_id, "Infusion paused", RECHECKED)
    (alert,) = store.alerts([session_id])[session_id]
    assert alert.seen_by_physician == PHYSICIAN
    assert store.alerts_unseen_by_physician(session_id) == []


def signed_chart(store: Store, charting: Charting) -> tuple[int, int, int]:
    """A finished chart with a critical alert a nurse acknowledged and a low one: (session,
    critical alert, low alert), the physician logged in."""
    session_id, _ = running(charting)
    critical = raise_alert(store, session_id, SPO2_CRITICAL)
    low = raise_alert(store, session_id, REMINDER)
    store.acknowledge_alert(critical, "Oxygen given", Escalation(done=("Oxygen given",)))
    charting.clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient declined")
    login_as(store, PHYSICIAN)
    return session_id, critical, low


def test_signing_records_that_the_signer_has_seen_each_unseen_alert(store, charting):
    session_id, critical, _ = signed_chart(store, charting)
    assert [a.id for a in store.alerts_unseen_by_physician(session_id)] == [critical]
    signature = store.sign(session_id, PASSWORD, seen_alerts=[critical])
    alerts = store.alerts([session_id])[session_id]
    assert {a.id: a.seen_by_physician for a in alerts}[critical] == PHYSICIAN
    assert store.alerts_unseen_by_physician(session_id) == []
    assert matches(signature, store.chart(session_id), alerts)  # seeing changes no content


def test_signing_without_seeing_an_unseen_alert_is_refused(store, charting, db_path):
    session_id, _, low = signed_chart(store, charting)
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.sign(session_id, PASSWORD, seen_alerts=[low])
    assert "alerts" in refused.value.reasons
    assert row_counts(db_path) == before
    assert store.signatures(session_id) == []


def test_a_chart_without_high_alerts_signs_as_before(store, charting, db_path):
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    before = row_counts(db_path)
    store.sign(session_id, PASSWORD, seen_alerts=[])
    after = row_counts(db_path)
    assert (after["signatures"], after["alert_reviews"]) == (before["signatures"] + 1, 0)


def test_the_review_rows_refuse_change(store, charting, db_path):
    session_id, _, _ = signed_chart(store, charting)
    store.sign(session_id, PASSWORD)
    login_as(store, ADMIN)
    with sqlite3.connect(db_path) as other:
        for table in ("escalations", "alert_reviews"):
            with pytest.raises(sqlite3.IntegrityError, match="never changed"):
                other.execute(f"DELETE FROM {table}")
    other.close()


def test_an_escalation_changed_behind_the_apps_back_no_longer_matches_the_signature(
        store, charting, db_path):
    session_id, _, _ = signed_chart(store, charting)
    signature = store.sign(session_id, PASSWORD)
    tamper(db_path, "UPDATE escalations SET done = '[\"Nothing\"]'",
           unguard=("escalations_no_update",))
    assert not matches(signature, store.chart(session_id),
                       store.alerts([session_id])[session_id])
