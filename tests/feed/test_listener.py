"""The monitors' listener on real loopback sockets: every frame journaled before its ACK,
each bad input answered per HL7's rules (or, when no frame ended, not answered), journaled,
and the listener serving another connection afterwards.

No test sleeps for timing: the idle timeout runs on a fake monotonic clock moved by hand
(`Listener.wake` makes the loop look), and each wait is a socket's or an event's timeout.
"""

from __future__ import annotations

import ipaddress
import logging
import select
import socket
import sqlite3
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.mllp import Frame, MllpReader, frame
from ketamonitor.core.monitor_feed import (
    FrameOutcome,
    JournaledFrame,
    JournalEntry,
    MonitorFrame,
)
from ketamonitor.core.monitor_readings import FrameRead
from ketamonitor.core.monitor_settings import ListenSettings
from ketamonitor.core.oru_build import Observation, OruPatient, build_oru, observation
from ketamonitor.feed.listener import HEAD_BYTES, FrameJournal, Listener
from ketamonitor.store.errors import DatabaseMissing, DiskFull
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.conftest import START
from tests.core.hl7_checks import strictly_valid, tolerantly_read
from tests.people import ADMIN, FAST_HASHER, NURSE, login_as
from tests.store.steps import running

#: How long any one answer may take (a generous bound, never a sleep).
TIMEOUT = 10.0


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings(**changes: object) -> ListenSettings:
    values: dict[str, object] = {
        "address": "127.0.0.1", "port": 0, "allowed": (), "max_frame_bytes": 1024 * 1024,
        "idle_seconds": 300, "max_connections": 8}
    values.update(changes)
    return ListenSettings(**values)  # type: ignore[arg-type]


def oru(control_id: str = "MSG-1", *, observations: list[Observation] | None = None,
        **options: object) -> bytes:
    observations = observations or [observation(150456, 97), observation(147842, 72),
                                    observation(150021, 128), observation(150022, 81)]
    options.setdefault("observed_at", START)
    return build_oru(observations, control_id=control_id, **options)  # type: ignore[arg-type]


@dataclass
class Answer:
    raw: bytes
    segments: list[list[str]]

    @property
    def code(self) -> str:
        return self.field("MSA", 1)

    @property
    def original_id(self) -> str:
        return self.field("MSA", 2)

    def field(self, segment: str, number: int) -> str:
        for fields in self.segments:
            if fields[0] == segment:
                # MSH-1 is the separator itself: MSH's fields are one further on
                index = number - 1 if segment == "MSH" else number
                return fields[index] if index < len(fields) else ""
        return ""


class Client:
    """A monitor on loopback: sends bytes, reads ACKs."""

    def __init__(self, port: int, source: str | None = None) -> None:
        self.sock = socket.create_connection(
            ("127.0.0.1", port), timeout=TIMEOUT,
            source_address=(source, 0) if source else None)
        self.reader = MllpReader(1 << 20)
        self.frames: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def answer(self) -> Answer:
        while not self.frames:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed without an answer")
            self.frames += [item.message for item in self.reader.feed(data)
                            if isinstance(item, Frame)]
        raw = self.frames.pop(0)
        codec = "latin-1" if b"8859/1" in raw else "utf-8"
        text = raw.decode(codec)
        assert text.endswith("\r")
        return Answer(raw, [segment.split("|") for segment in text[:-1].split("\r")])

    def ask(self, message: bytes) -> Answer:
        self.send(frame(message))
        return self.answer()

    def closed_by_listener(self) -> bool:
        """True once the listener has closed the connection (with nothing more sent)."""
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            return True
        assert data == b"", f"an answer came where none was owed: {data!r}"
        return True

    def nothing_waiting(self) -> bool:
        readable, _, _ = select.select([self.sock], [], [], 0)
        return not readable

    def close(self) -> None:
        self.sock.close()


def journal(db_path: Path) -> list[dict[str, object]]:
    """The journal's rows as the file holds them (read-only, beside the listener)."""
    connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        cursor = connection.execute("SELECT * FROM monitor_frames ORDER BY id")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()


class Reads:
    """What the listener's journal answered to each `chart_frame`, in order; a test waits
    on it for a frame read after its ACK."""

    def __init__(self) -> None:
        self.done: list[FrameRead] = []
        self.changed = threading.Condition()

    def add(self, read: FrameRead) -> None:
        with self.changed:
            self.done.append(read)
            self.changed.notify_all()

    def wait(self, count: int) -> list[FrameRead]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.done) >= count, TIMEOUT), self.done
            return list(self.done)


