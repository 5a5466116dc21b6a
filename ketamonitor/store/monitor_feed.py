"""The bedside monitors' feed in the record (issue 21): the journal of every frame, and the
map from a monitor's bed to a chair.

`journal_frame` is the listener's one write, made before it answers the frame: the frame's
row and its audit row in one IMMEDIATE transaction, committed with the store's pragmas (WAL,
synchronous=FULL), so once it returns the frame survives a kill or a power cut, and only
then is the ACK sent. It needs no one logged in (`ketamonitor listen` runs headless, and in
the app the listener writes whoever is at the keyboard): its rows are the listener's,
`monitor`, and stand unsigned, which verify allows for this action alone (core.keys) since
a raw frame grants nothing and is no charted care until a nurse validates its readings.

A resent message (the same sending application, facility and control id) is stored once:
the insert gives way to the journal's UNIQUE index inside the write lock (`INSERT ... ON
CONFLICT DO NOTHING`), so two listeners writing the same resend at once (the app's and one
beside it) store it once, and the second is answered with the first entry, writing nothing,
not even an audit row.

The listener may write beside a running app (`Store.open_beside_app`, the app holding the
single-instance lock): each journal write waits its turn for the write lock under the
busy timeout, as an export's audit row does.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ketamonitor.core.accounts import Account
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.monitor_feed import (
    BED_MAPPED,
    FRAME_JOURNALED,
    MONITOR,
    FrameOutcome,
    JournaledFrame,
    JournalEntry,
    MonitorBed,
    MonitorFrame,
    bed_key,
    check_chair,
    check_frame,
)
from ketamonitor.core.monitor_senders import HeardFrames
from ketamonitor.core.permissions import Permission
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.store import rows
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.parts import StoreCore
from ketamonitor.store.rows import audited_values
from ketamonitor.store.values import check_row

log = logging.getLogger(__name__)

FRAMES = "monitor_frames"
BEDS = "monitor_beds"
#: The columns that make a resend: the journal's UNIQUE index (schema 0017).
_RESENT = ("sending_application", "sending_facility", "control_id")
#: The latest row of each monitor and bed: the map as it stands.
_LATEST_BEDS = f"""
    SELECT b.* FROM {BEDS} b
    WHERE b.id = (SELECT max(c.id) FROM {BEDS} c
                  WHERE c.sending_application = b.sending_application
                    AND c.sending_facility = b.sending_facility AND c.bed = b.bed)"""

#: The frames answered AA in a window, grouped by sender and by their PV1 segment's bytes
#: (from "\rPV1" to the next carriage return), messages without PV1 together, and any other
#: frame (a PV1 after a line feed) alone: each group's latest frame and how many.
_HEARD = f"""
    WITH accepted AS (
        SELECT id, sending_application, sending_facility, raw,
               instr(raw, X'0D505631') AS at
        FROM {FRAMES} WHERE outcome = 'AA' AND received_at >= ? AND received_at < ?),
    keyed AS (
        SELECT id, sending_application, sending_facility,
               CASE WHEN at > 0 THEN substr(raw, at + 1, ifnull(nullif(
                                         instr(substr(raw, at + 1), X'0D'), 0), length(raw)))
                    WHEN substr(raw, 1, 3) = X'4D5348' AND instr(raw, X'0A505631') = 0
                         THEN X'0D'  -- a message without PV1: no bed
                    ELSE printf('frame %d', id)
               END AS pv1
        FROM accepted)
    SELECT max(id) AS latest, count(*) AS frames FROM keyed
    GROUP BY sending_application, sending_facility, pv1"""


class MonitorFeed(StoreCore):
    """The journal (`journal_frame`, `frames_between`, `frames_heard`, `frame`) and the bed map
    (`may_map_monitors`, `map_monitor_bed`, `monitor_beds`, `chair_for`)."""

    # -- the journal ---------------------------------------------------------------------

    def journal_frame(self, frame: JournaledFrame) -> JournalEntry:
        """Journal a frame as received, with its audit row, durably, before its ACK is
        sent; its entry. A resend of a frame already journaled writes nothing and answers
        with the first one's entry (`duplicate=True`).

        Every value is checked again (core.monitor_feed.check_frame; then the row's own
        check, store.values): a ValidationError names each field at fault and nothing is
        written. A StoreError (a full disk, the file gone) means it is not journaled: the
        frame must not be answered AA."""
        checked = check_frame(frame)
        received_at = to_stored(self.clock.now())
        values = {
            "received_at": received_at,
            "peer": checked.peer,
            "sending_application": checked.sending_application,
            "sending_facility": checked.sending_facility,
            "control_id": checked.control_id,
            "message_type": checked.message_type,
            "raw": checked.raw,
            "size": checked.received_size,
            "outcome": checked.outcome.value,
            "reason": checked.reason,
        }
        check_row(FRAMES, values)
        # no account's check: the listener's write, which an account changed elsewhere
        # must not stop (and which must not use up the person's own re-check)
        with self._transaction(check_account=False):
            columns = ", ".join(values)
            marks = ", ".join("?" for _ in values)
            cursor = self._db.execute(
                f"INSERT INTO {FRAMES} ({columns}) VALUES ({marks}) "
                f"ON CONFLICT ({', '.join(_RESENT)}) DO NOTHING", list(values.values()))
            if cursor.rowcount == 0:
                return self._resent(checked)
            row_id = cursor.lastrowid
            assert row_id is not None
            self._audit(FRAME_JOURNALED, FRAMES, row_id,
                        new_value=audited_values(FRAMES, values), user=MONITOR)
        return JournalEntry(id=row_id, duplicate=False, outcome=checked.outcome,
                            reason=checked.reason, received_at=from_stored(received_at))

    def _resent(self, frame: JournaledFrame) -> JournalEntry:
        """The entry of the frame a resend repeats (read under the write lock, so it is
        there: the insert gave way to it)."""
        found = self._db.execute(
            f"SELECT id, outcome, reason, received_at, raw FROM {FRAMES} WHERE "
            "sending_application = ? AND sending_facility = ? AND control_id = ?",
            [frame.sending_application, frame.sending_facility, frame.control_id]).fetchone()
        assert found is not None, "the insert gave way to no row"
        row_id, outcome, reason, received_at, raw = found
        if raw != frame.raw:
            log.warning("monitor frame from %s resends control id %r of %s/%s with other "
                        "bytes than journal row %d: the first is kept", frame.peer,
                        frame.control_id, frame.sending_application, frame.sending_facility,
                        row_id)
        return JournalEntry(id=row_id, duplicate=True, outcome=FrameOutcome(outcome),
                            reason=reason, received_at=from_stored(received_at))

    def frames_between(self, start: datetime, end: datetime) -> list[MonitorFrame]:
        """The frames received from `start` up to (not including) `end`, in the order they
        were journaled: raw frames hold patients' names, so the record's readers only."""
        self._require(Permission.READ_RECORD)
        return [rows.monitor_frame(row) for row in self._rows(
            f"SELECT * FROM {FRAMES} WHERE received_at >= ? AND received_at < ? ORDER BY id",
            [to_stored(start), to_stored(end)])]

    def frames_heard(self, start: datetime, end: datetime) -> list[HeardFrames]:
        """The frames answered AA from `start` up to (not including) `end`, grouped by sender
        and PV1 segment as sent, each group by how many and its latest frame: what
        core.monitor_senders reads for the monitors and beds heard from, without reading a
        day's frames (half a million at a reading a second from six chairs) to find a few
        beds. The groups are `heard_frames`' (core) or finer, never coarser: a frame whose
        PV1 follows a line feed, not a carriage return, is a group of its own. The record's
        readers only, as the frames are."""
        self._require(Permission.READ_RECORD)
        found = self._rows(
            f"SELECT f.*, g.frames AS heard FROM ({_HEARD}) g "
            f"JOIN {FRAMES} f ON f.id = g.latest ORDER BY f.id",
            [to_stored(start), to_stored(end)])
        return [HeardFrames(rows.monitor_frame(row), row["heard"]) for row in found]

    def frame(self, frame_id: int) -> MonitorFrame:
        """One journaled frame (UnknownRecord if there is none with this id)."""
        self._require(Permission.READ_RECORD)
        found = self._rows(f"SELECT * FROM {FRAMES} WHERE id = ?", [frame_id])
        if not found:
            raise UnknownRecord(f"no monitor frame {frame_id}")
        return rows.monitor_frame(found[0])

    # -- the bed map ---------------------------------------------------------------------

    def may_map_monitors(self) -> Account:
        """The account logged in, if it may map monitors to chairs; PermissionDenied
        (recorded) or NotLoggedIn otherwise, with nothing read: Clinic ▸ Monitors asks
        before it reads the journal's frames to offer (which any reader of the record may
        read, and the map, which needs no login)."""
        return self._require(Permission.MANAGE_MONITORS)

    def map_monitor_bed(self, sending_application: str, sending_facility: str, bed: str,
                        chair: str) -> int:
        """Map a monitor (MSH-3, MSH-4) or one bed of it (PV1-3 as sent; "" for a monitor
        that sends one bed per connection) to a chair; "" takes it off the map. An
        administrator's change, signed and audited with the chair it had before; the row's
        id (the current one, and nothing written, when the map already says so).

        ValidationError naming the field: an identifier too long or holding a control
        character, no sending application, a chair too long, or taking off the map a bed
        that was never on it. PermissionDenied (recorded) for anyone but an administrator."""
        self._require(Permission.MANAGE_MONITORS)
        application, facility, bed = bed_key(sending_application, sending_facility, bed)
        chair = check_chair(chair)
        with self._transaction():
            current = self._current_bed(application, facility, bed)
            if current is not None and current.chair == chair:
                return current.id
            if current is None and chair == "":
                raise ValidationError({"chair": "this monitor or bed was never on a chair: "
                                                "there is nothing to take off the map"})
            values = {"sending_application": application, "sending_facility": facility,
                      "bed": bed, "chair": chair, "set_at": to_stored(self.clock.now()),
                      "set_by": self.user}
            return self._record(BEDS, values, action=BED_MAPPED,
                                old_value=None if current is None else current.chair)

    def monitor_beds(self) -> list[MonitorBed]:
        """The map as it stands: each monitor or bed on a chair, by chair. Names of devices
        and chairs, no patient's: read without a login (the headless listener has none)."""
        return [rows.monitor_bed(row) for row in self._rows(
            f"SELECT * FROM ({_LATEST_BEDS}) WHERE chair <> '' ORDER BY chair, "
            "sending_application, sending_facility, bed")]

    def chair_for(self, sending_application: str, sending_facility: str,
                  bed: str, at: datetime | None = None) -> str | None:
        """The chair a monitor's (or bed's) readings go to, or None when it is on no chair
        (its frames are then kept in the journal only); `at`: as the map stood then (when a
        frame came: a frame read late, after a restart, goes where its bed was, not where
        it was moved since). Matched exactly, but for surrounding spaces: a bed not on the
        map is on no chair, even when its monitor as a whole is (its readings might be
        another patient's)."""
        try:
            key = bed_key(sending_application, sending_facility, bed)
        except ValidationError:
            return None  # no such identifier can be on the map
        current = self._current_bed(*key, at=at)
        return None if current is None or not current.chair else current.chair

    def _current_bed(self, application: str, facility: str, bed: str, *,
                     at: datetime | None = None) -> MonitorBed | None:
        then = "" if at is None else "AND set_at <= ? "
        found: list[dict[str, Any]] = self._rows(
            f"SELECT * FROM {BEDS} WHERE sending_application = ? AND sending_facility = ? "
            f"AND bed = ? {then}ORDER BY id DESC LIMIT 1",
            [application, facility, bed, *([] if at is None else [to_stored(at)])])
        return rows.monitor_bed(found[0]) if found else None
