"""Reading the record back as core values."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, NamedTuple

from ketamonitor.core.amendments import Amendment
from ketamonitor.core.audit_chain import GENESIS
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Checklist
from ketamonitor.core.monitor_readings import MonitorReading
from ketamonitor.core.patient import Patient
from ketamonitor.core.permissions import Permission
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import SessionListing, VitalsEntry
from ketamonitor.core.timeline import PhaseChange, Timeline
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.store import rows
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.handovers import CURRENT_NURSE
from ketamonitor.store.parts import StoreCore

_PHASE_CHANGE_KINDS = tuple(action.value for action in Action)
#: The audit action of read access to a chart.
CHART_OPENED = "chart.opened"
#: Its entity: not `sessions` (each audit row of that entity records a sessions row whole).
CHARTS = "charts"

_LATEST_PHASE = """
    SELECT phase, occurred_at FROM events
    WHERE session_id = s.id AND phase IS NOT NULL
    ORDER BY occurred_at DESC, id DESC LIMIT 1
"""


_LISTING = f"""
    SELECT s.id, s.patient_id, p.family_name, p.given_name, p.mrn, s.chair, s.protocol_name,
           s.began_at, {CURRENT_NURSE} AS nurse,
           COALESCE((SELECT phase FROM ({_LATEST_PHASE})), 'pre_infusion') AS phase,
           COALESCE((SELECT occurred_at FROM ({_LATEST_PHASE})), s.began_at) AS phase_since
    FROM sessions s JOIN patients p ON p.id = s.patient_id
