"""HL7 v2's text forms: character sets, escapes and time stamps, read and written alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.hl7_text import (
    ErrorCode,
    codec_for,
    decode,
    escape,
    format_local_ts,
    format_ts,
    parse_ts,
    unescape,
    version_at_least,
    without_controls,
)

PARIS = ZoneInfo("Europe/Paris")
SEPARATORS = "|^~&"


def read(value: str, limit: int = 200, codec: str = "latin-1") -> str:
    return unescape(value, SEPARATORS, "\\", limit, codec)


@pytest.mark.parametrize(("charset", "codec"), [
    ("UNICODE UTF-8", "utf-8"), ("8859/1", "latin-1"), ("ASCII", "ascii"), ("", "ascii"),
    (" unicode utf-8 ", "utf-8"), ("8859/15", "iso8859-15"), ("ISO IR87", None),
])
def test_msh_18_names_the_codec(charset: str, codec: str | None):
    assert codec_for(charset) == codec


def test_text_is_read_in_the_declared_charset_else_utf8_else_latin1():
    name = "Zoë Müller"
    assert decode(name.encode("latin-1"), "8859/1") == (name, "latin-1")
    assert decode(name.encode("utf-8"), "UNICODE UTF-8") == (name, "utf-8")
    # declared ASCII (or nothing), sent UTF-8: read as UTF-8
    assert decode(name.encode("utf-8"), "") == (name, "utf-8")
    # declared UTF-8, sent Latin-1: not UTF-8, read as Latin-1
    assert decode(name.encode("latin-1"), "UNICODE UTF-8") == (name, "latin-1")
    # a charset we do not know
    assert decode(name.encode("utf-8"), "ISO IR87") == (name, "utf-8")


def test_decoding_never_fails_on_any_byte():
    every_byte = bytes(range(256))
    text, codec = decode(every_byte, "UNICODE UTF-8")
    assert codec == "latin-1"
    assert text.encode("latin-1") == every_byte


def test_escape_writes_each_separator_as_its_sequence():
    assert escape("a|b^c~d&e\\f") == "a\\F\\b\\S\\c\\R\\d\\T\\e\\E\\f"


def test_escape_turns_control_characters_into_spaces_so_no_segment_or_frame_can_start():
    written = escape("reason\rMSH|^~\\&|x\n\x0b\x1c")
    assert "\r" not in written and "\n" not in written
    assert "\x0b" not in written and "\x1c" not in written
    assert "|" not in written


def test_escape_with_a_limit_never_cuts_a_sequence():
    assert escape("ab|cd", 3) == "ab"
    assert escape("ab|cd", 5) == "ab\\F\\"
    assert escape("ab|cd", 6) == "ab\\F\\c"


def test_what_is_escaped_reads_back_as_it_was():
    text = "a|b^c~d&e\\f"
    assert read(escape(text)) == text


def test_unescape_uses_the_message_s_own_separators():
    assert unescape("1\\S\\2", "#@*%", "!", 100) == "1\\S\\2"
    assert unescape("1!S!2!F!3", "#@*%", "!", 100) == "1@2#3"


def test_unescape_reads_hex_in_the_message_s_codec():
    assert read("Zo\\XC3AB\\", codec="utf-8") == "Zoë"
    assert read("Zo\\XEB\\", codec="latin-1") == "Zoë"


def test_unescape_never_expands_a_repeat_and_caps_its_text():
    assert read("a\\.sp999999999\\b") == "a\nb"
    assert read("x" * 1000, limit=10) == "x" * 10
    assert read("\\F\\" * 1000, limit=10) == "|" * 10


def test_unescape_drops_highlights_and_unknown_sequences_and_keeps_an_unfinished_one():
    assert read("\\H\\bold\\N\\") == "bold"
    assert read("a\\Zfoo\\b") == "ab"
    assert read("a\\\\b") == "ab"
    assert read("a\\F") == "a\\F"
    assert read("a\\.spX\\b") == "a\nb"


def test_without_controls():
    assert without_controls("a\tb\x00c\x85d") == "a b c d"


@pytest.mark.parametrize(("text", "expected"), [
    ("202611230930", datetime(2026, 11, 23, 8, 30, tzinfo=UTC)),
    ("20261123093015", datetime(2026, 11, 23, 8, 30, 15, tzinfo=UTC)),
    ("20261123093015.25", datetime(2026, 11, 23, 8, 30, 15, 250000, tzinfo=UTC)),
    ("20261123093015.1234", datetime(2026, 11, 23, 8, 30, 15, 123400, tzinfo=UTC)),
    ("20261123093015+0000", datetime(2026, 11, 23, 9, 30, 15, tzinfo=UTC)),
    ("20261123093015-0500", datetime(2026, 11, 23, 14, 30, 15, tzinfo=UTC)),
    ("20261123093015.5+0530", datetime(2026, 11, 23, 4, 0, 15, 500000, tzinfo=UTC)),
    # summer in Paris: UTC+2
    ("202607010930", datetime(2026, 7, 1, 7, 30, tzinfo=UTC)),
])
def test_hl7_time_stamps_without_an_offset_are_on_the_clinic_s_clock(
        text: str, expected: datetime):
    moment = parse_ts(text, PARIS)
    assert moment == expected
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(("text", "words"), [
    ("20261123", "not precise to the minute"),
    ("2026112309", "not precise to the minute"),
    ("20261123+0100", "not precise to the minute"),
    ("2026-11-23T09:30", "not an HL7 time stamp"),
    ("", "not an HL7 time stamp"),
    ("20261323093000", "does not exist"),
    ("20260230093000", "does not exist"),
    ("20261123096000", "does not exist"),
    ("20261123093000+2500", "offset from UTC that does not exist"),
    ("20261123093000.12345", "not an HL7 time stamp"),
])
def test_what_is_not_a_time_stamp_to_the_minute_is_refused_in_words(text: str, words: str):
    with pytest.raises(ValueError, match=words):
        parse_ts(text, PARIS)


def test_times_written_read_back_the_same():
    moment = datetime(2026, 11, 23, 8, 30, 15, tzinfo=UTC)
    assert format_ts(moment) == "20261123083015+0000"
    assert format_ts(moment, PARIS) == "20261123093015+0100"
    assert format_local_ts(moment, PARIS) == "20261123093015"
    for written in (format_ts(moment), format_ts(moment, PARIS)):
        assert parse_ts(written, timezone(timedelta(hours=-7))) == moment
    assert parse_ts(format_local_ts(moment, PARIS), PARIS) == moment
    with pytest.raises(ValueError, match="naive"):
        format_ts(datetime(2026, 11, 23))


def test_versions():
    assert version_at_least("2.5", (2, 5))
    assert version_at_least("2.8.2", (2, 7))
    assert not version_at_least("2.3.1", (2, 5))
    assert not version_at_least("3.0", (2, 5))
    assert not version_at_least("", (2, 5))


def test_error_codes_carry_the_table_s_words():
    assert ErrorCode.UNSUPPORTED_MESSAGE_TYPE.description == "Unsupported message type"
    assert {code.value for code in ErrorCode} >= {"100", "101", "200", "207"}
