"""The administrator's logs as CSV or JSON: the session log (one row per session of a range
of days) and the audit log (the audit trail of those days), identified or de-identified.

The store reads each log with one query, a chunk at a time (`store.logs`); this module turns
the rows into the file. Days are the clinic's local days (`store.clock.local_zone`), both
ends included; times are written as local ISO-8601 with their UTC offset.

Every export: refused at once for an account that may not export (before anything is read);
written all or nothing (`files.atomic_write`: a cancel, a full disk or an unwritable folder
leave no file under the final name and the database as it was); and, once the file is
complete, recorded in the audit trail with the file's SHA-256.

De-identified (`deidentify=True`, HIPAA Safe Harbor for what the record holds): a patient is
shown only by a stable pseudonym (an HMAC-SHA256 of the patient's id under the database's own
random key, `core.pseudonyms`) and an age (over 89: "90+"); the session log never reads the
patient's name or MRN; every date and time, and any date inside a kept value, is reduced to
its year, or with `date_shift=True` moved by the patient's own stable number of days (a
time of no patient is reduced to the year); staff are named by a stable pseudonym; the
audit log removes from every row what a person typed (names, MRN, birth date, notes,
reasons, corrected values: `core.pseudonyms.without_free_text`), names the patient a row is
about by pseudonym, and leaves out the rows' hashes (a hash of a known row shape could
confirm a guessed name). The file's header says what was done (`core.deidentify`).
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
from ketamonitor.core.deidentify import (
    DateRule,
    Hiding,
    age_shown,
    deidentified_values,
    shifted_by,
    what_was_done,
    year_only,
)
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import age_on
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import ProtocolError, Route, parse_protocol
from ketamonitor.core.pseudonyms import (
    REMOVED,
    date_shift_days,
    new_key,
    pseudonym,
    staff_pseudonym,
)
from ketamonitor.core.records import EarlyEndOutcome
from ketamonitor.core.wording import session_outcome
from ketamonitor.core.worst_bp import BpLines, worst_bp
from ketamonitor.export.files import ExportCancelled, ExportFailed, atomic_write
from ketamonitor.store.interface import StoreApi
from ketamonitor.store.logs import LogRows, dose_given_of_row

log = logging.getLogger(__name__)

SESSION_LOG, AUDIT_LOG = "session_log", "audit_log"
FORMATS = ("csv", "json")
#: progress(done, total) after each chunk of rows; returning False cancels the export.
Progress = Callable[[int, int], bool]

#: The session log's columns, in order; a de-identified log has no session id, MRN or birth
#: date but the patient's age, and its `patient` is the pseudonym.
SESSION_COLUMNS = (
    "session", "date", "chair", "patient", "mrn", "birth_date", "route", "protocol",
    "dose_mg_per_kg", "devices", "total_mg", "given_mg", "nurse", "signed_by", "began",
    "dose_started", "dose_ended", "ended", "outcome", "critical_alerts", "high_alerts",
    "medium_alerts", "reminders", "worst_bp", "side_effects",
)
_IDENTIFIED_ONLY = frozenset({"session", "mrn", "birth_date"})
DEIDENTIFIED_SESSION_COLUMNS = tuple(
    column for name in SESSION_COLUMNS if name not in _IDENTIFIED_ONLY
    for column in ((name, "age") if name == "patient" else (name,)))

#: The audit log's columns: `at` exactly as stored (UTC; the hash covers it), `local_time`
#: in the clinic's zone, who signed the row and the signature (issue 20); a de-identified
#: log leaves out the hashes and signatures.
AUDIT_COLUMNS = (
    "id", "at", "local_time", "user", "workstation", "action", "entity", "entity_id",
    "old_value", "new_value", "reason", "prev_hash", "hash", "signer", "signature",
    "hash_rule",
)
DEIDENTIFIED_AUDIT_COLUMNS = tuple(c for c in AUDIT_COLUMNS
                                   if c not in ("prev_hash", "hash", "signature", "hash_rule"))

Record = dict[str, Any]


@dataclass(frozen=True)
class _Request:
    """One log asked for: checked, its moments in the clinic's zone, its pseudonym key."""

    since: date
    until: date
    fmt: str
    out: Path
    deidentify: bool
    date_shift: bool
    zone: tzinfo
    start: datetime
    end: datetime
    key: bytes | None
    key_is_new: bool