class Watched:
    """The store's journal, with a hook run after each write returns (before any ACK), and
    each read noted in `reads`."""

    def __init__(self, store: Store, after: Callable[[JournaledFrame], None] | None = None,
                 fail: Callable[[JournaledFrame], None] | None = None,
                 reads: Reads | None = None) -> None:
        self.store = store
        self.after = after
        self.fail = fail
        self.reads = reads

    def journal_frame(self, journaled: JournaledFrame) -> JournalEntry:
        if self.fail is not None:
            self.fail(journaled)
        entry = self.store.journal_frame(journaled)
        if self.after is not None:
            self.after(journaled)
        return entry

    def chart_frame(self, frame_id: int) -> FrameRead:
        result = self.store.chart_frame(frame_id)
        if self.reads is not None:
            self.reads.add(result)
        return result

    def unread_frames(self, limit: int = 500) -> list[MonitorFrame]:
        return self.store.unread_frames(limit)

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def beside(store: Store, db_path: Path, clock: FakeClock) -> Callable[[], Store]:
    """The listener's own store, opened on its thread beside the app (the `store` fixture
    holds the single-instance lock, as the window would)."""
    return lambda: Store.open_beside_app(db_path, clock, hasher=FAST_HASHER)


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def listen(beside: Callable[[], Store], clock: FakeClock,
           monotonic: FakeMonotonic) -> Iterator[Callable[..., Listener]]:
    started: list[Listener] = []

    def start(journal: Callable[[], FrameJournal] | None = None, *,
              on_charted: Callable[[FrameRead], None] | None = None,
              **changes: object) -> Listener:
        listener = Listener(settings(**changes), journal or beside, clock, monotonic=monotonic,
                            on_charted=on_charted)
        listener.start()
        started.append(listener)
        return listener

    yield start
    for listener in started:
        listener.close()


@pytest.fixture
def reading(listen, db_path: Path, clock: FakeClock
            ) -> Callable[..., tuple[Listener, Reads]]:
    """A listener on the real store whose reads a test can wait for."""
    def start(**options: object) -> tuple[Listener, Reads]:
        reads = Reads()
        listener = listen(lambda: Watched(Store.open_beside_app(db_path, clock,
                                                                hasher=FAST_HASHER),
                                          reads=reads), **options)
        return listener, reads

    return start


#: The sender build_oru writes by default, and its bed.
APP, FACILITY, BED = "MINDRAY_EGATEWAY^00A0370000000001^EUI-64", "INFUSION", "INFUSION^^Chair1"


@pytest.fixture
def chair_3(store: Store, charting: Charting) -> int:
    """The default monitor's bed mapped to chair 3 by an administrator, and a session
    running in chair 3 (begun at START); its id."""
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, FACILITY, BED, "3")
    login_as(store, NURSE)
    session_id, _ = running(charting)
    return session_id


@pytest.fixture
def clients() -> Iterator[Callable[..., Client]]:
    opened: list[Client] = []

    def connect(listener: Listener, source: str | None = None) -> Client:
        assert listener.address is not None
        client = Client(listener.address[1], source)
        opened.append(client)
        return client

    yield connect
    for client in opened:
        client.close()


def still_serving(listener: Listener, connect: Callable[..., Client],
                  control_id: str = "AFTER-1") -> None:
    """Another connection is answered AA: the listener goes on."""
    answer = connect(listener).ask(oru(control_id))
    assert (answer.code, answer.original_id) == ("AA", control_id)


# -- a message read and stored ------------------------------------------------------------


