"""A file charted before the audit chain existed (migration 0003 arrives on it): verify
vouches for the old rows' audit trail, checks every later row in full, and finds nothing
wrong with a sound upgraded file."""

from __future__ import annotations

from pathlib import Path

from ketamonitor.store.schema import APPEND_ONLY_TABLES, CHAIN_STARTED, append_only_triggers
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.charting import Charting
from tests.people import FAST_HASHER, add_people, audit_of
from tests.store.steps import charted_by_an_older_version
from tests.store.steps import tamper as tamper_leaving_guards_dropped


def tamper(db_path: Path, *statements: str, unguard: tuple[str, ...] = ()) -> None:
    """A careful attacker: drops the named triggers, changes the file and puts the triggers
    back as they were, so only the rows themselves can give the change away."""
    tamper_leaving_guards_dropped(db_path, *statements, unguard=unguard)
    guards = append_only_triggers(APPEND_ONLY_TABLES)
    tamper_leaving_guards_dropped(db_path, *(guards[name] for name in unguard))


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


def test_a_copy_from_before_the_chain_is_reported_not_a_crash(tmp_path):
    """The .before-upgrade copy the README says to restore from has no prev_hash/hash."""
    path = charted_by_an_older_version(tmp_path / "older.db")
    (problem,) = verify_database(path)
    assert "written by a version before the audit chain" in problem
    assert "let ketamonitor upgrade it" in problem
