"""The administrator's logs: one row per session of a date range, and the audit trail of
the range; and the key of de-identified exports' pseudonyms.

Each log is one query, read in chunks (`LogRows`) so that an export can report progress and
its memory stays flat however long the range. Values come out as the store keeps them (UTC
times, numbers); turning them into a file is the export's work (which BP is the worst, by the
session's recorded protocol, too: `core.worst_bp`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Self

from ketamonitor.core.amendments import ENTERED_IN_ERROR, STATUS
from ketamonitor.core.checklists import Answer, ChecklistKind
from ketamonitor.core.dose import Dose, DoseGiven, given_of
from ketamonitor.core.permissions import Permission
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.timeline import PhaseChange, Timeline
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.store.handovers import CURRENT_NURSE
from ketamonitor.store.parts import StoreCore

#: The settings row holding the de-identified exports' pseudonym key (hex); not a clinic
#: setting (core.settings), and its value never leaves the store in a log.
PSEUDONYM_KEY_SETTING = "export.pseudonym_key"
SECRET = "[secret]"
#: Rows read at a time (between two progress reports) unless a caller says otherwise.
CHUNK_ROWS = 500


def _latest(entity: str, row: str, field: str) -> str:
    """The value of an entry's field after its last amendment (NULL if never amended)."""
    return (f"(SELECT am.new_value FROM amendments am WHERE am.entity = '{entity}' "
            f"AND am.entity_id = {row} AND am.field = '{field}' ORDER BY am.id DESC LIMIT 1)")


def _current(entity: str, row: str, field: str, column: str) -> str:
    """A number as corrected by its amendments (an amendment may clear it to NULL)."""
    return (f"CASE WHEN EXISTS (SELECT 1 FROM amendments am WHERE am.entity = '{entity}' "
            f"AND am.entity_id = {row} AND am.field = '{field}') "
            f"THEN CAST({_latest(entity, row, field)} AS INTEGER) ELSE {column} END")


def _valid(entity: str, row: str) -> str:
    """The entry is not struck as entered in error."""
    return f"{_latest(entity, row, STATUS)} IS NOT '{ENTERED_IN_ERROR}'"


def _phase_time(aggregate: str, *actions: Action) -> str:
    kinds = ", ".join(f"'{action.value}'" for action in actions)
    return (f"(SELECT {aggregate}(e.occurred_at) FROM events e WHERE e.session_id = s.id "
            f"AND e.phase IS NOT NULL AND e.kind IN ({kinds}))")


#: A session's phase changes, in order, as a JSON array of [action, phase, occurred_at]:
#: with the dose columns, all the dose given depends on (`dose_given_of_row`).
_PHASE_CHANGES = f"""(SELECT json_group_array(json_array(x.kind, x.phase, x.occurred_at)) FROM (
        SELECT e.kind, e.phase, e.occurred_at FROM events e
        WHERE e.session_id = s.id AND e.phase IS NOT NULL
          AND e.kind IN ({", ".join(f"'{action.value}'" for action in Action)})
        ORDER BY e.occurred_at, e.id) x)"""

def _alerts(which: str) -> str:
    """How many of the session's alerts are of one priority: a log counts critical, high
    and medium alerts apart from the reminders (low), which say only that a check is due."""
    return f"(SELECT count(*) FROM alerts a WHERE a.session_id = s.id AND {which})"


#: Who the patient is: only in an identified log (a de-identified one never reads them).
_PATIENT_COLUMNS = "p.family_name, p.given_name, p.mrn,"