def test_an_oru_is_journaled_durably_before_its_aa_is_sent(
        store: Store, db_path: Path, listen, clients):
    client: Client | None = None
    seen_before_ack: list[tuple[int, bool]] = []

    def after(_journaled: JournaledFrame) -> None:
        # the write has returned: the row is in the file, and no answer has gone out yet
        assert client is not None
        seen_before_ack.append((len(journal(db_path)), client.nothing_waiting()))

    listener = listen(lambda: Watched(Store.open_beside_app(db_path, store.clock,
                                                            hasher=FAST_HASHER), after))
    client = clients(listener)
    message = oru("MR-77", sending_application="CARESCAPE_GW", sending_facility="ICU")
    answer = client.ask(message)
    assert seen_before_ack == [(1, True)]
    assert (answer.code, answer.original_id) == ("AA", "MR-77")
    strictly_valid(answer.raw)
    assert answer.field("MSH", 5) == "CARESCAPE_GW"
    [row] = journal(db_path)
    assert row["raw"] == message
    assert row["outcome"] == "AA" and row["reason"] is None
    assert (row["sending_application"], row["sending_facility"], row["control_id"]) == (
        "CARESCAPE_GW", "ICU", "MR-77")
    assert row["message_type"] == "ORU^R01^ORU_R01"
    assert row["size"] == len(message)
    assert str(row["peer"]).startswith("127.0.0.1:")
    assert row["received_at"] == "2026-11-23T07:30:00.000Z"


def test_a_frame_split_across_sends_and_several_frames_in_one_send(db_path, listen, clients):
    listener = listen()
    client = clients(listener)
    framed = frame(oru("SPLIT-1"))
    for piece in (framed[:1], framed[1:40], framed[40:-1], framed[-1:]):
        client.send(piece)
    assert client.answer().original_id == "SPLIT-1"
    client.send(b"".join(frame(oru(f"JOINED-{n}")) for n in range(5)) + b"\r\n")
    assert [client.answer().original_id for _ in range(5)] == [
        f"JOINED-{n}" for n in range(5)]
    assert [row["control_id"] for row in journal(db_path)] == [
        "SPLIT-1", *(f"JOINED-{n}" for n in range(5))]
    assert all(row["outcome"] == "AA" for row in journal(db_path))


def test_a_gateway_sends_many_beds_on_one_connection(db_path, listen, clients):
    listener = listen()
    client = clients(listener)
    client.send(b"".join(frame(oru(f"BED{n}-1", bed=f"INFUSION^^Chair{n}"))
                         for n in range(1, 4)))
    assert [client.answer().original_id for _ in range(3)] == ["BED1-1", "BED2-1", "BED3-1"]
    assert [bytes(row["raw"]).count(b"INFUSION^^Chair") for row in journal(db_path)] == [
        1, 1, 1]


def test_a_listener_on_the_ipv6_loopback_keeps_its_senders_addresses_bracketed(
        db_path, beside, clock, monotonic):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        probe = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback address on this machine")
    probe.close()
    with Listener(settings(address="::1"), beside, clock, monotonic=monotonic) as listener:
        assert listener.address is not None
        with socket.create_connection(("::1", listener.address[1]), timeout=TIMEOUT) as sock:
            sock.sendall(frame(oru("SIX-1")))
            reader = MllpReader(1 << 20)
            answered: list[object] = []
            while not answered:
                answered = [item for item in reader.feed(sock.recv(65536))
                            if isinstance(item, Frame)]
    assert str(journal(db_path)[0]["peer"]).startswith("[::1]:")


def test_a_slow_sender_one_byte_at_a_time(db_path, listen, clients):
    listener = listen()
    client = clients(listener)
    client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for byte in frame(oru("SLOW-1")):
        client.send(bytes([byte]))
    assert (client.answer().code, journal(db_path)[0]["control_id"]) == ("AA", "SLOW-1")
    still_serving(listener, clients)


def test_a_resend_is_stored_once_and_answered_as_the_first(db_path, listen, clients):
    listener = listen()
    first = clients(listener).ask(oru("AGAIN-1"))
    wrong = oru("AGAIN-2").replace(b"|P|2.6", b"|T|2.6")  # a monitor in training mode
    refused = clients(listener).ask(wrong)
    # the monitor got no answer (say), reconnects and sends both again
    client = clients(listener)
    again, refused_again = client.ask(oru("AGAIN-1")), client.ask(wrong)
    assert (first.code, again.code) == ("AA", "AA")
    assert again.original_id == first.original_id == "AGAIN-1"
    assert (refused.code, refused_again.code) == ("AR", "AR")
    assert refused_again.field("ERR", 7) == refused.field("ERR", 7) != ""
    assert [row["control_id"] for row in journal(db_path)] == ["AGAIN-1", "AGAIN-2"]


# -- messages read but refused -------------------------------------------------------------


@pytest.mark.parametrize(("charset", "family", "given"), [
    ("8859/1", "Müller", "Zoë"), ("UNICODE UTF-8", "Łukasiewicz", "Zoë 李")])
