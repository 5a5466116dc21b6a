"""Typing not yet saved on a chart: kept, replaced as it goes on, forgotten on save; never
part of the record (not audited, not checked by verify), and only for those who chart."""

from __future__ import annotations

import pytest

from ketamonitor.core.permissions import NotLoggedIn, PermissionDenied
from ketamonitor.store.verify import verify_database
from tests.people import ADMIN, NURSE, PHYSICIAN, audit_of, login_as


def test_typing_is_kept_replaced_and_forgotten_without_touching_the_record(
        store, charting, clock, db_path):
    session_id = charting.session()
    audit_before = len(audit_of(store))
    store.keep_unsaved(session_id, "note", "Pt reports mild nau")
    clock.advance(seconds=20)
    store.keep_unsaved(session_id, "note", "Pt reports mild nausea, resolved with rest")
    store.keep_unsaved(session_id, "vitals", '{"systolic": "141"}')

    kept = store.unsaved_typing(session_id)
    assert kept["note"].text == "Pt reports mild nausea, resolved with rest"
    assert (kept["note"].typed_by, kept["note"].typed_at) == (NURSE, clock.now())
    assert kept["vitals"].text == '{"systolic": "141"}'
    assert len(audit_of(store)) == audit_before  # scratch, not the record
    assert verify_database(db_path) == []

    store.keep_unsaved(session_id, "note", "   ")  # emptied: nothing to keep
    store.forget_unsaved(session_id, "vitals")  # saved
    assert store.unsaved_typing(session_id) == {}
    assert store.unsaved_typing(charting.session(patient=charting.patient("MRN-2"))) == {}


def test_another_person_sees_who_typed_it(store, charting):
    session_id = charting.session()
    store.keep_unsaved(session_id, "note", "typed by the nurse")
    login_as(store, PHYSICIAN)
    assert store.unsaved_typing(session_id)["note"].typed_by == NURSE


def test_only_those_who_chart_may_keep_typing(store, charting):
    session_id = charting.session()
    login_as(store, ADMIN)
    with pytest.raises(PermissionDenied):
        store.keep_unsaved(session_id, "note", "an administrator never charts")
    store.screen_locked = True
    with pytest.raises(NotLoggedIn):
        store.keep_unsaved(session_id, "note", "nor does anyone behind the lock")
