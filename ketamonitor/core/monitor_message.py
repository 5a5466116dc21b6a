"""A bedside monitor's HL7 v2 ORU^R01 (IHE PCD-01), read into readings or refused with why.

What comes off the wire is bytes from a device we do not control: any character set, any
length, any mistake, or no HL7 at all. `parse_monitor_message` never raises on them. It
gives either a `MonitorMessage` (the header, the bed, one `ReadingSet` per observation
time, and each OBX it could not use kept as an `IgnoredItem` with the reason), or a
`MessageRefusal` carrying the acknowledgement code to answer with and the reason in words.

The acknowledgement rules followed (HL7 v2, original mode, chapter 2): a message the
receiver will not process for what it is (not HL7, not an ORU^R01, an unsupported
processing id or version, no control id to answer, too large to read) is rejected, AR; a
message read but whose content cannot be used (no usable reading, a reading dated in the
future or long ago) is an application error, AE. AA is not given here: it is the
listener's, once the frame is stored.

The listener answers from `read_header` alone, the rules that refuse a message as a whole
(AR), read from MSH with plain splits: a frame whose header is taken is journaled and
answered AA at once, and read whole afterwards; what this module then says of its content
(an AE here) is recorded with the frame and shown, never sent back to the monitor, which
cannot mend a reading. `parse_monitor_message` reads its header with the same function.

A reading is charted only through the codes table (core.monitor_codes): its MDC code names
the field, its units must be that code's, its value a number a patient can have
(core.ranges' `possible` band: a real extreme, SpO2 45 % with the probe on, must reach the
chart and its alerts; only a value no patient can have is kept aside). Its time is OBX-14,
else its OBR's OBR-7, else MSH-7; a time without an offset is on the clinic's clock.

Sizes are bounded before anything is built (bytes, separators, OBX, each text), so a hostile
message costs a few megabytes at most to read, never what it asks for.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any

import hl7

from ketamonitor.core import measurements
from ketamonitor.core.hl7_text import (
    V2_VERSION,
    AckCode,
    ErrorCode,
    decode,
    escape,
    parse_ts,
    unescape,
    without_controls,
)
from ketamonitor.core.monitor_codes import MonitorCode, MonitorCodes, shipped_monitor_codes
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges, Range
from ketamonitor.core.times import format_local
from ketamonitor.core.vitals import Vitals


@dataclass(frozen=True)
class MessageLimits:
    """How much of a message is read at most, and how far its readings' times may be from
    the workstation's clock."""

    #: A PCD-01 message with every parameter of a monitor is under 10 kB.
    max_bytes: int = 65_536
    #: Separator characters (| ^ ~ &): python-hl7 makes each one or more objects, about
    #: 900 bytes a separator in all (7 MB at this bound); a PCD-01 message of 200 OBX has
    #: some 6,000.
    max_separators: int = 8_192
    max_obx: int = 200
    #: Any one text kept (a name, an identifier, a value shown in a reason).
    max_text: int = 200
    #: How far after the workstation's clock a reading may be dated: two clocks are never
    #: quite together, but a chart must not hold readings from the future.
    future_skew: timedelta = timedelta(minutes=2)
    #: How far back a reading may be dated: a gateway resending after an outage of some
    #: hours is real; a reading from days ago is a monitor's clock set wrong.
    max_age: timedelta = timedelta(hours=24)


DEFAULT_LIMITS = MessageLimits()
#: The message type taken (MSH-9): an unsolicited observation result.
MESSAGE_CODE, TRIGGER_EVENT = "ORU", "R01"
#: MSH-11 taken: production. A monitor in training or debugging mode (T, D) is not a
#: patient's reading.
PROCESSING_IDS = frozenset({"P"})
#: OBX-8's abnormal flag of a monitor in demo mode, among any others it repeats.
_DEMO_FLAG = re.compile(r"(?<![A-Z0-9])DEMO(?![A-Z0-9])")
#: OBX-11 taken: final, entered but not verified (what monitors send), preliminary,
#: corrected; and none said.
RESULT_STATUSES = frozenset({"F", "R", "P", "C", ""})
_STATUS_WORDS = {"X": "no result could be obtained", "D": "deleted", "W": "wrong",
                 "N": "not asked for", "I": "pending", "U": "a status change only"}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
