"""HL7 v2's text forms, shared by what reads a monitor's message and what writes ours.

A monitor's message and our answer to it meet on the same few forms: the character set
named in MSH-18, the escape sequences that keep a value's `|` or `^` from being read as a
separator, and the HL7 time stamp (TS/DTM). They are here once, so that what we write is
read back the same way, and both sides stay within what a hostile sender can make them do:
the escape reader never expands a value (HL7's `\\.sp<n>\\` repeat is read as one line break,
not n), and every text it gives is capped.

Also the two HL7 tables every answer names: the acknowledgement code (HL7 table 0008) and
the error condition (HL7 table 0357).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from enum import StrEnum

#: The field separator and encoding characters we write (MSH-1, MSH-2), as every monitor
#: we know of sends them.
FIELD_SEPARATOR = "|"
ENCODING_CHARACTERS = "^~\\&"
COMPONENT_SEPARATOR = "^"
REPETITION_SEPARATOR = "~"
ESCAPE_CHARACTER = "\\"
SUBCOMPONENT_SEPARATOR = "&"


class AckCode(StrEnum):
    """MSA-1 of an original-mode acknowledgement (HL7 table 0008)."""

    #: Application accept: the message is stored.
    ACCEPT = "AA"
    #: Application error: read, but its content cannot be used (no usable reading, a time
    #: in the future); resending the same message will not help.
    ERROR = "AE"
    #: Application reject: not processed for its type, structure, processing id or
    #: version, or not HL7 at all.
    REJECT = "AR"


class ErrorCode(StrEnum):
    """ERR-3 (ERR-1 before v2.5): why a message was refused (HL7 table 0357)."""

    SEGMENT_SEQUENCE = "100"
    REQUIRED_FIELD_MISSING = "101"
    DATA_TYPE = "102"
    TABLE_VALUE_NOT_FOUND = "103"
    UNSUPPORTED_MESSAGE_TYPE = "200"
    UNSUPPORTED_EVENT = "201"
    UNSUPPORTED_PROCESSING_ID = "202"
    UNSUPPORTED_VERSION = "203"
    APPLICATION_ERROR = "207"

    @property
    def description(self) -> str:
        """The table's own words for the code, as ERR-3's text carries them."""
        return _ERROR_WORDS[self]


_ERROR_WORDS = {
    ErrorCode.SEGMENT_SEQUENCE: "Segment sequence error",
    ErrorCode.REQUIRED_FIELD_MISSING: "Required field missing",
    ErrorCode.DATA_TYPE: "Data type error",
    ErrorCode.TABLE_VALUE_NOT_FOUND: "Table value not found",
    ErrorCode.UNSUPPORTED_MESSAGE_TYPE: "Unsupported message type",
    ErrorCode.UNSUPPORTED_EVENT: "Unsupported event code",
    ErrorCode.UNSUPPORTED_PROCESSING_ID: "Unsupported processing id",
    ErrorCode.UNSUPPORTED_VERSION: "Unsupported version id",
    ErrorCode.APPLICATION_ERROR: "Application internal error",
}

#: An HL7 version 2 (MSH-12): 2.1 to 2.9, with its minor releases (2.3.1, 2.8.2).
V2_VERSION = re.compile(r"2\.[1-9](?:\.\d{1,2})*")


def version_at_least(version: str, least: tuple[int, ...]) -> bool:
    """Whether an HL7 v2 version ("2.3.1") is `least` ((2, 5)) or later; False for text
    that is not a version 2."""
    if not V2_VERSION.fullmatch(version):
        return False
    return tuple(int(part) for part in version.split(".")) >= least


# -- character sets -----------------------------------------------------------------------

#: MSH-18's values (HL7 table 0211) we can read, and the Python codec of each. An empty
#: MSH-18 is HL7's default, ASCII.
_CODECS = {
    "": "ascii",
    "ASCII": "ascii",
    "8859/1": "latin-1",
    "8859/2": "iso8859-2",
    "8859/15": "iso8859-15",
    "UNICODE UTF-8": "utf-8",
}


def codec_for(charset: str) -> str | None:
    """The Python codec of an MSH-18 value ("UNICODE UTF-8", "8859/1", "ASCII", ""), or
    None for one we do not know (read then by `decode`'s fallback)."""
    return _CODECS.get(charset.strip().upper())


def decode(raw: bytes, charset: str) -> tuple[str, str]:
    """`raw` as text and the codec it was read with: the one MSH-18 names, else UTF-8,
    else Latin-1, which reads any byte. Never raises: a monitor that says ASCII and sends
    a name in Latin-1 still has its readings read (the name reads as the bytes meant)."""
    declared = codec_for(charset)
    for codec in (declared, "utf-8"):
        if codec is None:
            continue
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


# -- escapes ------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_ESCAPES = {
    FIELD_SEPARATOR: "\\F\\",
    COMPONENT_SEPARATOR: "\\S\\",
    REPETITION_SEPARATOR: "\\R\\",
    SUBCOMPONENT_SEPARATOR: "\\T\\",
    ESCAPE_CHARACTER: "\\E\\",
}