def _request(store: StoreApi, since: date, until: date, fmt: str, out: Path,
             deidentify: bool, date_shift: bool) -> _Request:
    """Everything an export checks before it reads a row: who asks, the range, the format,
    the de-identification asked."""
    store.may_export()
    _check(since, until, fmt, deidentify=deidentify, date_shift=date_shift)
    zone = store.clock.local_zone
    start, end = local_day_bounds(since, until, zone)
    key, made = _pseudonym_key(store, deidentify)
    return _Request(since, until, fmt, Path(out), deidentify, date_shift, zone, start, end,
                    key, made)


def _written(kind: str, asked: _Request, rows: LogRows, columns: tuple[str, ...],
             lines: Iterator[list[tuple[Any, ...]]], progress: Progress | None) -> str:
    """The file written whole under its name (while the rows are read); its SHA-256."""
    header = _header(kind, asked)
    return atomic_write(asked.out, lambda stream: _write(
        stream, asked.fmt, columns, rows.total, lines, asked.out, progress, header))


def _recorded(store: StoreApi, kind: str, asked: _Request, digest: str) -> Path:
    """The export's audit row, once the rows are read and the file is in place."""
    return _finish(store, kind, asked.out, digest, _details(asked),
                   asked.key if asked.key_is_new else None)


def export_session_log(store: StoreApi, since: date, until: date, fmt: str, out: Path, *,
                       deidentify: bool, date_shift: bool = False,
                       progress: Progress | None = None) -> Path:
    """Write the session log of the local days `since`..`until` (both included) to `out` as
    `fmt` ("csv" or "json"); return `out`. `date_shift` (only with `deidentify`) moves each
    patient's dates by the patient's own stable offset instead of reducing them to the year.

    Raises PermissionDenied/NotLoggedIn (nothing read), ValidationError (a bad range or
    format, a date shift without de-identifying), ExportCancelled (progress returned False)
    or ExportFailed (the file could not be written): in each case no file is left under
    `out` and nothing is recorded."""
    asked = _request(store, since, until, fmt, out, deidentify, date_shift)
    columns = DEIDENTIFIED_SESSION_COLUMNS if deidentify else SESSION_COLUMNS

    def lines(rows: LogRows) -> Iterator[list[tuple[Any, ...]]]:
        shape = _SessionShape(rows.columns, asked.zone, _hider(asked))
        for chunk in rows:
            yield [shape.values(row) for row in chunk]

    with store.session_log(asked.start, asked.end, identified=not deidentify) as rows:
        digest = _written(SESSION_LOG, asked, rows, columns, lines(rows), progress)
    return _recorded(store, SESSION_LOG, asked, digest)


def export_audit_log(store: StoreApi, since: date, until: date, fmt: str, out: Path, *,
                     deidentify: bool, date_shift: bool = False,
                     progress: Progress | None = None) -> Path:
    """Write the audit trail of the local days `since`..`until` (both included) to `out`, as
    `export_session_log` does (and with its refusals); for an administrator, who may also
    see the audit trail."""
    asked = _request(store, since, until, fmt, out, deidentify, date_shift)
    columns = DEIDENTIFIED_AUDIT_COLUMNS if deidentify else AUDIT_COLUMNS

    def lines(rows: LogRows) -> Iterator[list[tuple[Any, ...]]]:
        names, local, hider = rows.columns, LocalTimes(asked.zone), _hider(asked)
        for chunk in rows:
            shaped = []
            for row in chunk:
                record = dict(zip(names, row, strict=True))
                if hider is not None:
                    _deidentify_audit(record, hider)
                else:
                    record["local_time"] = local(record["at"])
                shaped.append(tuple(record[column] for column in columns))
            yield shaped

    with store.audit_log(asked.start, asked.end) as rows:  # refused unless one may see it
        digest = _written(AUDIT_LOG, asked, rows, columns, lines(rows), progress)
    return _recorded(store, AUDIT_LOG, asked, digest)


# -- the checks, the key and the record of an export ----------------------------------------


#: Why a date shift alone is refused (the CLI's --date-shift, the export's date_shift).
DATE_SHIFT_ALONE = ("--date-shift moves a de-identified log's dates: use it with "
                    "--deidentify (an identified log keeps its dates exact)")


def _check(since: date, until: date, fmt: str, *, deidentify: bool, date_shift: bool) -> None:
    reasons = {}
    if fmt not in FORMATS:
        reasons["format"] = f"{fmt!r} is not a log format: use {' or '.join(FORMATS)}"
    backwards = out_of_order(since, until)
    if backwards:
        reasons["to"] = backwards
    if date_shift and not deidentify:
        reasons["date_shift"] = DATE_SHIFT_ALONE
    if reasons:
        raise ValidationError(reasons)


