"""Steps the accounts, signature and verify tests share: a finished chart, a raised alert,
and the file read the way an auditor with the sqlite3 shell would read it."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from ketamonitor.core.alerts import AlertCondition, AlertKind, Priority, Reconciliation
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.patient import Patient
from ketamonitor.core.phases import Action
from ketamonitor.store.schema import APPEND_ONLY_TABLES, migrations
from ketamonitor.store.store import Store
from tests.charting import EARLY_END, Charting

BP_HIGH = AlertCondition("bp-high-1", AlertKind.BP_ABOVE_STOP_LINE, Priority.HIGH,
                         "BP 182/104 is above the stop line 180/110")
#: What a high alert's acknowledgement records in tests that are not about escalations.
RECHECKED = Escalation(done=("BP rechecked",))
_MRNS = itertools.count(5001)
_OLDER_AT = "2026-11-20T09:00:00.000Z"


def charted_by_an_older_version(path: Path, *, stop_before: str = "0003_people") -> Path:
    """What an older ketamonitor left: its migrations only, and a patient audited the old
    way (not whole, and before the audit chain)."""
    connection = sqlite3.connect(path)
    migrations.apply(Database(connection), stop_before=stop_before)
    connection.execute(
        "INSERT INTO patients (mrn, family_name, given_name, birth_date, weight_kg, is_demo, "
        "registered_at, registered_by) VALUES ('OLD-1', 'Elder', 'Ida', '1960-01-01', 70, 0, "
        "?, 'nurse.old')", [_OLDER_AT])
    connection.execute(
        "INSERT INTO audit (at, user, workstation, action, entity, entity_id, new_value) "
        "VALUES (?, 'nurse.old', 'ws', 'patients.create', 'patients', 1, '{\"mrn\":\"OLD-1\"}')",
        [_OLDER_AT])
    connection.commit()
    connection.close()
    return path


def running(charting: Charting, patient: Patient | None = None) -> tuple[int, int]:
    """A session with its baseline vitals charted: (session id, vitals id)."""
    patient = patient or charting.patient(f"MRN-{next(_MRNS)}")
    session_id = charting.session(patient=patient)
    return session_id, charting.bp(session_id, 124, 80)


def finished(charting: Charting, patient: Patient | None = None) -> int:
    """A session charted and then ended early (a finished chart, ready for review)."""
    session_id, _ = running(charting, patient)
    charting.clock.advance(minutes=5)
    charting.store.change_phase(session_id, Action.END_SESSION_EARLY,
                                early_end=EARLY_END, reason="patient declined the infusion")
    return session_id


def raise_alert(store: Store, session_id: int, condition: AlertCondition = BP_HIGH) -> int:
    """The room raising an alert on the session; its id."""
    store.apply_alert_changes(session_id, Reconciliation((condition,), ()))
    return next(alert.id for alert in store.alerts([session_id])[session_id]
                if alert.key == condition.key)


def row_counts(db_path: Path) -> dict[str, int]:
    """Rows in every table of the record, read straight from the file."""
    with sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as connection:
        counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in APPEND_ONLY_TABLES}
    connection.close()
    return counts


def tamper(db_path: Path, *statements: str, unguard: tuple[str, ...] = ()) -> None:
    """Change the file behind the app's back: drop the named triggers (e.g.
    "vitals_no_update") and run the statements, with the raw sqlite3 module."""
    connection = sqlite3.connect(db_path)
    try:
        for trigger in unguard:
            connection.execute(f"DROP TRIGGER {trigger}")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()
