"""The record's interface: each confirmed entry is written with its audit row in one
transaction, committed (and fsynced) before the call returns.

Every write re-checks its input with the core rules, whatever the caller already checked,
so nothing invalid reaches the file from any path (form, monitor feed, demo, script).
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database

from ketamonitor.core.administration import DEVICE, DeviceDraft, next_device
from ketamonitor.core.alerts import AlertRecord, Reconciliation, acknowledgement_action
from ketamonitor.core.amendments import Amendment, AmendmentDraft
from ketamonitor.core.appointments import Appointment, AppointmentDraft, cancellation_reason
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Checklist
from ketamonitor.core.clock import Clock
from ketamonitor.core.entries import ChecklistAnswer, NoteDraft, ScaleAnswer, check_entry_time
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.gates import (
    check_action,
    check_ready_without_minimum,
    dosing_complete,
    follow_on,
)
from ketamonitor.core.library import Library, Origin, ProtocolVersion, load_library, shipped_library
from ketamonitor.core.patient import Patient, PatientDetails
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Protocol, ProtocolError, parse_protocol
from ketamonitor.core.protocol_text import with_version
from ketamonitor.core.records import EventKind, SessionListing, VitalsEntry
from ketamonitor.core.settings import SETTINGS, check_setting
from ketamonitor.core.setup import SessionSetup
from ketamonitor.core.timeline import PhaseChange, Timeline
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.core.vitals import Vitals, check_vitals
from ketamonitor.store import rows
from ketamonitor.store.connection import (
    check_writable,
    environment_error,
    open_database,
    pragmas,
    prepare_new_location,
)
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.lock import InstanceLock

log = logging.getLogger(__name__)

_PHASE_CHANGE_KINDS = tuple(action.value for action in Action)

_LATEST_PHASE = """
    SELECT phase, occurred_at FROM events
    WHERE session_id = s.id AND phase IS NOT NULL
    ORDER BY occurred_at DESC, id DESC LIMIT 1
"""

_ALERTS = """
    SELECT a.*, ack.at AS acknowledged_at, ack.user AS acknowledged_by, ack.action AS action,
           cleared.at AS cleared_at
    FROM alerts a
    LEFT JOIN alert_events ack ON ack.alert_id = a.id AND ack.kind = 'acknowledged'
    LEFT JOIN alert_events cleared ON cleared.alert_id = a.id AND cleared.kind = 'cleared'
"""

_APPOINTMENTS = """
    SELECT a.*, p.family_name, p.given_name, p.mrn,
           (SELECT s.id FROM sessions s WHERE s.appointment_id = a.id) AS session_id,
           c.cancelled_at, c.reason AS cancel_reason
    FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    LEFT JOIN appointment_cancellations c ON c.appointment_id = a.id
"""

_LISTING = f"""
    SELECT s.id, s.patient_id, p.family_name, p.given_name, p.mrn, s.chair, s.protocol_name,
           s.began_at,
           COALESCE((SELECT phase FROM ({_LATEST_PHASE})), 'pre_infusion') AS phase,
           COALESCE((SELECT occurred_at FROM ({_LATEST_PHASE})), s.began_at) AS phase_since
    FROM sessions s JOIN patients p ON p.id = s.patient_id
