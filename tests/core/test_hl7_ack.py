"""Our ACK: valid HL7 (hl7apy, strict) for the version it answers, echoing the message's
header, saying why in words that cannot add a field or a segment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.hl7_ack import acknowledgement, refusal_acknowledgement
from ketamonitor.core.hl7_text import AckCode, ErrorCode
from ketamonitor.core.monitor_message import (
    MessageHeader,
    MessageRefusal,
    MonitorMessage,
    parse_monitor_message,
)
from ketamonitor.core.oru_build import OruPatient, build_oru, observation
from tests.core.hl7_checks import strictly_valid, strictly_valid_segments, tolerantly_read

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 8, 30, 30, tzinfo=UTC)
AT = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
HOSTILE = "bad | reason ^ with ~ & and \\ \rMSH|^~\\&|EVIL\x0b\x1c\nOBX|1"


def header_of(raw: bytes) -> MessageHeader:
    result = parse_monitor_message(raw, PARIS, NOW)
    assert isinstance(result, MonitorMessage | MessageRefusal)
    assert result.header is not None
    return result.header


def oru(**options: object) -> bytes:
    return build_oru([observation(150456, 97)], control_id="MR-77", observed_at=AT,
                     patient=OruPatient("1", "Müller", "Zoë"), **options)  # type: ignore[arg-type]


def segments(ack: bytes, codec: str = "utf-8") -> list[list[str]]:
    text = ack.decode(codec)
    assert text.endswith("\r")
    return [segment.split("|") for segment in text[:-1].split("\r")]


def test_an_accept_swaps_sender_and_receiver_and_echoes_the_control_id():
    header = header_of(oru(sending_application="MINDRAY_EGATEWAY^00A0370000000001^EUI-64",
                           sending_facility="ICU"))
    ack = acknowledgement(AckCode.ACCEPT, header, control_id="KM-1", now=NOW)
    message = strictly_valid(ack)
    assert message.name == "ACK"
    msh = message.msh
    assert msh.msh_3.to_er7() == "KETAMONITOR"  # as the message named us in its MSH-5
    assert msh.msh_5.to_er7() == "MINDRAY_EGATEWAY^00A0370000000001^EUI-64"
    assert msh.msh_6.to_er7() == "ICU"
    assert msh.msh_7.to_er7() == "20261123083030+0000"
    assert msh.msh_9.to_er7() == "ACK^R01^ACK"
    assert msh.msh_10.to_er7() == "KM-1"
    assert (msh.msh_11.to_er7(), msh.msh_12.to_er7()) == ("P", "2.6")
    assert msh.msh_18.to_er7() == "UNICODE UTF-8"
    assert message.msa.msa_1.to_er7() == "AA"
    assert message.msa.msa_2.to_er7() == "MR-77"
    assert [s[0] for s in segments(ack)] == ["MSH", "MSA"]


def test_our_name_is_the_sender_when_the_message_did_not_name_us():
    header = header_of(oru(receiving_application=""))
    ack = acknowledgement(AckCode.ACCEPT, header, control_id="K", now=NOW,
                          application="KM-ROOM1")
    assert strictly_valid(ack).msh.msh_3.to_er7() == "KM-ROOM1"


@pytest.mark.parametrize("code", [AckCode.ERROR, AckCode.REJECT])
def test_an_error_or_reject_says_why_in_msa_3_and_err(code: AckCode):
    header = header_of(oru())
    ack = acknowledgement(code, header, control_id="K2", now=NOW,
                          reason="no usable reading: SpO2 101 % is beyond what a patient "
                                 "can have", error_code=ErrorCode.APPLICATION_ERROR)
    message = strictly_valid(ack)
    assert message.msa.msa_1.to_er7() == code.value
    assert message.msa.msa_2.to_er7() == "MR-77"
    assert message.msa.msa_3.to_er7().startswith("no usable reading: SpO2 101 %")
    assert len(message.msa.msa_3.to_er7()) <= 80
    assert message.err.err_3.to_er7() == "207^Application internal error^HL70357"
    assert message.err.err_4.to_er7() == "E"
    assert message.err.err_7.to_er7().endswith("beyond what a patient can have")


def test_a_reason_cannot_add_a_field_a_segment_or_a_frame():
    header = header_of(oru())
    ack = acknowledgement(AckCode.ERROR, header, control_id="K3", now=NOW, reason=HOSTILE)
    assert b"\x0b" not in ack and b"\x1c" not in ack and b"\n" not in ack
    parts = segments(ack)
    assert [s[0] for s in parts] == ["MSH", "MSA", "ERR"]
    assert len(parts[1]) == 4 and len(parts[2]) == 8
    message = strictly_valid(ack)
    read_back = message.err.err_7.to_er7()
    assert read_back.startswith("bad \\F\\ reason \\S\\ with \\R\\ \\T\\ and \\E\\")


def test_a_hostile_control_id_is_echoed_escaped():
    raw = oru().replace(b"|MR-77|", b"|A\\F\\B\\S\\C|")
    header = header_of(raw)
    assert header.control_id == "A|B^C"
    ack = acknowledgement(AckCode.ACCEPT, header, control_id="K", now=NOW)
    assert segments(ack)[1] == ["MSA", "AA", "A\\F\\B\\S\\C"]


def test_a_refused_message_is_answered_with_its_code_reason_and_error():
    raw = oru().replace(b"ORU^R01^ORU_R01", b"ADT^A01^ADT_A01")
    refusal = parse_monitor_message(raw, PARIS, NOW)
    assert isinstance(refusal, MessageRefusal)
    ack = refusal_acknowledgement(refusal, control_id="K4", now=NOW)
    message = strictly_valid(ack)
    assert message.msh.msh_9.to_er7() == "ACK^A01^ACK"  # the trigger event echoed
    assert message.msa.msa_1.to_er7() == "AR"
    assert message.msa.msa_2.to_er7() == "MR-77"
    assert message.err.err_3.to_er7() == "200^Unsupported message type^HL70357"
    assert "message type ADT\\S\\A01\\S\\ADT_A01 is not taken" in message.err.err_7.to_er7()


@pytest.mark.parametrize("raw", [b"GET / HTTP/1.1\r\n", b"\x00\xff garbage", b""])
def test_a_frame_that_is_not_hl7_gets_a_minimal_reject(raw: bytes):
    refusal = parse_monitor_message(raw, PARIS, NOW)
    assert isinstance(refusal, MessageRefusal) and refusal.header is None
    ack = refusal_acknowledgement(refusal, control_id="K5", now=NOW)
    parts = segments(ack)
    assert parts[0][:3] == ["MSH", "^~\\&", "KETAMONITOR"]
    assert parts[1][:3] == ["MSA", "AR", ""]  # no control id to echo
    message = tolerantly_read(ack)
    assert message.msh.msh_9.to_er7() == "ACK^R01^ACK"
    assert message.msh.msh_12.to_er7() == "2.6"
    assert message.err.err_3.to_er7() == "100^Segment sequence error^HL70357"
    assert "not an HL7 v2 message" in message.err.err_7.to_er7()


@pytest.mark.parametrize(("version", "has_msa_3", "err"), [
    ("2.3", True, "ERR|^^^207&Application internal error&HL70357"),
    ("2.3.1", True, "ERR|^^^207&Application internal error&HL70357"),
    ("2.4", True, "ERR|^^^207&Application internal error&HL70357"),
    ("2.5", True, "ERR|||207^Application internal error^HL70357|E|||why"),
    ("2.5.1", True, "ERR|||207^Application internal error^HL70357|E|||why"),
    ("2.6", True, "ERR|||207^Application internal error^HL70357|E|||why"),
    ("2.7", False, "ERR|||207^Application internal error^HL70357|E|||why"),
    ("2.8", False, "ERR|||207^Application internal error^HL70357|E|||why"),
])
def test_the_answer_is_valid_in_the_version_of_the_message(
        version: str, has_msa_3: bool, err: str):
    header = header_of(oru().replace(b"|P|2.6|", f"|P|{version}|".encode()))
    ack = acknowledgement(AckCode.ERROR, header, control_id="K6", now=NOW, reason="why")
    if version == "2.3":  # MSH-9 is ACK^R01: hl7apy knows no structure to check it whole
        strictly_valid_segments(ack, version)
    else:
        assert strictly_valid(ack).msh.msh_12.to_er7() == version
    text = ack.decode()
    assert f"|ACK^R01{'' if version == '2.3' else '^ACK'}|K6|P|{version}|" in text
    assert ("MSA|AE|MR-77|why\r" in text) is has_msa_3
    assert f"\r{err}\r" in text


def test_an_unreadable_version_is_answered_in_ours():
    header = header_of(oru().replace(b"|P|2.6|", b"|P|3.0|"))
    ack = acknowledgement(AckCode.REJECT, header, control_id="K", now=NOW, reason="why",
                          error_code=ErrorCode.UNSUPPORTED_VERSION)
    message = strictly_valid(ack)
    assert message.msh.msh_12.to_er7() == "2.6"
    assert message.err.err_3.to_er7() == "203^Unsupported version id^HL70357"


def test_the_processing_id_is_echoed():
    header = header_of(oru().replace(b"|P|2.6|", b"|T|2.6|"))
    ack = acknowledgement(AckCode.REJECT, header, control_id="K", now=NOW, reason="training")
    assert strictly_valid(ack).msh.msh_11.to_er7() == "T"


@pytest.mark.parametrize(("charset", "codec"), [("8859/1", "latin-1"), ("", "ascii")])
def test_the_answer_is_written_in_the_message_s_charset(charset: str, codec: str):
    header = header_of(oru(charset=charset, encoding="latin-1"))
    ack = acknowledgement(AckCode.ERROR, header, control_id="K", now=NOW,
                          reason="patient Zoë Müller: SBP 400 mmHg beyond 20–300 mmHg")
    message = strictly_valid(ack, codec=codec)
    assert message.msh.msh_18.to_er7() == charset
    if codec == "latin-1":
        assert "Zoë Müller" in message.err.err_7.to_er7()
    else:
        assert ack.isascii()


def test_a_long_reason_is_cut_to_what_each_field_holds():
    header = header_of(oru())
    ack = acknowledgement(AckCode.ERROR, header, control_id="K", now=NOW,
                          reason="|" * 1000)
    message = strictly_valid(ack)
    assert message.msa.msa_3.to_er7() == "\\F\\" * 26
    assert len(message.err.err_7.to_er7()) <= 500


def test_our_control_id_must_be_plain_and_short():
    header = header_of(oru())
    for bad in ("", "a|b", "x" * 21, "é"):
        with pytest.raises(ValueError, match="control id"):
            acknowledgement(AckCode.ACCEPT, header, control_id=bad, now=NOW)


def test_an_error_without_words_says_the_table_s():
    ack = acknowledgement(AckCode.ERROR, header_of(oru()), control_id="K", now=NOW,
                          error_code=ErrorCode.DATA_TYPE)
    assert strictly_valid(ack).msa.msa_3.to_er7() == "Data type error"