def test_non_ascii_names_in_latin_1_and_utf_8(db_path, listen, clients, charset, family,
                                               given):
    listener = listen()
    message = oru("NAME-1", patient=OruPatient("MRN7", family, given), charset=charset)
    answer = clients(listener).ask(message)
    assert (answer.code, answer.field("MSH", 18)) == ("AA", charset)
    strictly_valid(answer.raw, "latin-1" if charset == "8859/1" else "utf-8")
    [row] = journal(db_path)
    assert row["raw"] == message  # byte for byte, as sent
    codec = "latin-1" if charset == "8859/1" else "utf-8"
    assert family in bytes(row["raw"]).decode(codec)  # type: ignore[arg-type]


# What a message holds is read after its ACK: a frame stored is answered AA whatever its
# readings are (the monitor cannot mend them), and why none was charted is the read's note.


def test_an_acked_frame_s_readings_are_charted_for_the_session_in_its_bed_s_chair(
        store, clock, chair_3, reading, clients):
    told = threading.Event()
    charted: list[FrameRead] = []

    def on_charted(read: FrameRead) -> None:
        charted.append(read)
        told.set()

    clock.advance(minutes=1)
    listener, reads = reading(on_charted=on_charted)
    answer = clients(listener).ask(oru("CHART-1", observed_at=clock.now()))
    assert answer.code == "AA"
    [read] = reads.wait(1)
    assert (read.chair, read.session_id, read.sets, read.charted, read.note) == (
        "3", chair_3, 1, 1, None)
    [charted_reading] = store.chart(chair_3).monitor_readings
    vitals = charted_reading.vitals
    assert (vitals.spo2, vitals.heart_rate, vitals.systolic, vitals.diastolic) == (
        97, 72, 128, 81)
    assert charted_reading.frame_id == read.frame_id == journal(store.path)[0]["id"]
    assert told.wait(TIMEOUT) and charted == [read]


def test_a_frame_journaled_but_never_read_is_charted_when_the_listener_starts(
        store, clock, chair_3, reading):
    """The listener killed between its ACK and its reading: the next start reads it."""
    clock.advance(minutes=1)
    message = oru("KILLED-1", observed_at=clock.now())
    store.journal_frame(JournaledFrame(
        peer="127.0.0.1:4100", raw=message, outcome=FrameOutcome.ACCEPTED,
        sending_application=APP, sending_facility=FACILITY, control_id="KILLED-1",
        message_type="ORU^R01^ORU_R01"))
    clock.advance(minutes=30)  # read later, as of when it came all the same
    listener, reads = reading()
    assert listener.caught_up.wait(TIMEOUT)
    [read] = reads.wait(1)
    assert (read.session_id, read.charted) == (chair_3, 1)
    assert [r.frame_id for r in store.chart(chair_3).monitor_readings] == [read.frame_id]
    assert store.unread_frames() == []


def test_unknown_obx_codes_are_stored_answered_aa_and_set_aside(store, clock, chair_3,
                                                                reading, clients):
    clock.advance(minutes=1)
    listener, reads = reading()
    unknown = Observation(code="999999^MDC_SOMETHING_ELSE^MDC", value="5",
                          units="262656^MDC_DIM_DIMLESS^MDC", observed_at=clock.now())
    client = clients(listener)
    assert client.ask(oru("UNK-1", observed_at=clock.now(), observations=[
        unknown, observation(150456, 96)])).code == "AA"
    only_unknown = client.ask(oru("UNK-2", observed_at=clock.now(), observations=[unknown]))
    assert (only_unknown.code, only_unknown.field("ERR", 7)) == ("AA", "")
    assert [(row["outcome"], row["reason"]) for row in journal(store.path)] == [
        ("AA", None), ("AA", None)]
    some, none = reads.wait(2)
    assert some.charted == 1 and "set aside: 999999 MDC_SOMETHING_ELSE: not a code" in str(
        some.note)
    assert none.charted == 0
    assert str(none.note).startswith("no usable reading: 999999 MDC_SOMETHING_ELSE")
    assert [r.vitals.spo2 for r in store.chart(chair_3).monitor_readings] == [96]


