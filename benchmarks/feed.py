"""What a monitor's message costs: from its frame on the wire to its ACK back, and its
reading after the ACK (store and forward: the ACK says "durably stored").

ours:     a real `Listener` on a loopback port, with the real store on a temporary file
          (the monitor's bed mapped to a chair with a session running in it, so each
          message's set is charted): a client sends one framed ORU (four readings, a fresh
          control id each) and waits for its ACK; `feed_ack_ms` is the listener's time
          from the frame's bytes read off its socket to the ACK written to it (the header
          read, the frame journaled with its audit row in one transaction committed with
          synchronous=FULL, the ACK built), `feed_round_trip_ms` the client's, from its
          send to the ACK read;
baseline: a bare sqlite3 connection with the same pragmas (WAL, synchronous=FULL), one
          INSERT of the same raw frame into a table of the journal's shape, and a commit:
          the least any durable journal write can cost here.

Both write files in one temporary folder (the same disk), alternating rounds so disk noise
falls on both alike, after a warm-up; the figures are medians of every timed message.
`feed_read_ms` is what follows each ACK on the listener's thread: the store reading the
frame whole and charting its set (`chart_frame`, its own transaction), the time the ACK no
longer waits on. `feed_msgs_per_s` is one client sending the next message as soon as the
last one's ACK is back, for a fixed count: what one connection sustains, the reading after
each ACK included (the listener has one thread). `feed_header_ms` is `read_header` alone
(what the ACK waits on of the message), `feed_parse_ms` the whole reading alone
(core.monitor_message, python-hl7's parse within it), within `feed_read_ms`.
"""

from __future__ import annotations

import socket
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.people import ADMIN, NURSE, NURSE_NAME, PASSWORD, add_nurse
from ketamonitor.core.clock import FakeClock, SystemClock
from ketamonitor.core.mllp import Frame, MllpReader, frame
from ketamonitor.core.monitor_message import parse_monitor_message, read_header
from ketamonitor.core.monitor_readings import FrameRead
from ketamonitor.core.monitor_settings import ListenSettings
from ketamonitor.core.oru_build import DEFAULT_SENDERS, Flavour, build_oru, observation
from ketamonitor.core.patient import parse_patient
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.core.times import to_stored
from ketamonitor.feed.listener import Listener
from ketamonitor.store.store import Store

WARM_UP = 50
ROUNDS = 5
PER_ROUND = 100
SUSTAINED = 1000