def session_log_sql(*, identified: bool) -> str:
    """The session log's query: one row per session begun in [:start, :end), in order of
    arrival. Side effects are the items charted present on the checklists named in the JSON
    array :side_effect_lists; `bp_readings` is the session's BPs as a JSON array of
    [systolic, diastolic] (struck ones left out, corrected ones as corrected), judged by the
    export against the protocol the session was charted under: `protocol_key` names the
    recorded protocol text (the first session of the range charted under it), and that
    first row alone carries the text (`protocol_toml`, NULL on the others), so a year's log
    holds each text once and the export reads each once. The birth date is read either
    way: a de-identified log shows the age it gives."""
    systolic = _current("vitals", "v.id", "systolic", "v.systolic")
    diastolic = _current("vitals", "v.id", "diastolic", "v.diastolic")
    # a session with no amendment at all (nearly all) skips the per-reading lookups
    amended_bp = f"SELECT {systolic} AS systolic, {diastolic} AS diastolic"
    return f"""
SELECT
    s.id AS session_id,
    s.began_at,
    s.chair,
    s.patient_id,
    {_PATIENT_COLUMNS if identified else ""}
    p.birth_date,
    s.route,
    s.protocol_name,
    s.dose_mg_per_kg,
    s.devices,
    s.total_mg,
    s.concentration_mg_per_ml,
    s.volume_ml,
    s.pump_rate_ml_per_h,
    {_PHASE_CHANGES} AS phase_changes,
    pv.volume_ml AS pump_volume_ml,
    (SELECT total(d.amount_mg) FROM administrations d
     WHERE d.session_id = s.id AND d.item = 'device') AS device_mg,
    {CURRENT_NURSE} AS nurse,
    (SELECT g.printed_name FROM signatures g
     WHERE g.session_id = s.id AND g.kind = 'signature' ORDER BY g.id LIMIT 1) AS signed_by,
    {_phase_time("min", Action.START_INFUSION)} AS dose_started_at,
    {_phase_time("min", Action.END_INFUSION, Action.STOP_INFUSION_EARLY)} AS dose_ended_at,
    {_phase_time("min", Action.DISCHARGE, Action.END_SESSION_EARLY)} AS ended_at,
    (SELECT e.phase FROM events e WHERE e.session_id = s.id
     AND e.phase IN ('{Phase.DISCHARGED.value}', '{Phase.STOPPED_EARLY.value}')
     ORDER BY e.occurred_at, e.id LIMIT 1) AS ended_phase,
    ee.outcome AS early_end_outcome,
    {_alerts("a.tier = 'critical'")} AS critical_alerts,
    {_alerts("a.priority = 'high' AND a.tier IS NULL")} AS high_alerts,
    {_alerts("a.priority = 'medium'")} AS medium_alerts,
    {_alerts("a.priority = 'low'")} AS reminders,
    pr.first_id AS protocol_key,
    CASE WHEN pr.first_id = s.id THEN s.protocol_toml END AS protocol_toml,
    CASE WHEN EXISTS (SELECT 1 FROM amendments am WHERE am.session_id = s.id) THEN
        (SELECT json_group_array(json_array(b.systolic, b.diastolic)) FROM (
            {amended_bp} FROM vitals v
            WHERE v.session_id = s.id AND {_valid("vitals", "v.id")}) b
         WHERE b.systolic IS NOT NULL)
    ELSE
        (SELECT json_group_array(json_array(v.systolic, v.diastolic)) FROM vitals v
         WHERE v.session_id = s.id AND v.systolic IS NOT NULL)
    END AS bp_readings,
    (SELECT group_concat(x.label, '; ') FROM (
        SELECT c.label FROM checklist_entries c
        WHERE c.session_id = s.id AND c.value = '{Answer.PRESENT.value}'
          AND c.checklist IN (SELECT value FROM json_each(:side_effect_lists))
          AND {_valid("checklist_entries", "c.id")}
        GROUP BY c.item ORDER BY min(c.observed_at), min(c.id)) x) AS side_effects
FROM sessions s JOIN patients p ON p.id = s.patient_id
JOIN (SELECT x.id, first_value(x.id) OVER (PARTITION BY x.protocol_toml
                                           ORDER BY x.began_at, x.id) AS first_id
      FROM sessions x WHERE x.began_at >= :start AND x.began_at < :end) pr ON pr.id = s.id
LEFT JOIN (SELECT session_id, volume_ml, max(id) FROM pump_volumes GROUP BY session_id) pv
    ON pv.session_id = s.id
LEFT JOIN (SELECT session_id, outcome, max(id) FROM early_ends GROUP BY session_id) ee
    ON ee.session_id = s.id
WHERE s.began_at >= :start AND s.began_at < :end
ORDER BY s.began_at, s.id"""


#: The patient an audit row is about, if any: the patient registered or corrected, the
#: session's patient, or the patient of the session an entry belongs to (a de-identified log
#: shifts that patient's dates by the patient's own offset).
_AUDIT_PATIENT = """CASE
        WHEN a.entity = 'patients' THEN a.entity_id
        WHEN a.entity = 'sessions' THEN (SELECT x.patient_id FROM sessions x
                                         WHERE x.id = a.entity_id)
        WHEN NOT json_valid(a.new_value) THEN NULL
        WHEN a.entity = 'amendments' AND json_extract(a.new_value, '$.entity') = 'patients'
            THEN json_extract(a.new_value, '$.entity_id')
        ELSE COALESCE(json_extract(a.new_value, '$.patient_id'),
                      (SELECT x.patient_id FROM sessions x
                       WHERE x.id = json_extract(a.new_value, '$.session_id')))
    END"""

#: The audit log's query: the audit rows written in [:start, :end), in the order written,
#: each with the patient it is about (`patient_id`, NULL for none); the pseudonym key's own
#: row shows `[secret]` for the key.
AUDIT_LOG_SQL = f"""
SELECT a.id, a.at, a.user, a.workstation, a.action, a.entity, a.entity_id, a.old_value,
    CASE WHEN a.entity = 'settings'
              AND json_extract(a.new_value, '$.key') = '{PSEUDONYM_KEY_SETTING}'
         THEN json_set(a.new_value, '$.value', '{SECRET}') ELSE a.new_value END AS new_value,
    a.reason, a.prev_hash, a.hash, a.signer, a.signature, a.hash_rule,
    {_AUDIT_PATIENT} AS patient_id
FROM audit a
WHERE a.at >= :start AND a.at < :end
ORDER BY a.id"""


