"""The administrator's logs as CSV or JSON: the session log (one row per session of a range
of days) and the audit log (the audit trail of those days), identified or de-identified.

The store reads each log with one query, a chunk at a time (`store.logs`); this module turns
the rows into the file. Days are the clinic's local days (`store.clock.local_zone`), both
ends included; times are written as local ISO-8601 with their UTC offset.

Every export: refused at once for an account that may not export (before anything is read);
written all or nothing (`files.atomic_write`: a cancel, a full disk or an unwritable folder
leave no file under the final name and the database as it was); and, once the file is
complete, recorded in the audit trail with the file's SHA-256.

De-identified (`deidentify=True`): a patient is shown only by a stable pseudonym (an
HMAC-SHA256 of the patient's id under the database's own random key, `core.pseudonyms`); the
session log never reads the patient's name, date of birth or MRN; the audit log removes
from every row what a person typed (names, MRN, birth date, notes, reasons, corrected
values: `core.pseudonyms.without_free_text`), names a recorded patient by pseudonym, and
leaves out the rows' hashes (a hash of a known row shape could confirm a guessed name).
Times are kept exact (reducing them to the year is issue 19's still to come).
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO, Any

from ketamonitor.core.date_range import local_day_bounds, out_of_order
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.pseudonyms import REMOVED, new_key, pseudonym, without_free_text
from ketamonitor.core.records import EarlyEndOutcome
from ketamonitor.core.wording import session_outcome
from ketamonitor.export.files import ExportCancelled, ExportFailed, atomic_write
from ketamonitor.store.interface import StoreApi
from ketamonitor.store.logs import LogRows, dose_given_of_row

log = logging.getLogger(__name__)

SESSION_LOG, AUDIT_LOG = "session_log", "audit_log"
FORMATS = ("csv", "json")
#: progress(done, total) after each chunk of rows; returning False cancels the export.
Progress = Callable[[int, int], bool]

#: The session log's columns, in order; a de-identified log has no session id, MRN or birth
#: date, and its `patient` is the pseudonym.
SESSION_COLUMNS = (
    "session", "date", "chair", "patient", "mrn", "birth_date", "route", "protocol",
    "dose_mg_per_kg", "devices", "total_mg", "given_mg", "nurse", "signed_by", "began",
    "dose_started", "dose_ended", "ended", "outcome", "critical_alerts", "high_alerts",
    "medium_alerts", "reminders", "worst_bp", "side_effects",
)
_IDENTIFIED_ONLY = frozenset({"session", "mrn", "birth_date"})
DEIDENTIFIED_SESSION_COLUMNS = tuple(c for c in SESSION_COLUMNS if c not in _IDENTIFIED_ONLY)

#: The audit log's columns: `at` exactly as stored (UTC; the hash covers it), `local_time`
#: in the clinic's zone; a de-identified log leaves out the hashes.
AUDIT_COLUMNS = (
    "id", "at", "local_time", "user", "workstation", "action", "entity", "entity_id",
    "old_value", "new_value", "reason", "prev_hash", "hash",
)
DEIDENTIFIED_AUDIT_COLUMNS = tuple(c for c in AUDIT_COLUMNS if c not in ("prev_hash", "hash"))

Record = dict[str, Any]


@dataclass(frozen=True)
class _Request:
    """One log asked for: checked, its moments in the clinic's zone, its pseudonym key."""

    since: date
    until: date
    fmt: str
    out: Path
    deidentify: bool
    zone: tzinfo
    start: datetime
    end: datetime
    key: bytes | None
    key_is_new: bool


def _request(store: StoreApi, since: date, until: date, fmt: str, out: Path,
             deidentify: bool) -> _Request:
    """Everything an export checks before it reads a row: who asks, the range, the format."""
    store.may_export()
    _check(since, until, fmt)
    zone = store.clock.local_zone
    start, end = local_day_bounds(since, until, zone)
    key, made = _pseudonym_key(store, deidentify)
    return _Request(since, until, fmt, Path(out), deidentify, zone, start, end, key, made)


def _written(kind: str, asked: _Request, rows: LogRows, columns: tuple[str, ...],
             lines: Iterator[list[tuple[Any, ...]]], progress: Progress | None) -> str:
    """The file written whole under its name (while the rows are read); its SHA-256."""
    header = _header(kind, asked.since, asked.until, asked.zone, asked.deidentify)
    return atomic_write(asked.out, lambda stream: _write(
        stream, asked.fmt, columns, rows.total, lines, asked.out, progress, header))


def _recorded(store: StoreApi, kind: str, asked: _Request, digest: str) -> Path:
    """The export's audit row, once the rows are read and the file is in place."""
    return _finish(store, kind, asked.out, digest,
                   _details(asked.since, asked.until, asked.fmt, asked.deidentify),
                   asked.key if asked.key_is_new else None)


