"""A file charted before the audit chain existed (migration 0003 arrives on it): verify
vouches for the old rows' audit trail, checks every later row in full, and finds nothing
wrong with a sound upgraded file."""

from __future__ import annotations

from ketamonitor.store.schema import CHAIN_STARTED
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.charting import Charting
from tests.people import FAST_HASHER, add_people, audit_of
from tests.store.steps import charted_by_an_older_version, tamper


def test_an_upgraded_file_is_sound_and_later_rows_are_checked_in_full(tmp_path, clock):
    path = tmp_path / "older.db"
    charted_by_an_older_version(path)
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        marker = audit_of(store)[1]
        assert (marker["user"], marker["action"]) == ("ketamonitor", CHAIN_STARTED)
        assert marker["new_value"].startswith('{"legacy_rows_up_to":{')
        Charting(store, clock).patient("NEW-1")
    assert verify_database(path) == []

    tamper(path, "UPDATE patients SET weight_kg = 99 WHERE mrn = 'NEW-1'",
           unguard=("patients_no_update",))
    (problem,) = verify_database(path)
    assert problem.startswith("patients row 2: differs from what was written")