def test_a_value_no_patient_can_have_is_stored_answered_aa_and_noted(db_path, reading,
                                                                     clients):
    listener, reads = reading()
    answer = clients(listener).ask(oru("RANGE-1", observations=[observation(150456, 250)]))
    assert answer.code == "AA"
    [row] = journal(db_path)
    assert (row["outcome"], row["control_id"]) == ("AA", "RANGE-1")
    [read] = reads.wait(1)
    assert read.charted == 0 and "SpO2 250 % is beyond what a patient can have" in str(
        read.note)
    still_serving(listener, clients)


def test_a_reading_dated_in_the_future_is_stored_answered_aa_and_noted(db_path, reading,
                                                                       clients):
    listener, reads = reading()
    answer = clients(listener).ask(oru("FUTURE-1", observed_at=START + timedelta(hours=1)))
    assert (answer.code, answer.original_id, answer.field("ERR", 7)) == ("AA", "FUTURE-1", "")
    strictly_valid(answer.raw)
    assert journal(db_path)[0]["outcome"] == "AA"
    [read] = reads.wait(1)
    assert read.charted == 0
    assert "after the workstation's clock: the monitor's clock is wrong" in str(read.note)
    still_serving(listener, clients)


def test_a_reading_for_a_chair_with_no_session_or_dated_before_it_is_kept_in_the_journal(
        store, clock, chair_3, reading, clients, caplog):
    """Stored and answered AA (the monitor may forget it), charted for no one, and the
    read's note and the log say why; the room goes on."""
    caplog.set_level(logging.INFO, "ketamonitor.feed.listener")
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, FACILITY, "INFUSION^^Chair5", "5")  # no session in chair 5
    login_as(store, NURSE)
    clock.advance(minutes=1)
    listener, reads = reading()
    client = clients(listener)
    empty = client.ask(oru("EMPTY-1", observed_at=clock.now(), bed="INFUSION^^Chair5"))
    early = client.ask(oru("EARLY-1", observed_at=START - timedelta(minutes=10)))
    assert (empty.code, early.code) == ("AA", "AA")
    no_session, before = reads.wait(2)
    assert no_session.charted == 0 and "no session had begun in chair 5" in str(
        no_session.note)
    assert before.charted == 0 and "no session had begun in chair 3" in str(before.note)
    assert store.chart(chair_3).monitor_readings == ()
    assert "0 of its 1 sets charted: no session had begun in chair 5" in caplog.text
    still_serving(listener, clients)


def test_a_message_other_than_an_oru_is_rejected(db_path, listen, clients):
    listener = listen()
    message = oru("ADT-1").replace(b"ORU^R01^ORU_R01", b"ADT^A01^ADT_A01")
    answer = clients(listener).ask(message)
    assert (answer.code, answer.original_id) == ("AR", "ADT-1")
    assert answer.field("ERR", 3).startswith("200^")  # unsupported message type
    [row] = journal(db_path)
    assert (row["outcome"], row["message_type"], row["raw"]) == ("AR", "ADT^A01^ADT_A01",
                                                                 message)
    still_serving(listener, clients)


# -- bytes that are no message ------------------------------------------------------------


def test_binary_garbage_inside_a_frame_is_rejected_with_a_minimal_ack(db_path, listen,
                                                                      clients):
    listener = listen()
    garbage = bytes(range(0x0C, 0x1C)) + bytes(range(0x1D, 256)) * 4
    client = clients(listener)
    answer = client.ask(garbage)
    assert (answer.code, answer.original_id) == ("AR", "")
    assert answer.field("MSH", 5) == ""  # no MSH to echo: a minimal answer
    assert tolerantly_read(answer.raw).msa.msa_1.to_er7() == "AR"
    [row] = journal(db_path)
    assert (row["outcome"], row["raw"], row["control_id"]) == ("AR", garbage, None)
    assert client.ask(oru("AFTER-GARBAGE")).code == "AA"  # the connection goes on


def test_bytes_outside_any_frame_are_journaled_unanswered(db_path, listen, clients):
    listener = listen()
    client = clients(listener)
    client.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\xfe" + frame(oru("AFTER-NOISE")))
    assert client.answer().original_id == "AFTER-NOISE"  # the first answer is the frame's
    noise, taken = journal(db_path)
    assert (noise["outcome"], noise["control_id"]) == ("AR", None)
    assert noise["raw"] == b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\xfe"
    assert "outside any frame" in str(noise["reason"])
    assert taken["outcome"] == "AA"


