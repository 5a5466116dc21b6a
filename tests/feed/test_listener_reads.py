"""Store and forward: the listener answers a frame once it is journaled, from its header
alone, and reads it whole afterwards (`chart_frame`); what was journaled but never read is
caught up when the listener starts and after the store failed to record a reading.

A small journal kept in memory stands in for the store here (reading a frame as the store
does, its own bytes as of when it came), so that each failure can be made to happen where
a test wants it and the order of the journal's calls and the ACKs can be seen;
tests/feed/test_listener.py holds the listener to the real store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.hl7_text import AckCode, ErrorCode
from ketamonitor.core.mllp import frame
from ketamonitor.core.monitor_feed import (
    FrameOutcome,
    JournaledFrame,
    JournalEntry,
    MonitorFrame,
    check_frame,
)
from ketamonitor.core.monitor_message import (
    MessageRefusal,
    MonitorMessage,
    parse_monitor_message,
)
from ketamonitor.core.monitor_readings import FrameRead
from ketamonitor.core.oru_build import Observation, observation
from ketamonitor.feed.listener import Listener
from ketamonitor.store.errors import DiskFull
from tests.conftest import START
from tests.feed.test_listener import TIMEOUT, Client, FakeMonotonic, oru, settings

Read = MonitorMessage | MessageRefusal


@dataclass
class MemoryJournal:
    """The journal's four calls, kept in memory: `events` says in which order the
    journal's writes, the ACKs and the readings came; `received_at` is when the journal
    says each frame came (its own clock, not the listener's)."""

    received_at: datetime = START
    frames: list[MonitorFrame] = field(default_factory=list)
    reads: list[tuple[int, Read]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    #: Raised, in turn, by the next calls of chart_frame.
    chart_failures: list[Exception] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def journal_frame(self, journaled: JournaledFrame) -> JournalEntry:
        checked = check_frame(journaled)
        with self.changed:
            for held in self.frames:
                if checked.control_id is not None and (
                        held.sending_application, held.sending_facility, held.control_id) == (
                        checked.sending_application, checked.sending_facility,
                        checked.control_id):
                    return JournalEntry(held.id, True, held.outcome, held.reason,
                                        held.received_at)
            stored = self.add(checked.raw, checked.outcome, reason=checked.reason,
                              control_id=checked.control_id,
                              application=checked.sending_application,
                              facility=checked.sending_facility)
            self.events.append(f"journal {stored.id}")
        return JournalEntry(stored.id, False, stored.outcome, stored.reason,
                            stored.received_at)

    def add(self, raw: bytes, outcome: FrameOutcome = FrameOutcome.ACCEPTED, *,
            reason: str | None = None, control_id: str | None = None,
            application: str = "", facility: str = "",
            received_at: datetime | None = None) -> MonitorFrame:
        """A frame in the journal (one journaled before the listener started, say)."""
        stored = MonitorFrame(
            id=len(self.frames) + 1, received_at=received_at or self.received_at,
            peer="127.0.0.1:4100", sending_application=application,
            sending_facility=facility, control_id=control_id, message_type="ORU^R01",
            raw=raw, size=len(raw), outcome=outcome, reason=reason)
        self.frames.append(stored)
        return stored

    def chart_frame(self, frame_id: int) -> FrameRead:
        """The frame read as the store reads it: its own bytes, as of when it came."""
        with self.changed:
            if self.chart_failures:
                raise self.chart_failures.pop(0)
            stored = self.frames[frame_id - 1]
            read = parse_monitor_message(stored.raw, UTC, stored.received_at)
            self.reads.append((frame_id, read))
            self.events.append(f"read {frame_id}")
            self.changed.notify_all()
        sets = len(read.reading_sets) if isinstance(read, MonitorMessage) else 0
        return FrameRead(frame_id=frame_id, read_at=self.received_at, chair="1",
                         session_id=None, sets=sets, charted=sets,
                         note=read.reason if isinstance(read, MessageRefusal) else None)

    def unread_frames(self, limit: int = 500) -> list[MonitorFrame]:
        with self.changed:
            read = {frame_id for frame_id, _ in self.reads}
            return [f for f in self.frames
                    if f.outcome is FrameOutcome.ACCEPTED and f.id not in read][:limit]

    def close(self) -> None:
        pass

    def read_of(self, frame_id: int) -> Read:
        return dict(self.reads)[frame_id]

    def wait_for_event(self, event: str) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: event in self.events, TIMEOUT), self.events

    def wait_for_reads(self, count: int) -> list[int]:
        """The frames read, in the order they were read, once there are `count` of them."""
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.reads) >= count, TIMEOUT), (
                self.reads)
            return [frame_id for frame_id, _ in self.reads]