def dose_given_of_row(row: Mapping[str, Any]) -> DoseGiven:
    """The dose given of a session log row, by the chart's own rule (`core.dose.given_of`)
    from the row's dose columns, phase changes, last pump volume and devices given: the
    same figure `dose_given(chart)` gives, without reading the chart."""
    dose = Dose(total_mg=row["total_mg"], mg_per_kg=row["dose_mg_per_kg"],
                devices=row["devices"], concentration_mg_per_ml=row["concentration_mg_per_ml"],
                volume_ml=row["volume_ml"], pump_rate_ml_per_h=row["pump_rate_ml_per_h"])
    began = from_stored(row["began_at"])
    changes = tuple(PhaseChange(Action(action), Phase(phase), from_stored(at))
                    for action, phase, at in json.loads(row["phase_changes"]))
    return given_of(dose, Route(row["route"]), Timeline(began, changes),
                    row["pump_volume_ml"], row["device_mg"])


class LogRows:
    """A log's rows, read from its one query a chunk at a time: iterate for lists of tuples
    (`columns` names their values); `total` is how many there are. Close it (or use it in a
    `with`) when done, read to the end or not."""

    def __init__(self, cursor: sqlite3.Cursor, total: int, chunk_rows: int) -> None:
        self._cursor = cursor
        self.total = total
        self.columns = tuple(column[0] for column in cursor.description)
        self._chunk_rows = chunk_rows

    def __iter__(self) -> Iterator[list[tuple[Any, ...]]]:
        while chunk := self._cursor.fetchmany(self._chunk_rows):
            yield chunk

    def close(self) -> None:
        self._cursor.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Logs(StoreCore):
    """The logs an administrator exports, and the pseudonym key of de-identified ones."""

    def session_log(self, start: datetime, end: datetime, *, identified: bool,
                    chunk_rows: int | None = None) -> LogRows:
        """Every session begun in [start, end), in order of arrival (see `session_log_sql`);
        the patient's name, MRN and birth date only if `identified`."""
        self._require(Permission.EXPORT)
        lists = sorted({checklist.id for checklist in
                        self._library.checklists_of_kind(ChecklistKind.SIDE_EFFECTS)})
        params = {"start": to_stored(start), "end": to_stored(end),
                  "side_effect_lists": json.dumps(lists)}
        total = self._db.execute(
            "SELECT count(*) FROM sessions s WHERE s.began_at >= :start AND s.began_at < :end",
            params).fetchone()[0]
        cursor = self._db.execute(session_log_sql(identified=identified), params)
        return LogRows(cursor, total, chunk_rows or CHUNK_ROWS)

    def audit_log(self, start: datetime, end: datetime, *,
                  chunk_rows: int | None = None) -> LogRows:
        """The audit rows written in [start, end), in the order written (see AUDIT_LOG_SQL):
        for an administrator who may export and see the audit trail."""
        self._require(Permission.EXPORT)
        self._require(Permission.VIEW_AUDIT)
        params = {"start": to_stored(start), "end": to_stored(end)}
        total = self._db.execute(
            "SELECT count(*) FROM audit a WHERE a.at >= :start AND a.at < :end",
            params).fetchone()[0]
        return LogRows(self._db.execute(AUDIT_LOG_SQL, params), total,
                       chunk_rows or CHUNK_ROWS)

    def pseudonym_key(self) -> bytes | None:
        """The database's key for de-identified exports' pseudonyms; None until the first
        de-identified export is complete (see `keep_pseudonym_key`)."""
        self._require(Permission.EXPORT)
        found = self._db.execute("SELECT value FROM settings WHERE key = ? "
                                 "ORDER BY id DESC LIMIT 1", [PSEUDONYM_KEY_SETTING]).fetchone()
        return bytes.fromhex(found[0]) if found else None

    def keep_pseudonym_key(self, key: bytes) -> bytes:
        """Keep a new key, made for the first de-identified export once its file is complete
        (so a failed export leaves the database as it was), with its audit row; a key once
        kept is never replaced. Returns the key in force."""
        self._require(Permission.EXPORT)
        with self._transaction():
            found = self._db.execute("SELECT value FROM settings WHERE key = ? "
                                     "ORDER BY id DESC LIMIT 1",
                                     [PSEUDONYM_KEY_SETTING]).fetchone()
            if found:
                return bytes.fromhex(found[0])
            values = {"key": PSEUDONYM_KEY_SETTING, "value": key.hex(),
                      "set_at": to_stored(self.clock.now()), "set_by": self.user}
            self._record("settings", values, action="settings.pseudonym_key",
                         reason="made once, for the pseudonyms of de-identified exports")
        return key