_BARE_FRAMES = """
    CREATE TABLE monitor_frames (
        id INTEGER PRIMARY KEY,
        received_at TEXT NOT NULL,
        peer TEXT NOT NULL,
        sending_application TEXT NOT NULL,
        sending_facility TEXT NOT NULL,
        control_id TEXT,
        message_type TEXT NOT NULL,
        raw BLOB NOT NULL,
        size INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        reason TEXT
    ) STRICT
"""
_BARE_INSERT = """
    INSERT INTO monitor_frames (received_at, peer, sending_application, sending_facility,
                                control_id, message_type, raw, size, outcome, reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def _messages(count: int, prefix: str) -> list[bytes]:
    now = datetime.now(UTC)
    readings = [observation(150456, 97), observation(147842, 72), observation(150021, 128),
                observation(150022, 81)]
    return [build_oru(readings, control_id=f"{prefix}-{n}", observed_at=now)
            for n in range(count)]


def _baseline(folder: Path, messages: list[bytes]
              ) -> tuple[Callable[[int], None], Callable[[], None]]:
    connection = sqlite3.connect(folder / "baseline.db")
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                   "busy_timeout = 10000"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(_BARE_FRAMES)
    connection.execute("CREATE UNIQUE INDEX resent ON monitor_frames(sending_application, "
                       "sending_facility, control_id)")
    connection.commit()

    def journal(n: int) -> None:
        raw = messages[n]
        connection.execute(_BARE_INSERT, [
            to_stored(datetime.now(UTC)), "127.0.0.1:40000", "MINDRAY", "INFUSION",
            f"B-{n}", "ORU^R01^ORU_R01", raw, len(raw), "AA", None])
        connection.commit()

    return journal, connection.close


class _Client:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = MllpReader(1 << 20)

    def ask(self, framed: bytes) -> bytes:
        self.sock.sendall(framed)
        while True:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("the listener closed the connection")
            for item in self.reader.feed(data):
                if isinstance(item, Frame):
                    return item.message


class _TimedListener(Listener):
    """The listener, timing on its own thread each read of a connection from the frame's
    bytes read off the socket to its ACK handed to the socket (the client sends the next
    frame only once the last ACK is back, so each read is one frame), and each reading
    after the ACK (`chart_frame`)."""

    def __init__(self, *args: Any, **options: Any) -> None:
        super().__init__(*args, on_charted=self._charted, **options)
        self.handled: list[float] = []
        self.read: list[float] = []
        self.charted = 0
        self._acked_at: float | None = None

    def _charted(self, read: FrameRead) -> None:
        self.charted += read.charted

    def _read(self, connection: Any) -> None:
        began = time.perf_counter()
        self._acked_at = None
        super()._read(connection)
        if self._acked_at is not None:
            self.handled.append(self._acked_at - began)

    def _send(self, connection: Any, message: bytes) -> None:
        super()._send(connection, message)
        self._acked_at = time.perf_counter()

    def _read_frame(self, frame_id: int, peer: str) -> bool:
        began = time.perf_counter()
        done = super()._read_frame(frame_id, peer)
        self.read.append(time.perf_counter() - began)
        return done


def _clinic(path: Path) -> None:
    """A new database whose monitor (build_oru's default sender and bed) is mapped to chair
    1 by an administrator, with a session running in chair 1 (begun a minute back, before
    any message's time), so each message's set is charted."""
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=1))
    with Store.open(path, clock, create=True) as store:
        add_nurse(store)
        store.logout()
        store.login(ADMIN, PASSWORD)
        application, facility = DEFAULT_SENDERS[Flavour.MINDRAY]
        store.map_monitor_bed(application, facility, "INFUSION^^Chair1", "1")
        store.logout()
        store.login(NURSE, PASSWORD)
        patient = store.register_patient(parse_patient(
            {"mrn": "BENCH-1", "family_name": "Rivera", "given_name": "Ana",
             "birth_date": "1984-05-06", "weight_kg": "72"}, today=clock.now().date()))
        store.start_session(parse_session_setup(
            {"chair": "1", "nurse": NURSE_NAME, "weight_kg": "72", "mg_per_kg": "0.5",
             "concentration": "1", "devices": "2", "prescriber": "Dr Ada Obi"},
            patient, store.library.protocol("iv-racemic-ketamine")))


def _ours(folder: Path, messages: list[bytes]
          ) -> tuple[Callable[[int], None], Callable[[], None], _TimedListener]:
    clock = SystemClock()
    path = folder / "ketamonitor.db"
    _clinic(path)
    settings = ListenSettings(address="127.0.0.1", port=0, allowed=(),
                              max_frame_bytes=1024 * 1024, idle_seconds=300,
                              max_connections=4)
    listener = _TimedListener(settings, lambda: Store.open(path, clock), clock)
    _, port = listener.start()
    client = _Client(port)
    framed = [frame(message) for message in messages]

    def journal(n: int) -> None:
        answer = client.ask(framed[n])
        if b"MSA|AA|" not in answer:
            raise AssertionError(f"not accepted: {answer!r}")

    def close() -> None:
        client.sock.close()
        listener.close()

    return journal, close, listener


def _timed(save: Callable[[int], None], start: int, count: int) -> list[float]:
    samples = []
    for n in range(start, start + count):
        began = time.perf_counter()
        save(n)
        samples.append(time.perf_counter() - began)
    return samples


def _alone_ms(messages: list[bytes], read: Callable[..., object]) -> float:
    """The median time of reading one of the messages alone (`read_header` or
    `parse_monitor_message`)."""
    clock = SystemClock()
    samples = []
    for message in messages * 3:
        now = clock.now()
        began = time.perf_counter()
        read(message, clock.local_zone, now)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def run() -> list[str]:
    timed = WARM_UP + ROUNDS * PER_ROUND
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-") as name:
        folder = Path(name)
        baseline, close_baseline = _baseline(folder, _messages(timed, "B"))
        ours, close_ours, listener = _ours(folder, _messages(timed + SUSTAINED, "M"))
        try:
            _timed(baseline, 0, WARM_UP)
            _timed(ours, 0, WARM_UP)
            samples: dict[str, list[float]] = {"baseline": [], "ours": []}
            savers = {"baseline": baseline, "ours": ours}
            listener.handled.clear()
            listener.read.clear()
            for round_number in range(ROUNDS):
                order = ("baseline", "ours") if round_number % 2 == 0 else ("ours", "baseline")
                for kind in order:
                    start = WARM_UP + round_number * PER_ROUND
                    samples[kind] += _timed(savers[kind], start, PER_ROUND)
            handled, read = list(listener.handled), list(listener.read)
            began = time.perf_counter()
            for n in range(timed, timed + SUSTAINED):
                ours(n)
            sustained = SUSTAINED / (time.perf_counter() - began)
        finally:
            close_ours()
            close_baseline()
    header_ms = _alone_ms(_messages(PER_ROUND, "H"), read_header)
    parse_ms = _alone_ms(_messages(PER_ROUND, "P"), parse_monitor_message)
    if listener.charted < timed + SUSTAINED:
        raise AssertionError(f"only {listener.charted} of {timed + SUSTAINED} messages "
                             "charted: the benchmark's clinic is not what it says")
    ours_ms = statistics.median(handled) * 1000
    round_trip_ms = statistics.median(samples["ours"]) * 1000
    baseline_ms = statistics.median(samples["baseline"]) * 1000
    return [
        f"bench feed_ack_ms: {ours_ms:.2f} ms",
        f"bench feed_ack_baseline_ms: {baseline_ms:.2f} ms",
        f"bench feed_ack_ratio: {ours_ms / baseline_ms:.2f} x",
        f"bench feed_round_trip_ms: {round_trip_ms:.2f} ms",
        f"bench feed_read_ms: {statistics.median(read) * 1000:.2f} ms",
        f"bench feed_header_ms: {header_ms:.3f} ms",
        f"bench feed_parse_ms: {parse_ms:.2f} ms",
        f"bench feed_msgs_per_s: {sustained:.0f} /s",
    ]
