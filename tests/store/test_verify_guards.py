"""`verify` checks the file's guards, not only its rows: the application id it was made
with and every append-only trigger, so a trigger dropped and left dropped is reported even
before anything is changed through the hole it leaves."""

from __future__ import annotations

from ketamonitor.core.clock import FakeClock
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.conftest import START
from tests.people import FAST_HASHER, add_people
from tests.store.steps import tamper


def a_clinic(db_path):
    with Store.open(db_path, FakeClock(START), hasher=FAST_HASHER, create=True) as store:
        add_people(store)
    assert verify_database(db_path) == []


def test_a_dropped_trigger_left_dropped_is_reported(db_path):
    a_clinic(db_path)
    tamper(db_path, unguard=("vitals_no_update", "audit_no_delete"))
    problems = verify_database(db_path)
    assert any("trigger vitals_no_update is missing" in p for p in problems)
    assert any("trigger audit_no_delete is missing" in p for p in problems)


def test_a_rewritten_trigger_is_reported(db_path):
    a_clinic(db_path)
    tamper(db_path, "CREATE TRIGGER vitals_no_update BEFORE UPDATE ON vitals "
                    "WHEN 0 BEGIN SELECT 1; END", unguard=("vitals_no_update",))
    assert any("trigger vitals_no_update differs" in p for p in verify_database(db_path))


def test_a_changed_application_id_is_reported(db_path):
    a_clinic(db_path)
    tamper(db_path, "PRAGMA application_id = 7")
    assert any("application_id is 0x7" in p for p in verify_database(db_path))
