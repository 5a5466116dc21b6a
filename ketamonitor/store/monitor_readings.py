"""A monitor's readings on the charts (issue 21): each journaled frame read once, its sets
charted for the session in the chair its bed is mapped to, and the nurse's verdicts.

`chart_frame` is the listener's second write, made after the frame is journaled and
answered: the ACK never waits on reading the message. It is written once per frame (the
read's UNIQUE frame id; a second call writes nothing and answers with the first read), so a
listener killed between the two writes reads the frame at its next start (`unread_frames`)
and charts its readings exactly once. Like the journal it needs no login, and its audit row
is the `monitor` user's, unsigned (core.keys allows it): a reading is not charted care
until a nurse validates it. That one audit row records the read and every set it charted
(`readings`), which is how verify checks `monitor_readings` rows.

A set goes to the session in the chair at the set's own time: begun by then and not yet
discharged or stopped. Otherwise it stays in the journal only, and the read says why.

The nurse's verdicts (`accept_monitor_reading`, `mark_monitor_artifact`) are ordinary
charted entries, signed by her: accepting charts the reading as a vitals set (source
`monitor`) and marks it accepted, naming that set, in one transaction; an artifact is a
mark with its reason. One verdict per reading, the file's UNIQUE index says so too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.monitor_feed import MONITOR, FrameOutcome, MonitorFrame
from ketamonitor.core.monitor_message import (
    MessageRefusal,
    MonitorMessage,
    parse_monitor_message,
)
from ketamonitor.core.monitor_readings import (
    FRAME_READ,
    FROM_MONITOR,
    NOTE_MAX_CHARACTERS,
    READING_ACCEPTED,
    READING_ARTIFACT,
    FrameRead,
    MonitorReading,
    ReadingVerdict,
    check_artifact_reason,
)
from ketamonitor.core.permissions import Permission
from ketamonitor.core.times import format_local, from_stored, to_stored
from ketamonitor.core.vitals import MEASUREMENTS, Vitals
from ketamonitor.store import rows
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.monitor_feed import FRAMES, MonitorFeed
from ketamonitor.store.values import check_row

READS = "monitor_reads"
READINGS = "monitor_readings"
MARKS = "monitor_marks"
#: A reading's measurement columns (a vitals set's, without the oxygen flow a monitor does
#: not send).
_COLUMNS = tuple(MEASUREMENTS)


class MonitorReadings(MonitorFeed):
    """The journal and the bed map (MonitorFeed), and the readings they give the charts."""

    # -- reading a frame (the listener) ---------------------------------------------------

    def chart_frame(self, frame_id: int) -> FrameRead:
        """Read a journaled frame and record what reading it gave, once: its sets charted
        for the session in its bed's chair at each set's time, or why not. The store reads
        the frame's own bytes (core.monitor_message, with the time it was received as the
        clock's now, so a frame read late reads as it would have then): a caller cannot
        chart what the frame did not hold. A frame read already is answered with its first
        read, writing nothing. UnknownRecord for no such frame; ValidationError for a
        frame not answered AA (only a frame taken is read)."""
        if isinstance(frame_id, bool) or not isinstance(frame_id, int):
            raise ValidationError({"frame": "must be a journaled frame's number"})
        found = self._db.execute(f"SELECT outcome, raw, received_at FROM {FRAMES} "
                                 "WHERE id = ?", [frame_id]).fetchone()
        if found is None:
            raise UnknownRecord(f"no monitor frame {frame_id}")
        outcome, raw, received_at = found
        if outcome != FrameOutcome.ACCEPTED.value:
            raise ValidationError({"frame": f"frame {frame_id} was answered {outcome}: "
                                            "only a frame taken (AA) is read"})
        earlier = self._read_of(frame_id)
        if earlier is not None:
            return earlier
        came = from_stored(received_at)
        read = parse_monitor_message(raw, self.clock.local_zone, came)
        with self._transaction(check_account=False):
            earlier = self._read_of(frame_id)
            if earlier is not None:
                return earlier
            chair, sets, notes = self._placed(read, came)
            charted = [(session_id, vitals) for session_id, vitals in sets
                       if session_id is not None]
            note = _note(notes)
            values = {"frame_id": frame_id, "read_at": to_stored(self.clock.now()),
                      "chair": chair, "sets": len(sets), "charted": len(charted),
                      "note": note}
            check_row(READS, values)
            read_id = self._insert(READS, values)
            readings = []
            for session_id, vitals in charted:
                row = {"read_id": read_id, "session_id": session_id,
                       "observed_at": to_stored(vitals.observed_at),
                       **{column: getattr(vitals, column) for column in _COLUMNS}}
                check_row(READINGS, row)
                readings.append({"id": self._insert(READINGS, row), **row})
            self._audit(FRAME_READ, READS, read_id, user=MONITOR,
                        new_value={**values, "readings": readings})
        return self._read_of(frame_id) or _impossible(frame_id)

    def unread_frames(self, limit: int = 500) -> list[MonitorFrame]:
        """The frames answered AA but never read (the listener stopped between its two
        writes), oldest first: the listener reads them when it starts."""
        return [rows.monitor_frame(row) for row in self._rows(
            f"SELECT f.* FROM {FRAMES} f LEFT JOIN {READS} r ON r.frame_id = f.id "
            "WHERE f.outcome = 'AA' AND r.id IS NULL ORDER BY f.id LIMIT ?", [limit])]

    def _placed(self, read: MonitorMessage | MessageRefusal, came: datetime
                ) -> tuple[str | None, list[tuple[int | None, Vitals]], list[str]]:
        """The chair the message's bed was on when it came, each set with the session it
        goes to (None: not charted), and why any was not."""
        if isinstance(read, MessageRefusal):
            return None, [], [read.reason]
        notes = [f"set aside: {item.reason}" for item in read.ignored]
        header = read.header
        chair = self.chair_for(header.sending_application, header.sending_facility,
                               read.bed.text, at=came)
        sets = [reading_set.as_vitals() for reading_set in read.reading_sets]
        sets = [vitals for vitals in sets if any(
            getattr(vitals, column) is not None for column in _COLUMNS)]
        if not sets:
            return chair, [], ["no reading a vitals set can hold", *notes]
        if chair is None:
            bed = f"bed {read.bed.text!r} of " if read.bed.text else ""
            return None, [(None, vitals) for vitals in sets], [
                (f"{bed}{header.sending_application} is on no chair: kept in the journal "
                "only"), *notes]
        placed: list[tuple[int | None, Vitals]] = []
        for vitals in sets:
            session_id, why = self._session_in(chair, vitals.observed_at)
            placed.append((session_id, vitals))
            if why:
                notes.insert(0, why)
        return chair, placed, notes

    def _session_in(self, chair: str, at: datetime) -> tuple[int | None, str | None]:
        """The session in `chair` at `at` (begun by then, not finished by then), or None
        and why not."""
        found = self._db.execute(
            "SELECT id FROM sessions WHERE chair = ? AND began_at <= ? "
            "ORDER BY began_at DESC, id DESC LIMIT 1", [chair, to_stored(at)]).fetchone()
        said = format_local(at, self.clock.local_zone)
        if found is None:
            return None, f"no session had begun in chair {chair} by {said}"
        ended = self._db.execute(
            "SELECT occurred_at FROM events WHERE session_id = ? AND phase IN "
            "('discharged', 'stopped_early') ORDER BY id LIMIT 1", [found[0]]).fetchone()
        if ended is not None and from_stored(ended[0]) <= at:
            return None, f"the session in chair {chair} had ended by {said}"
        signed = self._db.execute("SELECT 1 FROM signatures WHERE session_id = ? AND "
                                  "kind = 'signature'", [found[0]]).fetchone()
        if signed is not None:  # a reading sent late, for a chart signed since
            return None, (f"the chart of the session in chair {chair} at {said} is signed: "
                          "a signed chart never changes")
        return int(found[0]), None

    def _read_of(self, frame_id: int) -> FrameRead | None:
        found = self._rows(f"SELECT * FROM {READS} WHERE frame_id = ?", [frame_id])
        if not found:
            return None
        row = found[0]
        readings = self._readings("WHERE m.read_id = ?", [row["id"]])
        return FrameRead(frame_id=frame_id, read_at=from_stored(row["read_at"]),
                         chair=row["chair"], session_id=readings[0].session_id if readings
                         else None, sets=row["sets"], charted=row["charted"],
                         note=row["note"], readings=tuple(readings))

    # -- reading them back (the room, the chart) -----------------------------------------

    def monitor_readings_after(self, reading_id: int) -> list[MonitorReading]:
        """Every reading charted after `reading_id`, in the order charted: what the room
        appends to the charts it holds on each tick, without reading a chart again."""
        self._require(Permission.READ_RECORD)
        return self._readings("WHERE m.id > ?", [reading_id])

    def last_monitor_reading(self) -> int:
        """The id of the latest reading charted (0 when none): where the room starts."""
        found = self._db.execute(f"SELECT max(id) FROM {READINGS}").fetchone()
        return int(found[0] or 0)

    def _readings(self, where: str, params: Sequence[Any]) -> list[MonitorReading]:
        return [rows.monitor_reading(row) for row in self._rows(
            f"SELECT m.*, r.frame_id, f.received_at FROM {READINGS} m "
            f"JOIN {READS} r ON r.id = m.read_id JOIN {FRAMES} f ON f.id = r.frame_id "
            f"{where} ORDER BY m.id", list(params))]

    # -- the nurse's verdicts -------------------------------------------------------------

    def accept_monitor_reading(self, reading_id: int, *,
                               confirmed: frozenset[str] = frozenset()) -> int:
        """Chart a monitor's reading as a vitals set of the nurse's (source `monitor`, at
        the reading's time) and mark it accepted, in one transaction; the set's id. The set
        is checked as a typed one is: an extreme reading needs `confirmed`
        (ConfirmationNeeded), a set no patient can have is refused (then mark it an
        artifact). ValidationError if the reading has its verdict already."""
        reading = self._reading(reading_id)
        values = self._checked_vitals(reading.session_id, reading.vitals, FROM_MONITOR,
                                      confirmed)
        with self._transaction():
            self._no_verdict_yet(reading)
            vitals_id = self._charted("vitals", values,
                                      reason=f"monitor reading {reading.id}")
            self._mark(reading, ReadingVerdict.ACCEPTED, vitals_id=vitals_id)
        return vitals_id

    def mark_monitor_artifact(self, reading_id: int, reason: str) -> int:
        """Mark a monitor's reading as an artifact, with why (cuff motion, probe off, ...);
        the mark's id. It then counts for nothing: not the alerts, not the gates, not the
        exports' readings (which print it as a mark, with its reason)."""
        reason = check_artifact_reason(reason)
        reading = self._reading(reading_id)
        self._session_charting(reading.session_id)
        with self._transaction():
            self._no_verdict_yet(reading)
            return self._mark(reading, ReadingVerdict.ARTIFACT, reason=reason)

    def _mark(self, reading: MonitorReading, verdict: ReadingVerdict, *,
              vitals_id: int | None = None, reason: str | None = None) -> int:
        values = {"reading_id": reading.id, "session_id": reading.session_id,
                  "verdict": verdict.value, "vitals_id": vitals_id, "reason": reason,
                  "entered_at": to_stored(self.clock.now()), "entered_by": self.user}
        action = READING_ACCEPTED if verdict is ReadingVerdict.ACCEPTED else READING_ARTIFACT
        return self._record(MARKS, values, action=action, reason=reason)

    def _no_verdict_yet(self, reading: MonitorReading) -> None:
        found = self._db.execute(f"SELECT verdict, entered_by FROM {MARKS} WHERE "
                                 "reading_id = ?", [reading.id]).fetchone()
        if found is not None:
            said = "accepted" if found[0] == ReadingVerdict.ACCEPTED.value else (
                "marked an artifact")
            raise ValidationError({"reading": f"this reading was {said} by {found[1]} "
                                              "already"})

    def _reading(self, reading_id: int) -> MonitorReading:
        if isinstance(reading_id, bool) or not isinstance(reading_id, int):
            raise ValidationError({"reading": "must be a reading's number"})
        found = self._readings("WHERE m.id = ?", [reading_id])
        if not found:
            raise UnknownRecord(f"no monitor reading {reading_id}")
        return found[0]


def _note(notes: list[str]) -> str | None:
    """Why a read charted less than it held, in one line of at most the column's length."""
    text = "; ".join(dict.fromkeys(note for note in notes if note))
    if not text:
        return None
    return text if len(text) <= NOTE_MAX_CHARACTERS else text[:NOTE_MAX_CHARACTERS - 1] + "…"


def _impossible(frame_id: int) -> FrameRead:
    raise AssertionError(f"frame {frame_id} was read but its read is not there")