#: The longest MSH segment read for the header.
_MAX_HEADER = 4_096


@dataclass(frozen=True)
class MessageHeader:
    """MSH as sent. The identifiers (MSH-3 to MSH-6) are HL7 text in the usual encoding
    characters |^~\\& (components kept: "MINDRAY_EGATEWAY^00A037009A0053DE^EUI-64"), what
    the monitor sent byte for byte when it used those; the others plain text."""

    sending_application: str
    sending_facility: str
    receiving_application: str
    receiving_facility: str
    #: MSH-9 as HL7 text: "ORU^R01^ORU_R01".
    message_type: str
    #: MSH-10: with MSH-3/4, what makes a resent message the same message.
    control_id: str
    processing_id: str
    version: str
    #: MSH-7; None when empty or not an HL7 time.
    message_time: datetime | None
    #: MSH-18 as sent ("UNICODE UTF-8", "8859/1", "" ...).
    charset: str
    #: The codec the message was read with: MSH-18's, else UTF-8, else Latin-1.
    codec: str
    #: MSH-15 and MSH-16: the acknowledgements the sender asks for (PCD-01: AL, NE).
    accept_ack_type: str = ""
    application_ack_type: str = ""

    @property
    def message_code(self) -> str:
        return self.message_type.split("^")[0]

    @property
    def trigger_event(self) -> str:
        parts = self.message_type.split("^")
        return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True)
class BedLocation:
    """PV1-3, the assigned patient location: where a monitor or a gateway says the bed is."""

    #: The whole field as HL7 text ("ICU^^Bed3"): what a bed is mapped to a chair by.
    text: str = ""
    point_of_care: str = ""
    room: str = ""
    bed: str = ""
    facility: str = ""


@dataclass(frozen=True)
class Reading:
    """One OBX the chart can use: a number in its code's units, at its time."""

    code: MonitorCode
    value: float
    #: OBX-6 as HL7 text.
    units: str
    #: OBX-11 ("R", "F"...).
    status: str
    observed_at: datetime
    #: OBX-1.
    set_id: str = ""
    #: Beyond the usual band (core.ranges) though a patient can have it: charted once the
    #: nurse confirms it, like a typed one.
    extreme: bool = False

    @property
    def field(self) -> str:
        return self.code.field


@dataclass(frozen=True)
class ReadingSet:
    """The readings of one observation time, in the message's order."""

    observed_at: datetime
    readings: tuple[Reading, ...]

    def measurements(self) -> dict[str, int]:
        """The vitals fields this set fills, as whole numbers: for each field the first
        reading of a code that is not a fallback, else the first of a fallback (the
        oximeter's pulse rate as the heart rate only without an ECG heart rate). The MAP
        is not among them: a vitals set has no field for it."""
        chosen: dict[str, Reading] = {}
        for reading in self.readings:
            if not reading.code.in_vitals:
                continue
            held = chosen.get(reading.field)
            if held is None or (held.code.fallback and not reading.code.fallback):
                chosen[reading.field] = reading
        return {field: _whole(reading.value) for field, reading in chosen.items()}

    def as_vitals(self) -> Vitals:
        """The set as a vitals set at its time (checked, like any, by the store)."""
        return Vitals(observed_at=self.observed_at, **self.measurements())


@dataclass(frozen=True)
class IgnoredItem:
    """An OBX (or a part of the message) not used, and why, for the journal and the log."""

    set_id: str
    #: OBX-3 as sent (HL7 text, shortened).
    code: str
    #: OBX-5 as sent (shortened).
    value: str
    reason: str


