"""Our HL7 read back by an independent implementation of the standard (hl7apy), as a
receiving system would read it: a generated message must be valid, not merely parse."""

from __future__ import annotations

from typing import Any

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message, parse_segment


def strictly_valid(message: bytes, codec: str = "utf-8") -> Any:
    """`message` parsed by hl7apy with strict validation (each segment's fields, their
    types, lengths and cardinality, and the message structure with its groups), and
    validated whole; raises what hl7apy raises when it is not valid."""
    parsed = parse_message(message.decode(codec), validation_level=VALIDATION_LEVEL.STRICT,
                           find_groups=True)
    assert parsed.validate()
    return parsed


def tolerantly_read(message: bytes, codec: str = "utf-8") -> Any:
    """`message` as hl7apy reads it without validation: for a message that may lack what
    the standard requires (an answer with no control id to echo)."""
    return parse_message(message.decode(codec), validation_level=VALIDATION_LEVEL.TOLERANT,
                         find_groups=True)


def strictly_valid_segments(message: bytes, version: str, codec: str = "utf-8") -> None:
    """Each segment of `message` parsed and validated strictly by hl7apy in `version`: for
    a version before 2.3.1, where MSH-9 has no message structure for hl7apy to find the
    message's by."""
    for text in message.decode(codec).split("\r"):
        if text:
            assert parse_segment(text, version=version,
                                 validation_level=VALIDATION_LEVEL.STRICT).validate()
