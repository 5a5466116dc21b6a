"""A finished chart takes no entry as it happens, from any path; a late set goes in with its
date, time and reason, marked late on its own row and in its audit row; verify stays green."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ketamonitor.core.entries import LateVitals, checklist_answer, note_draft
from ketamonitor.core.errors import ChartSigned, ValidationError
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.verify import verify_database
from tests.people import ADMIN, PASSWORD, PHYSICIAN, login_as
from tests.store.steps import finished, running


def late_set(at: datetime, reason: str = "Charted on paper, monitor failed") -> LateVitals:
    return LateVitals(Vitals(observed_at=at, systolic=118, diastolic=76, heart_rate=70),
                      reason)


def test_a_finished_chart_refuses_every_entry_as_it_happens(charting, store, clock):
    session_id = finished(charting)
    clock.advance(minutes=30 * 24 * 60)
    now = clock.now()
    with pytest.raises(ValidationError) as refused:
        store.record_vitals(session_id, Vitals(observed_at=now, systolic=120, diastolic=80))
    assert "late entry" in refused.value.reasons["session"]
    with pytest.raises(ValidationError):
        store.record_note(session_id, note_draft("fine on the phone", now))
    checklist = store.library.checklist("discharge")
    item = checklist.items[0]
    with pytest.raises(ValidationError):
        store.record_checklist_answer(session_id, checklist_answer(
            checklist, item.key, "yes", now))
    assert store.chart(session_id).vitals[-1].original.observed_at < now


def test_a_late_set_is_charted_within_the_session_and_marked_late(charting, store, clock,
                                                                   db_path):
    session_id = finished(charting)
    chart = store.chart(session_id)
    observed = chart.session.began_at + timedelta(minutes=3)
    clock.advance(minutes=30 * 24 * 60)
    vitals_id = store.record_late_vitals(session_id, late_set(observed))
    entry = next(e for e in store.chart(session_id).vitals if e.id == vitals_id)
    assert entry.is_late and entry.late_reason == "Charted on paper, monitor failed"
    assert entry.original.observed_at == observed
    assert entry.entered_at == clock.now()
    login_as(store, ADMIN)
    audit = store.audit_trail(action="vitals.create", session_id=session_id)[0]
    assert audit["reason"] == "Charted on paper, monitor failed"
    assert '"late_reason":"Charted on paper, monitor failed"' in audit["new_value"]
    store.close()
    assert verify_database(db_path) == []


def test_a_late_set_outside_the_session_or_without_reason_is_refused(charting, store, clock):
    session_id = finished(charting)
    chart = store.chart(session_id)
    clock.advance(minutes=30 * 24 * 60)
    with pytest.raises(ValidationError) as refused:
        store.record_late_vitals(session_id, late_set(chart.timeline.finished_at
                                                      + timedelta(minutes=1)))
    assert "after the session ended" in refused.value.reasons["time"]
    with pytest.raises(ValidationError) as refused:
        store.record_late_vitals(session_id, late_set(chart.session.began_at, reason=" "))
    assert "reason" in refused.value.reasons


def test_a_late_entry_is_only_for_a_finished_unsigned_chart(charting, store, clock):
    open_id, _ = running(charting)
    with pytest.raises(ValidationError) as refused:
        store.record_late_vitals(open_id, late_set(clock.now()))
    assert "still open" in refused.value.reasons["session"]
    session_id = finished(charting)
    began = store.chart(session_id).session.began_at
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    with pytest.raises(ChartSigned):
        store.record_late_vitals(session_id, late_set(began))