def export_session_log(store: StoreApi, since: date, until: date, fmt: str, out: Path, *,
                       deidentify: bool, progress: Progress | None = None) -> Path:
    """Write the session log of the local days `since`..`until` (both included) to `out` as
    `fmt` ("csv" or "json"); return `out`.

    Raises PermissionDenied/NotLoggedIn (nothing read), ValidationError (a bad range or
    format), ExportCancelled (progress returned False) or ExportFailed (the file could not
    be written): in each case no file is left under `out` and nothing is recorded."""
    asked = _request(store, since, until, fmt, out, deidentify)
    columns = DEIDENTIFIED_SESSION_COLUMNS if deidentify else SESSION_COLUMNS

    def lines(rows: LogRows) -> Iterator[list[tuple[Any, ...]]]:
        shape = _SessionShape(rows.columns, asked.zone, asked.key)
        for chunk in rows:
            yield [shape.values(row) for row in chunk]

    with store.session_log(asked.start, asked.end, identified=not deidentify) as rows:
        digest = _written(SESSION_LOG, asked, rows, columns, lines(rows), progress)
    return _recorded(store, SESSION_LOG, asked, digest)


def export_audit_log(store: StoreApi, since: date, until: date, fmt: str, out: Path, *,
                     deidentify: bool, progress: Progress | None = None) -> Path:
    """Write the audit trail of the local days `since`..`until` (both included) to `out`, as
    `export_session_log` does (and with its refusals); for an administrator, who may also
    see the audit trail."""
    asked = _request(store, since, until, fmt, out, deidentify)
    columns = DEIDENTIFIED_AUDIT_COLUMNS if deidentify else AUDIT_COLUMNS

    def lines(rows: LogRows) -> Iterator[list[tuple[Any, ...]]]:
        names, local = rows.columns, LocalTimes(asked.zone)
        for chunk in rows:
            shaped = []
            for row in chunk:
                record = dict(zip(names, row, strict=True))
                record["local_time"] = local(record["at"])
                if asked.key is not None:
                    _deidentify_audit(record, asked.key)
                shaped.append(tuple(record[column] for column in columns))
            yield shaped

    with store.audit_log(asked.start, asked.end) as rows:  # refused unless one may see it
        digest = _written(AUDIT_LOG, asked, rows, columns, lines(rows), progress)
    return _recorded(store, AUDIT_LOG, asked, digest)


# -- the checks, the key and the record of an export ----------------------------------------


def _check(since: date, until: date, fmt: str) -> None:
    reasons = {}
    if fmt not in FORMATS:
        reasons["format"] = f"{fmt!r} is not a log format: use {' or '.join(FORMATS)}"
    backwards = out_of_order(since, until)
    if backwards:
        reasons["to"] = backwards
    if reasons:
        raise ValidationError(reasons)


def _pseudonym_key(store: StoreApi, deidentify: bool) -> tuple[bytes | None, bool]:
    """The key for this export's pseudonyms, and whether it was made for it (it is kept
    only once the file is complete)."""
    if not deidentify:
        return None, False
    key = store.pseudonym_key()
    return (key, False) if key is not None else (new_key(), True)


def _details(since: date, until: date, fmt: str, deidentify: bool) -> dict[str, Any]:
    return {"from": since.isoformat(), "to": until.isoformat(), "format": fmt,
            "deidentify": deidentify}


def _finish(store: StoreApi, kind: str, out: Path, digest: str, details: Mapping[str, Any],
            made_key: bytes | None) -> Path:
    """Keep a newly made pseudonym key and record the export; if either cannot be written,
    the file goes too (no export leaves the app unrecorded)."""
    try:
        if made_key is not None and store.keep_pseudonym_key(made_key) != made_key:
            raise ExportFailed(out, "another export made the pseudonym key at the same time",
                               "Export again.")
        store.record_export(kind, details, digest)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    log.info("exported %s to %s (sha256 %s)", kind, out, digest)
    return out


# -- rows into records ----------------------------------------------------------------------


