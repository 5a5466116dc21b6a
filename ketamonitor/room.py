"""The live infusion room: the day's sessions, their charts and alerts, kept current.

The window asks the room for what to draw and calls `tick` once a second. A tick reads
nothing from the file: charts are cached and reloaded only when something is charted, and
the rules are judged on the cached chart and the clock. The file is written only when an
alert is raised or clears, so an idle room costs next to nothing.

One chair's rules that fail (a bug, a clinic file the rules did not foresee) never stop the
other chairs: that chair gets a "could not judge" alert, raised once, and the log one entry
with the traceback.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ketamonitor.core.alerts import (
    AlertCondition,
    AlertKind,
    AlertRecord,
    Priority,
    Reconciliation,
    alert_conditions,
    attention_order,
    reconcile,
)
from ketamonitor.core.appointments import Appointment
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.clock import local_today
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.records import SessionListing
from ketamonitor.core.timers import SessionTimers, session_timers
from ketamonitor.store.errors import StoreError
from ketamonitor.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class ChairState:
    """One session in the room: its chart and its alerts as last read."""

    listing: SessionListing
    chart: SessionChart
    alerts: list[AlertRecord]

    @property
    def session_id(self) -> int:
        return self.listing.session_id

    def timers(self, now: datetime) -> SessionTimers:
        return session_timers(self.chart, now)

    def waiting(self) -> list[AlertRecord]:
        """Alerts waiting for someone, the most urgent first."""
        return attention_order(self.alerts)


class Room:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._states: dict[int, ChairState] = {}
        self._coming: list[Appointment] = []
        self.reload()

    def reload(self) -> None:
        """Read the day's sessions afresh (a session started, a new day)."""
        self._day = local_today(self.store.clock)
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
        """Re-read one session after something was charted, and judge its alerts at once
        (a BP over the line is an alert the moment it is saved, not at the next tick)."""
        state = self.state(session_id)
        state.chart = self.store.chart(session_id)
        state.listing = self.store.listing(session_id)
        return self._judge(state)

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

    def tick(self) -> list[AlertRecord]:
        """Judge every session's alerts at the clock's now; returns the newly raised ones.
        After midnight the room starts a new day: yesterday's finished sessions leave it."""
        if local_today(self.store.clock) != self._day:
            self.reload()
        raised: list[AlertRecord] = []
        for state in self._states.values():
            raised += self._judge(state)
        return raised

    def _judge(self, state: ChairState) -> list[AlertRecord]:
        try:
            changes = self._changes(state)
        except StoreError:
            raise  # the file, not the rules: the window says so for every chair
        except Exception:  # a bug in the rules for this chair: the others go on
            changes = _judging_failed(state, traceback.format_exc())
        if not changes:
            return []
        self.store.apply_alert_changes(state.session_id, changes)
        known = {record.id for record in state.alerts}
        state.alerts = self.store.alerts([state.session_id])[state.session_id]
        _log_failures(state, changes.to_raise)
        return [record for record in state.alerts if record.id not in known]

    def _changes(self, state: ChairState) -> Reconciliation:
        conditions = alert_conditions(state.chart, self.store.clock.now(),
                                      self.store.library.scales, self.store.clock.local_zone,
                                      state.alerts)
        return reconcile(state.alerts, conditions)

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


def _chair_order(chair: str) -> tuple[int, str]:
    """Chairs 1, 2, … 10 in number order; named chairs after, by name."""
    return (int(chair), "") if chair.isdigit() else (10**6, chair)


#: The key of the alert that says a chair's alerts could not be judged at all, numbered
#: per session: a rule failing on every tick raises it once, and a fault that comes back
#: after the rules recovered (its alert cleared) raises the next.
JUDGING_FAILED_KEY = "rule_failed:judging"


def _judging_failed(state: ChairState, trace: str) -> Reconciliation:
    """The chair's alerts could not be judged: say so once, and clear nothing (a line
    crossed stays raised while the rules cannot look at it)."""
    earlier = [record for record in state.alerts
               if record.key.startswith(f"{JUDGING_FAILED_KEY}:")]
    if any(record.is_active for record in earlier):
        return Reconciliation(to_raise=(), to_clear=())
    failed = AlertCondition(
        f"{JUDGING_FAILED_KEY}:{len(earlier) + 1}", AlertKind.RULE_FAILED, Priority.HIGH,
        f"Could not judge the alerts for chair {state.listing.chair} (a fault, written to "
        "the log): watch this chair's readings and times yourself",
        detail=trace)
    return Reconciliation(to_raise=(failed,), to_clear=())


def _log_failures(state: ChairState, raised: tuple[AlertCondition, ...]) -> None:
    """A failed rule's traceback, logged once: when its alert is raised, not on each tick."""
    for condition in raised:
        if condition.detail:
            log.error("chair %s (session %s): %s\n%s", state.listing.chair,
                      state.session_id, condition.message, condition.detail)
