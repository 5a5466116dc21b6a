"""What a tick of the room costs when every chair is on a monitor sending a reading a second.

ours:     six running sessions, each with three hours of a monitor's readings already charted
          (10,800 sets each, none validated yet: what the alerts judge at once); between two
          ticks each chair's monitor sends one more set, journaled and charted in the file as
          the listener does (`journal_frame`, `chart_frame`: not timed); `room_tick_fed_ms` is
          the median of the real `Room.tick()` then: the new readings read with one query,
          appended to the six charts held, and every chair's alerts judged. Chair 1 has been
          over the BP stop line for the last hour (a run of 3,600 readings going on, its alert
          acknowledged, each new reading asked whether it is worse), the others have been
          within the lines since a run over the stop line ended;
baseline: the same six sessions, no monitor: `Room.tick()` judging their alerts on the clock
          alone (`room_tick_plain_ms`).

Both on files in one temporary folder. The held readings are put in the file as a backlog
beside one real message read (see `send_backlog`: setup, not measured); each reading
between two ticks is a real message, journaled and read as the listener does.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from benchmarks.people import ADMIN, PASSWORD, add_nurse, log_in_nurse
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.monitor_feed import FrameOutcome, JournaledFrame
from ketamonitor.core.monitor_message import MessageHeader, MonitorMessage, parse_monitor_message
from ketamonitor.core.oru_build import Observation, build_oru, observation
from ketamonitor.core.patient import PatientDetails
from ketamonitor.core.phases import Action
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.core.times import to_stored
from ketamonitor.core.vitals import Vitals
from ketamonitor.room import Room
from ketamonitor.store.store import Store

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CHAIRS = tuple(str(n) for n in range(1, 7))
HELD_SECONDS = 3 * 60 * 60
SETS_PER_FRAME = 300
TICKS = 200
APP = "MINDRAY_EGATEWAY^00A0370000000001^EUI-64"
FACILITY = "INFUSION"
_CONTROL = count(1)

_SYSTOLIC, _DIASTOLIC, _HEART_RATE, _SPO2 = 150021, 150022, 147842, 150456


def map_beds(store: Store, chairs: tuple[str, ...]) -> None:
    """Each chair's monitor on its chair, as an administrator maps them."""
    store.logout()
    store.login(ADMIN, PASSWORD)
    for chair in chairs:
        store.map_monitor_bed(APP, FACILITY, _bed(chair), chair)
    store.logout()
    log_in_nurse(store)


def _bed(chair: str) -> str:
    return f"INFUSION^^Chair{chair}"


def _values(chair: str, second: int) -> tuple[int, int, int, int]:
    """A patient's BP, heart rate and SpO2 at `second`: over the stop line for a quarter of
    an hour at 90 min; chair 1 over it again for the last hour."""
    over = 90 * 60 <= second < 105 * 60 or (chair == "1" and second >= HELD_SECONDS - 3600)
    systolic = (188 if over else 126) + second % 4
    return systolic, (96 if over else 80) + second % 3, 76 + second % 5, 97 - second % 2


def _observations(chair: str, seconds: range, start: datetime = START) -> list[Observation]:
    found = []
    for second in seconds:
        at = start + timedelta(seconds=second)
        systolic, diastolic, heart_rate, spo2 = _values(chair, second)
        found += [observation(_SYSTOLIC, systolic, observed_at=at),
                  observation(_DIASTOLIC, diastolic, observed_at=at),
                  observation(_HEART_RATE, heart_rate, observed_at=at),
                  observation(_SPO2, spo2, observed_at=at)]
    return found


def _journaled(store: Store, raw: bytes, header: MessageHeader) -> int:
    return store.journal_frame(JournaledFrame(
        peer="127.0.0.1:4100", raw=raw, outcome=FrameOutcome.ACCEPTED,
        sending_application=header.sending_application,
        sending_facility=header.sending_facility, control_id=header.control_id,
        message_type=header.message_type)).id


def send(store: Store, clock: FakeClock, chair: str, second: int,
         start: datetime = START) -> None:
    """The chair's monitor sends the set of `second` after `start`: journaled, read and
    charted as the listener does after its ACK."""
    raw = build_oru(_observations(chair, range(second, second + 1), start),
                    control_id=f"B{next(_CONTROL)}",
                    observed_at=start + timedelta(seconds=second), bed=_bed(chair))
    read = parse_monitor_message(raw, clock.local_zone, clock.now())
    assert isinstance(read, MonitorMessage), read
    store.chart_frame(_journaled(store, raw, read.header))