def without_controls(text: str) -> str:
    """`text` with every control character (C0, DEL, C1) made a space: a carriage return
    would end a segment, 0x0B or 0x1C an MLLP frame, and a kept name must print as what
    it says (see core.text)."""
    return _CONTROL.sub(" ", text)


def escape(text: str, limit: int | None = None) -> str:
    """`text` as an HL7 value in our encoding characters: each separator and the escape
    character written as its escape sequence (\\F\\ \\S\\ \\R\\ \\T\\ \\E\\) and each control
    character as a space, so that no text can add a field, a component or a segment. With
    `limit`, as much of the text as fits in that many characters, never cutting an escape
    sequence in two."""
    pieces: list[str] = []
    length = 0
    for character in without_controls(text):
        piece = _ESCAPES.get(character, character)
        if limit is not None and length + len(piece) > limit:
            break
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces)


def unescape(value: str, separators: str, escape_character: str, limit: int,
             codec: str = "latin-1") -> str:
    """The text an HL7 value stands for, read with the message's own separators
    (`separators`: field, component, repetition, subcomponent) and escape character, at most
    `limit` characters. \\F\\ \\S\\ \\R\\ \\T\\ \\E\\ give their character, \\Xhh..\\ its bytes
    (read with `codec`, the message's), a formatting command (\\.br\\, \\.sp\\ ...) one
    line break at most, and highlighting or an unknown sequence nothing; an unfinished
    sequence is kept as sent.
    python-hl7's own unescape is not used: it repeats \\.sp<n>\\ n times (a few bytes can ask
    for gigabytes) and raises on a malformed count."""
    if escape_character not in value:
        return value[:limit]
    named = dict(zip("FSRT", separators, strict=True)) | {"E": escape_character}
    out: list[str] = []
    length = 0
    at = 0
    while at < len(value) and length < limit:
        start = value.find(escape_character, at)
        end = value.find(escape_character, start + 1) if start >= 0 else -1
        if end < 0:
            piece, at = value[at:], len(value)
        else:
            piece = value[at:start] + _sequence(value[start + 1:end], named, codec)
            at = end + 1
        out.append(piece)
        length += len(piece)
    return "".join(out)[:limit]


def _sequence(name: str, named: dict[str, str], codec: str) -> str:
    if name in named:
        return named[name]
    if name.startswith("X") and re.fullmatch("(?:[0-9A-Fa-f]{2})+", name[1:]):
        return bytes.fromhex(name[1:]).decode(codec, "replace")
    if name.startswith((".br", ".sp", ".ce")):
        return "\n"
    return ""


# -- times --------------------------------------------------------------------------------

_TS = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?"
                 r"(?:([+-])(\d{2})(\d{2}))?")


def parse_ts(text: str, zone: tzinfo) -> datetime:
    """An HL7 time stamp `YYYYMMDDHHMM[SS[.S[S[S[S]]]]][+/-ZZZZ]` as an aware UTC moment; one
    without an offset is a wall-clock time in `zone` (the clinic's). ValueError, in words,
    for anything else: a time less precise than the minute cannot place a reading."""
    text = text.strip()
    match = _TS.fullmatch(text)
    if match is None:
        if re.fullmatch(r"\d{4,10}(?:[+-]\d{4})?", text):
            raise ValueError(f"time {text!r} is not precise to the minute")
        raise ValueError(f"time {text[:40]!r} is not an HL7 time stamp (YYYYMMDDHHMM[SS])")
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    microsecond = int((fraction or "0").ljust(6, "0"))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute),
                          int(second or 0), microsecond)
    except ValueError:
        raise ValueError(f"time {text!r} is a date or time that does not exist") from None
    if sign is None:
        return moment.replace(tzinfo=zone).astimezone(UTC)
    if int(off_h) > 14 or int(off_m) > 59:
        raise ValueError(f"time {text!r} has an offset from UTC that does not exist")
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (1 if sign == "+" else -1)
    return moment.replace(tzinfo=timezone(offset)).astimezone(UTC)


def format_ts(moment: datetime, zone: tzinfo = UTC) -> str:
    """An aware moment as an HL7 time stamp to the second, on `zone`'s clock with its
    offset ("20261123093000+0100"): read back the same wherever the reader is."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return moment.astimezone(zone).strftime("%Y%m%d%H%M%S%z")


def format_local_ts(moment: datetime, zone: tzinfo) -> str:
    """An aware moment as an HL7 time stamp without an offset, on `zone`'s wall clock: how
    a monitor set to local time and no zone says it (read back in the clinic's zone)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return moment.astimezone(zone).strftime("%Y%m%d%H%M%S")
