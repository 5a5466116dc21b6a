"""The bedside monitors' listener (issue 21): MLLP over TCP in, one journal row and one ACK
out per frame, on a thread of its own.

A `Listener` binds where the settings say (the loopback address by default) and runs one
`selectors` loop on its own thread: accepting, reading every connection as its bytes come,
answering. That thread opens its own journal (a Store: an SQLite connection belongs to the
thread that made it) through the factory it is given, and closes it when the loop ends.

Per connection an `MllpReader` cuts the stream into frames; per frame, in this order
(store and forward, as integration engines do: the ACK says "durably stored"):
1. its header is read (`read_header`: MSH alone, the rules that refuse a message as a
   whole), which gives the outcome: AA, or AR with the reason;
2. the frame is journaled raw (`journal_frame`: durable when it returns; a resend of the
   same sending application, facility and control id is stored once);
3. the ACK is sent at once: AA for a frame stored, AR with the reason for a message refused
   as a whole, and a resend answered as its first sending was;
4. only then, for a frame journaled AA and not a resend, is it read whole and charted
   (`chart_frame`: the store reads the frame's own journaled bytes, "now" being the time
   it was received, so a frame read later reads the same): its sets charted for the
   session in its bed's chair, or why not (no usable reading, a reading dated in the
   future, a value no patient can have) as the read's note, shown with the frame.
   Content problems are never answered AE: the monitor cannot mend a reading, and the ACK
   must never wait on reading it (the whole reading is the costly part).

A frame journaled but not read (the listener killed between its ACK and its reading, or
`chart_frame` failing with a StoreError) is caught up: when the listener starts, and at the
next frame after such a failure, the frames journaled AA and never read
(`unread_frames`, oldest first) are read and charted, a batch a turn of the loop so that
the monitors are answered between batches. Any other error met reading or charting a frame
is logged with its traceback and never stops the listener. `on_charted`, if given, is
called on the listener's thread after each frame that charted a set (the app wakes its
room with it).

What is not a message is journaled too, with AR, its first bytes and its size: a frame over
the size limit (answered AR at once, its rest discarded up to the next start block), an
empty frame (answered AR), bytes outside any frame and a frame that never ended (cut short
by the next one, by the idle timeout or the connection's close: logged, unanswered, since
nothing ended that a sender waits on).

When the journal cannot take a frame (a full disk, the file gone: a StoreError) nothing is
answered and the connection is closed: a monitor that gets no ACK keeps the message and
sends it again once it reconnects, where an AE would tell it to forget it (HL7: resending
will not help). A bug met in one connection's handling is logged with its traceback and
that connection closed; the others and the listener go on.

Bounded whatever a peer sends: a frame's size (`max_frame_bytes`, nothing beyond it held),
the connections at once (one beyond `max_connections` is closed at once, and logged), each
connection's silence (`idle_seconds`: closed, and what it left unfinished journaled), and
the answers waiting for a peer that does not read (closed past `_MAX_OUTBOX`). A peer not
on the allow-list (`sender_allowed`) is closed at once, logged, and journaled as an AR
with no bytes, at most once an hour per address so a scanner cannot fill the disk.

Idle time is counted on `monotonic` (injected: the tests move a fake one and `wake` the
loop to look, never sleep).
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import count
from types import TracebackType
from typing import Protocol, Self

from ketamonitor.core.clock import Clock
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.hl7_ack import acknowledgement
from ketamonitor.core.hl7_text import AckCode, ErrorCode
from ketamonitor.core.mllp import START_BLOCK, Frame, FrameProblem, MllpReader, ProblemKind, frame
from ketamonitor.core.monitor_feed import (
    REASON_MAX_CHARACTERS,
    FrameOutcome,
    JournaledFrame,
    JournalEntry,
    MonitorFrame,
    check_frame,
)
from ketamonitor.core.monitor_message import (
    DEFAULT_LIMITS,
    MessageHeader,
    MessageLimits,
    MessageRefusal,
    read_header,
)
from ketamonitor.core.monitor_readings import FrameRead
from ketamonitor.core.monitor_settings import ListenSettings, sender_allowed
from ketamonitor.store.errors import StoreError

log = logging.getLogger(__name__)

#: How many first bytes of a frame that was no message (oversized, unfinished) or of bytes
#: outside any frame are journaled, beside their whole size.
HEAD_BYTES = 4096
#: One read from a connection.
_READ_BYTES = 65_536
#: The most answer bytes waiting for a peer that does not read them: past it, closed.
_MAX_OUTBOX = 1 << 20
#: The longest the loop sleeps without looking at idle connections (seconds).
_LONGEST_WAIT = 1.0
#: How often a refused sender's address is journaled at most (seconds, on `monotonic`).
_REFUSAL_JOURNALED_EVERY = 3600.0
#: The refused addresses remembered for that (a flood of many forgets the oldest).
_REFUSALS_REMEMBERED = 1024
#: The frames a catch-up reads in one turn of the loop (a tenth of a second or so, at some
#: 2 ms a frame), the monitors' frames answered between turns.
_CATCH_UP_BATCH = 50
#: The most frames read in one turn of the loop while frames keep coming: what waits to be
#: read is read when the connections are quiet, or this many at a time if they never are.
_READ_BATCH = 50
#: After the store failed to record a reading, how long before the frames left unread are
#: read again if no frame comes first (a frame coming sooner starts it at once).
_RETRY_SECONDS = 2.0


class FrameJournal(Protocol):
    """What the listener writes to: the store's journal (store.monitor_feed)."""

    def journal_frame(self, frame: JournaledFrame) -> JournalEntry: ...

    def chart_frame(self, frame_id: int) -> FrameRead: ...

    def unread_frames(self, limit: int = 500) -> list[MonitorFrame]: ...

    def close(self) -> None: ...