def test_an_empty_frame_is_rejected(db_path, listen, clients):
    listener = listen()
    client = clients(listener)
    client.send(b"\x0b\x1c\r")
    assert client.answer().code == "AR"
    assert journal(db_path)[0]["size"] == 0
    assert client.ask(oru("AFTER-EMPTY")).code == "AA"


def test_a_frame_cut_short_by_the_next_one_is_journaled_unanswered(db_path, listen,
                                                                    clients):
    listener = listen()
    client = clients(listener)
    cut = frame(oru("CUT-1"))[:-30]
    client.send(cut + frame(oru("NEXT-1")))
    assert client.answer().original_id == "NEXT-1"
    unfinished, taken = journal(db_path)
    assert (unfinished["outcome"], unfinished["raw"]) == ("AR", cut[1:])
    assert "without its end block" in str(unfinished["reason"])
    assert taken["control_id"] == "NEXT-1"


def test_a_frame_without_its_end_is_journaled_at_the_idle_timeout(
        db_path, listen, clients, monotonic):
    listener = listen(idle_seconds=30)
    client = clients(listener)
    started = frame(oru("HALF-1"))[:-40]
    client.send(frame(oru("WHOLE-1")) + started)
    assert client.answer().original_id == "WHOLE-1"
    monotonic.now += 31
    listener.wake()
    assert client.closed_by_listener()
    whole, half = journal(db_path)
    assert whole["outcome"] == "AA"
    assert (half["outcome"], half["raw"], half["control_id"]) == ("AR", started[1:], None)
    assert "stopped before it was finished" in str(half["reason"])
    still_serving(listener, clients)


def test_a_10_mb_frame_is_refused_in_bounded_memory_and_the_connection_goes_on(
        db_path, listen, clients):
    listener = listen(max_frame_bytes=1024 * 1024)
    other = clients(listener)
    client = clients(listener)
    header = b"MSH|^~\\&|BIG|ICU|||20261123073000||ORU^R01|BIG-1|P|2.6\rOBX|"
    huge = frame(header + b"9" * (10 * 1024 * 1024) + b"\r")
    tracemalloc.start()
    try:
        client.send(huge)
        answer = client.answer()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (answer.code, answer.original_id) == ("AR", "")
    assert peak < 4 * 1024 * 1024, f"{peak:,} bytes at the peak"
    [row] = journal(db_path)
    assert row["outcome"] == "AR" and "longer than" in str(row["reason"])
    assert len(bytes(row["raw"])) == HEAD_BYTES  # type: ignore[arg-type]
    assert bytes(row["raw"]).startswith(b"MSH|^~\\&|BIG")  # type: ignore[arg-type]
    assert int(row["size"]) > 1024 * 1024  # type: ignore[call-overload]
    # the rest of the big frame was discarded; the connection takes the next frame
    assert client.ask(oru("AFTER-BIG")).code == "AA"
    assert other.ask(oru("OTHER-1")).code == "AA"


# -- who may send, and how many --------------------------------------------------------------


def test_a_sender_not_on_the_allow_list_is_closed_at_once_and_journaled(
        db_path, listen, clients, caplog):
    caplog.set_level(logging.WARNING, "ketamonitor.feed.listener")
    listener = listen(allowed=(ipaddress.ip_network("127.0.0.2/32"),))
    refused = clients(listener)  # from 127.0.0.1
    assert refused.closed_by_listener()
    [row] = journal(db_path)
    assert (row["outcome"], row["raw"], row["size"]) == ("AR", b"", 0)
    assert str(row["peer"]).startswith("127.0.0.1:")
    assert "allow-list" in str(row["reason"])
    assert "not on the allow-list" in caplog.text
    # the same address again is refused and logged, but not journaled again within the hour
    assert clients(listener).closed_by_listener()
    assert len(journal(db_path)) == 1
    allowed = clients(listener, source="127.0.0.2")
    assert allowed.ask(oru("ALLOWED-1")).code == "AA"
    assert str(journal(db_path)[1]["peer"]).startswith("127.0.0.2:")


def test_a_connection_beyond_the_maximum_is_closed_at_once(db_path, listen, clients,
                                                            caplog):
    caplog.set_level(logging.WARNING, "ketamonitor.feed.listener")
    listener = listen(max_connections=2)
    first, second = clients(listener), clients(listener)
    assert first.ask(oru("MAX-1")).code == second.ask(oru("MAX-2")).code == "AA"
    assert clients(listener).closed_by_listener()
    assert "connections are open already" in caplog.text
    first.close()
    deadline = time.monotonic() + TIMEOUT
    while listener.connections > 1:  # the listener has seen the first one go
        assert time.monotonic() < deadline
        time.sleep(0.005)
    still_serving(listener, clients)
    assert second.ask(oru("MAX-3")).code == "AA"


