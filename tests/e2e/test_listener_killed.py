"""kill -9 of `ketamonitor listen` at random moments: every message it ACKed is in the
journal exactly once and on its chart exactly once, and nothing a monitor sent is lost.

Four beds, each a monitor on its own connection, send ORUs one after another as a monitor
does: each message sent again (the same bytes, the same control id) until it is ACKed,
reconnecting as often as it takes. The listener, a real child process, is killed with
SIGKILL twenty times (after a random number of answers, then a random few milliseconds, so
the kill lands before, during or after a journal write) and restarted on the same port.
In the end the journal holds each message once: the resends of a message that was stored
but whose ACK the kill swallowed are answered from the journal, not stored again.

Each bed is mapped to a chair with a session running in it, so each message is also read
after its ACK and its set charted: a kill between the ACK and the reading leaves the frame
unread, and the next start catches it up. After a last restart has caught up, each ACKed
message's set is on its session's chart once: none lost, none charted twice.
"""

from __future__ import annotations

import random
import socket
import sqlite3
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock, SystemClock
from ketamonitor.core.mllp import Frame, MllpReader, frame
from ketamonitor.core.oru_build import Flavour, build_oru, observation
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.e2e.writer import Child
from tests.people import ADMIN, FAST_HASHER, NURSE, add_people, login_as

pytestmark = pytest.mark.e2e

BEDS = 4
KILLS = 20


@dataclass
class Bed:
    """One monitor: its connection, the message it is sending until ACKed, what was ACKed."""

    number: int
    sock: socket.socket | None = None
    reader: MllpReader = field(default_factory=lambda: MllpReader(1 << 20))
    sent: int = 0
    pending: bytes | None = None
    acked: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def application(self) -> str:
        return f"BEDSIDE{self.number}"

    def next_message(self) -> bytes:
        if self.pending is None:
            self.sent += 1
            self.pending = build_oru(
                [observation(150456, 90 + self.sent % 10), observation(147842, 70)],
                control_id=f"{self.number}-{self.sent}", observed_at=SystemClock().now(),
                flavour=Flavour.GE, sending_application=self.application,
                bed=f"INFUSION^^Chair{self.number}")
        return self.pending

    def drop(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.reader = None, MllpReader(1 << 20)


class Monitors:
    """The four beds, sending from one thread until told to stop (and each is ACKed)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.beds = [Bed(number) for number in range(1, BEDS + 1)]
        self.acks = 0
        self.answered = threading.Condition()
        self.stopping = threading.Event()
        self.problems: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            while not (self.stopping.is_set() and all(b.pending is None for b in self.beds)):
                for bed in self.beds:
                    if self.stopping.is_set() and bed.pending is None:
                        continue
                    self._exchange(bed)
        except Exception as error:  # said by the test
            self.problems.append(repr(error))

    def _exchange(self, bed: Bed) -> None:
        message = bed.next_message()
        try:
            if bed.sock is None:
                bed.sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            bed.sock.sendall(frame(message))
            answer = self._answer(bed)
        except OSError:  # refused while the listener restarts, reset by the kill
            bed.drop()
            time.sleep(0.005)
            return
        if answer is None:
            bed.drop()
            return
        control_id = message.split(b"|")[9].decode()
        if b"MSA|AA|" + control_id.encode() not in answer:
            self.problems.append(f"{control_id} answered {answer!r}")
            return
        bed.acked.append((control_id, message))
        bed.pending = None
        with self.answered:
            self.acks += 1
            self.answered.notify_all()

    @staticmethod
    def _answer(bed: Bed) -> bytes | None:
        assert bed.sock is not None
        while True:
            data = bed.sock.recv(65536)
            if not data:
                return None
            for item in bed.reader.feed(data):
                if isinstance(item, Frame):
                    return item.message

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        with self.answered:
            assert self.answered.wait_for(lambda: self.acks >= count, timeout), (
                f"only {self.acks} ACKs of {count}; {self.problems}")

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=20)
        assert not self.thread.is_alive(), "the monitors could not deliver what they held"
        for bed in self.beds:
            bed.drop()


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def sessions_in_each_bed_s_chair(db_path: Path) -> dict[str, int]:
    """Each bed mapped to its chair (bed n to chair n) and a session begun in each: the
    session of each bed's sending application. The sessions are begun a minute back: a GE
    monitor's times are whole seconds, and a set is charted for a session begun by then."""
    clock = FakeClock(SystemClock().now() - timedelta(minutes=1))
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        login_as(store, ADMIN)
        for number in range(1, BEDS + 1):
            store.map_monitor_bed(Bed(number).application, "INFUSION",
                                  f"INFUSION^^Chair{number}", str(number))
        login_as(store, NURSE)
        charting = Charting(store, clock)
        return {Bed(number).application: charting.session(
                    patient=charting.patient(f"MRN-{number}"), chair=str(number))
                for number in range(1, BEDS + 1)}


def unread(db_path: Path) -> int:
    """The frames answered AA and not read yet."""
    with closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)) as connection:
        found = connection.execute(
            "SELECT count(*) FROM monitor_frames f LEFT JOIN monitor_reads r "
            "ON r.frame_id = f.id WHERE f.outcome = 'AA' AND r.id IS NULL").fetchone()
    return int(found[0])


