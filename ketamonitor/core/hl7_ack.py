"""Our answer to a monitor's message: an HL7 v2 ACK, as bytes to frame and send.

A monitor or central station waits for an ACK per message and keeps (or drops) what it
sent until it gets one, so the answer is always possible, even to bytes that were not
HL7: `acknowledgement` with the parsed header echoes it (sender and receiver swapped, the
same version and processing id, the original control id in MSA-2), and without one
answers minimally (there is no MSH to echo, so MSA-2 is empty).

An error or a reject says why twice: in MSA-3 for the receivers of versions before 2.7 that
read only that, and in an ERR segment (ERR-3 the HL7 error code, ERR-7 the reason from 2.5
on; ERR-1 before 2.5, whose ERR has no text). Every text written is escaped (core.hl7_text),
so a reason quoting what a sender sent cannot add a field or a segment to our answer.
"""

from __future__ import annotations

import re
from datetime import datetime

from ketamonitor.core.hl7_text import (
    ENCODING_CHARACTERS,
    FIELD_SEPARATOR,
    V2_VERSION,
    AckCode,
    ErrorCode,
    codec_for,
    escape,
    format_ts,
    version_at_least,
)
from ketamonitor.core.monitor_message import MessageHeader, MessageRefusal

#: MSH-3 of our answers when the message did not name us in its MSH-5.
DEFAULT_APPLICATION = "KETAMONITOR"
#: The version of an answer to a message whose version could not be read (PCD-01's).
DEFAULT_VERSION = "2.6"
#: MSA-3's length (ST 80) in the versions that have it.
_MSA3_LENGTH = 80
#: The longest reason written into ERR.
_REASON_LENGTH = 500
#: What our own control id (MSH-10) may be: short, and plain enough to need no escape.
_CONTROL_ID = re.compile(r"[A-Za-z0-9._-]{1,20}")
_TRIGGER = re.compile(r"[A-Z0-9]{3}")


def acknowledgement(
    code: AckCode,
    header: MessageHeader | None,
    *,
    control_id: str,
    now: datetime,
    reason: str = "",
    error_code: ErrorCode = ErrorCode.APPLICATION_ERROR,
    application: str = DEFAULT_APPLICATION,
) -> bytes:
    """The ACK message (unframed) answering `header`'s message with `code`; None for a frame
    that could not be read as HL7 at all. `control_id` is our own MSH-10 (unique per
    answer, at most 20 letters, digits, dots, dashes or underscores), `now` MSH-7. For AE
    and AR, `reason` (in words) and `error_code` say why."""
    if not _CONTROL_ID.fullmatch(control_id):
        raise ValueError("our control id must be 1 to 20 letters, digits, '.', '_' or '-'")
    version = header.version if header and V2_VERSION.fullmatch(header.version) else (
        DEFAULT_VERSION)
    charset, codec = _charset(header)
    segments = [_msh(header, control_id, now, version, charset, application)]
    original = escape(header.control_id) if header else ""
    if code is AckCode.ACCEPT:
        segments.append(_join("MSA", code.value, original))
    else:
        words = reason.strip() or error_code.description
        msa = [code.value, original]
        if not version_at_least(version, (2, 7)):  # MSA-3 withdrawn in 2.7
            msa.append(escape(words, _MSA3_LENGTH))
        segments.append(_join("MSA", *msa))
        segments.append(_err(error_code, words, version))
    return ("\r".join(segments) + "\r").encode(codec, "replace")


def refusal_acknowledgement(refusal: MessageRefusal, *, control_id: str,
                            now: datetime, application: str = DEFAULT_APPLICATION) -> bytes:
    """The ACK answering a refused message: its code, reason and error code."""
    return acknowledgement(refusal.ack_code, refusal.header, control_id=control_id, now=now,
                           reason=refusal.reason, error_code=refusal.error_code,
                           application=application)


def _msh(header: MessageHeader | None, control_id: str, now: datetime, version: str,
         charset: str, application: str) -> str:
    """Our MSH: we are the sender (as the message named us in MSH-5/6, else `application`),
    the monitor the receiver."""
    if header is None:
        sender, sender_facility, receiver, receiver_facility = escape(application), "", "", ""
        trigger, processing_id = "R01", "P"
    else:
        sender = header.receiving_application or escape(application)
        sender_facility = header.receiving_facility
        receiver, receiver_facility = header.sending_application, header.sending_facility
        trigger = header.trigger_event if _TRIGGER.fullmatch(header.trigger_event) else "R01"
        processing_id = escape(header.processing_id, 3) or "P"
    # the message structure (MSH-9.3) came with 2.3.1
    message_type = f"ACK^{trigger}^ACK" if version_at_least(version, (2, 3, 1)) else (
        f"ACK^{trigger}")
    return "MSH" + FIELD_SEPARATOR + _join(
        ENCODING_CHARACTERS, sender, sender_facility, receiver, receiver_facility,
        format_ts(now), "", message_type, control_id, processing_id, version,
        "", "", "", "", "", charset)


def _err(error_code: ErrorCode, reason: str, version: str) -> str:
    """ERR as the version has it: ERR-3, ERR-4 (severity E) and ERR-7 from 2.5, ERR-1
    before."""
    if version_at_least(version, (2, 5)):
        coded = f"{error_code.value}^{escape(error_code.description)}^HL70357"
        return _join("ERR", "", "", coded, "E", "", "", escape(reason, _REASON_LENGTH))
    location = f"^^^{error_code.value}&{escape(error_code.description)}&HL70357"
    return _join("ERR", location)


def _charset(header: MessageHeader | None) -> tuple[str, str]:
    """MSH-18 of the answer and its codec: the message's own when we can write it, so a
    receiver reads our answer as it wrote its message; UTF-8 otherwise."""
    if header is not None:
        codec = codec_for(header.charset)
        if codec is not None:
            return escape(header.charset.strip(), 20), codec
    return "UNICODE UTF-8", "utf-8"


def _join(*fields: str) -> str:
    return FIELD_SEPARATOR.join(fields).rstrip(FIELD_SEPARATOR)