@dataclass(frozen=True)
class MonitorMessage:
    """A message read: what to chart, where, and what was kept aside."""

    header: MessageHeader
    bed: BedLocation
    #: PID-3's first identifier and PID-5 ("family, given"), as the monitor knows them.
    patient_id: str
    patient_name: str
    reading_sets: tuple[ReadingSet, ...]
    ignored: tuple[IgnoredItem, ...] = ()


@dataclass(frozen=True)
class MessageRefusal:
    """A message not taken: the acknowledgement to answer with (AE or AR, and the HL7 error
    code), the reason in words, and what could be read of its header (None when it was
    not HL7 at all: the answer then has no MSH to echo)."""

    ack_code: AckCode
    error_code: ErrorCode
    reason: str
    header: MessageHeader | None = None
    ignored: tuple[IgnoredItem, ...] = ()


class _Refused(Exception):
    def __init__(self, ack_code: AckCode, error_code: ErrorCode, reason: str,
                 header: MessageHeader | None = None,
                 ignored: tuple[IgnoredItem, ...] = ()) -> None:
        super().__init__(reason)
        self.refusal = MessageRefusal(ack_code, error_code, reason, header, ignored)


def read_header(raw: bytes, zone: tzinfo, now: datetime, *,
                limits: MessageLimits = DEFAULT_LIMITS) -> MessageHeader | MessageRefusal:
    """A frame's header, or why the message is refused as a whole (always AR): what the
    listener must know before it journals and answers a frame, and no more.

    Only MSH is read, with plain splits (no python-hl7 tree: a few hundredths of a
    millisecond where the whole reading takes half a millisecond), so the ACK never waits
    on the readings. What the content holds (no usable reading, a time in the future, a
    value no patient can have) is `parse_monitor_message`'s, read after the ACK: the
    monitor cannot mend a reading, and a stored frame is answered AA whatever it holds.
    `parse_monitor_message` reads its header with this, so the rules are in one place.
    `now` is taken as parse_monitor_message takes it (aware); the header's rules do not
    depend on it."""
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    try:
        return _read_header(raw, zone, limits).header
    except _Refused as refused:
        return refused.refusal


def parse_monitor_message(
    raw: bytes,
    zone: tzinfo,
    now: datetime,
    *,
    codes: MonitorCodes | None = None,
    limits: MessageLimits = DEFAULT_LIMITS,
    ranges: PlausibleRanges = DEFAULT_RANGES,
) -> MonitorMessage | MessageRefusal:
    """The readings in one frame's message, or why it is refused. `zone` is the clinic's
    (for times sent without an offset), `now` the workstation's aware time (for readings
    dated in the future or long ago)."""
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    try:
        return _Parser(zone, now, codes or shipped_monitor_codes(), limits, ranges).read(raw)
    except _Refused as refused:
        return refused.refusal


@dataclass(frozen=True)
class _Encoding:
    """The message's own separators and escape character, and its codec: how its fields
    are split and its texts read."""

    field_separator: str
    component_separator: str
    repetition_separator: str
    escape_character: str
    subcomponent_separator: str
    codec: str
    limit: int

    def pieces(self, raw: str) -> list[list[str]]:
        """The first repetition of a field: its components, each its subcomponents, raw."""
        first = raw.split(self.repetition_separator, 1)[0]
        return [component.split(self.subcomponent_separator)
                for component in first.split(self.component_separator)]

    def plain(self, raw: str) -> str:
        """A raw value as text: unescaped, control characters as spaces, capped."""
        separators = (self.field_separator + self.component_separator
                      + self.repetition_separator + self.subcomponent_separator)
        text = unescape(raw, separators, self.escape_character, self.limit, self.codec)
        return without_controls(text).strip()

    def component(self, raw: str, number: int) -> str:
        """Component `number` (from 1) of a field's first repetition, as text (its first
        subcomponent)."""
        pieces = self.pieces(raw)
        return self.plain(pieces[number - 1][0]) if number <= len(pieces) else ""

    def hl7_text(self, raw: str, *, capped: bool = True) -> str:
        """A field's first repetition as HL7 text in our encoding characters, empty
        trailing components dropped; `capped`, at most `limit` characters, an escape
        sequence cut in two dropped whole."""
        components = ["&".join(escape(self.plain(sub)) for sub in subs).rstrip("&")
                      for subs in self.pieces(raw)]
        text = "^".join(components).rstrip("^")
        if not capped or len(text) <= self.limit:
            return text
        cut = text[:self.limit]
        return cut[:cut.rfind("\\")] if cut.count("\\") % 2 else cut