def send_backlog(store: Store, clock: FakeClock, chair: str, seconds: range,
                 start: datetime = START) -> None:
    """The sets of `seconds` put in the file as a backlog of the chair's monitor: one real
    message journaled and read through `chart_frame`, the others written beside it into
    `monitor_readings` by a connection of the benchmark's own (setup, not measured: the
    store reads each frame's own bytes, and reading 10,800 messages a chair would take a
    minute; the file then fails `verify`, which nothing here runs)."""
    first = seconds[0]
    raw = build_oru(_observations(chair, range(first, first + 1), start),
                    control_id=f"B{next(_CONTROL)}",
                    observed_at=start + timedelta(seconds=first), bed=_bed(chair))
    read = parse_monitor_message(raw, clock.local_zone, clock.now())
    assert isinstance(read, MonitorMessage), read
    charted = store.chart_frame(_journaled(store, raw, read.header))
    assert charted.charted == 1, charted
    (reading,) = charted.readings
    rows = []
    for second in seconds[1:]:
        systolic, diastolic, heart_rate, spo2 = _values(chair, second)
        rows.append((reading.session_id, to_stored(start + timedelta(seconds=second)),
                     systolic, diastolic, heart_rate, spo2, reading.frame_id))
    with closing(sqlite3.connect(store.path)) as side, side:
        side.executemany(
            "INSERT INTO monitor_readings (read_id, session_id, observed_at, systolic, "
            "diastolic, heart_rate, spo2) SELECT r.id, ?, ?, ?, ?, ?, ? FROM monitor_reads r "
            "WHERE r.frame_id = ?", rows)


def _sessions(store: Store, clock: FakeClock) -> None:
    """Six sessions begun at START, dosed from 10 to 50 minutes, in observation since."""
    sessions = []
    for chair in CHAIRS:
        patient = store.register_patient(PatientDetails(
            mrn=f"KM-77{chair}", family_name=f"Bench{chair}", given_name="Pat",
            birth_date=datetime(1980, 1, int(chair)).date(), weight_kg=70))
        protocol = store.library.protocol("iv-racemic-ketamine")
        session_id = store.start_session(parse_session_setup(
            {"chair": chair, "nurse": "Ana Ruiz", "weight_kg": "70", "mg_per_kg": "0.5",
             "concentration": "1", "devices": "2"}, patient, protocol))
        store.record_vitals(session_id, Vitals(clock.now(), 124, 80, 74, 98, 14))
        checklist = store.library.checklist(protocol.checklists.pre_session)
        for item in checklist.items_for(protocol.route):
            if item.expected is not None:
                store.record_checklist_answer(session_id, checklist_answer(
                    checklist, item.key, item.expected.value, clock.now()))
        sessions.append(session_id)
    for minute, action in ((10, Action.START_INFUSION), (50, Action.END_INFUSION)):
        clock.set(START + timedelta(minutes=minute))
        for session_id in sessions:
            store.change_phase(session_id, action)


def _build(path: Path, *, fed: bool) -> FakeClock:
    clock = FakeClock(START)
    with Store.open(path, clock, create=True) as store:
        add_nurse(store)
        map_beds(store, CHAIRS)
        _sessions(store, clock)
        if fed:
            for begin in range(1, HELD_SECONDS + 1, SETS_PER_FRAME):
                seconds = range(begin, min(begin + SETS_PER_FRAME, HELD_SECONDS + 1))
                clock.set(START + timedelta(seconds=seconds[-1]))
                for chair in CHAIRS:
                    send_backlog(store, clock, chair, seconds)
        clock.set(START + timedelta(seconds=HELD_SECONDS))
    return clock


def _ticks(path: Path, clock: FakeClock, *, fed: bool) -> list[float]:
    """The room on the file, its alerts raised and acknowledged; then the timed ticks, one
    new reading per chair charted before each when `fed`."""
    samples = []
    with Store.open(path, clock) as store:
        log_in_nurse(store)
        room = Room(store)
        room.tick()
        for state in room.in_room():
            for record in state.waiting():
                escalation = (Escalation(done=("BP rechecked",))
                              if record.priority.acts_now else None)
                room.acknowledge(record.id, "physician called", escalation)
        second = HELD_SECONDS
        for _ in range(TICKS):
            second += 1
            clock.set(START + timedelta(seconds=second))
            if fed:
                for chair in CHAIRS:
                    send(store, clock, chair, second)
            began = time.perf_counter()
            room.tick()
            samples.append((time.perf_counter() - began) * 1000)
        if fed:
            held = {len(state.chart.monitor_readings) for state in room.in_room()}
            assert held == {HELD_SECONDS + TICKS}, held
    return samples


def run() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-") as name:
        folder = Path(name)
        fed_clock = _build(folder / "fed.db", fed=True)
        plain_clock = _build(folder / "plain.db", fed=False)
        fed = statistics.median(_ticks(folder / "fed.db", fed_clock, fed=True))
        plain = statistics.median(_ticks(folder / "plain.db", plain_clock, fed=False))
    return [
        f"bench room_tick_fed_ms: {fed:.2f} ms",
        f"bench room_tick_plain_ms: {plain:.2f} ms",
        f"bench room_tick_fed_ratio: {fed / plain:.1f} x",
    ]


if __name__ == "__main__":
    for line in run():
        sys.stdout.write(f"{line}\n")