class LocalTimes:
    """Stored UTC times as local ISO-8601 text with the offset, to the second.

    Called for several times a row, so the zone is asked once per UTC day: on a day whose
    start and end have the same offset (all but a clock change's), local text is the stored
    text moved by that offset."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._days: dict[str, tuple[timedelta, str] | None] = {}

    def __call__(self, stored: str | None) -> str | None:
        if stored is None:
            return None
        day = stored[:10]
        try:
            shift = self._days[day]
        except KeyError:
            shift = self._days[day] = self._shift(day)
        if shift is None:  # the day of a clock change
            return datetime.fromisoformat(stored).astimezone(self.zone).isoformat(
                timespec="seconds")
        offset, suffix = shift
        return (datetime.fromisoformat(stored[:19]) + offset).isoformat() + suffix

    def _shift(self, day: str) -> tuple[timedelta, str] | None:
        utc = datetime.fromisoformat(f"{day}T00:00:00+00:00")
        start = utc.astimezone(self.zone)
        last = (utc + timedelta(hours=23, minutes=59, seconds=59)).astimezone(self.zone)
        offset = start.utcoffset()
        if offset is None or last.utcoffset() != offset:
            return None
        return offset, start.isoformat(timespec="seconds")[19:]


class _SessionShape:
    """A session log row, as the store reads it, into the values of the file's columns."""

    def __init__(self, columns: tuple[str, ...], zone: tzinfo, key: bytes | None) -> None:
        self.columns = columns
        self.index = {name: number for number, name in enumerate(columns)}
        self.local = LocalTimes(zone)
        self.key = key
        self.pseudonyms: dict[int, str] = {}
        self.routes = {route.value: route.label for route in Route}

    def outcome(self, row: tuple[Any, ...]) -> str:
        """How the session ended, in the words every export uses (core.wording)."""
        at = self.index
        ended, early = row[at["ended_phase"]], row[at["early_end_outcome"]]
        return session_outcome(Phase(ended) if ended else None, Route(row[at["route"]]),
                               EarlyEndOutcome(early) if early else None)

    def patient(self, patient_id: int) -> str:
        assert self.key is not None
        name = self.pseudonyms.get(patient_id)
        if name is None:
            name = self.pseudonyms[patient_id] = pseudonym(self.key, patient_id)
        return name

    def values(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """In the order of SESSION_COLUMNS, or DEIDENTIFIED_SESSION_COLUMNS with a key."""
        at, local = self.index, self.local
        began = local(row[at["began_at"]])
        assert began is not None
        route = row[at["route"]]
        middle = (
            self.routes.get(route, route), row[at["protocol_name"]], row[at["dose_mg_per_kg"]],
            row[at["devices"]], row[at["total_mg"]],
            dose_given_of_row(dict(zip(self.columns, row, strict=True))).mg,
            row[at["nurse"]], row[at["signed_by"]],
            began, local(row[at["dose_started_at"]]), local(row[at["dose_ended_at"]]),
            local(row[at["ended_at"]]), self.outcome(row), row[at["critical_alerts"]],
            row[at["high_alerts"]], row[at["medium_alerts"]], row[at["reminders"]],
            row[at["worst_bp"]],
            row[at["side_effects"]],
        )
        if self.key is not None:
            return (began[:10], row[at["chair"]], self.patient(row[at["patient_id"]]), *middle)
        return (row[at["session_id"]], began[:10], row[at["chair"]],
                f"{row[at['family_name']].upper()}, {row[at['given_name']]}", row[at["mrn"]],
                row[at["birth_date"]], *middle)


def _deidentify_audit(record: Record, key: bytes) -> None:
    """An audit row with nothing a person typed in it (`core.pseudonyms.without_free_text`:
    names, MRN, birth date, notes, reasons, corrected values) and the row's reason removed;
    a row that records a patient, or a correction of one, names the patient by pseudonym."""
    patient_id = _patient_of(record)
    for column in ("old_value", "new_value"):
        record[column] = _free_text_removed(record[column])
    if record["reason"] is not None:
        record["reason"] = REMOVED
    if patient_id is not None:
        values = _json_object(record["new_value"]) or {}
        values["patient"] = pseudonym(key, patient_id)
        record["new_value"] = json.dumps(values, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False)


def _patient_of(record: Record) -> int | None:
    """The patient an audit row records (a registration or a change to it), or corrects."""
    if record["entity"] == "patients":
        return int(record["entity_id"])
    if record["entity"] == "amendments":
        values = _json_object(record["new_value"])
        if values is not None and values.get("entity") == "patients":
            return int(values["entity_id"])
    return None


def _free_text_removed(text: str | None) -> str | None:
    """JSON text with what a person typed removed; text that is not JSON is removed whole."""
    if text is None:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return REMOVED
    return json.dumps(without_free_text(values), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def _json_object(text: str | None) -> dict[str, Any] | None:
    try:
        values = json.loads(text) if text else None
    except ValueError:
        return None
    return values if isinstance(values, dict) else None


# -- records into the file ------------------------------------------------------------------


def _header(kind: str, since: date, until: date, zone: tzinfo, deidentify: bool) -> Record:
    return {"log": kind, "from": since.isoformat(), "to": until.isoformat(),
            "zone": str(zone), "deidentified": deidentify}


def _write(stream: IO[str], fmt: str, columns: tuple[str, ...], total: int,
           chunks: Iterator[list[tuple[Any, ...]]], out: Path, progress: Progress | None,
           header: Record) -> None:
    """Write the rows (values in the order of `columns`), chunk by chunk, asking `progress`
    after each whether to go on."""

    def going_on(done: int) -> None:
        if progress is not None and progress(min(done, total), total) is False:
            log.info("export to %s cancelled after %d of %d rows", out, done, total)
            raise ExportCancelled(out)

    going_on(0)
    done = 0
    if fmt == "csv":
        writer = csv.writer(stream)
        writer.writerow(columns)
        for chunk in chunks:
            writer.writerows(chunk)
            done += len(chunk)
            going_on(done)
        return
    stream.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "rows": [')
    separator = "\n"
    for chunk in chunks:
        for values in chunk:
            stream.write(separator)
            stream.write(json.dumps(dict(zip(columns, values, strict=True)),
                                    ensure_ascii=False))
            separator = ",\n"
        done += len(chunk)
        going_on(done)
    stream.write("\n]}\n")
