"""The live infusion room: the day's sessions, their charts and alerts, kept current.

The window asks the room for what to draw and calls `tick` once a second. A tick reads
nothing from the file: charts are cached and reloaded only when something is charted, and
the rules are judged on the cached chart and the clock. The file is written only when an
alert is raised or clears, so an idle room costs next to nothing.

The room holds the one copy of each open session's chart: a session's page reads it from
here and charts through `open(session_id)` (room.session), so an entry reads the chart once
and judges its alerts at once, for the page and the tile alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TypeVar

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.appointments import Appointment
from ketamonitor.core.clock import local_today
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.monitor_readings import MonitorReading
from ketamonitor.core.records import SessionListing
from ketamonitor.core.signature import Signature
from ketamonitor.room.chair import ChairState
from ketamonitor.room.change import ChartChange
from ketamonitor.room.judging import judge
from ketamonitor.room.session import OpenSession
from ketamonitor.store.errors import StoreError
from ketamonitor.store.interface import StoreApi

Result = TypeVar("Result")


class Room:
    """The day's sessions, each held once (`ChairState`): the tiles, the pages and the
    rules all read the same copy, and every entry comes through `open(session_id)`."""

    def __init__(self, store: StoreApi) -> None:
        self.store = store
        self._states: dict[int, ChairState] = {}
        self._coming: list[Appointment] = []
        #: The latest monitor reading the room has appended to its charts.
        self._last_reading = 0
        self.reload()

    def reload(self) -> None:
        """Read the day's sessions afresh (a session started, a new day)."""
        self._day = local_today(self.store.clock)
        self._last_reading = max(self._last_reading, self.store.last_monitor_reading())
        listings = self._todays_listings()
        self._coming = [booked for booked in self.store.appointments_between(*self._today())
                        if booked.is_waiting]
        ids = [listing.session_id for listing in listings]
        alerts = self.store.alerts(ids)
        self._states = {
            listing.session_id: ChairState(listing, self.store.chart(listing.session_id),
                                           alerts[listing.session_id])
            for listing in listings
        }

    def _today(self) -> tuple[datetime, datetime]:
        clock = self.store.clock
        midnight = datetime.combine(local_today(clock), time(), clock.local_zone)
        return midnight, midnight + timedelta(days=1)

    def coming(self) -> list[Appointment]:
        """Today's bookings not yet checked in (nor cancelled), in time order."""
        return list(self._coming)

    def _todays_listings(self) -> list[SessionListing]:
        today = self.store.sessions_between(*self._today())
        shown = {listing.session_id for listing in today}
        older = [s for s in self.store.unfinished_sessions() if s.session_id not in shown]
        return older + today

    def refresh(self, session_id: int) -> list[AlertRecord]:
        """Re-read one session charted outside the room (another workstation, a test
        writing to the store) and judge its alerts at once; returns the newly raised ones.
        The room's own sessions chart through `open` and need no refresh."""
        self.reread(session_id)
        return judge(self.store, self.state(session_id))

    def reread(self, session_id: int) -> ChairState:
        """Read one session again, without judging: what was charted or signed behind the
        room's back (its signatures are read again when next asked for)."""
        state = self._read_chart(session_id)
        state.signatures = None
        return state

    def _read_chart(self, session_id: int) -> ChairState:
        """The chart read once, and the listing only if the chart moved on from it."""
        state = self.state(session_id)
        # the monitor's readings held are kept, not read again (append-only, thousands):
        # newer ones come with the next tick's take_readings, as for every chair
        state.chart = self.store.chart(session_id, state.chart.monitor_readings)
        if state.listing_outdated():
            state.listing = self.store.listing(session_id)
        return state

    def signatures(self, session_id: int) -> list[Signature]:
        """The session's signatures and addenda, read on first asking and kept until one
        is added (they change only at a signing, not with each entry)."""
        state = self.state(session_id)
        if state.signatures is None:
            state.signatures = self.store.signatures(session_id)
        return state.signatures

    def open(self, session_id: int) -> OpenSession:
        """The session's intents (record vitals, change phase, ...), each charted through
        the store and drawn from the room's one copy of its chart."""
        return OpenSession(self, session_id)

    def charted(self, session_id: int, write: Callable[[], Result], *,
                signing: bool = False) -> ChartChange[Result]:
        """Run one write; then read the chart once, the listing only if the chart moved on
        from it, and judge the alerts at once (a BP over the line is an alert the moment
        it is saved, not at the next tick). A file that cannot take the alerts does not
        undo the entry: the change says so (`alert_problem`). A signature or an addendum
        (`signing`) has its signatures read again and its alerts not judged (a signed
        chart's alerts are what the signer saw)."""
        result = write()
        state = self._read_chart(session_id)
        raised: list[AlertRecord] = []
        problem: StoreError | None = None
        if signing:
            state.signatures = None
        else:
            try:
                raised = judge(self.store, state)
            except StoreError as failed:
                problem = failed
        return ChartChange(result, state.chart, list(state.alerts), raised, problem)

    def state(self, session_id: int) -> ChairState:
        """A session's state, read on first asking (a session from another day, say)."""
        if session_id not in self._states:
            self._states[session_id] = ChairState(
                self.store.listing(session_id), self.store.chart(session_id),
                self.store.alerts([session_id])[session_id])
        return self._states[session_id]

    def in_room(self) -> list[ChairState]:
        """Sessions not yet discharged or stopped, in chair order."""
        return sorted((s for s in self._states.values() if not s.chart.phase.is_finished),
                      key=lambda s: (_chair_order(s.listing.chair), s.listing.began_at))

    def finished_today(self) -> list[ChairState]:
        """Sessions discharged (or ended) today in the room's time, in the order they began:
        not a session from an earlier day that someone opened, which the room also holds."""
        clock = self.store.clock
        today = local_today(clock)
        return sorted((s for s in self._states.values()
                       if s.chart.timeline.finished_on(today, clock.local_zone)),
                      key=lambda s: s.listing.began_at)

    def take_readings(self) -> set[int]:
        """Append the monitors' readings charted since the last look to the charts the room
        holds (one indexed read for every chair, no chart read again); the sessions whose
        charts grew. A reading for a session the room does not hold is read with its chart
        when it is opened. Nothing is read while no one is logged in (the readings wait
        in the file)."""
        if self.store.account is None:
            return set()
        fresh = self.store.monitor_readings_after(self._last_reading)
        if not fresh:
            return set()
        self._last_reading = fresh[-1].id
        grown: set[int] = set()
        for session_id, readings in _by_session(fresh).items():
            state = self._states.get(session_id)
            if state is None:
                continue
            chart = state.chart.with_readings(readings)
            if chart is not state.chart:
                state.chart = chart
                grown.add(session_id)
        return grown

    def tick(self) -> list[AlertRecord]:
        """Judge every session's alerts at the clock's now; returns the newly raised ones.
        After midnight the room starts a new day: yesterday's finished sessions leave it.
        A StoreError if the alerts cannot be recorded, or if the database file was deleted
        or replaced (`check_file`, one `os.stat`): the window says so on every tick."""
        self.store.check_file()  # a file deleted or replaced is said even in an idle room
        if local_today(self.store.clock) != self._day:
            self.reload()
        self.take_readings()  # judged below, with the clock: a monitor's BP waits for no one
        raised: list[AlertRecord] = []
        for state in self._states.values():
            raised += judge(self.store, state)
        return raised

    def alert(self, alert_id: int) -> AlertRecord | None:
        """An alert of a session the room holds, as last read (None if it holds none)."""
        return next((record for state in self._states.values() for record in state.alerts
                     if record.id == alert_id), None)

    def acknowledge(self, alert_id: int, action: str,
                    escalation: Escalation | None = None) -> None:
        """Acknowledge an alert (a high or critical one with its escalation) and re-read
        the alerts of its session."""
        self.store.acknowledge_alert(alert_id, action, escalation)
        for state in self._states.values():
            if any(record.id == alert_id for record in state.alerts):
                state.alerts = self.store.alerts([state.session_id])[state.session_id]


def _by_session(readings: list[MonitorReading]) -> dict[int, tuple[MonitorReading, ...]]:
    grouped: dict[int, list[MonitorReading]] = {}
    for reading in readings:
        grouped.setdefault(reading.session_id, []).append(reading)
    return {session_id: tuple(group) for session_id, group in grouped.items()}


def _chair_order(chair: str) -> tuple[int, str]:
    """Chairs 1, 2, … 10 in number order; named chairs after, by name."""
    return (int(chair), "") if chair.isdigit() else (10**6, chair)
