"""A chain_started marker turns row checks off below its ids, so `verify` honours it only
as migration 0003 wrote it: a forged one (the issue's `legacy_rows_up_to` = 1e9 for every
table, appended with the chain recomputed to match) is reported and switches nothing off."""

from __future__ import annotations

import sqlite3

from ketamonitor.core.audit_chain import canonical, row_hash
from ketamonitor.core.clock import FakeClock
from ketamonitor.store.schema import APPEND_ONLY_TABLES, CHAIN_STARTED, append_only_triggers
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.charting import Charting
from tests.conftest import START
from tests.people import FAST_HASHER, add_people
from tests.store.steps import tamper

BILLION = 10**9


def forge_marker(db_path, **fields):
    """Append a chain_started marker at the end of the chain, hashed so the chain holds."""
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    last = dict(connection.execute("SELECT * FROM audit ORDER BY id DESC LIMIT 1").fetchone())
    legacy = {table: BILLION for table in APPEND_ONLY_TABLES if table != "audit"}
    row = {"id": last["id"] + 1, "at": last["at"], "user": "ketamonitor",
           "workstation": "migration 0003", "action": CHAIN_STARTED, "entity": "audit",
           "entity_id": None, "old_value": None,
           "new_value": canonical({"legacy_rows_up_to": legacy}), "reason": "forged"}
    row.update(fields)
    columns = [name for name in last if name not in ("prev_hash", "hash")]
    values = {name: row.get(name) for name in columns}
    connection.execute(
        f"INSERT INTO audit ({', '.join(columns)}, prev_hash, hash) VALUES "
        f"({', '.join('?' for _ in columns)}, ?, ?)",
        [*values.values(), last["hash"], row_hash(last["hash"], values)])
    connection.commit()
    connection.close()
    return row["id"]


def a_clinic_with_a_patient_changed(db_path):
    clock = FakeClock(START)
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        Charting(store, clock).patient("MRN-1")
    assert verify_database(db_path) == []
    tamper(db_path, "UPDATE patients SET weight_kg = 99 WHERE mrn = 'MRN-1'",
           append_only_triggers(APPEND_ONLY_TABLES)["patients_no_update"],
           unguard=("patients_no_update",))


def test_a_forged_marker_at_the_end_is_reported_and_switches_no_check_off(db_path):
    a_clinic_with_a_patient_changed(db_path)
    marker = forge_marker(db_path)
    problems = verify_database(db_path)
    assert any(p.startswith(f"audit row {marker}: a forged chain_started marker")
               for p in problems), problems
    assert any(p.startswith("patients row") and "differs from what was written" in p
               for p in problems), problems


def test_a_forged_marker_within_the_tables_ids_is_still_reported(db_path):
    """Ids below every table's last row, but written by someone other than the migration."""
    a_clinic_with_a_patient_changed(db_path)
    legacy = {table: 1 for table in APPEND_ONLY_TABLES if table != "audit"}
    marker = forge_marker(db_path, workstation="front-desk",
                          new_value=canonical({"legacy_rows_up_to": legacy}))
    problems = verify_database(db_path)
    assert any(p.startswith(f"audit row {marker}: a forged chain_started marker")
               for p in problems), problems
    assert any(p.startswith("patients row") for p in problems), problems