@dataclass
class _Connection:
    sock: socket.socket
    peer: str
    reader: MllpReader
    last_heard: float
    #: The first bytes of the frame being read (from its start block on).
    head: bytearray = field(default_factory=bytearray)
    #: Bytes seen before any start block: the sample journaled for a sender not speaking MLLP.
    loose: bytearray = field(default_factory=bytearray)
    seen_start: bool = False
    outbox: bytearray = field(default_factory=bytearray)
    #: Registered for the moment it can write (answers wait in `outbox`).
    writing: bool = False
    closed: bool = False


class Listener:
    """The monitors' MLLP listener, run on a thread of its own (see the module's text).

    `open_journal` is called on the listener's thread to open its journal (closed there at
    the end); `clock` gives the time of the journal's rows and the answers, and the
    clinic's zone for times sent without an offset. `on_charted` is called on the
    listener's thread with each read that charted a set (what it raises is logged and
    ignored). Use `start()` and `close()`, or `with`.
    """

    def __init__(self, settings: ListenSettings, open_journal: Callable[[], FrameJournal],
                 clock: Clock, *, monotonic: Callable[[], float] = time.monotonic,
                 limits: MessageLimits = DEFAULT_LIMITS,
                 on_charted: Callable[[FrameRead], None] | None = None) -> None:
        self.settings = settings
        self._open_journal = open_journal
        self._on_charted = on_charted
        #: Reading the frames journaled and never read (from the start on), a batch a turn.
        self._catching_up = True
        #: A charting failed: the next frame starts a catch-up.
        self._catch_up_owed = False
        self._retry_at = 0.0
        #: Frames answered AA and not yet read: (journal row, sender).
        self._to_read: deque[tuple[int, str]] = deque()
        #: The frames the running catch-up has read (one listed again ends it).
        self._caught: set[int] = set()
        #: Set whenever no catch-up runs or is owed: every frame journaled AA has been read
        #: (or failed with a bug, logged). The tests wait on it.
        self.caught_up = threading.Event()
        self._clock = clock
        self._monotonic = monotonic
        self._limits = limits
        self._selector = selectors.DefaultSelector()
        self._server: socket.socket | None = None
        self._wake_read: socket.socket | None = None
        self._wake_write: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stopping = False
        self._connections: dict[socket.socket, _Connection] = {}
        self._refusals: dict[str, float] = {}
        self._journal: FrameJournal | None = None
        # our MSH-10: unique per answer, across restarts too (at most 20 characters)
        self._answer_ids = (f"{os.urandom(4).hex()}.{n}" for n in count(1))
        self.address: tuple[str, int] | None = None

    # -- running ---------------------------------------------------------------------------

    def start(self) -> tuple[str, int]:
        """Bind, open the journal and start serving; the address and port bound (port 0 in
        the settings: any free one). OSError when the address cannot be bound, and what
        opening the journal raised (a StoreError): then nothing runs."""
        if self._thread is not None:
            raise RuntimeError("the listener is already started")
        family = socket.AF_INET6 if ":" in self.settings.address else socket.AF_INET
        try:
            server = socket.create_server((self.settings.address, self.settings.port),
                                          family=family, backlog=64)
        except OSError:
            self._selector.close()
            raise
        server.setblocking(False)
        self._server = server
        bound = server.getsockname()
        self.address = (str(bound[0]), int(bound[1]))
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)
        self._wake_write.setblocking(False)
        self._selector.register(server, selectors.EVENT_READ, "accept")
        self._selector.register(self._wake_read, selectors.EVENT_READ, "wake")
        self._thread = threading.Thread(target=self._run, name="monitor-listener",
                                        daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            self._thread.join()
            self._thread = None
            self._release()
            raise self._startup_error
        log.info("monitor listener on %s:%d", *self.address)
        return self.address

    def wake(self) -> None:
        """Have the loop look at once at its idle connections (and whether to stop)."""
        if self._wake_write is None:
            return
        with contextlib.suppress(OSError):  # full: it will wake anyway; closed: stopped
            self._wake_write.send(b"\0")

    def close(self) -> None:
        """Stop accepting, close every connection (what each left unfinished journaled),
        close the journal, and join the thread. Safe to call twice."""
        self._stopping = True
        thread, self._thread = self._thread, None
        if thread is not None:
            self.wake()
            thread.join()
            self._release()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    @property
    def running(self) -> bool:
        """Whether the loop runs (False before `start`, after `close`, or if it broke)."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def connections(self) -> int:
        """The connections open now."""
        return len(self._connections)

    def _release(self) -> None:
        self._selector.close()
        if self._server is not None:
            self._server.close()
        for end in (self._wake_read, self._wake_write):
            if end is not None:
                end.close()

    def _run(self) -> None:
        try:
            self._journal = self._open_journal()
        except BaseException as error:  # said by start(), on the caller's thread
            self._startup_error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            while not self._stopping:
                if self._catch_up_owed and self._monotonic() >= self._retry_at:
                    self._catch_up_owed = False
                    self._catching_up = True
                    self.caught_up.clear()
                if self._catching_up:
                    self._catch_up()
                wait = 0.0 if self._catching_up or self._to_read else self._wait()
                events = self._selector.select(wait)
                for key, mask in events:
                    self._event(key, mask)
                if self._to_read and (not events or len(self._to_read) >= _READ_BATCH):
                    self._read_waiting()
                self._close_idle()
        except Exception:  # the loop itself: never expected, said whole
            log.exception("monitor listener stopped by an unexpected error")
        finally:
            for connection in list(self._connections.values()):
                self._end(connection, "the listener stopped")
            self._read_waiting(all_of_them=True)
            try:
                self._journal.close()
            except Exception:
                log.exception("monitor listener: the journal did not close cleanly")
            log.info("monitor listener stopped")

    def _wait(self) -> float:
        """How long the loop may sleep: until the first connection would go idle."""
        if not self._connections:
            return _LONGEST_WAIT
        first = min(c.last_heard for c in self._connections.values())
        left = first + self.settings.idle_seconds - self._monotonic()
        return max(0.0, min(_LONGEST_WAIT, left))

    def _event(self, key: selectors.SelectorKey, mask: int) -> None:
        if key.data == "accept":
            self._accept()
            return
        if key.data == "wake":
            assert self._wake_read is not None
            with contextlib.suppress(OSError):
                self._wake_read.recv(4096)
            return
        connection = self._connections.get(key.fileobj)  # type: ignore[call-overload]
        if connection is None:
            return
        try:
            if mask & selectors.EVENT_WRITE:
                self._flush(connection)
            if mask & selectors.EVENT_READ and not connection.closed:
                self._read(connection)
        except Exception:  # a bug met in this connection: it alone is closed
            log.exception("monitor connection %s: unexpected error; closing it",
                          connection.peer)
            self._close(connection)

    # -- connections -----------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._server is not None
        while True:
            try:
                sock, address = self._server.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # out of file descriptors, a reset before accept
                log.error("monitor listener: a connection could not be accepted: %s", error)
                return
            peer = _peer(address)
            host = str(address[0])
            if not sender_allowed(host, self.settings.allowed):
                log.warning("monitor connection from %s refused: not on the allow-list of "
                            "senders (setting monitor_allowed_senders)", peer)
                self._journal_refused_sender(peer, host)  # journaled, then closed
                sock.close()
                continue
            if len(self._connections) >= self.settings.max_connections:
                log.warning("monitor connection from %s refused: %d connections are open "
                            "already (setting monitor_max_connections)", peer,
                            len(self._connections))
                sock.close()
                continue
            sock.setblocking(False)
            connection = _Connection(sock, peer, MllpReader(self.settings.max_frame_bytes),
                                     self._monotonic())
            self._connections[sock] = connection
            self._selector.register(sock, selectors.EVENT_READ)
            log.info("monitor connection from %s", peer)

    def _journal_refused_sender(self, peer: str, host: str) -> None:
        now = self._monotonic()
        last = self._refusals.get(host)
        if last is not None and now - last < _REFUSAL_JOURNALED_EVERY:
            return
        if len(self._refusals) >= _REFUSALS_REMEMBERED:
            self._refusals.pop(next(iter(self._refusals)))
        self._refusals[host] = now
        refused = JournaledFrame(
            peer=peer, raw=b"", outcome=FrameOutcome.REJECTED,
            reason="sender not on the allow-list (setting monitor_allowed_senders): "
                   "the connection was closed at once")
        try:
            self._write(refused)
        except StoreError as problem:
            log.error("monitor connection from %s: the refusal was not journaled: %s",
                      peer, problem)

    def _read(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(_READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self._end(connection, f"the connection failed ({error})")
            return
        if not data:
            self._end(connection, "the monitor closed the connection")
            return
        connection.last_heard = self._monotonic()
        for piece in _pieces(data):
            self._received(connection, piece)
            if connection.closed:
                return

    def _received(self, connection: _Connection, piece: bytes) -> None:
        """One piece of a read holding at most one start block, at its beginning: so the
        frame each problem is about is known, and its first bytes can be journaled."""
        before = connection.head
        if piece.startswith(START_BLOCK):
            connection.seen_start = True
            connection.head = bytearray(piece[1:1 + HEAD_BYTES])
        else:
            if len(connection.head) < HEAD_BYTES:
                connection.head += piece[:HEAD_BYTES - len(connection.head)]
            if not connection.seen_start and len(connection.loose) < HEAD_BYTES:
                connection.loose += piece[:HEAD_BYTES - len(connection.loose)]
        for item in connection.reader.feed(piece):
            if isinstance(item, Frame):
                self._frame(connection, item.message)
            else:
                # "a new start block came first": the frame before this piece's
                head = before if item.kind is ProblemKind.UNFINISHED else connection.head
                self._problem(connection, item, head, answer=item.kind in (
                    ProblemKind.OVERSIZED, ProblemKind.EMPTY))
            if connection.closed:
                return

    def _close_idle(self) -> None:
        now = self._monotonic()
        for connection in list(self._connections.values()):
            if now - connection.last_heard >= self.settings.idle_seconds:
                self._end(connection, f"silent for {self.settings.idle_seconds} seconds "
                                      "(setting monitor_idle_seconds)")

    def _end(self, connection: _Connection, why: str) -> None:
        """The connection is over (closed by the peer, idle, the listener stopping): what it
        left unfinished is journaled, the answers still owed sent if they can be, then it
        is closed."""
        try:
            for problem in connection.reader.finish():
                self._problem(connection, problem, connection.head, answer=False)
                if connection.closed:
                    return
        except Exception:
            log.exception("monitor connection %s: unexpected error at its end",
                          connection.peer)
        if connection.outbox and not connection.closed:
            with contextlib.suppress(OSError):
                connection.sock.send(connection.outbox)
        log.info("monitor connection from %s closed: %s", connection.peer, why)
        self._close(connection)

    def _close(self, connection: _Connection) -> None:
        if connection.closed:
            return
        connection.closed = True
        self._connections.pop(connection.sock, None)
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(connection.sock)
        connection.sock.close()

    def _send(self, connection: _Connection, message: bytes) -> None:
        connection.outbox += frame(message)
        if len(connection.outbox) > _MAX_OUTBOX:
            log.warning("monitor connection %s: its answers are not read; closing it",
                        connection.peer)
            self._close(connection)
            return
        self._flush(connection)

    def _flush(self, connection: _Connection) -> None:
        try:
            sent = connection.sock.send(connection.outbox) if connection.outbox else 0
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as error:
            log.warning("monitor connection %s: the answer could not be sent (%s)",
                        connection.peer, error)
            self._close(connection)
            return
        del connection.outbox[:sent]
        if bool(connection.outbox) != connection.writing:
            connection.writing = bool(connection.outbox)
            events = selectors.EVENT_READ | (selectors.EVENT_WRITE if connection.writing
                                             else 0)
            self._selector.modify(connection.sock, events)

    # -- frames ----------------------------------------------------------------------------

    def _frame(self, connection: _Connection, message: bytes) -> None:
        taken = read_header(message, self._clock.local_zone, self._clock.now(),
                            limits=self._limits)
        refusal = taken if isinstance(taken, MessageRefusal) else None
        header = taken.header if isinstance(taken, MessageRefusal) else taken
        outcome = FrameOutcome.ACCEPTED if refusal is None else FrameOutcome(
            refusal.ack_code.value)
        entry = self._journaled(connection, JournaledFrame(
            peer=connection.peer, raw=message, outcome=outcome,
            sending_application=header.sending_application if header else "",
            sending_facility=header.sending_facility if header else "",
            control_id=header.control_id if header else None,
            message_type=header.message_type if header else "",
            reason=refusal.reason if refusal else None))
        if entry is None:
            return
        if entry.duplicate:
            log.info("monitor frame from %s resends journal row %d (control id %s): "
                     "answered %s as it was", connection.peer, entry.id,
                     header.control_id if header else "", entry.outcome.value)
        elif refusal is not None:
            log.warning("monitor frame from %s (journal row %d) answered %s: %s",
                        connection.peer, entry.id, entry.outcome.value, refusal.reason)
        error_code = refusal.error_code if (
            refusal is not None and entry.outcome == outcome) else ErrorCode.APPLICATION_ERROR
        self._answer(connection, entry.outcome, header, entry.reason or "", error_code)
        if entry.outcome is not FrameOutcome.ACCEPTED or entry.duplicate:
            return  # a resend was read when it first came (or is caught up)
        if self._catch_up_owed:  # this frame is among the unread: read in its turn
            self._catch_up_owed = False
            self._catching_up = True
            self.caught_up.clear()
        else:  # read once the monitors are quiet: every ACK waiting goes out first
            self._to_read.append((entry.id, connection.peer))

    def _read_waiting(self, *, all_of_them: bool = False) -> None:
        """Read the frames answered since the loop was last quiet (a batch of them, or all
        when the listener stops); a store that fails leaves them for a catch-up."""
        for _ in range(len(self._to_read) if all_of_them else _READ_BATCH):
            if not self._to_read:
                return
            frame_id, peer = self._to_read.popleft()
            if not self._read_frame(frame_id, peer):
                self._to_read.clear()  # unread in the journal: the catch-up finds them
                self._owe_catch_up()
                return

    # -- reading what was stored -----------------------------------------------------------

    def _read_frame(self, frame_id: int, peer: str) -> bool:
        """Have the store read a frame journaled AA and record what it gave
        (`chart_frame`); False when it could not (the frame stays unread, for a catch-up).
        Never raises: a bug met here is logged whole, and the frame left for the log's
        reader."""
        assert self._journal is not None
        try:
            result = self._journal.chart_frame(frame_id)
        except StoreError as problem:
            log.error("monitor frame from %s (journal row %d) is stored and answered, but "
                      "its reading was not recorded; it is read again at the next frame: %s",
                      peer, frame_id, problem)
            return False
        except Exception:
            log.exception("monitor frame from %s (journal row %d) is stored and answered, "
                          "but reading it failed", peer, frame_id)
            return True
        if result.note is not None:
            log.info("monitor frame from %s (journal row %d): %d of its %d sets charted: %s",
                     peer, frame_id, result.charted, result.sets, result.note)
        if result.charted > 0 and self._on_charted is not None:
            try:
                self._on_charted(result)
            except Exception:
                log.exception("monitor frame %d: what was told of its charting failed",
                              frame_id)
        return True

    def _owe_catch_up(self) -> None:
        self._catching_up = False
        self._catch_up_owed = True
        self._caught.clear()
        self.caught_up.clear()
        self._retry_at = self._monotonic() + _RETRY_SECONDS

    def _catch_up(self) -> None:
        """One turn of a catch-up: the next frames journaled AA and never read, oldest
        first, read and charted. It ends when none is left, or when the store lists again
        only frames this catch-up has read (a frame whose reading met a bug stays unread:
        it must not hold the loop); it is owed again at the next frame when the store
        fails."""
        assert self._journal is not None
        try:
            unread = self._journal.unread_frames(_CATCH_UP_BATCH)
        except StoreError as problem:
            log.error("monitor listener: the frames not yet read could not be listed; "
                      "tried again at the next frame: %s", problem)
            self._owe_catch_up()
            return
        except Exception:  # a bug: logged whole, and the listener goes on answering
            log.exception("monitor listener: the frames not yet read could not be listed")
            unread = []
        fresh = [stored for stored in unread if stored.id not in self._caught]
        if not fresh:
            if self._caught:
                log.info("monitor listener: %d frames stored but not read are read now",
                         len(self._caught))
            self._catching_up = False
            self._caught.clear()
            self.caught_up.set()
            return
        for stored in fresh:
            self._caught.add(stored.id)
            if not self._read_frame(stored.id, stored.peer):
                self._owe_catch_up()
                return

    def _problem(self, connection: _Connection, problem: FrameProblem, head: bytearray, *,
                 answer: bool) -> None:
        """Bytes that made no message: journaled (AR, their first bytes and size); answered
        AR with a minimal ACK when a frame ended (`answer`), else only logged."""
        if problem.kind is ProblemKind.GARBAGE:
            # the bytes before the first start block; a later run is known by its size
            sample = bytes(connection.loose)
            connection.loose.clear()
        else:
            sample = bytes(head)
        raw = sample[:problem.size]
        log.warning("monitor connection %s: %s", connection.peer, problem.reason)
        entry = self._journaled(connection, JournaledFrame(
            peer=connection.peer, raw=raw, outcome=FrameOutcome.REJECTED,
            reason=problem.reason[:REASON_MAX_CHARACTERS],
            size=max(problem.size, len(raw))))
        if entry is not None and answer:
            self._answer(connection, FrameOutcome.REJECTED, None, problem.reason,
                         ErrorCode.APPLICATION_ERROR)

    def _answer(self, connection: _Connection, outcome: FrameOutcome,
                header: MessageHeader | None, reason: str, error_code: ErrorCode) -> None:
        ack = acknowledgement(AckCode(outcome.value), header, control_id=next(self._answer_ids),
                              now=self._clock.now(), reason=reason, error_code=error_code)
        self._send(connection, ack)

    def _journaled(self, connection: _Connection, journaled: JournaledFrame
                   ) -> JournalEntry | None:
        """The frame journaled; None when the journal could not take it: then nothing may
        be answered, and the connection is closed so the monitor sends it again."""
        try:
            return self._write(journaled)
        except StoreError as problem:
            log.error("monitor frame from %s not journaled, so not answered; the "
                      "connection is closed for the monitor to send it again: %s",
                      connection.peer, problem)
            self._close(connection)
            return None

    def _write(self, journaled: JournaledFrame) -> JournalEntry:
        """The frame journaled as sent; only if the journal refuses a field of its header,
        journaled again with those fields left empty (`_journalable`): the store checks
        every frame itself, so the listener does not check it twice on the ACK's path."""
        assert self._journal is not None
        try:
            return self._journal.journal_frame(journaled)
        except ValidationError:
            return self._journal.journal_frame(_journalable(journaled))


def _journalable(journaled: JournaledFrame) -> JournaledFrame:
    """The frame with each header field the journal cannot keep as sent (too long, a
    control character) left empty, and a reason it cannot keep cut: the frame itself is
    journaled whatever its header says. A frame whose control id is dropped so is never
    taken for a resend."""
    try:
        return check_frame(journaled)
    except ValidationError as refused:
        fields = refused.reasons
    log.warning("monitor frame from %s: header fields not kept in the journal's columns "
                "(%s); the raw frame keeps them", journaled.peer,
                "; ".join(f"{name}: {why}" for name, why in fields.items()))
    cleaned = replace(
        journaled,
        sending_application="" if "sending_application" in fields else (
            journaled.sending_application),
        sending_facility="" if "sending_facility" in fields else journaled.sending_facility,
        message_type="" if "message_type" in fields else journaled.message_type,
        control_id=None if "control_id" in fields else journaled.control_id,
        reason=_plain(journaled.reason) if "reason" in fields else journaled.reason)
    return check_frame(cleaned)


def _plain(reason: str | None) -> str:
    text = "".join(c if c.isprintable() else " " for c in reason or "").strip()
    return text[:REASON_MAX_CHARACTERS] or "refused"


def _pieces(data: bytes) -> list[bytes]:
    """`data` cut before each start block: each piece holds at most one, at its start."""
    pieces = data.split(START_BLOCK)
    out = [pieces[0]] if pieces[0] else []
    out.extend(START_BLOCK + piece for piece in pieces[1:])
    return out


def _peer(address: tuple[str, int] | tuple[str, int, int, int]) -> str:
    """A sender's address as the journal keeps it: `ip:port`, `[ipv6]:port`."""
    host, port = str(address[0]), int(address[1])
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