# -- when the journal fails ----------------------------------------------------------------


def test_a_frame_the_store_cannot_take_is_not_answered_and_its_connection_closed(
        store, db_path, listen, clients, caplog):
    failures = [DiskFull(db_path, "the disk is full", "free some space")]

    def fail(_journaled: JournaledFrame) -> None:
        if failures:
            raise failures.pop()

    listener = listen(lambda: Watched(Store.open_beside_app(db_path, store.clock,
                                                            hasher=FAST_HASHER), fail=fail))
    client = clients(listener)
    client.send(frame(oru("FULL-1")))
    assert client.closed_by_listener()  # no AA, no AE: the monitor sends it again
    assert journal(db_path) == []
    assert "not journaled, so not answered" in caplog.text
    assert clients(listener).ask(oru("FULL-1")).code == "AA"  # resent once there is room
    assert [row["control_id"] for row in journal(db_path)] == ["FULL-1"]


def test_a_database_moved_away_gets_no_ack_and_the_listener_goes_on(
        tmp_path, clock, monotonic, caplog):
    path = tmp_path / "alone.db"
    Store.open(path, clock, hasher=FAST_HASHER, create=True).close()
    listener = Listener(settings(), lambda: Store.open_beside_app(path, clock), clock,
                        monotonic=monotonic)
    with listener:
        assert listener.address is not None
        first = Client(listener.address[1])
        try:
            assert first.ask(oru("BEFORE-MOVE")).code == "AA"
            path.rename(tmp_path / "moved.db")  # the file is not where it was opened
            first.send(frame(oru("AFTER-MOVE")))
            assert first.closed_by_listener()  # never an AA for a frame not stored
        finally:
            first.close()
        second = Client(listener.address[1])
        try:
            second.send(frame(oru("AFTER-MOVE")))
            assert second.closed_by_listener()
        finally:
            second.close()
        assert listener.running
    assert "not journaled, so not answered" in caplog.text


def test_a_bug_in_one_frame_closes_its_connection_only(store, db_path, listen, clients,
                                                       caplog):
    def fail(journaled: JournaledFrame) -> None:
        if journaled.control_id == "BUG-1":
            raise RuntimeError("a bug")

    listener = listen(lambda: Watched(Store.open_beside_app(db_path, store.clock,
                                                            hasher=FAST_HASHER), fail=fail))
    other = clients(listener)
    client = clients(listener)
    client.send(frame(oru("BUG-1")))
    assert client.closed_by_listener()
    assert "unexpected error; closing it" in caplog.text
    assert other.ask(oru("OTHER-1")).code == "AA"
    still_serving(listener, clients)


# -- starting and stopping -------------------------------------------------------------------


def test_close_ends_every_connection_and_journals_what_was_unfinished(
        db_path, beside, clock, monotonic, clients):
    listener = Listener(settings(), beside, clock, monotonic=monotonic)
    with listener:
        client = clients(listener)
        client.send(frame(oru("BEFORE-1")) + b"\x0bMSH|^~\\&|HALF")
        assert client.answer().code == "AA"
    assert client.closed_by_listener()
    assert listener.connections == 0
    assert not listener.running
    assert [(row["outcome"], row["raw"]) for row in journal(db_path)][1] == (
        "AR", b"MSH|^~\\&|HALF")
    with pytest.raises(OSError):
        Client(listener.address[1])  # type: ignore[index]  # nothing listens any more
    listener.close()  # twice is harmless


def test_a_journal_that_cannot_be_opened_stops_start(clock, monotonic, tmp_path):
    missing = tmp_path / "nowhere.db"
    listener = Listener(settings(), lambda: Store.open_beside_app(missing, clock), clock,
                        monotonic=monotonic)
    with pytest.raises(DatabaseMissing, match=r"nowhere\.db"):
        listener.start()


def test_an_address_in_use_is_an_oserror(beside, clock, monotonic, listen):
    first = listen()
    assert first.address is not None
    second = Listener(settings(port=first.address[1]), beside, clock, monotonic=monotonic)
    with pytest.raises(OSError):
        second.start()