"""


class PatientCounts(NamedTuple):
    real: int
    demo: int


class RecordReads(StoreCore):
    """The record read back as core values, by anyone logged in."""
    def patient(self, patient_id: int) -> Patient:
        self._require(Permission.READ_RECORD)
        found = self._rows("SELECT * FROM patients WHERE id = ?", [patient_id])
        if not found:
            raise UnknownRecord(f"no patient {patient_id}")
        return rows.patient(found[0])

    def patient_by_mrn(self, mrn: str) -> Patient | None:
        self._require(Permission.READ_RECORD)
        found = self._rows("SELECT * FROM patients WHERE mrn = ? COLLATE NOCASE", [mrn.strip()])
        return rows.patient(found[0]) if found else None

    def find_patients(self, text: str, limit: int = 50) -> list[Patient]:
        """Patients whose MRN starts with, or whose name contains, what was typed."""
        self._require(Permission.READ_RECORD)
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
        self._require(Permission.READ_RECORD)
        real, demo = self._db.execute(
            "SELECT count(*) FILTER (WHERE is_demo = 0), count(*) FILTER (WHERE is_demo = 1) "
            "FROM patients").fetchone()
        return PatientCounts(real=real, demo=demo)

    def last_weight(self, patient_id: int) -> float:
        """The weight used at the patient's last session, else the registered weight."""
        self._require(Permission.READ_RECORD)
        found = self._db.execute(
            "SELECT weight_kg FROM sessions WHERE patient_id = ? ORDER BY began_at DESC LIMIT 1",
            [patient_id]).fetchone()
        return found[0] if found else self.patient(patient_id).details.weight_kg

    def last_protocol_id(self, patient_id: int) -> str | None:
        """The protocol of the patient's last session: the likely one for the next."""
        self._require(Permission.READ_RECORD)
        found = self._db.execute(
            "SELECT protocol_id FROM sessions WHERE patient_id = ? ORDER BY began_at DESC "
            "LIMIT 1", [patient_id]).fetchone()
        return found[0] if found else None

    def chart(self, session_id: int,
              held: tuple[MonitorReading, ...] | None = None) -> SessionChart:
        """Everything charted for a session, with amendments attached to what they correct.
        `held`: the monitor's readings of this session the caller holds (the room's copy,
        which its tick keeps appending to): they are taken as they are and not read again
        (append-only, thousands at a reading a second), and the nurse's verdicts are read
        only when there are readings to have them; None reads them all."""
        self._require(Permission.READ_RECORD)
        found = self._rows(f"SELECT s.*, {CURRENT_NURSE} AS current_nurse FROM sessions s "
                           "WHERE s.id = ?", [session_id])
        if not found:
            raise UnknownRecord(f"no session {session_id}")
        session = rows.session({**found[0], "nurse": found[0]["current_nurse"]})
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
        if held is not None and any(reading.session_id != session_id for reading in held):
            held = None  # another session's: read them all
        readings = tuple(self._readings("WHERE m.session_id = ?", by_session)) if (
            held is None) else held
        marks = tuple(rows.reading_mark(r) for r in self._rows(
            "SELECT * FROM monitor_marks WHERE session_id = ? ORDER BY id", by_session)
        ) if readings else ()
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
            medications=tuple(
                rows.medication(r, attached("medications", r["id"]))
                for r in self._rows("SELECT * FROM medications WHERE session_id = ? "
                                    "ORDER BY given_at, id", by_session)
            ),
            overrides=tuple(
                rows.override(r)
                for r in self._rows("SELECT * FROM overrides WHERE session_id = ? "
                                    "ORDER BY id", by_session)
            ),
            risk_assessments=self._risk_assessments(session_id),
            early_end=self._early_end(session_id),
            pump_volumes=tuple(
                rows.pump_volume(r)
                for r in self._rows("SELECT * FROM pump_volumes WHERE session_id = ? "
                                    "ORDER BY id", by_session)
            ),
            monitor_readings=readings,
            reading_marks=marks,
        )

    def record_chart_opened(self, session_id: int) -> None:
        """Read access, recorded: one `chart.opened` row each time a person opens a chart
        (the window calls it when the chart is opened, not at each redraw or tick)."""
        listing = self.listing(session_id)
        with self._transaction():
            self._audit(CHART_OPENED, CHARTS, session_id,
                        new_value={"session_id": session_id,
                                   "patient_id": listing.patient_id})

    def vitals_entry(self, session_id: int, entry_id: int) -> VitalsEntry:
        self._require(Permission.READ_RECORD)
        for entry in self.chart(session_id).vitals:
            if entry.id == entry_id:
                return entry
        raise UnknownRecord(f"no vitals {entry_id} in session {session_id}")

    def sessions_between(self, start: datetime, end: datetime) -> list[SessionListing]:
        """Sessions that began in [start, end), in order of arrival."""
        self._require(Permission.READ_RECORD)
        return self._listings("WHERE s.began_at >= ? AND s.began_at < ? ORDER BY s.began_at",
                              [to_stored(start), to_stored(end)])

    def patient_sessions(self, patient_id: int) -> list[SessionListing]:
        """A patient's sessions, first to last: the course a physician reviews."""
        self._require(Permission.READ_RECORD)
        return self._listings("WHERE s.patient_id = ? ORDER BY s.began_at, s.id", [patient_id])

    def unfinished_sessions(self) -> list[SessionListing]:
        """Sessions not yet discharged or stopped, whatever day they began (a session left
        running overnight must not vanish from the room)."""
        self._require(Permission.READ_RECORD)
        return [listing for listing in
                self._listings("ORDER BY s.began_at", [])
                if not listing.phase.is_finished]

    def listing(self, session_id: int) -> SessionListing:
        self._require(Permission.READ_RECORD)
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
                nurse=row["nurse"],
            ))
        return listings

    def checklist(self, checklist_id: str) -> Checklist:
        return self.library.checklist(checklist_id)

    def audit_head(self) -> tuple[int, str]:
        """The audit chain's head: the id and hash of its last row ((0, the genesis hash)
        for an empty trail). A printout that quotes it says which state of the record it
        was made from; `verify` shows the chain up to it is intact."""
        self._require(Permission.READ_RECORD)
        last = self._db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        return (last[0], last[1]) if last else (0, GENESIS)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