"""


class PatientCounts(NamedTuple):
    real: int
    demo: int


class Store:
    """A ketamonitor database, opened for one person charting at one workstation."""

    def __init__(
        self,
        db: Database,
        path: Path,
        clock: Clock,
        *,
        user: str,
        workstation: str | None = None,
        library: Library | None = None,
        lock: InstanceLock | None = None,
    ) -> None:
        self._db = db
        self.path = path
        self.clock = clock
        self.user = user
        self.workstation = workstation or socket.gethostname()
        self._base_library = library or shipped_library()
        self._library = self._with_clinic_protocols()
        self._lock = lock

    @classmethod
    def open(cls, path: Path | str, clock: Clock, *, user: str, lock: bool = True,
             library: Library | None = None,
             extra_protocol_folders: Sequence[Path] = ()) -> Store:
        """Take the one-instance lock, check and migrate the file; refuse with a StoreError
        (naming the file and what to do) and write nothing if it cannot be used.

        The clinic's own protocol and checklist files in `extra_protocol_folders` join the
        shipped ones (each bad file refused alone, listed in `library.problems`)."""
        if library is None and extra_protocol_folders:
            library = load_library(extra_protocol_folders)
        path = Path(path).absolute()
        instance_lock = None
        if lock:
            if path.exists():
                check_writable(path)  # before the lock file is made beside it
            else:
                prepare_new_location(path)
            instance_lock = InstanceLock(path)
            instance_lock.acquire()
        try:
            db = open_database(path)
        except BaseException:
            if instance_lock:
                instance_lock.abandon()
            raise
        return cls(db, path, clock, user=user, library=library, lock=instance_lock)

    def close(self) -> None:
        self._db.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One atomic, durable write; environment failures become StoreErrors."""
        try:
            with self._db.atomic():
                yield
        except sqlite3.OperationalError as error:
            log.error("write to %s failed: %s", self.path, error)
            raise environment_error(self.path, error) from error

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many entries in one commit, all or none: for generated or imported data (the demo
        clinic, a monitor's backlog), never for a nurse's entries, which commit one by one."""
        with self._transaction():
            yield

    def _insert(self, table: str, values: Mapping[str, Any]) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self._db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
        row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    def _audit(self, action: str, entity: str, entity_id: int | None, *,
               new_value: Mapping[str, Any] | None = None, old_value: str | None = None,
               reason: str | None = None, at: datetime | None = None) -> None:
        self._insert("audit", {
            "at": to_stored(at or self.clock.now()),
            "user": self.user,
            "workstation": self.workstation,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "old_value": old_value,
            "new_value": None if new_value is None else rows.canonical_json(new_value),
            "reason": reason,
        })

    def _charted(self, table: str, values: dict[str, Any], *, reason: str | None = None) -> int:
        """Insert a charted row stamped with who and when, with its audit row."""
        now = to_stored(self.clock.now())
        values = {**values, "entered_at": now, "entered_by": self.user}
        row_id = self._insert(table, values)
        self._audit(f"{table}.create", table, row_id, new_value=values, reason=reason)
        return row_id

    def register_patient(self, details: PatientDetails) -> Patient:
        existing = self.patient_by_mrn(details.mrn)
        if existing is not None:
            raise ValidationError({"mrn": f"already registered to {existing.display_name}"})
        values = {
            "mrn": details.mrn,
            "family_name": details.family_name,
            "given_name": details.given_name,
            "birth_date": details.birth_date.isoformat(),
            "weight_kg": details.weight_kg,
            "is_demo": int(details.is_demo),
            "registered_at": to_stored(self.clock.now()),
            "registered_by": self.user,
        }
        with self._transaction():
            patient_id = self._insert("patients", values)
            self._audit("patients.create", "patients", patient_id, new_value=values)
        return self.patient(patient_id)

    def start_session(self, setup: SessionSetup, began_at: datetime | None = None,
                      appointment_id: int | None = None) -> int:
        """Open a session in the pre-infusion phase; its protocol's text is kept with it.
        Checking in for an appointment links the two (an appointment is checked in once)."""
        if appointment_id is not None:
            self._check_appointment_open(appointment_id, setup.patient_id)
        self.patient(setup.patient_id)
        dose = setup.dose
        values = {
            "patient_id": setup.patient_id,
            "route": setup.protocol.route.value,
            "protocol_id": setup.protocol.id,
            "protocol_version": setup.protocol.version,
            "protocol_name": setup.protocol.name,
            "protocol_toml": setup.protocol.source_text,
            "chair": setup.chair,
            "nurse": setup.nurse,
            "weight_kg": setup.weight_kg,
            "dose_mg_per_kg": dose.mg_per_kg,
            "devices": dose.devices,
            "total_mg": dose.total_mg,
            "concentration_mg_per_ml": dose.concentration_mg_per_ml,
            "volume_ml": dose.volume_ml,
            "pump_rate_ml_per_h": dose.pump_rate_ml_per_h,
            "began_at": to_stored(began_at or self.clock.now()),
            "created_by": self.user,
            "prescriber": setup.prescriber,
            "appointment_id": appointment_id,
        }
        with self._transaction():
            session_id = self._insert("sessions", values)
            audited = {k: v for k, v in values.items() if k != "protocol_toml"}
            self._audit("sessions.create", "sessions", session_id, new_value=audited)
        return session_id

    def record_vitals(self, session_id: int, vitals: Vitals, source: str = "manual") -> int:
        began = self._session_began(session_id)
        check_vitals(vitals, now=self.clock.now(), session_began=began,
                     zone=self.clock.local_zone)
        values = {"session_id": session_id, "observed_at": to_stored(vitals.observed_at),
                  **vitals.measurements(), "source": source}
        with self._transaction():
            return self._charted("vitals", values)

    def record_checklist_answer(self, session_id: int, answer: ChecklistAnswer) -> int:
        self._check_time(session_id, answer.observed_at)
        values = {
            "session_id": session_id,
            "checklist": answer.checklist,
            "item": answer.item,
            "label": answer.label,
            "value": answer.value,
            "severity": answer.severity,
            "intervention": answer.intervention,
            "note": answer.note,
            "observed_at": to_stored(answer.observed_at),
        }
        with self._transaction():
            return self._charted("checklist_entries", values)

    def record_assessment(self, session_id: int, answers: list[ChecklistAnswer]) -> list[int]:
        """Several answers given at one assessment (the dissociation checklist), all or none."""
        if not answers:
            raise ValidationError({"value": "answer at least one item"})
        ids = []
        with self._transaction():
            for answer in answers:
                ids.append(self.record_checklist_answer(session_id, answer))
        return ids

    def record_scale_score(self, session_id: int, answer: ScaleAnswer) -> int:
        self._check_time(session_id, answer.observed_at)
        values = {
            "session_id": session_id,
            "scale": answer.scale,
            "timepoint": answer.timepoint,
            "total": answer.total,
            "item_scores": rows.canonical_json(answer.item_scores),
            "observed_at": to_stored(answer.observed_at),
        }
        with self._transaction():
            return self._charted("scale_scores", values)

    def record_note(self, session_id: int, note: NoteDraft) -> int:
        self._check_time(session_id, note.occurred_at)
        values = {"session_id": session_id, "kind": EventKind.NOTE, "phase": None,
                  "text": note.text, "occurred_at": to_stored(note.occurred_at)}
        with self._transaction():
            return self._charted("events", values)

    def change_phase(self, session_id: int, action: Action, *, reason: str | None = None,
                     at: datetime | None = None) -> PhaseChange:
        """Apply `action` if the session's chart allows it; refusals list what is missing."""
        now = self.clock.now()
        with self._transaction():
            chart = self.chart(session_id)
            change = check_action(chart, action, at or now, now, self.library,
                                  zone=self.clock.local_zone, reason=reason)
            self._phase_event(session_id, change)
            following = follow_on(chart, change)
            if following is not None:
                self._phase_event(session_id, following)
        return change

    def _phase_event(self, session_id: int, change: PhaseChange) -> None:
        values = {"session_id": session_id, "kind": change.action.value,
                  "phase": change.phase.value, "text": change.reason,
                  "occurred_at": to_stored(change.at)}
        self._charted("events", values, reason=change.reason)

    def record_device(self, session_id: int, lot: str,
                      at: datetime | None = None) -> DeviceDraft:
        """An intranasal device given, with its lot: the first starts the dose's clock (its
        start gate applies), the last completes dosing; all in one transaction."""
        now = self.clock.now()
        given_at = at or now
        with self._transaction():
            chart = self.chart(session_id)
            draft = next_device(chart, lot, given_at)
            if draft.is_first:
                self._phase_event(session_id, check_action(
                    chart, Action.START_INFUSION, given_at, now, self.library,
                    zone=self.clock.local_zone))
            else:
                check_entry_time(given_at, now=now, session_began=chart.session.began_at,
                                 zone=self.clock.local_zone)
            self._charted("administrations", {
                "session_id": session_id, "item": DEVICE, "number": draft.number,
                "amount_mg": draft.amount_mg, "lot": draft.lot,
                "given_at": to_stored(given_at)})
            if draft.is_last:
                self._phase_event(session_id, dosing_complete(self.chart(session_id),
                                                               given_at))
        return draft

    def record_ready_without_minimum(self, session_id: int, at: datetime) -> int:
        """REMS: when the patient would have been ready to leave without the 2-hour minimum."""
        chart = self.chart(session_id)
        check_ready_without_minimum(chart, at, now=self.clock.now(), zone=self.clock.local_zone)
        values = {"session_id": session_id, "kind": EventKind.READY_WITHOUT_MINIMUM,
                  "phase": None, "text": None, "occurred_at": to_stored(at)}
        with self._transaction():
            return self._charted("events", values)

    def amend(self, session_id: int | None, drafts: tuple[AmendmentDraft, ...]) -> list[int]:
        """Chart corrections; the rows they correct are never touched. A phase change is not
        struck: the timers and gates that followed it stand on it (end the session early, or
        note the slip, instead)."""
        ids = []
        now = to_stored(self.clock.now())
        with self._transaction():
            for draft in drafts:
                if draft.entity == "events" and self._is_phase_change(draft.entity_id):
                    raise ValidationError({"reason": "a phase change cannot be struck or "
                                                     "corrected; add a note to explain it"})
                values = {"session_id": session_id, "entity": draft.entity,
                          "entity_id": draft.entity_id, "field": draft.field,
                          "old_value": draft.old_value, "new_value": draft.new_value,
                          "reason": draft.reason, "amended_at": now, "amended_by": self.user}
                amendment_id = self._insert("amendments", values)
                self._audit(f"{draft.entity}.amend", draft.entity, draft.entity_id,
                            old_value=draft.old_value, new_value={draft.field: draft.new_value},
                            reason=draft.reason)
                ids.append(amendment_id)
        return ids

    def _is_phase_change(self, event_id: int) -> bool:
        found = self._db.execute("SELECT phase FROM events WHERE id = ?", [event_id]).fetchone()
        return found is not None and found[0] is not None

    def _session_began(self, session_id: int) -> datetime:
        row = self._db.execute("SELECT began_at FROM sessions WHERE id = ?",
                               [session_id]).fetchone()
        if row is None:
            raise UnknownRecord(f"no session {session_id}")
        return from_stored(row[0])

    def _check_time(self, session_id: int, moment: datetime) -> None:
        check_entry_time(moment, now=self.clock.now(),
                         session_began=self._session_began(session_id),
                         zone=self.clock.local_zone)

    # -- clinic protocols and settings ----------------------------------------------------

    @property
    def library(self) -> Library:
        """The protocols, checklists and scales in use: the shipped and clinic files, and the
        latest version of each clinic protocol saved in the app (rebuilt after a save). A
        session keeps the text of the version it started with, whatever is saved later."""
        return self._library

    def _with_clinic_protocols(self) -> Library:
        latest = self._rows(
            "SELECT * FROM protocols p WHERE version = (SELECT max(version) FROM protocols "
            "WHERE protocol_id = p.protocol_id) ORDER BY protocol_id")
        return self._base_library.with_clinic_protocols(
            rows.protocol_version(row) for row in latest)

    def protocol_versions(self, protocol_id: str) -> list[ProtocolVersion]:
        """Every version of a clinic protocol saved in the app, oldest first (none for a
        shipped protocol or a clinic file)."""
        return [rows.protocol_version(row) for row in self._rows(
            "SELECT * FROM protocols WHERE protocol_id = ? ORDER BY version", [protocol_id])]

    def save_clinic_protocol(self, text: str, *, based_on: str | None,
                             reason: str) -> Protocol:
        """Save the next version of a clinic protocol from its TOML text, with its audit row.

        The text is checked by the core rules (a ProtocolError names the key at fault) and
        its checklists and scales must be in the library; its `version` is set to the next
        number for its id. A shipped protocol or a clinic file is never overwritten: a clinic
        copy takes its own id. Sessions already started keep the version they began with."""
        why = " ".join(reason.split())
        if not why:
            raise ValidationError({"reason": "say why the protocol changes"})
        draft = parse_protocol(text)
        library = self.library
        origin = library.origin(draft.id)
        if draft.id in library.protocols and origin is not Origin.CLINIC:
            raise ProtocolError.at("id", f"{draft.id} is a {origin.label.lower()} protocol's "
                                         "id: save the clinic's copy under its own id")
        for other in library.protocols.values():
            if other.id != draft.id and other.name.casefold() == draft.name.casefold():
                raise ProtocolError.at("name", f"is already the name of {other.id}")
        with self._transaction():
            previous = self._db.execute(
                "SELECT version, toml FROM protocols WHERE protocol_id = ? "
                "ORDER BY version DESC LIMIT 1", [draft.id]).fetchone()
            version = previous[0] + 1 if previous else 1
            protocol = parse_protocol(with_version(text, version))
            if protocol.version != version:
                raise ProtocolError.at("version", "must be written as a line `version = N` "
                                                  "before the first table")
            self._base_library.check_protocol(protocol)
            if previous and _same_numbers(parse_protocol(previous[1], as_recorded=True),
                                          protocol):
                raise ValidationError({"protocol": f"nothing changed from version "
                                                   f"{previous[0]}"})
            values = {
                "protocol_id": protocol.id,
                "version": protocol.version,
                "name": protocol.name,
                "toml": protocol.source_text,
                "based_on": based_on,
                "created_at": to_stored(self.clock.now()),
                "created_by": self.user,
            }
            row_id = self._insert("protocols", values)
            self._audit("protocols.create", "protocols", row_id, new_value=values,
                        old_value=previous[1] if previous else None, reason=why)
        self._library = self._with_clinic_protocols()
        return protocol

    def setting(self, key: str, default: str | None = None) -> str:
        """A clinic setting's latest value; else `default`, else its declared default."""
        found = self._db.execute("SELECT value FROM settings WHERE key = ? "
                                 "ORDER BY id DESC LIMIT 1", [key]).fetchone()
        if found is not None:
            return found[0]
        return default if default is not None else SETTINGS[key].default

    def set_setting(self, key: str, value: str) -> bool:
        """Change a clinic setting, with its audit row; False (and nothing written) when the
        value is already in force."""
        cleaned = check_setting(key, value)
        with self._transaction():
            found = self._db.execute("SELECT value FROM settings WHERE key = ? "
                                     "ORDER BY id DESC LIMIT 1", [key]).fetchone()
            current = found[0] if found else SETTINGS[key].default
            if cleaned == current:
                return False
            values = {"key": key, "value": cleaned, "set_at": to_stored(self.clock.now()),
                      "set_by": self.user}
            row_id = self._insert("settings", values)
            self._audit("settings.set", "settings", row_id, new_value=values,
                        old_value=found[0] if found else None)
        return True

    # -- reading -------------------------------------------------------------------------

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self._db.execute(sql, list(params))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def patient(self, patient_id: int) -> Patient:
        found = self._rows("SELECT * FROM patients WHERE id = ?", [patient_id])
        if not found:
            raise UnknownRecord(f"no patient {patient_id}")
        return rows.patient(found[0])

    def patient_by_mrn(self, mrn: str) -> Patient | None:
        found = self._rows("SELECT * FROM patients WHERE mrn = ? COLLATE NOCASE", [mrn.strip()])
        return rows.patient(found[0]) if found else None

    def find_patients(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients whose MRN starts with, or whose name contains, what was typed."""
        words = text.split()
        if not words:
            sql = "SELECT * FROM patients ORDER BY registered_at DESC LIMIT ?"
            return [rows.patient(r) for r in self._rows(sql, [limit])]
        clauses, params = [], []
        for word in words:
            like = f"%{_escape_like(word)}%"
            clauses.append("(mrn LIKE ? ESCAPE '\\' OR family_name LIKE ? ESCAPE '\\' "
                           "OR given_name LIKE ? ESCAPE '\\')")
            params += [f"{_escape_like(word)}%", like, like]
        sql = (f"SELECT * FROM patients WHERE {' AND '.join(clauses)} "
               "ORDER BY family_name, given_name LIMIT ?")
        return [rows.patient(r) for r in self._rows(sql, [*params, limit])]

    def patient_counts(self) -> PatientCounts:
        real, demo = self._db.execute(
            "SELECT count(*) FILTER (WHERE is_demo = 0), count(*) FILTER (WHERE is_demo = 1) "
            "FROM patients").fetchone()
        return PatientCounts(real=real, demo=demo)

    def last_weight(self, patient_id: int) -> float:
        """The weight used at the patient's last session, else the registered weight."""
        found = self._db.execute(
            "SELECT weight_kg FROM sessions WHERE patient_id = ? ORDER BY began_at DESC LIMIT 1",
            [patient_id]).fetchone()
        return found[0] if found else self.patient(patient_id).details.weight_kg

    def last_protocol_id(self, patient_id: int) -> str | None:
        """The protocol of the patient's last session: the likely one for the next."""
        found = self._db.execute(
            "SELECT protocol_id FROM sessions WHERE patient_id = ? ORDER BY began_at DESC "
            "LIMIT 1", [patient_id]).fetchone()
        return found[0] if found else None

    def chart(self, session_id: int) -> SessionChart:
        """Everything charted for a session, with amendments attached to what they correct."""
        found = self._rows("SELECT * FROM sessions WHERE id = ?", [session_id])
        if not found:
            raise UnknownRecord(f"no session {session_id}")
        session = rows.session(found[0])
        amendments: dict[tuple[str, int], list[Amendment]] = defaultdict(list)
        for row in self._rows("SELECT * FROM amendments WHERE session_id = ? ORDER BY id",
                              [session_id]):
            amendments[(row["entity"], row["entity_id"])].append(rows.amendment(row))

        def attached(entity: str, row_id: int) -> tuple[Amendment, ...]:
            return tuple(amendments.get((entity, row_id), ()))

        by_session = [session_id]
        events = tuple(
            rows.event(r, attached("events", r["id"]))
            for r in self._rows("SELECT * FROM events WHERE session_id = ? "
                                "ORDER BY occurred_at, id", by_session)
        )
        changes = tuple(
            PhaseChange(Action(e.kind), e.phase, e.occurred_at, e.text)
            for e in events if e.kind in _PHASE_CHANGE_KINDS and e.phase is not None
        )
        return SessionChart(
            session=session,
            patient=self.patient(session.patient_id),
            timeline=Timeline(session.began_at, changes),
            vitals=tuple(
                rows.vitals(r, attached("vitals", r["id"]))
                for r in self._rows("SELECT * FROM vitals WHERE session_id = ? "
                                    "ORDER BY observed_at, id", by_session)
            ),
            checklist_entries=tuple(
                rows.checklist_entry(r, attached("checklist_entries", r["id"]))
                for r in self._rows("SELECT * FROM checklist_entries WHERE session_id = ? "
                                    "ORDER BY observed_at, id", by_session)
            ),
            scale_scores=tuple(
                rows.scale_score(r, attached("scale_scores", r["id"]))
                for r in self._rows("SELECT * FROM scale_scores WHERE session_id = ? "
                                    "ORDER BY observed_at, id", by_session)
            ),
            events=events,
            administrations=tuple(
                rows.administration(r)
                for r in self._rows("SELECT * FROM administrations WHERE session_id = ? "
                                    "ORDER BY number", by_session)
            ),
        )

    def vitals_entry(self, session_id: int, entry_id: int) -> VitalsEntry:
        for entry in self.chart(session_id).vitals:
            if entry.id == entry_id:
                return entry
        raise UnknownRecord(f"no vitals {entry_id} in session {session_id}")

    def sessions_between(self, start: datetime, end: datetime) -> list[SessionListing]:
        """Sessions that began in [start, end), in order of arrival."""
        return self._listings("WHERE s.began_at >= ? AND s.began_at < ? ORDER BY s.began_at",
                              [to_stored(start), to_stored(end)])

    def patient_sessions(self, patient_id: int) -> list[SessionListing]:
        """A patient's sessions, first to last: the course a physician reviews."""
        return self._listings("WHERE s.patient_id = ? ORDER BY s.began_at, s.id", [patient_id])

    def unfinished_sessions(self) -> list[SessionListing]:
        """Sessions not yet discharged or stopped, whatever day they began (a session left
        running overnight must not vanish from the room)."""
        return [listing for listing in
                self._listings("ORDER BY s.began_at", [])
                if not listing.phase.is_finished]

    def listing(self, session_id: int) -> SessionListing:
        found = self._listings("WHERE s.id = ?", [session_id])
        if not found:
            raise UnknownRecord(f"no session {session_id}")
        return found[0]

    def _listings(self, where: str, params: list[Any]) -> list[SessionListing]:
        listings = []
        for row in self._rows(f"{_LISTING} {where}", params):
            listings.append(SessionListing(
                session_id=row["id"],
                patient_id=row["patient_id"],
                patient_name=f"{row['family_name'].upper()}, {row['given_name']}",
                mrn=row["mrn"],
                chair=row["chair"],
                protocol_name=row["protocol_name"],
                began_at=from_stored(row["began_at"]),
                phase=Phase(row["phase"]),
                phase_since=from_stored(row["phase_since"]),
            ))
        return listings

    def audit_rows(self, entity: str | None = None) -> list[dict[str, Any]]:
        if entity is None:
            return self._rows("SELECT * FROM audit ORDER BY id")
        return self._rows("SELECT * FROM audit WHERE entity = ? ORDER BY id", [entity])

    def checklist(self, checklist_id: str) -> Checklist:
        return self.library.checklist(checklist_id)

    def integrity_check(self) -> list[str]:
        return [row[0] for row in self._db.execute("PRAGMA integrity_check")]

    def pragmas(self) -> dict[str, object]:
        return pragmas(self._db)

    # -- appointments ---------------------------------------------------------------------

    def schedule_appointment(self, draft: AppointmentDraft) -> int:
        self.patient(draft.patient_id)
        values = {"patient_id": draft.patient_id, "protocol_id": draft.protocol_id,
                  "chair": draft.chair, "scheduled_for": to_stored(draft.scheduled_for),
                  "created_at": to_stored(self.clock.now()), "created_by": self.user}
        with self._transaction():
            appointment_id = self._insert("appointments", values)
            self._audit("appointments.create", "appointments", appointment_id,
                        new_value=values)
        return appointment_id

    def cancel_appointment(self, appointment_id: int, reason: str) -> None:
        why = cancellation_reason(reason)
        self._check_appointment_open(appointment_id)
        values = {"appointment_id": appointment_id, "reason": why,
                  "cancelled_at": to_stored(self.clock.now()), "cancelled_by": self.user}
        with self._transaction():
            self._insert("appointment_cancellations", values)
            self._audit("appointments.cancel", "appointments", appointment_id,
                        new_value=values, reason=why)

    def appointments_between(self, start: datetime, end: datetime) -> list[Appointment]:
        """Appointments booked for [start, end), with whether each was checked in or
        cancelled, in time order."""
        return [rows.appointment(row) for row in self._rows(
            f"{_APPOINTMENTS} WHERE a.scheduled_for >= ? AND a.scheduled_for < ? "
            "ORDER BY a.scheduled_for, a.id", [to_stored(start), to_stored(end)])]

    def appointment(self, appointment_id: int) -> Appointment:
        found = self._rows(f"{_APPOINTMENTS} WHERE a.id = ?", [appointment_id])
        if not found:
            raise UnknownRecord(f"no appointment {appointment_id}")
        return rows.appointment(found[0])

    def _check_appointment_open(self, appointment_id: int,
                                patient_id: int | None = None) -> None:
        booked = self.appointment(appointment_id)
        if booked.session_id is not None:
            raise ValidationError({"appointment": "this appointment has been checked in"})
        if booked.cancelled_at is not None:
            raise ValidationError({"appointment": "this appointment was cancelled"})
        if patient_id is not None and booked.patient_id != patient_id:
            raise ValidationError({"appointment": "this appointment is another patient's"})

    # -- alerts ----------------------------------------------------------------------------

    def alerts(self, session_ids: list[int]) -> dict[int, list[AlertRecord]]:
        """Every alert of these sessions with what became of it, oldest first."""
        found: dict[int, list[AlertRecord]] = {session_id: [] for session_id in session_ids}
        if not session_ids:
            return found
        marks = ", ".join("?" for _ in session_ids)
        for row in self._rows(f"{_ALERTS} WHERE a.session_id IN ({marks}) ORDER BY a.id",
                              session_ids):
            found[row["session_id"]].append(rows.alert(row))
        return found

    def apply_alert_changes(self, session_id: int, changes: Reconciliation) -> None:
        """Raise the new alerts and record the cleared ones, in one transaction."""
        now = to_stored(self.clock.now())
        with self._transaction():
            for condition in changes.to_raise:
                values = {"session_id": session_id, "key": condition.key,
                          "kind": condition.kind.value, "priority": condition.priority.value,
                          "message": condition.message, "raised_at": now}
                alert_id = self._insert("alerts", values)
                self._audit("alerts.raise", "alerts", alert_id, new_value=values)
            for record in changes.to_clear:
                values = {"alert_id": record.id, "kind": "cleared", "at": now,
                          "user": self.user, "action": None}
                self._insert("alert_events", values)
                self._audit("alerts.clear", "alerts", record.id, new_value=values)

    def acknowledge_alert(self, alert_id: int, action: str) -> None:
        """Who saw the alert, when, and what was done; an alert is acknowledged once."""
        what = acknowledgement_action(action)
        done = self._db.execute("SELECT 1 FROM alert_events WHERE alert_id = ? AND kind = "
                                "'acknowledged'", [alert_id]).fetchone()
        if done:
            raise ValidationError({"action": "this alert has already been acknowledged"})
        values = {"alert_id": alert_id, "kind": "acknowledged",
                  "at": to_stored(self.clock.now()), "user": self.user, "action": what}
        with self._transaction():
            self._insert("alert_events", values)
            self._audit("alerts.acknowledge", "alerts", alert_id, new_value=values,
                        reason=what)


def _same_numbers(before: Protocol, after: Protocol) -> bool:
    """Two versions that differ only in their text (comments, version)."""
    return dataclasses.replace(before, version=0, source_text="") == dataclasses.replace(
        after, version=0, source_text="")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