def _pseudonym_key(store: StoreApi, deidentify: bool) -> tuple[bytes | None, bool]:
    """The key for this export's pseudonyms, and whether it was made for it (it is kept
    only once the file is complete)."""
    if not deidentify:
        return None, False
    key = store.pseudonym_key()
    return (key, False) if key is not None else (new_key(), True)


def _hider(asked: _Request) -> _Hider | None:
    """How this export de-identifies; None for an identified one."""
    if asked.key is None:
        return None
    return _Hider(asked.key, asked.zone, shift=asked.date_shift)


def _details(asked: _Request) -> dict[str, Any]:
    return {"from": asked.since.isoformat(), "to": asked.until.isoformat(),
            "format": asked.fmt, "deidentify": asked.deidentify,
            "date_shift": asked.date_shift}


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


class _Hider:
    """What a de-identified export puts in place of who and when (`core.deidentify`): the
    patient's pseudonym, the staff's, and each date reduced to the year or moved by the
    patient's own offset; worked out once per patient and per name."""

    def __init__(self, key: bytes, zone: tzinfo, *, shift: bool) -> None:
        self.key = key
        self.shift = shift
        self.local = LocalTimes(zone)
        self._patients: dict[int, str] = {}
        self._rules: dict[int, DateRule] = {}
        self._staff: dict[str, str] = {}

    def patient(self, patient_id: int) -> str:
        name = self._patients.get(patient_id)
        if name is None:
            name = self._patients[patient_id] = pseudonym(self.key, patient_id)
        return name

    def staff(self, name: str | None) -> str | None:
        if name is None:
            return None
        shown = self._staff.get(name)
        if shown is None:
            shown = self._staff[name] = staff_pseudonym(self.key, name)
        return shown

    def dates(self, patient_id: int | None) -> DateRule:
        """The rule for the dates of one patient (None: of no patient, to the year)."""
        if not self.shift or patient_id is None:
            return year_only
        rule = self._rules.get(patient_id)
        if rule is None:
            rule = self._rules[patient_id] = shifted_by(date_shift_days(self.key, patient_id))
        return rule

    def stored(self, stored: str | None, patient_id: int | None) -> str | None:
        """A stored UTC time, de-identified (the same shape when shifted)."""
        return None if stored is None else self.dates(patient_id)(stored)

    def local_time(self, stored: str | None, patient_id: int | None) -> str | None:
        """A stored time as local text, de-identified: the local year, or the local time of
        the shifted moment (so its offset is the right one for the shifted day)."""
        if stored is None:
            return None
        if not self.shift or patient_id is None:
            local = self.local(stored)
            return None if local is None else year_only(local)
        return self.local(self.dates(patient_id)(stored))


