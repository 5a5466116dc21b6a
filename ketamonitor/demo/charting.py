"""Charting the planned sessions: every entry through the store's public interface, in time
order across the chairs, with the fake clock moved as the room's clock moved."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import count

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.patient import Patient
from ketamonitor.core.protocol import Route
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.demo.alerts import acknowledge, acknowledged_at, judge
from ketamonitor.demo.courses import device_count
from ketamonitor.demo.day import Seat
from ketamonitor.demo.incident_kinds import Incident
from ketamonitor.demo.people import MRN_PREFIX
from ketamonitor.demo.script import Step
from ketamonitor.store.store import Store

#: The demo physicians who prescribe: each patient's course is one's (by the patient, no draw
#: from the random stream). The first is the demo's physician account, who signs and overrides.
PRESCRIBERS = ("Demo Physician", "Dr Amina Okafor", "Dr Tomas Lindgren")

#: An acknowledgement comes after the seat's steps of the same moment (a hold charted then).
_AFTER_STEPS = 1_000_000

#: One moment of the room: when, the seat's order, the step's index, a tie-breaker, the act.
_Moment = tuple[datetime, int, int, int, Callable[[], None]]


@dataclass
class Room:
    """Charts seats' steps in time order, moving the clock as the room's clock moved, and
    judges and acknowledges the alerts as the room and its nurses would have."""

    store: Store
    clock: FakeClock
    patients: dict[int, Patient] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    incidents: Counter[str] = field(default_factory=Counter)
    expected: set[int] = field(default_factory=set)   # patients whose registration is planned
    _moments: list[_Moment] = field(default_factory=list)
    _pushed: Iterator[int] = field(default_factory=count)  # same moment: first added first

    def chart(self, seats: list[Seat], until: datetime) -> None:
        """Chart everything that happened by `until`, interleaved across chairs; an alert
        raised on the way is acknowledged at its moment (if that is by `until`)."""
        self._moments = []
        for order, seat in enumerate(sorted(seats, key=lambda s: (s.began, s.chair))):
            person = seat.visit.person.key
            if person not in self.expected:
                self.expected.add(person)
                self._add(seat.began - timedelta(minutes=5), order, -1,
                          partial(self.register, seat))
            self._add(seat.began, order, 0, partial(self.start, seat))
            for index, step in enumerate(seat.plan.ordered(), start=1):
                at = seat.began + timedelta(minutes=step.minute)
                self._add(at, order, index, partial(self.write, seat, order, step))
        while self._moments:
            at, _order, _index, _tie, act = heapq.heappop(self._moments)
            if at <= until:
                self.clock.set(at)
                act()

    def _add(self, at: datetime, order: int, index: int, act: Callable[[], None]) -> None:
        heapq.heappush(self._moments, (at, order, index, next(self._pushed), act))

    def register(self, seat: Seat) -> None:
        person = seat.visit.person
        mrn = f"{MRN_PREFIX}{len(self.patients) + 1:04d}"
        self.patients[person.key] = self.store.register_patient(person.details(mrn))

    def start(self, seat: Seat) -> None:
        """Open the session through the session form's own checks, as a nurse would."""
        visit = seat.visit
        patient = self.patients[visit.person.key]
        protocol = self.store.library.protocol(visit.protocol_id)
        weight = visit.person.weight_kg + (visit.number - 1) * 0.1 * (-1) ** visit.person.key
        typed = {"chair": seat.chair, "nurse": seat.nurse, "weight_kg": f"{weight:.1f}",
                 "prescriber": PRESCRIBERS[visit.person.key % len(PRESCRIBERS)]}
        if protocol.route is Route.IV:
            titrated = not visit.person.responds and visit.number >= 4
            typed |= {"mg_per_kg": "0.75" if titrated else "0.5", "concentration": "1"}
        else:
            typed["devices"] = str(device_count(visit))
        seat.session_id = self.store.start_session(parse_session_setup(typed, patient, protocol))
        self.counts["sessions"] += 1
        if seat.incident is not Incident.NONE:
            self.incidents[seat.incident.value] += 1

    def write(self, seat: Seat, order: int, step: Step) -> None:
        """One entry; then, if a rule reads it, the alerts judged as the room judges them,
        each new one to be acknowledged by the nurse."""
        assert seat.session_id is not None
        step.write(self.store, seat.session_id, self.clock.now())
        self.counts[step.kind] += step.entries
        if step.judged:
            for record in judge(self.store, seat.session_id):
                self.counts["alerts"] += 1
                leaves = seat.ends - timedelta(seconds=1)
                self._add(acknowledged_at(record, leaves), order, _AFTER_STEPS,
                          partial(self.acknowledge, record))
        if step.finishes:
            self.finished(seat)

    def acknowledge(self, record: AlertRecord) -> None:
        acknowledge(self.store, record)
        self.counts["acknowledgements"] += 1

    def finished(self, seat: Seat) -> None:
        """The session has ended (discharged): what is written once a session is over goes
        here."""