class _Parser:
    def __init__(self, zone: tzinfo, now: datetime, codes: MonitorCodes,
                 limits: MessageLimits, ranges: PlausibleRanges) -> None:
        self.zone = zone
        self.now = now
        self.codes = codes
        self.limits = limits
        self.ranges = ranges

    def read(self, raw: bytes) -> MonitorMessage:
        head = _read_header(raw, self.zone, self.limits)
        text, codec = decode(head.body, head.header.charset)
        encoding = replace(head.encoding, codec=codec)
        header = replace(head.header, codec=codec)
        segments = [s for s in text.replace("\r\n", "\r").replace("\n", "\r").split("\r")
                    if s.strip()]
        try:
            message = hl7.parse("\r".join(segments))
        except Exception as error:  # python-hl7 raises what it meets (IndexError, ...)
            raise _Refused(AckCode.REJECT, ErrorCode.SEGMENT_SEQUENCE,
                           f"could not be read as HL7 ({type(error).__name__})",
                           header) from None
        return self._body(message, encoding, header)

    # -- the body -----------------------------------------------------------------------

    def _body(self, message: Any, encoding: _Encoding,
              header: MessageHeader) -> MonitorMessage:
        bed, patient_id, patient_name = BedLocation(), "", ""
        seen_pid = seen_pv1 = False
        order_time: datetime | None = None
        readings: list[Reading] = []
        ignored: list[IgnoredItem] = []
        obx_count = 0
        for segment in message:
            name = str(segment[0])
            fields = _Fields(segment)
            if name == "PID" and not seen_pid:
                seen_pid = True
                patient_id = encoding.component(fields.raw(3), 1)
                patient_name = ", ".join(part for part in (
                    encoding.component(fields.raw(5), 1),
                    encoding.component(fields.raw(5), 2)) if part)
            elif name == "PV1" and not seen_pv1:
                seen_pv1 = True
                bed = _bed(fields.raw(3), encoding)
            elif name == "OBR":
                order_time = self._time_or_none(encoding.component(fields.raw(7), 1))
            elif name == "OBX":
                obx_count += 1
                if obx_count <= self.limits.max_obx:
                    result = self._observation(fields, encoding, order_time or
                                               header.message_time)
                    if isinstance(result, Reading):
                        readings.append(result)
                    else:
                        ignored.append(result)
        if obx_count > self.limits.max_obx:
            ignored.append(IgnoredItem("", "", "", (
                f"{obx_count - self.limits.max_obx:,} more OBX segments beyond the first "
                f"{self.limits.max_obx} not read")))
        sets = _grouped(readings, ignored)
        self._check_sets(sets, obx_count, header, ignored)
        return MonitorMessage(header=header, bed=bed, patient_id=patient_id,
                              patient_name=patient_name, reading_sets=sets,
                              ignored=tuple(ignored))

    def _observation(self, fields: _Fields, encoding: _Encoding,
                     fallback_time: datetime | None) -> Reading | IgnoredItem:
        set_id = encoding.component(fields.raw(1), 1)[:20]
        code_raw, value_raw = fields.raw(3), fields.raw(5)
        value = encoding.component(value_raw, 1)

        def ignore(reason: str) -> IgnoredItem:
            return IgnoredItem(set_id, encoding.hl7_text(code_raw), value, reason)

        identifier, name = encoding.component(code_raw, 1), encoding.component(code_raw, 2)
        if (encoding.component(code_raw, 3).upper() != "MDC"
                and encoding.component(code_raw, 6).upper() == "MDC"):
            # a code of another system (LOINC) first, the MDC code as its alternate
            identifier, name = encoding.component(code_raw, 4), encoding.component(code_raw, 5)
        shown = " ".join(part for part in (identifier, name) if part) or "no code"
        if not value:
            return ignore(f"{shown}: no value (a device or channel, not a reading)")
        code = self.codes.find(identifier) or (None if identifier else self.codes.find(name))
        if code is None:
            if identifier and self.codes.find(name):
                return ignore(f"{shown}: the code and its name do not agree")
            return ignore(f"{shown}: not a code ketamonitor charts")
        named = self.codes.find(name) if name else None
        if named is not None and named != code:
            return ignore(f"{shown}: the code and its name do not agree")
        status = encoding.component(fields.raw(11), 1).upper()
        if status not in RESULT_STATUSES:
            words = _STATUS_WORDS.get(status, "not a result to chart")
            return ignore(f"{code.name}: result status {status} (OBX-11), {words}")
        if _DEMO_FLAG.search(fields.raw(8).upper()):
            # a monitor in demo mode sends made-up numbers flagged DEMO in OBX-8 (Mindray's
            # gateways do): no patient's reading, whatever bed it names
            return ignore(f"{code.name}: the monitor is in demo mode (OBX-8 DEMO), not a "
                          "patient's reading")
        value_type = encoding.component(fields.raw(2), 1).upper()
        if value_type not in ("NM", ""):
            return ignore(f"{code.name}: value type {value_type} (OBX-2), not a number (NM)")
        if len(value) > 32 or not _NUMBER.fullmatch(value):
            return ignore(f"{code.name}: value {value[:32]!r} is not a number")
        number = float(value)
        units_raw = fields.raw(6)
        unit_id, unit_text = encoding.component(units_raw, 1), encoding.component(units_raw, 2)
        if not code.units.accepts(unit_id, unit_text):
            given = unit_id or unit_text
            said = f"units {given!r}" if given else "no units (OBX-6)"
            return ignore(f"{code.name}: {said}, not {code.units.label} "
                          f"({code.units.mdc_name}); a reading is never converted")
        possible, usual = _bands(code.field, self.ranges)
        label = measurements.measurement(code.field).short
        if not math.isfinite(number) or number not in possible:
            return ignore(f"{label} {value} {code.units.label} is beyond what a patient can "
                          f"have ({possible.describe()})")
        time_text = encoding.component(fields.raw(14), 1)
        if time_text:
            try:
                observed_at = parse_ts(time_text, self.zone)
            except ValueError as error:
                return ignore(f"{code.name}: OBX-14 {error}")
        elif fallback_time is not None:
            observed_at = fallback_time
        else:
            return ignore(f"{code.name}: no time (OBX-14, OBR-7 and MSH-7 are empty or "
                          "not HL7 times)")
        return Reading(code=code, value=number, units=encoding.hl7_text(units_raw),
                       status=status, observed_at=observed_at, set_id=set_id,
                       extreme=number not in usual)

    def _check_sets(self, sets: tuple[ReadingSet, ...], obx_count: int,
                    header: MessageHeader, ignored: list[IgnoredItem]) -> None:
        kept_aside = tuple(ignored)
        if not obx_count:
            raise _Refused(AckCode.ERROR, ErrorCode.SEGMENT_SEQUENCE,
                           "no OBX segment: the message holds no reading", header)
        if not sets:
            reasons = "; ".join(item.reason for item in ignored[:3])
            more = f" (and {len(ignored) - 3} more)" if len(ignored) > 3 else ""
            raise _Refused(AckCode.ERROR, ErrorCode.APPLICATION_ERROR,
                           f"no usable reading: {reasons}{more}", header, kept_aside)
        limits = self.limits
        for reading_set in sets:
            moment = reading_set.observed_at
            if moment > self.now + limits.future_skew:
                ahead = _span_words(moment - self.now)
                raise _Refused(AckCode.ERROR, ErrorCode.APPLICATION_ERROR, (
                    f"a reading dated {format_local(moment, self.zone)}, {ahead} after the "
                    "workstation's clock: the monitor's clock is wrong; nothing charted"),
                    header, kept_aside)
            if moment < self.now - limits.max_age:
                behind = _span_words(self.now - moment)
                raise _Refused(AckCode.ERROR, ErrorCode.APPLICATION_ERROR, (
                    f"a reading dated {format_local(moment, self.zone)}, {behind} before the "
                    "workstation's clock: older than a monitor's reading is taken; nothing "
                    "charted"), header, kept_aside)

    def _time_or_none(self, text: str) -> datetime | None:
        try:
            return parse_ts(text, self.zone) if text else None
        except ValueError:
            return None


