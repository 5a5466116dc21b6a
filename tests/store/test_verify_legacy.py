"""A file charted before the audit chain existed (migration 0003 arrives on it): verify
vouches for the old rows' audit trail, checks every later row in full, and finds nothing
wrong with a sound upgraded file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ketamonitor.store.schema import CHAIN_STARTED, migrations
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.charting import Charting
from tests.people import FAST_HASHER, add_people, audit_of
from tests.store.steps import tamper

_AT = "2026-11-20T09:00:00.000Z"


def _charted_before_the_chain(path: Path) -> None:
    """What an older ketamonitor wrote: a patient, audited the old way (not whole)."""
    connection = sqlite3.connect(path)
    migrations.apply(Database(connection), stop_before="0003_people")
    connection.execute(
        "INSERT INTO patients (mrn, family_name, given_name, birth_date, weight_kg, is_demo, "
        "registered_at, registered_by) VALUES ('OLD-1', 'Elder', 'Ida', '1960-01-01', 70, 0, "
        "?, 'nurse.old')", [_AT])
    connection.execute(
        "INSERT INTO audit (at, user, workstation, action, entity, entity_id, new_value) "
        "VALUES (?, 'nurse.old', 'ws', 'patients.create', 'patients', 1, '{\"mrn\":\"OLD-1\"}')",
        [_AT])
    connection.commit()
    connection.close()


def test_an_upgraded_file_is_sound_and_later_rows_are_checked_in_full(tmp_path, clock):
    path = tmp_path / "older.db"
    _charted_before_the_chain(path)
    with Store.open(path, clock, hasher=FAST_HASHER) as store:
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
