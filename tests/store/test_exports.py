"""The store's part of every export: the check before it (a physician or an administrator,
never a nurse's account) and the audit row after it, holding what was exported and the
file's SHA-256."""

from __future__ import annotations

import json

import pytest

from ketamonitor.core.permissions import PermissionDenied
from tests.people import ADMIN, NURSE, PHYSICIAN, audit_of, login_as

SHA = "ab" * 32


@pytest.mark.parametrize("username", [PHYSICIAN, ADMIN])
def test_a_physician_or_an_administrator_may_export_and_each_export_is_audited(store, username):
    login_as(store, username)
    assert store.may_export().username == username
    store.record_export("summary", {"session_id": 4, "format": "pdf"}, SHA)
    (row,) = audit_of(store, "exports")
    assert (row["action"], row["user"]) == ("exports.summary", username)
    assert json.loads(row["new_value"]) == {"session_id": 4, "format": "pdf", "sha256": SHA}


def test_a_nurses_export_is_never_recorded_as_made(store):
    login_as(store, NURSE)
    with pytest.raises(PermissionDenied):
        store.record_export("session_log", {"from": "2026-11-01"}, SHA)
    assert audit_of(store, "exports") == []