# -- the header: every rule that refuses a message as a whole -----------------------

@dataclass(frozen=True)
class _Head:
    """What reading the header found: the header, the message's encoding characters (the
    codec the MSH's), and the message's bytes from MSH on."""

    header: MessageHeader
    encoding: _Encoding
    body: bytes


#: A second MSH: a segment beginning MSH after a segment's end (the first begins the body).
_SECOND_MSH = re.compile(rb"[\r\n]MSH")


def _read_header(raw: bytes, zone: tzinfo, limits: MessageLimits) -> _Head:
    """The header read with plain splits (no python-hl7 tree), or _Refused (AR) with why:
    not HL7, MSH's separators unusable, an identifier or the message too large, not an
    ORU^R01, not production, not a version 2, no control id, two messages in one frame."""
    body = raw.lstrip(b" \t\r\n")
    body = body.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not body.startswith(b"MSH"):
        raise _Refused(AckCode.REJECT, ErrorCode.SEGMENT_SEQUENCE,
                       "not an HL7 v2 message: it does not begin with an MSH segment "
                       f"(it begins {_sample(body)})")
    msh_bytes = re.split(b"[\r\n]", body[:_MAX_HEADER + 1], maxsplit=1)[0]
    charset = _declared_charset(msh_bytes)
    msh, codec = decode(msh_bytes, charset)
    encoding = _encoding(msh, codec, limits.max_text)
    header = _header(msh, encoding, charset, zone)
    _check_size(raw, encoding, header, limits)
    _check_header(header)
    # bytes, not text: every charset read (ASCII, Latin-n, UTF-8) writes CR, LF and MSH alike
    if _SECOND_MSH.search(body):
        raise _Refused(AckCode.REJECT, ErrorCode.SEGMENT_SEQUENCE,
                       "more than one message (MSH) in one frame", header)
    return _Head(header, encoding, body)


