"""What the bedside monitors' feed hands the record (issue 21), and what it gets back.

Every frame a monitor sends is journaled raw, before its ACK is sent: the listener (which
reads and parses) hands the store a `JournaledFrame`, the store writes it with its audit row
in one durable transaction and answers with a `JournalEntry`; a resent message (the same
sending application, facility and control id) is stored once. A frame is journaled whatever
it holds (a malformed or oversized one too, with the AE or AR it is answered with): only
the facts about it must be sound, and `check_frame` says which are not, naming the field.
The same checks serve the listener and the store, which re-checks whatever called it.

An administrator maps a monitor, or one bed of a gateway that sends many, to a chair
(`MonitorBed`); readings for a bed mapped to no chair stay in the journal only.

Plain values and pure checks: no sockets, no SQL.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.monitor_settings import MAX_FRAME_KB_HIGHEST
from ketamonitor.core.text import text_problem


class FrameOutcome(StrEnum):
    """The ACK code a frame is answered with (HL7 v2 MSA-1, original acknowledgement mode)."""

    #: Journaled and taken: the sender may forget it.
    ACCEPTED = "AA"
    #: Journaled, but its content not taken: the reason says why. The listener no longer
    #: answers it (store and forward: a content problem is the read's note, the frame AA);
    #: rows journaled before that keep it, and a resend of one is answered as it was.
    ERROR = "AE"
    #: Refused (a sender not allowed, a frame over the size limit, a message type not
    #: taken): journaled all the same, with the reason.
    REJECTED = "AR"


#: The user of the journal's rows: the listener, not a person (nothing it writes is signed).
MONITOR = "monitor"
#: The audit action of a frame journaled; it may stand unsigned (core.keys.UNSIGNED_ALLOWED).
FRAME_JOURNALED = "monitor_frames.journal"
#: The audit action of a monitor or bed mapped to a chair (or taken off the map).
BED_MAPPED = "monitor_beds.map"

#: The most bytes of one frame the journal keeps: the largest frame limit a clinic may set
#: (core.monitor_settings). A longer frame is kept by its first bytes, with its whole size.
RAW_MAX_BYTES = MAX_FRAME_KB_HIGHEST * 1024
#: The sender's address as text, `ip:port` (`[ipv6]:port`, with a zone if any).
PEER_MAX_CHARACTERS = 100
#: MSH-3 and MSH-4 (HL7's HD type is at most 227 characters), and a bed (PV1-3).
SENDER_MAX_CHARACTERS = 227
#: MSH-10 (at most 199 characters from HL7 v2.7 on; 20 before).
CONTROL_ID_MAX_CHARACTERS = 199
#: MSH-9 as sent, e.g. `ORU^R01^ORU_R01`.
MESSAGE_TYPE_MAX_CHARACTERS = 40
#: Why a frame was answered AE or AR, in words.
REASON_MAX_CHARACTERS = 500
#: A chair's name, as a session's chair is (core.setup).
CHAIR_MAX_CHARACTERS = 20

#: No control character in the identifiers: they are shown in the journal and the audit
#: trail, and matched exactly against the bed map.
_NO_CONTROLS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JournaledFrame:
    """One frame as the listener received it, with the ACK code it is answered with.

    `raw` is the frame's bytes exactly as received: the HL7 message between MLLP's start
    and end bytes (or, for bytes that were no frame at all, those bytes), at most
    RAW_MAX_BYTES. `size` is the frame's whole size in bytes when more arrived than `raw`
    keeps (a frame over the limit, kept by its first bytes and never answered AA); None
    when `raw` is all of it. The header's fields are as parsed from MSH ("" when the frame
    could not be parsed that far); `control_id` is None when there is none, and such a
    frame is never taken for a resend."""

    peer: str
    raw: bytes
    outcome: FrameOutcome
    sending_application: str = ""
    sending_facility: str = ""
    control_id: str | None = None
    message_type: str = ""
    reason: str | None = None
    size: int | None = None

    @property
    def received_size(self) -> int:
        """How many bytes the frame had as received."""
        return len(self.raw) if self.size is None else self.size


@dataclass(frozen=True)
class JournalEntry:
    """What the journal answers: the frame's row, and whether it was a resend of a frame
    already journaled (then nothing was written, and the outcome, reason and time are the
    first one's, so a resend is answered as the first was)."""

    id: int
    duplicate: bool
    outcome: FrameOutcome
    reason: str | None
    received_at: datetime


@dataclass(frozen=True)
class MonitorFrame:
    """A journaled frame as the record holds it."""

    id: int
    received_at: datetime
    peer: str
    sending_application: str
    sending_facility: str
    control_id: str | None
    message_type: str
    raw: bytes
    size: int
    outcome: FrameOutcome
    reason: str | None


@dataclass(frozen=True)
class MonitorBed:
    """A monitor (MSH-3 and MSH-4), or one bed of it (PV1-3 as sent; "" for a monitor that
    sends one bed per connection), mapped to a chair by an administrator. The latest row of
    each monitor and bed is the map."""

    id: int
    sending_application: str
    sending_facility: str
    bed: str
    chair: str
    set_at: datetime
    set_by: str


def check_frame(frame: JournaledFrame) -> JournaledFrame:
    """The frame as it is journaled (an empty control id is none; the outcome an
    FrameOutcome), or a ValidationError naming every field that cannot be: a peer that is
    no `ip:port`, bytes that are not bytes or over RAW_MAX_BYTES, a size below them, an
    outcome other than AA, AE, AR, an AE or AR without its reason, a truncated frame
    answered AA, an identifier too long or holding a control character."""
    reasons: dict[str, str] = {}
    peer_problem = _peer_problem(frame.peer)
    if peer_problem:
        reasons["peer"] = peer_problem
    if not isinstance(frame.raw, bytes):
        reasons["raw"] = f"must be bytes, not {type(frame.raw).__name__}"
    elif len(frame.raw) > RAW_MAX_BYTES:
        reasons["raw"] = (f"at most {RAW_MAX_BYTES:,} bytes are kept of a frame "
                          f"({len(frame.raw):,} given): keep its first bytes and its size")
    outcome = _outcome(frame.outcome)
    if outcome is None:
        reasons["outcome"] = "must be one of AA, AE, AR"
    size_problem = _size_problem(frame, outcome)
    if size_problem:
        reasons["size"] = size_problem
    for field, value, cap in (
            ("sending_application", frame.sending_application, SENDER_MAX_CHARACTERS),
            ("sending_facility", frame.sending_facility, SENDER_MAX_CHARACTERS),
            ("message_type", frame.message_type, MESSAGE_TYPE_MAX_CHARACTERS)):
        problem = text_problem(value, allowed=_NO_CONTROLS, cap=cap)
        if problem:
            reasons[field] = problem
    control_id = frame.control_id
    if isinstance(control_id, str) and not control_id.strip():
        control_id = None  # an empty MSH-10 names no message: never taken for a resend
    if control_id is not None:
        problem = text_problem(control_id, allowed=_NO_CONTROLS, cap=CONTROL_ID_MAX_CHARACTERS)
        if problem:
            reasons["control_id"] = problem
    reason = frame.reason
    if isinstance(reason, str):
        reason = reason.strip() or None  # spaces alone say nothing
    if reason is not None:
        problem = text_problem(reason, cap=REASON_MAX_CHARACTERS)
        if problem:
            reasons["reason"] = problem
    if outcome in (FrameOutcome.ERROR, FrameOutcome.REJECTED) and reason is None:
        reasons["reason"] = f"say why the frame is answered {outcome.value}"
    if reasons:
        raise ValidationError(reasons)
    assert outcome is not None
    return replace(frame, outcome=outcome, control_id=control_id, reason=reason)


def _outcome(value: object) -> FrameOutcome | None:
    """The outcome given (an FrameOutcome, or its code as text), or None."""
    if not isinstance(value, str):
        return None
    try:
        return FrameOutcome(value)
    except ValueError:
        return None


def _size_problem(frame: JournaledFrame, outcome: FrameOutcome | None) -> str | None:
    size = frame.size
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, int):
        return f"must be a whole number of bytes, not {type(size).__name__}"
    kept = len(frame.raw) if isinstance(frame.raw, bytes) else 0
    if size < kept:
        return f"the frame's whole size cannot be less than the {kept:,} bytes kept"
    if size > 2**53:
        return "is far too large a number"
    if size > kept and outcome is FrameOutcome.ACCEPTED:
        return "a frame kept only in part cannot be answered AA"
    return None