class _SessionShape:
    """A session log row, as the store reads it, into the values of the file's columns."""

    def __init__(self, columns: tuple[str, ...], zone: tzinfo, hider: _Hider | None) -> None:
        self.columns = columns
        self.index = {name: number for number, name in enumerate(columns)}
        self.local = LocalTimes(zone)
        self.hider = hider
        self.routes = {route.value: route.label for route in Route}
        self.bp_lines: dict[int, BpLines | None] = {}

    def outcome(self, row: tuple[Any, ...]) -> str:
        """How the session ended, in the words every export uses (core.wording)."""
        at = self.index
        ended, early = row[at["ended_phase"]], row[at["early_end_outcome"]]
        return session_outcome(Phase(ended) if ended else None, Route(row[at["route"]]),
                               EarlyEndOutcome(early) if early else None)

    def worst_bp(self, row: tuple[Any, ...]) -> str | None:
        """The worst BP by the rule of the protocol the session was charted under: each
        distinct protocol text comes once, on the first row charted under it, and is read
        then (`store.logs.session_log_sql`)."""
        key, text = row[self.index["protocol_key"]], row[self.index["protocol_toml"]]
        if text is not None:
            self.bp_lines[key] = _bp_lines(text)
        readings = row[self.index["bp_readings"]]
        if readings is None:
            return None
        return worst_bp(json.loads(readings), self.bp_lines[key])

    def when(self, row: tuple[Any, ...], column: str) -> str | None:
        """A stored time of the row as local text, de-identified when hidden."""
        stored = row[self.index[column]]
        if self.hider is None:
            return self.local(stored)
        return self.hider.local_time(stored, row[self.index["patient_id"]])

    def staff(self, row: tuple[Any, ...], column: str) -> str | None:
        name = row[self.index[column]]
        return name if self.hider is None else self.hider.staff(name)

    def values(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """In the order of SESSION_COLUMNS, or DEIDENTIFIED_SESSION_COLUMNS when hidden."""
        at = self.index
        began = self.when(row, "began_at")
        assert began is not None
        route = row[at["route"]]
        middle = (
            self.routes.get(route, route), row[at["protocol_name"]], row[at["dose_mg_per_kg"]],
            row[at["devices"]], row[at["total_mg"]],
            dose_given_of_row(dict(zip(self.columns, row, strict=True))).mg,
            self.staff(row, "nurse"), self.staff(row, "signed_by"),
            began, self.when(row, "dose_started_at"), self.when(row, "dose_ended_at"),
            self.when(row, "ended_at"), self.outcome(row), row[at["critical_alerts"]],
            row[at["high_alerts"]], row[at["medium_alerts"]], row[at["reminders"]],
            self.worst_bp(row),
            row[at["side_effects"]],
        )
        if self.hider is not None:
            return (began[:10], row[at["chair"]], self.hider.patient(row[at["patient_id"]]),
                    self.age(row), *middle)
        return (row[at["session_id"]], began[:10], row[at["chair"]],
                f"{row[at['family_name']].upper()}, {row[at['given_name']]}", row[at["mrn"]],
                row[at["birth_date"]], *middle)

    def age(self, row: tuple[Any, ...]) -> int | str | None:
        """The patient's age on the session's local day, as a de-identified log shows it."""
        birth = row[self.index["birth_date"]]
        began = self.local(row[self.index["began_at"]])
        if birth is None or began is None:
            return None
        return age_shown(age_on(date.fromisoformat(birth), date.fromisoformat(began[:10])))


def _bp_lines(protocol_text: str) -> BpLines | None:
    """The BP lines of a session's recorded protocol; None (the highest systolic is the
    worst) for a text that cannot be read, which a recorded protocol never should be."""
    try:
        return BpLines.of(parse_protocol(protocol_text, as_recorded=True).thresholds)
    except ProtocolError:
        log.warning("a session's recorded protocol cannot be read: its worst BP is the "
                    "highest systolic")
        return None


def _deidentify_audit(record: Record, hider: _Hider) -> None:
    """An audit row with nothing a person typed in it (`core.pseudonyms.without_free_text`:
    names, MRN, birth date, notes, reasons, corrected values) and the row's reason removed;
    its times and any date in its values de-identified, its staff by pseudonym, and the
    patient it is about (if any) named by pseudonym in its values."""
    patient_id = record["patient_id"]
    record["local_time"] = hider.local_time(record["at"], patient_id)
    record["at"] = hider.stored(record["at"], patient_id)
    record["user"] = hider.staff(record["user"])
    hiding = Hiding(hider.dates(patient_id), lambda name: hider.staff(name) or "",
                    hider.patient)
    for column in ("old_value", "new_value"):
        record[column] = _values_hidden(record[column], hiding)
    if record["reason"] is not None:
        record["reason"] = REMOVED
    if record["entity"] == "patients":
        record["entity_id"] = hider.patient(int(record["entity_id"]))
    if patient_id is not None:
        values = _json_object(record["new_value"]) or {}
        values["patient"] = hider.patient(int(patient_id))
        record["new_value"] = json.dumps(values, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False)


def _values_hidden(text: str | None, hiding: Hiding) -> str | None:
    """JSON text as a de-identified log keeps it (`core.deidentify.deidentified_values`);
    text that is not JSON is removed whole."""
    if text is None:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return REMOVED
    return json.dumps(deidentified_values(values, hiding), sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def _json_object(text: str | None) -> dict[str, Any] | None:
    try:
        values = json.loads(text) if text else None
    except ValueError:
        return None
    return values if isinstance(values, dict) else None


# -- records into the file ------------------------------------------------------------------


def _header(kind: str, asked: _Request) -> Record:
    """A JSON log's first keys. A de-identified log's range is given by its years: a range
    of one day would tell every row's day."""
    since, until = asked.since.isoformat(), asked.until.isoformat()
    if asked.deidentify:
        since, until = year_only(since), year_only(until)
    header: Record = {"log": kind, "from": since, "to": until, "zone": str(asked.zone),
                      "deidentified": asked.deidentify}
    if asked.deidentify:
        header["deidentification"] = what_was_done(shifted=asked.date_shift)
    return header


def _csv_note(header: Record) -> str | None:
    """The first line of a de-identified CSV: what was done, as a "#" line (a spreadsheet
    shows it above the columns; a reader skips it as a comment)."""
    done = header.get("deidentification")
    if done is None:
        return None
    return "# de-identified: " + "; ".join(f"{what}: {how}" for what, how in done.items())


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
        note = _csv_note(header)
        if note is not None:
            stream.write(note + "\n")
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