def _header(msh: str, encoding: _Encoding, charset: str, zone: tzinfo) -> MessageHeader:
    fields = _fields(msh, encoding)

    def identifier(number: int) -> str:
        """An identifier is never shortened: two monitors must not become one."""
        text = encoding.hl7_text(fields.get(number, ""), capped=False)
        if len(text) > encoding.limit:
            raise _Refused(AckCode.REJECT, ErrorCode.DATA_TYPE,
                           f"MSH-{number} is longer than {encoding.limit} characters")
        return text

    try:
        message_time: datetime | None = parse_ts(
            encoding.component(fields.get(7, ""), 1), zone)
    except ValueError:
        message_time = None
    return MessageHeader(
        sending_application=identifier(3),
        sending_facility=identifier(4),
        receiving_application=identifier(5),
        receiving_facility=identifier(6),
        message_type=identifier(9),
        control_id=_capped_control_id(encoding.plain(fields.get(10, "")), encoding),
        processing_id=encoding.component(fields.get(11, ""), 1),
        version=encoding.component(fields.get(12, ""), 1),
        message_time=message_time,
        charset=charset,
        codec=encoding.codec,
        accept_ack_type=encoding.component(fields.get(15, ""), 1),
        application_ack_type=encoding.component(fields.get(16, ""), 1),
    )