def _peer_problem(peer: object) -> str | None:
    """Why `peer` is not a sender's address as `ip:port` (`[ipv6]:port`), or None."""
    problem = text_problem(peer, allowed=_NO_CONTROLS, cap=PEER_MAX_CHARACTERS)
    if problem:
        return problem
    assert isinstance(peer, str)
    host, colon, port = peer.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        host = ""  # an IPv6 address is written in brackets before its port
    try:
        ipaddress.ip_address(host)
    except ValueError:
        host = ""
    if not colon or not host or not (port.isascii() and port.isdigit()) or not (
            0 < int(port) <= 65535):
        return "must be the sender's address and port, such as 10.1.2.3:4100 or [fe80::1]:4100"
    return None


def bed_key(sending_application: str, sending_facility: str, bed: str) -> tuple[str, str, str]:
    """A monitor's (and bed's) identifiers as the bed map keys them: surrounding spaces
    dropped, nothing else changed (they are matched exactly as the monitor sends them).
    ValidationError naming each field that is too long or holds a control character, and
    the sending application if it is empty (a monitor is known by it)."""
    reasons: dict[str, str] = {}
    cleaned: list[str] = []
    for field, value in (("sending_application", sending_application),
                         ("sending_facility", sending_facility), ("bed", bed)):
        problem = text_problem(value, allowed=_NO_CONTROLS, cap=SENDER_MAX_CHARACTERS)
        if problem:
            reasons[field] = problem
            cleaned.append("")
            continue
        assert isinstance(value, str)
        cleaned.append(value.strip())
    if "sending_application" not in reasons and not cleaned[0]:
        reasons["sending_application"] = "required: the monitor's MSH-3, as it sends it"
    if reasons:
        raise ValidationError(reasons)
    return cleaned[0], cleaned[1], cleaned[2]


def check_chair(chair: str) -> str:
    """A chair's name as a session's chair is kept (runs of spaces made one); "" takes the
    bed off the map. ValidationError naming `chair` if it is too long or holds a control
    character."""
    problem = text_problem(chair, allowed=_NO_CONTROLS)
    if problem:
        raise ValidationError({"chair": problem})
    cleaned = " ".join(chair.split())
    if len(cleaned) > CHAIR_MAX_CHARACTERS:
        raise ValidationError({"chair": f"at most {CHAIR_MAX_CHARACTERS} characters"})
    return cleaned