class Answering(Listener):
    """The listener, each ACK it sends noted among the journal's calls."""

    def __init__(self, journal: MemoryJournal, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self.memory = journal

    def _send(self, connection: Any, message: bytes) -> None:
        with self.memory.changed:
            self.memory.events.append("ack")
        super()._send(connection, message)

    def _owe_catch_up(self) -> None:
        super()._owe_catch_up()
        with self.memory.changed:
            self.memory.events.append("owed")
            self.memory.changed.notify_all()


@pytest.fixture
def memory() -> MemoryJournal:
    return MemoryJournal()


@pytest.fixture
def listen(memory: MemoryJournal, clock: FakeClock) -> Iterator[Callable[..., Answering]]:
    started: list[Answering] = []

    def start(**options: Any) -> Answering:
        listener = Answering(memory, settings(), lambda: memory, clock,
                             monotonic=FakeMonotonic(), **options)
        listener.start()
        started.append(listener)
        assert listener.caught_up.wait(TIMEOUT)
        return listener

    yield start
    for listener in started:
        listener.close()


@pytest.fixture
def connect() -> Iterator[Callable[[Listener], Client]]:
    opened: list[Client] = []

    def open_one(listener: Listener) -> Client:
        assert listener.address is not None
        opened.append(Client(listener.address[1]))
        return opened[-1]

    yield open_one
    for client in opened:
        client.close()


UNKNOWN = Observation(code="999999^MDC_SOMETHING_ELSE^MDC", value="5",
                      units="262656^MDC_DIM_DIMLESS^MDC", observed_at=START)


def test_a_frame_is_answered_once_journaled_and_read_after_its_ack(memory, listen, connect):
    listener = listen()
    answer = connect(listener).ask(oru("FIRST-1"))
    assert (answer.code, answer.original_id) == ("AA", "FIRST-1")
    assert memory.wait_for_reads(1) == [1]
    assert memory.events == ["journal 1", "ack", "read 1"]
    read = memory.read_of(1)
    assert isinstance(read, MonitorMessage)
    assert read.header.control_id == "FIRST-1"
    assert read.reading_sets[0].measurements() == {
        "spo2": 97, "heart_rate": 72, "systolic": 128, "diastolic": 81}


@pytest.mark.parametrize(("observations", "observed_at", "words"), [
    ([observation(150456, 97)], START + timedelta(hours=1), "after the workstation's clock"),
    ([observation(150456, 97)], START - timedelta(days=3), "before the workstation's clock"),
    ([observation(150456, 250)], START, "beyond what a patient can have"),
    ([UNKNOWN], START, "no usable reading: 999999 MDC_SOMETHING_ELSE: not a code"),
])
def test_content_problems_are_answered_aa_and_recorded_with_the_read(
        memory, listen, connect, observations, observed_at, words):
    """The monitor cannot mend a reading: the frame is stored (AA) and read afterwards (the
    store records why nothing was charted: tests/feed/test_listener.py)."""
    listener = listen()
    answer = connect(listener).ask(oru("CONTENT-1", observations=observations,
                                       observed_at=observed_at))
    assert (answer.code, answer.field("ERR", 7)) == ("AA", "")
    memory.wait_for_reads(1)
    read = memory.read_of(1)
    assert isinstance(read, MessageRefusal)
    assert words in read.reason
    assert memory.frames[0].outcome is FrameOutcome.ACCEPTED


def test_unknown_codes_beside_a_reading_are_set_aside_and_the_rest_read(memory, listen,
                                                                        connect):
    listener = listen()
    client = connect(listener)
    assert client.ask(oru("UNK-1", observations=[UNKNOWN, observation(150456, 96)])
                      ).code == "AA"
    memory.wait_for_reads(1)
    read = memory.read_of(1)
    assert isinstance(read, MonitorMessage)
    assert read.reading_sets[0].measurements() == {"spo2": 96}
    assert "not a code ketamonitor charts" in read.ignored[0].reason


def test_a_message_refused_as_a_whole_is_answered_ar_and_never_read(memory, listen,
                                                                    connect):
    listener = listen()
    client = connect(listener)
    rejected = client.ask(oru("ADT-1").replace(b"ORU^R01^ORU_R01", b"ADT^A01^ADT_A01"))
    assert (rejected.code, rejected.field("ERR", 3)[:4]) == ("AR", "200^")
    taken = client.ask(oru("AFTER-1"))
    assert taken.code == "AA"
    assert memory.wait_for_reads(1) == [2]  # the ADT never
    assert [f.outcome for f in memory.frames] == [FrameOutcome.REJECTED,
                                                  FrameOutcome.ACCEPTED]


def test_a_resend_is_answered_as_the_first_and_not_read_again(memory, listen, connect):
    listener = listen()
    client = connect(listener)
    assert client.ask(oru("AGAIN-1")).code == "AA"
    assert client.ask(oru("AGAIN-1")).code == "AA"
    assert client.ask(oru("AGAIN-2")).code == "AA"
    assert memory.wait_for_reads(2) == [1, 2]
    assert [f.control_id for f in memory.frames] == ["AGAIN-1", "AGAIN-2"]


def test_what_was_journaled_but_never_read_is_caught_up_at_the_start(memory, listen):
    """Killed between an ACK and its reading: the next start has it read, oldest first."""
    early = START - timedelta(hours=2)
    memory.add(oru("OLD-1", observed_at=early), control_id="OLD-1", received_at=early)
    memory.add(b"garbage", FrameOutcome.REJECTED, reason="not HL7")
    memory.add(oru("OLD-2"), control_id="OLD-2")
    memory.reads.append((4, refused_read()))  # read already
    memory.add(oru("OLD-3"), control_id="OLD-3")
    listen()
    assert memory.wait_for_reads(3) == [4, 1, 3]
    assert all(isinstance(memory.read_of(n), MonitorMessage) for n in (1, 3))


def refused_read() -> MessageRefusal:
    return MessageRefusal(AckCode.ERROR, ErrorCode.APPLICATION_ERROR, "no OBX segment")


def test_a_catch_up_of_many_frames_goes_a_batch_at_a_time_answering_between(
        memory, listen, connect):
    for n in range(130):
        memory.add(oru(f"MANY-{n}"), control_id=f"MANY-{n}")
    listener = listen()
    assert sorted(memory.wait_for_reads(130)) == list(range(1, 131))
    assert connect(listener).ask(oru("AFTER-MANY")).code == "AA"
    assert memory.wait_for_reads(131)[-1] == 131


def test_a_reading_the_store_cannot_record_is_caught_up_at_the_next_frame(
        memory, listen, connect, caplog, tmp_path):
    memory.chart_failures.append(DiskFull(tmp_path, "the disk is full", "free some space"))
    listener = listen()
    client = connect(listener)
    assert client.ask(oru("FULL-1")).code == "AA"  # stored: the monitor may forget it
    memory.wait_for_event("owed")  # its reading failed, once the connection was quiet
    assert client.ask(oru("NEXT-1")).code == "AA"
    assert memory.wait_for_reads(2) == [1, 2]  # oldest first
    assert listener.caught_up.wait(TIMEOUT)
    assert "its reading was not recorded; it is read again at the next frame" in caplog.text
    assert [e for e in memory.events if e != "ack"] == [
        "journal 1", "owed", "journal 2", "read 1", "read 2"]


def test_frames_left_unread_by_a_failing_store_are_read_a_moment_on_with_no_next_frame(
        memory, listen, connect, tmp_path):
    memory.chart_failures.append(DiskFull(tmp_path, "the disk is full", "free some space"))
    listener = listen()
    client = connect(listener)
    assert client.ask(oru("FULL-2")).code == "AA"
    memory.wait_for_event("owed")
    assert memory.reads == []  # the monitor sends nothing more
    listener._monotonic.now += 3  # type: ignore[attr-defined]
    listener.wake()
    assert memory.wait_for_reads(1) == [1]


def test_a_bug_met_reading_a_frame_is_logged_and_the_listener_goes_on(
        memory, listen, connect, caplog):
    memory.chart_failures.append(RuntimeError("a bug"))
    listener = listen()
    client = connect(listener)
    assert client.ask(oru("BUG-1")).code == "AA"
    assert client.ask(oru("BUG-2")).code == "AA"  # the same connection goes on
    assert memory.wait_for_reads(1) == [2]
    assert "reading it failed" in caplog.text and "RuntimeError: a bug" in caplog.text
    assert listener.running
    listener.close()
    # the next start tries the frame again, once, and does not spin on it
    memory.chart_failures.append(RuntimeError("the same bug"))
    listen()
    assert memory.unread_frames() == [memory.frames[0]]
    assert "the same bug" in caplog.text


def test_on_charted_is_told_of_each_read_that_charted_and_its_errors_ignored(
        memory, listen, connect, caplog):
    told: list[FrameRead] = []
    calls = iter([RuntimeError("the room is gone"), None, None])

    def on_charted(read: FrameRead) -> None:
        assert threading.current_thread().name == "monitor-listener"
        told.append(read)
        problem = next(calls)
        if problem is not None:
            raise problem

    listener = listen(on_charted=on_charted)
    client = connect(listener)
    assert client.ask(oru("TOLD-1")).code == "AA"
    assert client.ask(oru("TOLD-2", observed_at=START + timedelta(hours=1))).code == "AA"
    assert client.ask(oru("TOLD-3")).code == "AA"
    memory.wait_for_reads(3)
    listener.close()  # the thread joined: every call made
    assert [read.frame_id for read in told] == [1, 3]  # not the read that charted nothing
    assert "the room is gone" in caplog.text


def test_a_listener_started_with_nothing_to_catch_up_says_so(memory, listen):
    listener = listen()
    assert listener.caught_up.is_set()
    assert memory.reads == []


def test_the_ack_goes_out_before_the_frame_is_read(memory, listen, connect, caplog):
    """Whatever reading a frame costs, the monitor has its answer first: a burst is
    journaled and answered whole, and read once the connection is quiet."""
    caplog.set_level(logging.WARNING, "ketamonitor.feed.listener")
    listener = listen()
    client = connect(listener)
    client.send(b"".join(frame(oru(f"BURST-{n}")) for n in range(5)))
    assert [client.answer().code for _ in range(5)] == ["AA"] * 5
    memory.wait_for_reads(5)
    assert memory.events == [*(event for n in range(1, 6) for event in (f"journal {n}", "ack")),
                             *(f"read {n}" for n in range(1, 6))]