def _check_size(raw: bytes, encoding: _Encoding, header: MessageHeader,
                limits: MessageLimits) -> None:
    """Refuse what is too large to read before it is decoded or split (the message's
    own separators counted, whichever they are)."""
    if len(raw) > limits.max_bytes:
        raise _Refused(AckCode.REJECT, ErrorCode.APPLICATION_ERROR,
                       f"a message of {len(raw):,} bytes: more than the "
                       f"{limits.max_bytes:,} a monitor's message may be", header)
    separators = sum(raw.count(character.encode(encoding.codec, "replace"))
                     for character in (encoding.field_separator,
                                       encoding.component_separator,
                                       encoding.repetition_separator,
                                       encoding.subcomponent_separator))
    if separators > limits.max_separators:
        raise _Refused(AckCode.REJECT, ErrorCode.APPLICATION_ERROR,
                       f"a message of {separators:,} fields and components: more than "
                       f"the {limits.max_separators:,} read", header)

def _check_header(header: MessageHeader) -> None:
    if not header.control_id:
        raise _Refused(AckCode.REJECT, ErrorCode.REQUIRED_FIELD_MISSING,
                       "no message control id (MSH-10) to answer", header)
    if header.message_code != MESSAGE_CODE:
        shown = header.message_type or "none"
        raise _Refused(AckCode.REJECT, ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
                       f"message type {shown} is not taken: ketamonitor reads monitors' "
                       "observation results, ORU^R01", header)
    if header.trigger_event != TRIGGER_EVENT:
        raise _Refused(AckCode.REJECT, ErrorCode.UNSUPPORTED_EVENT,
                       f"message type {header.message_type} is not taken: ketamonitor "
                       "reads unsolicited observation results, ORU^R01", header)
    if header.processing_id not in PROCESSING_IDS:
        raise _Refused(AckCode.REJECT, ErrorCode.UNSUPPORTED_PROCESSING_ID,
                       f"processing id {header.processing_id or 'none'} (MSH-11) is not "
                       "production (P): training or test readings are not charted",
                       header)
    if not V2_VERSION.fullmatch(header.version):
        raise _Refused(AckCode.REJECT, ErrorCode.UNSUPPORTED_VERSION,
                       f"version {header.version or 'none'} (MSH-12) is not an HL7 "
                       "version 2", header)


class _Fields:
    """A parsed segment's fields as raw HL7 text, numbered as HL7 numbers them (MSH's too:
    python-hl7 keeps MSH-1, the field separator, as a field of its own)."""

    def __init__(self, segment: Any) -> None:
        self._segment = segment

    def raw(self, number: int) -> str:
        return str(self._segment[number]) if number < len(self._segment) else ""


def _declared_charset(msh_bytes: bytes) -> str:
    """MSH-18 as sent, read from the MSH's bytes before the message is decoded (its
    encoding characters and the charset's name are ASCII in every charset HL7 allows)."""
    msh = msh_bytes.decode("latin-1")
    if len(msh) < 8:
        return ""
    parts = msh.split(msh[3])
    if len(parts) < 18 or len(parts[1]) < 2:
        return ""
    repetition = parts[1][1] if len(parts[1]) > 1 else "~"
    return parts[17].split(repetition)[0].split(parts[1][0])[0].strip()


