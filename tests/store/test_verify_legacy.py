"""A file charted before the audit chain existed (migration 0003 arrives on it): verify
vouches for the old rows' audit trail, checks every later row in full, and finds nothing
wrong with a sound upgraded file."""

from __future__ import annotations

from pathlib import Path

from ketamonitor import cli
from ketamonitor.store.schema import APPEND_ONLY_TABLES, CHAIN_STARTED, append_only_triggers
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.charting import Charting
from tests.people import FAST_HASHER, add_people, audit_of
from tests.store.steps import charted_by_an_older_version
from tests.store.steps import tamper as tamper_leaving_guards_dropped
from tests.store.test_keys_accounts import older_clinic


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


def test_a_file_from_before_keys_is_checked_as_far_as_its_tables_go(tmp_path, capsys):
    """A clinic of the version before signed rows (no account_keys table, no signature
    columns): its chain and rows are checked, nothing crashes, and the command says what it
    could not check."""
    path = older_clinic(tmp_path / "ketamonitor.db")
    assert verify_database(path) == []
    assert cli.main(["verify", "--db", str(path)]) == 0
    said = capsys.readouterr().out
    assert "older ketamonitor (its last upgrade: 0015_doses_given)" in said, said


def test_the_before_upgrade_copy_verifies(tmp_path, clock, capsys):
    """The copy an upgrade keeps (the one the README says to restore from) is no crash."""
    path = older_clinic(tmp_path / "ketamonitor.db")
    Store.open(path, clock, hasher=FAST_HASHER).close()  # upgrades, keeping a copy
    (copy,) = tmp_path.glob("ketamonitor.db.before-upgrade-*")
    code, said = cli.main(["verify", "--db", str(copy)]), capsys.readouterr().out
    assert code == 0 and "its last upgrade: 0015_doses_given" in said, said
    code, said = cli.main(["verify", "--db", str(path)]), capsys.readouterr().out
    assert code == 0 and "older ketamonitor" not in said, said


def test_a_table_of_this_version_dropped_is_named_not_a_crash(tmp_path, clock):
    path = tmp_path / "ketamonitor.db"
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
    tamper_leaving_guards_dropped(path, "DROP TABLE account_keys",
                                  "ALTER TABLE audit DROP COLUMN signature")
    problems = verify_database(path)
    assert "table account_keys is missing: dropped, with every row it held" in problems
    assert any(problem.startswith("audit column signature is missing") for problem in problems)
