"""The entry point: a demo clinic filled into an empty file, and what was written."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from argon2 import PasswordHasher

from ketamonitor.core.clock import FakeClock, SystemClock
from ketamonitor.core.phases import Phase
from ketamonitor.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, add_demo_accounts
from ketamonitor.demo.charting import Room
from ketamonitor.demo.day import CHAIRS, schedule
from ketamonitor.demo.people import MRN_PREFIX
from ketamonitor.store.store import Store


class DemoRefused(Exception):
    """The database is not one the demo may fill; the message says why and what to do."""


@dataclass(frozen=True)
class DemoSummary:
    """What was written, for the person who asked: printed by `ketamonitor demo`."""

    path: Path
    seed: int
    first_day: date
    last_day: date
    patients: int
    sessions: int
    discharged: int
    in_room: tuple[Phase, ...]
    entries: Mapping[str, int]
    incidents: Mapping[str, int]
    #: Alerts the room's rules raised that ask for an acknowledgement, and those acknowledged
    #: (the rest wait in today's sessions still in the room).
    alerts: int = 0
    acknowledged: int = 0

    def __str__(self) -> str:
        room = ", ".join(phase.label.lower() for phase in self.in_room) or "nobody"
        incidents = ", ".join(f"{count} {name}" for name, count in sorted(self.incidents.items()))
        entries = ", ".join(f"{count} {name}" for name, count in self.entries.items())
        return (
            f"Demo clinic written to {self.path} (seed {self.seed}).\n"
            f"{self.patients} demo patients ({MRN_PREFIX}0001 to {MRN_PREFIX}"
            f"{self.patients:04d}), {self.sessions} sessions from {self.first_day} to "
            f"{self.last_day}: {self.discharged} discharged; in the room now: {room}.\n"
            f"Charted: {entries}.\n"
            f"Incidents: {incidents or 'none'}.\n"
            f"Alerts asking for an acknowledgement: {self.alerts}, {self.acknowledged} "
            "acknowledged by the nurse.\n"
            "Every demo patient is marked as demo data; never chart real patients in this file.\n"
            f"Demo accounts, password {DEMO_PASSWORD}: "
            + ", ".join(f"{name} ({role.value})" for name, _, role in DEMO_ACCOUNTS) + "."
        )


def fill_demo_clinic(path: Path, *, seed: int = 1, days: int = 30,
                     now: datetime | None = None, zone: tzinfo | None = None,
                     hasher: PasswordHasher | None = None) -> DemoSummary:
    """Fill an empty database at `path` with a synthetic clinic: `days` days of sessions
    before today, today's so far, and four sessions still in the room at `now` (the real
    current time unless given; never later, so nothing is charted in the future).

    Refuses (DemoRefused) a file that already holds any patient or account, so demo data
    is never mixed into a clinic's real record. It creates the demo accounts (admin, nurse,
    physician; password `ketamonitor-demo`) and charts as the nurse. The same seed, `now`
    and `zone` give the same clinic.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    real_now = datetime.now(UTC)
    if now is not None and now > real_now:
        raise ValueError("now must not be in the future")
    zone = zone or SystemClock().local_zone
    anchor = (now or real_now).astimezone(UTC).replace(second=0, microsecond=0)
    today = anchor.astimezone(zone).date()
    window = (today - timedelta(days=days), today)
    clock = FakeClock(anchor, local_zone=zone)
    with Store.open(path, clock, hasher=hasher, create=True) as store:  # a new demo clinic
        _refuse_unless_empty(store)
        add_demo_accounts(store, CHAIRS)
        room = Room(store, clock)
        for seats in schedule(random.Random(seed), store.library, window, anchor, zone):
            with store.batch():  # a commit a day: seconds, not minutes, and a small WAL
                room.chart(seats, until=anchor)
        return _summary(store, path, seed, window, room)


def _refuse_unless_empty(store: Store) -> None:
    """Demo data goes only into a file of its own: never beside real patients, and never
    twice (two demo clinics in one file would collide in chairs and MRNs)."""
    counts = store.record_counts()
    if counts.real:
        raise DemoRefused(
            f"{store.path} holds real patients' records, and demo data is never mixed into a "
            "clinic's record. Give a new file with --db.")
    if counts.demo:
        raise DemoRefused(
            f"{store.path} already holds demo data ({counts.demo} demo patients). "
            "To make a fresh demo clinic, give a new file with --db.")
    if counts.accounts:
        raise DemoRefused(
            f"{store.path} already has accounts, and the demo's accounts go only into a file "
            "of their own. Give a new file with --db.")


def _summary(store: Store, path: Path, seed: int, window: tuple[date, date], room: Room
             ) -> DemoSummary:
    in_room = tuple(listing.phase for listing in store.unfinished_sessions())
    entries = {kind: room.counts[kind] for kind in
               ("vitals sets", "checklist entries", "scale scores", "notes", "phase changes",
                "devices given", "medicines given")}
    return DemoSummary(
        path=Path(path),
        seed=seed,
        first_day=window[0],
        last_day=window[1],
        patients=len(room.patients),
        sessions=room.counts["sessions"],
        discharged=room.counts["sessions"] - len(in_room),
        in_room=in_room,
        entries=entries,
        incidents=dict(room.incidents),
        alerts=room.counts["alerts"],
        acknowledged=room.counts["acknowledgements"],
    )