def _encoding(msh: str, codec: str, limit: int) -> _Encoding:
    """The separators MSH-1 and MSH-2 declare, refused unless they are five (six with
    v2.7's truncation character) distinct printable characters that are not letters,
    digits or spaces (python-hl7 would otherwise split on whatever is there)."""
    if len(msh) > _MAX_HEADER:
        raise _Refused(AckCode.REJECT, ErrorCode.DATA_TYPE,
                       f"an MSH segment longer than {_MAX_HEADER:,} characters")
    separator = msh[3:4]
    declared = msh[4:].split(separator, 1)[0] if separator else ""
    characters = separator + declared
    if (len(declared) not in (4, 5) or len(set(characters)) != len(characters)
            or any(c.isalnum() or c.isspace() or not c.isprintable() for c in characters)):
        raise _Refused(AckCode.REJECT, ErrorCode.DATA_TYPE,
                       "MSH-1 and MSH-2 must hold the field separator and the four encoding "
                       "characters (|^~\\&)")
    return _Encoding(separator, declared[0], declared[1], declared[2], declared[3], codec,
                     limit)


def _fields(msh: str, encoding: _Encoding) -> dict[int, str]:
    """MSH's fields by number, raw (MSH-1 is the separator, MSH-2 the encoding characters)."""
    parts = msh.split(encoding.field_separator)
    return {number + 1: part for number, part in enumerate(parts) if number >= 1}


def _capped_control_id(control_id: str, encoding: _Encoding) -> str:
    if len(control_id) >= encoding.limit:  # `plain` stops reading at the limit
        raise _Refused(AckCode.REJECT, ErrorCode.DATA_TYPE,
                       f"a message control id (MSH-10) of {encoding.limit} characters or "
                       "more: it is not shortened, two messages must not become one")
    return control_id


def _bed(raw: str, encoding: _Encoding) -> BedLocation:
    return BedLocation(text=encoding.hl7_text(raw),
                       point_of_care=encoding.component(raw, 1),
                       room=encoding.component(raw, 2), bed=encoding.component(raw, 3),
                       facility=encoding.component(raw, 4))


def _grouped(readings: Iterable[Reading], ignored: list[IgnoredItem]) -> tuple[ReadingSet, ...]:
    """One set per observation time, earliest first; a second reading of the same code at
    the same time is kept aside (the first is the one charted)."""
    by_time: dict[datetime, list[Reading]] = {}
    for reading in readings:
        held = by_time.setdefault(reading.observed_at, [])
        if any(other.code == reading.code for other in held):
            ignored.append(IgnoredItem(reading.set_id, reading.code.coded, f"{reading.value:g}",
                                       f"{reading.code.name}: a second reading at the same "
                                       "time; the first is kept"))
            continue
        held.append(reading)
    return tuple(ReadingSet(moment, tuple(held)) for moment, held in sorted(by_time.items()))


def _bands(field: str, ranges: PlausibleRanges) -> tuple[Range, Range]:
    """What a patient can have of a field, and its usual band. The MAP has no band of its
    own in core.ranges: it lies between the diastolic's and the systolic's."""
    measurement = measurements.measurement(field)
    possible, usual = measurement.possible(ranges), measurement.plausible(ranges)
    if possible is None or usual is None:
        return (Range(ranges.possible.diastolic.low, ranges.possible.systolic.high, "mmHg"),
                Range(ranges.diastolic.low, ranges.systolic.high, "mmHg"))
    return possible, usual


def _whole(value: float) -> int:
    """A monitor's value as the chart holds it: the nearest whole number (half up)."""
    return math.floor(value + 0.5)


def _span_words(span: timedelta) -> str:
    """A span as a reason says it: "3 minutes", "5 hours", "12 days"."""
    minutes = int(span.total_seconds() // 60)
    for size, unit in ((1440, "day"), (60, "hour")):
        if minutes >= 2 * size:
            return f"{minutes // size} {unit}s"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _sample(body: bytes) -> str:
    """The first bytes of what came, as the log can show them."""
    return repr(body[:16]) if body else "empty"
