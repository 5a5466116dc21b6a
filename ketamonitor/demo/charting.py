"""Charting the planned sessions: every entry through the store's public interface, in time
order across the chairs, with the fake clock moved as the room's clock moved."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.patient import Patient
from ketamonitor.core.protocol import Route
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.demo.courses import device_count
from ketamonitor.demo.day import Seat
from ketamonitor.demo.incident_kinds import Incident
from ketamonitor.demo.people import MRN_PREFIX
from ketamonitor.demo.script import Step
from ketamonitor.store.store import Store


@dataclass
class Room:
    """Charts seats' steps in time order, moving the clock as the room's clock moved."""

    store: Store
    clock: FakeClock
    patients: dict[int, Patient] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    incidents: Counter[str] = field(default_factory=Counter)
    expected: set[int] = field(default_factory=set)   # patients whose registration is planned

    def chart(self, seats: list[Seat], until: datetime) -> None:
        """Chart everything that happened by `until`, interleaved across chairs."""
        moments: list[tuple[datetime, int, int, Callable[[], None]]] = []
        for order, seat in enumerate(sorted(seats, key=lambda s: (s.began, s.chair))):
            person = seat.visit.person.key
            if person not in self.expected:
                self.expected.add(person)
                moments.append((seat.began - timedelta(minutes=5), order, -1,
                                partial(self.register, seat)))
            moments.append((seat.began, order, 0, partial(self.start, seat)))
            for index, step in enumerate(seat.plan.ordered(), start=1):
                at = seat.began + timedelta(minutes=step.minute)
                moments.append((at, order, index, partial(self.write, seat, step)))
        moments.sort(key=lambda moment: moment[:3])
        for at, _order, _index, act in moments:
            if at <= until:
                self.clock.set(at)
                act()

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
        typed = {"chair": seat.chair, "nurse": seat.nurse, "weight_kg": f"{weight:.1f}"}
        if protocol.route is Route.IV:
            titrated = not visit.person.responds and visit.number >= 4
            typed |= {"mg_per_kg": "0.75" if titrated else "0.5", "concentration": "1"}
        else:
            typed["devices"] = str(device_count(visit))
        seat.session_id = self.store.start_session(parse_session_setup(typed, patient, protocol))
        self.counts["sessions"] += 1
        if seat.incident is not Incident.NONE:
            self.incidents[seat.incident.value] += 1

    def write(self, seat: Seat, step: Step) -> None:
        assert seat.session_id is not None
        step.write(self.store, seat.session_id, self.clock.now())
        self.counts[step.kind] += step.entries