def test_every_acked_message_is_journaled_once_across_20_kills(tmp_path: Path):
    db_path = tmp_path / "clinic.db"
    sessions = sessions_in_each_bed_s_chair(db_path)
    port = free_port()
    chance = random.Random()
    seed = chance.randrange(1 << 30)
    chance.seed(seed)

    def listener() -> Child:
        child = Child([sys.executable, "-m", "ketamonitor", "listen", "--db", str(db_path),
                       "--port", str(port)], log_dir=tmp_path / "logs")
        line = child.line(timeout=20)
        assert line == f"listening on 127.0.0.1:{port}", (line, child.stderr())
        return child

    monitors = Monitors(port)
    child = listener()
    monitors.thread.start()
    try:
        for _ in range(KILLS):
            monitors.wait_for(monitors.acks + chance.randint(1, 12))
            time.sleep(chance.uniform(0, 0.004))  # a random moment between or within writes
            child.kill()
            child.close()
            child = listener()
        monitors.wait_for(monitors.acks + 8)
        monitors.stop()
        child.kill()  # perhaps between an ACK and its reading, as the others
        child.close()
        child = listener()  # the last start reads whatever was left unread
        deadline = time.monotonic() + 20
        while unread(db_path):
            assert time.monotonic() < deadline, ("frames left unread", seed)
            time.sleep(0.01)
    finally:
        child.close()
    assert not monitors.problems, (seed, monitors.problems)

    connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT sending_application, sending_facility, control_id, raw, outcome "
            "FROM monitor_frames").fetchall()
    finally:
        connection.close()
    acked = {(bed.application, "INFUSION", control_id): message
             for bed in monitors.beds for control_id, message in bed.acked}
    journaled = Counter((app, facility, control_id) for app, facility, control_id, *_ in rows)
    assert len(acked) == sum(bed.sent for bed in monitors.beds)  # every message was ACKed
    assert len(acked) > 4 * KILLS
    assert set(journaled) == set(acked), seed  # nothing lost, nothing from elsewhere
    assert set(journaled.values()) == {1}, seed  # each exactly once
    assert {outcome for *_, outcome in rows} == {"AA"}
    assert all(acked[(app, facility, control_id)] == raw
               for app, facility, control_id, raw, _ in rows)

    # every ACKed message's set on its session's chart, exactly once
    with closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)) as connection:
        control_ids = dict(connection.execute("SELECT id, control_id FROM monitor_frames"))
    with Store.open(db_path, SystemClock(), hasher=FAST_HASHER) as store:
        login_as(store, NURSE)
        for bed in monitors.beds:
            readings = store.chart(sessions[bed.application]).monitor_readings
            charted = Counter((control_ids[reading.frame_id], reading.vitals.spo2)
                              for reading in readings)
            assert charted == Counter((control_id, 90 + int(control_id.split("-")[1]) % 10)
                                      for control_id, _ in bed.acked), seed
