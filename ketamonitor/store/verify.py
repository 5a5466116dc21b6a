"""`ketamonitor verify`: is the file sound, and has anything been changed behind the app's
back? Reads only, needs no login, reads no patient data to show.

Three checks: SQLite's own (integrity_check, foreign_key_check); the audit trail's hash
chain (a changed, removed, inserted or reordered audit row breaks it); and every row of
every append-only table against the audit row that recorded it whole when it was written
(a charted value changed, a row deleted, or a row added without its audit row)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from ketamonitor.core.anchor import Anchor, anchor_problems, root_problems
from ketamonitor.core.audit_chain import chain_problems
from ketamonitor.store.errors import NotAKetamonitorDatabase
from ketamonitor.store.rows import audited_values
from ketamonitor.store.schema import (
    APPEND_ONLY_TABLES,
    APPLICATION_ID,
    CHAIN_STARTED,
    MIGRATION_NAMES,
    MIGRATION_SET,
    READINGS_TABLE,
    append_only_triggers,
)
from ketamonitor.store.verify_keys import root_fingerprint, signature_problems

#: Every append-only table but the audit trail itself: each row has one audit row that
#: recorded it whole.
_ROW_TABLES = tuple(table for table in APPEND_ONLY_TABLES
                    if table not in ("audit", READINGS_TABLE))
#: The audit trail's columns of signed rows (migration 0016_keys).
_SIGNED_COLUMNS = ("signer", "signature", "hash_rule")


def verify_database(path: Path, anchor: Anchor | None = None) -> list[str]:
    """Everything wrong with the file, in words; empty when it is sound. A file that is not
    a readable ketamonitor database at all is refused (NotAKetamonitorDatabase).

    `anchor`: heads of the chain kept outside the file (core.anchor), read *before* this
    call: a head the app anchors while verify runs may be newer than the snapshot read."""
    connection = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True,
                                 isolation_level=None)
    try:
        # one read transaction: every check sees the same snapshot, so an entry the app
        # charts meanwhile (its row and its audit row) is seen whole or not at all, never as
        # a row without its audit row
        connection.execute("BEGIN")
        problems = _sqlite_checks(connection)
        audit = _all(connection, "SELECT * FROM audit ORDER BY id")
        if not _has_chain(connection):
            return [*problems, _BEFORE_THE_CHAIN]
        tables = _tables(connection)
        problems += _missing_tables(connection, tables, _last_upgrade(connection))
        problems += _guard_problems(connection, tables)
        problems += chain_problems(audit)
        if anchor is not None:
            problems += anchor_problems(anchor, {row["id"]: row["hash"] for row in audit})
            problems += root_problems(anchor, root_fingerprint(connection))
        problems += _row_problems(connection, audit, tables)
        problems += signature_problems(connection, audit)  # who signed (store.verify_keys)
        return problems
    except sqlite3.DatabaseError as error:
        raise NotAKetamonitorDatabase(
            path, f"The file cannot be checked: it is not a readable ketamonitor database "
                  f"({error}).", "Check the path given with --db, or restore the latest "
                                 "backup and keep this file for investigation.") from None
    finally:
        connection.close()  # ends the read transaction; nothing was written


def _legacy_rows(connection: sqlite3.Connection,
                 audit: list[dict[str, Any]]) -> tuple[dict[str, int], list[str]]:
    """Up to which id each table was charted before the chain began (migration 0003 on an
    older file marks it with a chained audit row); nothing on a file born with the chain.

    The marker turns row checks off below its ids, so it is honoured only as the migration
    wrote it: one marker, by 'ketamonitor' from 'migration 0003', no id above the table's
    highest (rows are never deleted) and none at or above a row recorded after it (the
    migration ran before any of those). Anything else is a forged marker: reported, and
    every row is checked in full."""
    markers = [row for row in audit if row["action"] == CHAIN_STARTED]
    if not markers:
        return {}, []
    marker = markers[0]
    forged = [f"audit row {row['id']}: a forged chain_started marker (a second one)"
              for row in markers[1:]]
    try:
        legacy = {str(table): int(up_to) for table, up_to in
                  json.loads(marker["new_value"])["legacy_rows_up_to"].items()}
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
        return {}, [*forged, (f"audit row {marker['id']}: a forged chain_started marker "
                             "(unreadable)")]
    reasons = []
    if (marker["user"], marker["workstation"]) != ("ketamonitor", "migration 0003"):
        reasons.append("not written by the migration")
    for table, up_to in legacy.items():
        if table not in _ROW_TABLES:
            reasons.append(f"names {table!r}, not a charted table")
            continue
        (highest,) = connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        if up_to > highest:
            reasons.append(f"{table} up to {up_to}, beyond its last row {highest}")
        later = [row["id"] for row in audit if row["id"] > marker["id"]
                 and row["entity"] == table and row["entity_id"] is not None
                 and row["entity_id"] <= up_to]
        if later:
            reasons.append(f"{table} up to {up_to}, but audit row {later[0]} records a "
                           "later row at or below it")
    if reasons:
        return {}, [*forged, (f"audit row {marker['id']}: a forged chain_started marker "
                             f"({'; '.join(reasons)}); every row is checked in full")]
    return legacy, forged


def _sqlite_checks(connection: sqlite3.Connection) -> list[str]:
    problems = [f"integrity_check: {row[0]}" for row in connection.execute(
        "PRAGMA integrity_check") if row[0] != "ok"]
    problems += [f"foreign_key_check: {table} row {rowid} refers to a missing {parent} row"
                 for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")]
    return problems


#: What a file written before the audit chain (e.g. a `.before-upgrade-…` copy kept by an
#: upgrade) gets instead of a crash: nothing in it can be checked against tampering.
_BEFORE_THE_CHAIN = (
    "this file was written by a version before the audit chain (e.g. a .before-upgrade "
    "copy): its audit trail has no chain, so changes to it cannot be detected. To use it, "
    "restore it and let ketamonitor upgrade it, then verify the upgraded file.")


def _has_chain(connection: sqlite3.Connection) -> bool:
    columns = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
    return {"prev_hash", "hash"} <= columns


def older_version(path: Path) -> str | None:
    """The last upgrade a file written by an older ketamonitor had (e.g. a
    `.before-upgrade-…` copy), or None for a file of this version (or one not readable:
    `verify_database` says why). verify checks such a file as far as its tables go; the
    command line says so, as what came later (signed rows, since 0016_keys) is not there
    to check."""
    last = _read_only(path, _last_upgrade)
    return None if last == MIGRATION_NAMES[-1] else last


def root_key_of(path: Path) -> str | None:
    """The fingerprint of the clinic's root key in the file (None: none, or unreadable), for
    verify to say beside its verdict: compared by eye with the line printed when the clinic
    was set up, it tells a file rewritten whole with keys of its own."""
    return _read_only(path, root_fingerprint)


def _read_only(path: Path, read: Callable[[sqlite3.Connection], str | None]) -> str | None:
    """`read` on the file opened read-only; None when it cannot be read (verify_database
    says why)."""
    try:
        with closing(sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro",
                                     uri=True)) as connection:
            return read(connection)
    except sqlite3.Error:
        return None


def _last_upgrade(connection: sqlite3.Connection) -> str | None:
    """The file's last migration of this version's list (None: it records none)."""
    tables = _tables(connection)
    if "_sqlite_migrations" not in tables:
        return None
    applied = {name for (name,) in connection.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
    known = [name for name in MIGRATION_NAMES if name in applied]
    return known[-1] if known else None


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}


def _missing_tables(connection: sqlite3.Connection, tables: set[str],
                    last_upgrade: str | None) -> list[str]:
    """An append-only table (or the audit trail's signature columns) missing from a file
    that records every upgrade of this version was dropped, with all it held; on an older
    file (a before-upgrade copy) what later versions made is simply not there yet."""
    if last_upgrade != MIGRATION_NAMES[-1]:
        return []
    problems = [f"table {table} is missing: dropped, with every row it held"
                for table in APPEND_ONLY_TABLES if table not in tables]
    columns = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
    problems += [f"audit column {column} is missing: dropped, so who signed the rows "
                 "cannot be checked" for column in _SIGNED_COLUMNS if column not in columns]
    return problems


def _guard_problems(connection: sqlite3.Connection, tables: set[str]) -> list[str]:
    """The file is ketamonitor's (application_id) and every append-only trigger of the
    tables it has is there with the SQL the schema wrote: a trigger dropped (or rewritten)
    leaves every later change unguarded, so it is reported even when no row was changed
    yet."""
    (application_id,) = connection.execute("PRAGMA application_id").fetchone()
    problems = [] if application_id == APPLICATION_ID else [
        (f"application_id is {application_id:#x}, not ketamonitor's {APPLICATION_ID:#x}: "
         "the file was changed or is not a ketamonitor database")]
    present = dict(connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    guarded = tuple(table for table in APPEND_ONLY_TABLES if table in tables)
    for name, sql in append_only_triggers(guarded).items():
        if name not in present:
            problems.append(f"trigger {name} is missing: append-only guard dropped")
        elif present[name] != sql:
            problems.append(f"trigger {name} differs from the schema's: append-only guard "
                            "rewritten")
    return problems


def _all(connection: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _row_problems(connection: sqlite3.Connection, audit: list[dict[str, Any]],
                  tables: set[str]) -> list[str]:
    # the first audit row of each row of each table: the one that recorded it whole
    recorded: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in audit:
        if row["entity"] in _ROW_TABLES and row["entity_id"] is not None:
            recorded[row["entity"]].setdefault(row["entity_id"], row)
    legacy, problems = _legacy_rows(connection, audit)
    charted: dict[Any, dict[str, Any]] = {}  # a monitor's readings, as their reads recorded
    for table in _ROW_TABLES:
        if table not in tables:
            continue  # an older file's (or a dropped table: see _missing_tables)
        written = recorded[table]
        rows = {row["id"]: row for row in _all(connection, f"SELECT * FROM {table}")}
        for row_id, row in rows.items():
            if row_id <= legacy.get(table, 0):
                continue  # charted before the chain: its audit rows are chained, that is all
            first = written.get(row_id)
            if first is None:
                problems.append(f"{table} row {row_id}: no audit row records it (written "
                                "behind the app's back)")
                continue
            as_written = json.loads(first["new_value"] or "null")
            if table == "monitor_reads" and isinstance(as_written, dict):
                charted.update({reading.get("id"): reading
                                for reading in as_written.pop("readings", None) or []
                                if isinstance(reading, dict)})
            values = audited_values(table, {k: v for k, v in row.items() if k != "id"})
            if as_written != values:
                changed = sorted(k for k in values if as_written.get(k) != values[k])
                problems.append(f"{table} row {row_id}: differs from what was written "
                                f"(audit row {first['id']}; {', '.join(changed)})")
        problems += [f"{table} row {row_id}: deleted (audit row {first['id']} recorded it)"
                     for row_id, first in written.items()
                     if row_id not in rows and row_id > legacy.get(table, 0)]
    if READINGS_TABLE in tables:
        problems += _reading_problems(connection, charted)
    return problems


def _reading_problems(connection: sqlite3.Connection,
                      charted: dict[Any, dict[str, Any]]) -> list[str]:
    """A monitor's readings against the audit rows of the reads that charted them: one
    audit row records a frame's read and every set it charted (store.monitor_readings)."""
    problems = []
    rows = {row["id"]: row for row in _all(connection, f"SELECT * FROM {READINGS_TABLE}")}
    for row_id, row in rows.items():
        written = charted.get(row_id)
        if written is None:
            problems.append(f"{READINGS_TABLE} row {row_id}: no read's audit row records it "
                            "(written behind the app's back)")
        elif written != row:
            changed = sorted(k for k in row if written.get(k) != row[k])
            problems.append(f"{READINGS_TABLE} row {row_id}: differs from what was written "
                            f"({', '.join(changed)})")
    problems += [f"{READINGS_TABLE} row {row_id}: deleted (its read's audit row recorded it)"
                 for row_id in charted if row_id not in rows]
    return problems
