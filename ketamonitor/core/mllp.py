"""MLLP framing: where one HL7 message ends and the next begins on a TCP stream.

A monitor or central station writes each message as <VT> message <FS><CR> (0x0B ... 0x1C
0x0D, HL7's Minimal Lower Layer Protocol). TCP keeps no such boundaries: one read may hold
half a frame, or three, or a frame's end and the next one's start. `MllpReader` is fed
each read as it comes and gives back what completed, in order: the frames, and the problems
a listener must log or answer (bytes outside any frame, a frame that grew past its bound,
a frame cut short by the next one's start).

It is small on purpose, and ours: a few states, each byte looked at once by the C code of
`re` and `bytearray` (a 10 MB frame arriving in 1 kB reads is never copied or scanned again
per read), and never more than `max_frame_bytes` held, whatever a sender writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c"
CARRIAGE_RETURN = b"\x0d"
#: Bytes a sender may put between frames without it being a problem: a line break after
#: each frame is a common habit, not garbage.
_BETWEEN_FRAMES = b"\r\n"
_START_OR_END = re.compile(b"[\x0b\x1c]")


def frame(message: bytes) -> bytes:
    """`message` framed for MLLP. A message holding a start block or an end block could
    not be read back as itself, so it is refused (ValueError): the HL7 we write never
    holds a control character."""
    if START_BLOCK in message or END_BLOCK + CARRIAGE_RETURN in message:
        raise ValueError("an MLLP frame cannot carry a start block or an end block")
    return START_BLOCK + message + END_BLOCK + CARRIAGE_RETURN


@dataclass(frozen=True)
class Frame:
    """One message as it came between a start block and its end block."""

    message: bytes


class ProblemKind(StrEnum):
    """What went wrong on the stream, for a listener deciding what to answer."""

    #: Bytes outside any frame: noise, or a sender that does not speak MLLP.
    GARBAGE = "garbage"
    #: A frame that grew past the bound: discarded up to the next start block.
    OVERSIZED = "oversized"
    #: A frame that was not finished: a new start block came first, or the stream ended.
    UNFINISHED = "unfinished"
    #: A start block directly followed by its end block.
    EMPTY = "empty"


@dataclass(frozen=True)
class FrameProblem:
    """Bytes that did not make a frame, and why, in words for the log."""

    kind: ProblemKind
    reason: str
    #: How many bytes were discarded (for an oversized frame, those read up to the bound).
    size: int


class _State(Enum):
    BETWEEN = "between frames"
    IN_FRAME = "in a frame"
    DISCARDING = "discarding an oversized frame"


class MllpReader:
    """The frames in a stream fed to it read by read (one reader per connection)."""

    def __init__(self, max_frame_bytes: int) -> None:
        if max_frame_bytes < 1:
            raise ValueError("max_frame_bytes must be at least 1")
        self.max_frame_bytes = max_frame_bytes
        self._state = _State.BETWEEN
        self._buffer = bytearray()
        #: The frame's last byte read was 0x1C: its end if the next byte is 0x0D.
        self._end_pending = False
        self._garbage = 0
        self._garbage_blank = True

    @property
    def pending_bytes(self) -> int:
        """The bytes of an unfinished frame held: above 0 at a connection's idle timeout,
        a frame without its end."""
        if self._state is not _State.IN_FRAME:
            return 0
        return len(self._buffer) + self._end_pending

    def feed(self, data: bytes) -> list[Frame | FrameProblem]:
        """The frames completed and the problems met in `data`, in stream order."""
        out: list[Frame | FrameProblem] = []
        at = 0
        while at < len(data):
            if self._state is _State.BETWEEN:
                at = self._between(data, at, out)
            elif self._state is _State.IN_FRAME:
                at = self._in_frame(data, at, out)
            else:
                at = self._discarding(data, at)
        return out

    def finish(self) -> list[FrameProblem]:
        """What the stream left unfinished when it ends (the connection closed or went
        idle): an unfinished frame or a run of garbage, said once; the reader is then
        between frames again."""
        out: list[FrameProblem] = []
        if self._state is _State.IN_FRAME:
            size = self.pending_bytes
            out.append(FrameProblem(
                ProblemKind.UNFINISHED,
                f"a frame of {size:,} bytes without its end block (0x1C 0x0D): the stream "
                "stopped before it was finished", size))
        garbage = self._garbage_problem()
        if garbage:
            out.append(garbage)
        self._buffer = bytearray()
        self._end_pending = False
        self._state = _State.BETWEEN
        return out

    # -- states -----------------------------------------------------------------------

    def _between(self, data: bytes, at: int, out: list[Frame | FrameProblem]) -> int:
        start = data.find(START_BLOCK, at)
        stop = len(data) if start < 0 else start
        if stop > at:
            self._garbage += stop - at
            self._garbage_blank = self._garbage_blank and not data[at:stop].strip(
                _BETWEEN_FRAMES)
        if start < 0:
            return len(data)
        garbage = self._garbage_problem()
        if garbage:
            out.append(garbage)
        self._begin_frame()
        return start + 1

    def _in_frame(self, data: bytes, at: int, out: list[Frame | FrameProblem]) -> int:
        if self._end_pending:
            self._end_pending = False
            if data[at:at + 1] == CARRIAGE_RETURN:
                self._complete(out)
                return at + 1
            if not self._keep(END_BLOCK, out):  # a lone 0x1C is the message's own byte
                return at
        match = _START_OR_END.search(data, at)
        stop = len(data) if match is None else match.start()
        if not self._keep(data[at:stop], out):
            return stop
        if match is None:
            return stop
        if data[stop:stop + 1] == START_BLOCK:
            size = len(self._buffer)
            out.append(FrameProblem(
                ProblemKind.UNFINISHED,
                f"a frame of {size:,} bytes without its end block: a new start block "
                "came first; the unfinished frame is discarded", size))
            self._begin_frame()
            return stop + 1
        if stop + 1 == len(data):
            self._end_pending = True
            return stop + 1
        if data[stop + 1:stop + 2] == CARRIAGE_RETURN:
            self._complete(out)
            return stop + 2
        self._keep(END_BLOCK, out)  # a 0x1C not followed by 0x0D is the message's own
        return stop + 1

    def _discarding(self, data: bytes, at: int) -> int:
        start = data.find(START_BLOCK, at)
        if start < 0:
            return len(data)
        self._begin_frame()
        return start + 1

    # -- steps ------------------------------------------------------------------------

    def _keep(self, chunk: bytes, out: list[Frame | FrameProblem]) -> bool:
        """Add `chunk` to the frame; False (and the frame dropped) when it would pass the
        bound: nothing beyond `max_frame_bytes` is ever held."""
        if len(self._buffer) + len(chunk) <= self.max_frame_bytes:
            self._buffer += chunk
            return True
        size = len(self._buffer) + len(chunk)
        out.append(FrameProblem(
            ProblemKind.OVERSIZED,
            f"a frame longer than {self.max_frame_bytes:,} bytes: discarded up to the next "
            "start block", size))
        self._buffer = bytearray()
        self._state = _State.DISCARDING
        return False

    def _complete(self, out: list[Frame | FrameProblem]) -> None:
        if self._buffer:
            out.append(Frame(bytes(self._buffer)))
        else:
            out.append(FrameProblem(ProblemKind.EMPTY, "an empty frame (no message between "
                                    "the start block and the end block)", 0))
        self._buffer = bytearray()
        self._state = _State.BETWEEN

    def _begin_frame(self) -> None:
        self._buffer = bytearray()
        self._end_pending = False
        self._state = _State.IN_FRAME

    def _garbage_problem(self) -> FrameProblem | None:
        """The run of bytes outside any frame that has just ended, as one problem (none
        for line breaks alone), and the count started again."""
        size, blank = self._garbage, self._garbage_blank
        self._garbage, self._garbage_blank = 0, True
        if not size or blank:
            return None
        return FrameProblem(
            ProblemKind.GARBAGE,
            f"{size:,} bytes outside any frame (not after a start block 0x0B), discarded: "
            "not MLLP-framed HL7", size)
