"""A monitor's ORU^R01 read into reading sets, or refused with the ACK code and the reason;
never an exception, whatever the bytes."""

from __future__ import annotations

import random
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.hl7_text import AckCode, ErrorCode, format_ts
from ketamonitor.core.monitor_message import (
    DEFAULT_LIMITS,
    IgnoredItem,
    MessageHeader,
    MessageRefusal,
    MonitorMessage,
    parse_monitor_message,
    read_header,
)
from ketamonitor.core.oru_build import (
    Flavour,
    Observation,
    OruPatient,
    build_oru,
    observation,
)
from ketamonitor.core.vitals import Vitals

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 23, 8, 30, 30, tzinfo=UTC)
AT = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
PATIENT = OruPatient("MRN-0042", "Müller", "Zoë")
MSH = ("MSH|^~\\&|MONITOR^0001^EUI-64|ICU|KETAMONITOR|CLINIC|20261123093000+0100||"
       "ORU^R01^ORU_R01|{control}|P|2.6|||AL|NE||{charset}")
OBR = "OBR|1|||182777000^monitoring of patient^SCT|||20261123093000+0100"


def hand_made(*segments: str, control: str = "C1", charset: str = "UNICODE UTF-8",
              codec: str = "utf-8", header: str = MSH) -> bytes:
    """A message written segment by segment, for what build_oru would not write."""
    first = header.format(control=control, charset=charset)
    return "\r".join((first, *segments)).encode(codec) + b"\r"


def obx(number: int, code: str, value: str, units: str, *, value_type: str = "NM",
        status: str = "R", time: str = "") -> str:
    return f"OBX|{number}|{value_type}|{code}||{value}|{units}|||||{status}|||{time}"


SYS = "150021^MDC_PRESS_BLD_NONINV_SYS^MDC"
DIA = "150022^MDC_PRESS_BLD_NONINV_DIA^MDC"
SPO2 = "150456^MDC_PULS_OXIM_SAT_O2^MDC"
ECG_HR = "147842^MDC_ECG_HEART_RATE^MDC"
PULSE = "149530^MDC_PULS_OXIM_PULS_RATE^MDC"
ETCO2 = "151708^MDC_AWAY_CO2_ET^MDC"
MMHG = "266016^MDC_DIM_MMHG^MDC"
PERCENT = "262688^MDC_DIM_PERCENT^MDC"
BPM = "264864^MDC_DIM_BEAT_PER_MIN^MDC"


def read(raw: bytes, **options: object) -> MonitorMessage | MessageRefusal:
    return parse_monitor_message(raw, PARIS, NOW, **options)  # type: ignore[arg-type]


def accepted(raw: bytes, **options: object) -> MonitorMessage:
    result = read(raw, **options)
    assert isinstance(result, MonitorMessage), result
    return result


def refused(raw: bytes, **options: object) -> MessageRefusal:
    result = read(raw, **options)
    assert isinstance(result, MessageRefusal), result
    return result


def reasons(message: MonitorMessage | MessageRefusal) -> list[str]:
    return [item.reason for item in message.ignored]


def full_set(flavour: Flavour = Flavour.MINDRAY) -> list[Observation]:
    return [observation(code, value, flavour=flavour) for code, value in (
        (150021, 128), (150022, 84), (150023, 99), (150456, 97), (147842, 72),
        (149530, 75), (151562, 14), (151708, 38))]


# -- readings -----------------------------------------------------------------------------


def test_a_mindray_like_message_is_read_whole():
    raw = build_oru(full_set(), control_id="MR-1", observed_at=AT, bed="ICU^2^Bed3^CLINIC",
                    patient=PATIENT, zone=PARIS)
    message = accepted(raw)
    header = message.header
    assert header.sending_application == "MINDRAY_EGATEWAY^00A0370000000001^EUI-64"
    assert header.sending_facility == "INFUSION"
    assert header.receiving_application == "KETAMONITOR"
    assert (header.message_type, header.message_code, header.trigger_event) == (
        "ORU^R01^ORU_R01", "ORU", "R01")
    assert (header.control_id, header.processing_id, header.version) == ("MR-1", "P", "2.6")
    assert header.message_time == AT
    assert (header.charset, header.codec) == ("UNICODE UTF-8", "utf-8")
    assert (header.accept_ack_type, header.application_ack_type) == ("AL", "NE")
    assert message.bed.text == "ICU^2^Bed3^CLINIC"
    assert (message.bed.point_of_care, message.bed.room, message.bed.bed,
            message.bed.facility) == ("ICU", "2", "Bed3", "CLINIC")
    assert (message.patient_id, message.patient_name) == ("MRN-0042", "Müller, Zoë")
    assert message.ignored == ()
    [reading_set] = message.reading_sets
    assert reading_set.observed_at == AT
    assert [r.code.code for r in reading_set.readings] == [
        150021, 150022, 150023, 150456, 147842, 149530, 151562, 151708]
    assert reading_set.readings[0].units == "266016^MDC_DIM_MMHG^MDC"
    assert reading_set.readings[0].status == "R"
    assert reading_set.readings[0].set_id == "1"
    assert reading_set.as_vitals() == Vitals(
        observed_at=AT, systolic=128, diastolic=84, heart_rate=72, spo2=97,
        respiratory_rate=14, etco2=38)


def test_a_ge_like_message_is_read_on_the_clinic_s_clock_with_obr_7_as_the_time():
    raw = build_oru(full_set(Flavour.GE), control_id="GE-1", observed_at=AT,
                    flavour=Flavour.GE, patient=PATIENT, zone=PARIS)
    assert b"+0100" not in raw
    message = accepted(raw)
    assert message.header.sending_application == "CARESCAPE_GW"
    [reading_set] = message.reading_sets
    assert reading_set.observed_at == AT
    assert reading_set.measurements()["systolic"] == 128


def test_the_map_is_kept_with_its_set_but_is_not_a_vitals_field():
    message = accepted(build_oru(full_set(), control_id="1", observed_at=AT))
    [reading_set] = message.reading_sets
    assert [r.value for r in reading_set.readings if r.field == "mean_arterial_pressure"] == [
        99]
    assert "mean_arterial_pressure" not in reading_set.measurements()


def test_the_ecg_heart_rate_is_used_over_the_pulse_rate_whatever_their_order():
    for order in ((PULSE, ECG_HR), (ECG_HR, PULSE)):
        raw = hand_made(OBR, obx(1, order[0], "75" if order[0] == PULSE else "72", BPM),
                        obx(2, order[1], "75" if order[1] == PULSE else "72", BPM))
        [reading_set] = accepted(raw).reading_sets
        assert reading_set.measurements() == {"heart_rate": 72}
        assert len(reading_set.readings) == 2


def test_the_pulse_rate_is_the_heart_rate_without_an_ecg():
    [reading_set] = accepted(hand_made(OBR, obx(1, PULSE, "75", BPM))).reading_sets
    assert reading_set.measurements() == {"heart_rate": 75}


def test_values_are_charted_as_the_nearest_whole_number():
    raw = hand_made(OBR, obx(1, SPO2, "96.5", PERCENT), obx(2, ECG_HR, "71.49", BPM),
                    obx(3, SYS, "+120.", MMHG), obx(4, DIA, "79.0", MMHG))
    [reading_set] = accepted(raw).reading_sets
    assert reading_set.measurements() == {"spo2": 97, "heart_rate": 71, "systolic": 120,
                                          "diastolic": 79}
    assert reading_set.readings[0].value == 96.5


def test_one_reading_set_per_observation_time_earliest_first():
    later = AT + timedelta(seconds=20)
    raw = build_oru([observation(150456, 95, observed_at=later), observation(150021, 120),
                     observation(150022, 80), observation(147842, 70, observed_at=later)],
                    control_id="1", observed_at=AT, zone=PARIS)
    sets = accepted(raw).reading_sets
    assert [s.observed_at for s in sets] == [AT, later]
    assert [s.measurements() for s in sets] == [{"systolic": 120, "diastolic": 80},
                                                 {"spo2": 95, "heart_rate": 70}]


def test_a_second_reading_of_a_code_at_the_same_time_is_kept_aside():
    raw = hand_made(OBR, obx(1, SPO2, "97", PERCENT), obx(2, SPO2, "88", PERCENT))
    message = accepted(raw)
    assert message.reading_sets[0].measurements() == {"spo2": 97}
    [item] = message.ignored
    assert item.set_id == "2"
    assert "a second reading at the same time" in item.reason


def test_the_time_falls_back_from_obx_14_to_obr_7_to_msh_7():
    in_obx = "20261123092900+0100"
    raw = hand_made("OBR|1|||x^y^SCT|||20261123092930+0100",
                    obx(1, SPO2, "97", PERCENT, time=in_obx), obx(2, ECG_HR, "70", BPM))
    sets = accepted(raw).reading_sets
    assert [s.observed_at for s in sets] == [AT - timedelta(minutes=1),
                                             AT - timedelta(seconds=30)]
    # no OBR-7: MSH-7 (09:30 Paris)
    [only] = accepted(hand_made("OBR|1", obx(1, SPO2, "97", PERCENT))).reading_sets
    assert only.observed_at == AT
    # each OBR gives the time of the OBX after it
    raw = hand_made("OBR|1|||x|||20261123092000+0100", obx(1, SPO2, "91", PERCENT),
                    "OBR|2|||x|||20261123092500+0100", obx(2, SPO2, "93", PERCENT))
    assert [s.observed_at.minute for s in accepted(raw).reading_sets] == [20, 25]


def test_an_extreme_reading_a_patient_can_have_is_kept_and_marked():
    raw = hand_made(OBR, obx(1, SPO2, "45", PERCENT), obx(2, ECG_HR, "72", BPM))
    [reading_set] = accepted(raw).reading_sets
    assert [(r.value, r.extreme) for r in reading_set.readings] == [(45, True), (72, False)]


def test_a_code_given_by_name_alone_or_number_alone():
    raw = hand_made(OBR, obx(1, "MDC_PULS_OXIM_SAT_O2", "97", "%"),
                    obx(2, "147842", "70", "/min"), obx(3, "^MDC_RESP_RATE", "12", "/min"))
    [reading_set] = accepted(raw).reading_sets
    assert reading_set.measurements() == {"spo2": 97, "heart_rate": 70, "respiratory_rate": 12}


def test_a_loinc_code_with_the_mdc_code_as_its_alternate():
    code = "8889-8^Heart Rate by Oximetry^LN^149530^MDC_PULS_OXIM_PULS_RATE^MDC"
    raw = hand_made(OBR, obx(1, code, "55", "{beats}/min^beats per minute^UCUM"))
    [reading_set] = accepted(raw).reading_sets
    assert reading_set.measurements() == {"heart_rate": 55}


def test_segments_ended_by_line_feeds_and_leading_blank_lines_are_read():
    raw = hand_made(OBR, obx(1, SPO2, "97", PERCENT))
    for variant in (raw.replace(b"\r", b"\n"), raw.replace(b"\r", b"\r\n"),
                    b"\r\n\n" + raw + b"\n\n", b"\xef\xbb\xbf" + raw):
        assert accepted(variant).reading_sets[0].measurements() == {"spo2": 97}


# -- character sets -----------------------------------------------------------------------


@pytest.mark.parametrize(("charset", "codec"), [
    ("UNICODE UTF-8", "utf-8"), ("8859/1", "latin-1")])
def test_non_ascii_names_in_the_charset_msh_18_names(charset: str, codec: str):
    raw = build_oru(full_set(), control_id="1", observed_at=AT, patient=PATIENT,
                    charset=charset, bed="Salle Bleue^^Fauteuil Zoë")
    message = accepted(raw)
    assert message.header.codec == codec
    assert message.patient_name == "Müller, Zoë"
    assert message.bed.bed == "Fauteuil Zoë"


@pytest.mark.parametrize(("charset", "sent_in", "read_with"), [
    ("UNICODE UTF-8", "latin-1", "latin-1"),
    ("", "latin-1", "latin-1"),
    ("ASCII", "utf-8", "utf-8"),
    ("", "utf-8", "utf-8"),
    ("ISO IR87", "utf-8", "utf-8"),
])
def test_a_sender_that_says_one_charset_and_sends_another_is_read_by_the_fallback(
        charset: str, sent_in: str, read_with: str):
    raw = build_oru(full_set(), control_id="1", observed_at=AT, patient=PATIENT,
                    charset=charset, encoding=sent_in)
    message = accepted(raw)
    assert (message.header.charset, message.header.codec) == (charset, read_with)
    assert message.patient_name == "Müller, Zoë"
    assert message.reading_sets[0].measurements()["spo2"] == 97


def test_escapes_and_control_characters_in_texts():
    raw = hand_made("PID|||7||O\\S\\Brien\x07^Ann\\XC3AB\\", "PV1||I|Bay\\T\\1^^Bed\\F\\2",
                    OBR, obx(1, SPO2, "97", PERCENT))
    message = accepted(raw)
    assert message.patient_name == "O^Brien, Annë"
    assert message.bed.point_of_care == "Bay&1"
    assert message.bed.bed == "Bed|2"
    assert message.bed.text == "Bay\\T\\1^^Bed\\F\\2"


def test_a_message_with_its_own_encoding_characters_is_read_with_them():
    header = ("MSH#@*!$#MONITOR#ICU#KETAMONITOR##20261123093000+0100##ORU@R01#C9#P#2.6"
              "###AL#NE##UNICODE UTF-8")
    raw = "\r".join((header, "PV1##I#ICU@@Bed!F!3",
                     "OBX#1#NM#150456@MDC_PULS_OXIM_SAT_O2#1#97#%######R")).encode()
    message = accepted(raw)
    assert message.header.message_type == "ORU^R01"
    assert message.header.control_id == "C9"
    assert message.bed.bed == "Bed#3"
    assert message.bed.text == "ICU^^Bed#3"
    assert message.reading_sets[0].measurements() == {"spo2": 97}


# -- what is kept aside -------------------------------------------------------------------


@pytest.mark.parametrize(("segment", "words"), [
    (obx(2, "150344^MDC_TEMP^MDC", "36.6", "268192^MDC_DIM_DEGC^MDC"),
     "150344 MDC_TEMP: not a code ketamonitor charts"),
    (obx(2, "", "36.6", "Cel"), "no code: not a code ketamonitor charts"),
    (obx(2, "150021^MDC_PRESS_BLD_NONINV_DIA^MDC", "80", MMHG),
     "the code and its name do not agree"),
    (obx(2, "150017^MDC_PRESS_BLD_NONINV_SYS^MDC", "80", MMHG),
     "the code and its name do not agree"),
    (obx(2, SYS, "abc", MMHG), "value 'abc' is not a number"),
    (obx(2, SYS, "1e3", MMHG), "is not a number"),
    (obx(2, SYS, "NaN", MMHG), "is not a number"),
    (obx(2, SYS, "120", MMHG, value_type="ST"), "value type ST (OBX-2), not a number"),
    (obx(2, SYS, "400", MMHG), "SBP 400 mmHg is beyond what a patient can have (20–300"),
    (obx(2, SPO2, "101", PERCENT), "SpO2 101 % is beyond what a patient can have"),
    (obx(2, ECG_HR, "-5", BPM), "HR -5 /min is beyond what a patient can have"),
    (obx(2, ETCO2, "5.1", "kPa^kPa^UCUM"), "units 'kPa', not mmHg (MDC_DIM_MMHG)"),
    (obx(2, ETCO2, "5", "262688^MDC_DIM_PERCENT^MDC"), "units '262688', not mmHg"),
    (obx(2, ETCO2, "38", ""), "no units (OBX-6)"),
    (obx(2, SYS, "120", MMHG, status="X"), "result status X (OBX-11), no result"),
    (obx(2, SYS, "120", MMHG, status="W"), "result status W (OBX-11), wrong"),
    (obx(2, SYS, "120", MMHG, time="2026-11-23 09:30"), "OBX-14 time '2026-11-23 09:30'"),
    (obx(2, SYS, "120", MMHG, time="20261123"), "not precise to the minute"),
    (obx(2, "69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC", "", "", value_type=""),
     "no value (a device or channel, not a reading)"),
    (obx(2, SYS, "120", MMHG).replace("||||R|", "|DEMO|||R|"), "demo mode (OBX-8 DEMO)"),
    (obx(2, SYS, "120", MMHG).replace("||||R|", "|H~DEMO|||R|"), "demo mode (OBX-8 DEMO)"),
])
def test_an_observation_that_cannot_be_charted_is_kept_aside_with_the_reason(
        segment: str, words: str):
    message = accepted(hand_made(OBR, obx(1, SPO2, "97", PERCENT), segment))
    assert message.reading_sets[0].measurements() == {"spo2": 97}
    [item] = message.ignored
    assert item.set_id == "2"
    assert words in item.reason


def test_an_ignored_item_shows_what_was_sent():
    message = accepted(hand_made(OBR, obx(1, SPO2, "97", PERCENT),
                                 obx(2, "150344^MDC_TEMP^MDC", "36.6", "Cel")))
    assert message.ignored[0] == IgnoredItem(
        set_id="2", code="150344^MDC_TEMP^MDC", value="36.6",
        reason="150344 MDC_TEMP: not a code ketamonitor charts")


def test_a_reading_without_any_time_is_kept_aside():
    header = MSH.replace("20261123093000+0100", "")
    message = accepted(hand_made("OBR|1", obx(1, SPO2, "97", PERCENT, time=format_ts(AT)),
                                 obx(2, ECG_HR, "70", BPM), header=header))
    assert message.header.message_time is None
    assert message.reading_sets[0].measurements() == {"spo2": 97}
    assert "no time (OBX-14, OBR-7 and MSH-7" in message.ignored[0].reason


def test_only_so_many_obx_are_read():
    limits = replace(DEFAULT_LIMITS, max_obx=3)
    raw = hand_made(OBR, *(obx(n, SPO2, str(90 + n), PERCENT, time=format_ts(
        AT + timedelta(seconds=n))) for n in range(1, 7)))
    message = accepted(raw, limits=limits)
    assert [s.measurements()["spo2"] for s in message.reading_sets] == [91, 92, 93]
    assert reasons(message) == ["3 more OBX segments beyond the first 3 not read"]


def test_texts_kept_are_capped():
    raw = hand_made("PID|||" + "9" * 1000 + "||" + "A" * 5000, OBR,
                    obx(1, SPO2, "97", PERCENT), obx(2, "1^" + "X" * 5000, "1" * 5000, "x"))
    message = accepted(raw)
    assert len(message.patient_id) == DEFAULT_LIMITS.max_text
    assert len(message.patient_name) <= DEFAULT_LIMITS.max_text
    [item] = message.ignored
    assert len(item.code) <= DEFAULT_LIMITS.max_text
    assert len(item.value) <= DEFAULT_LIMITS.max_text
    assert len(item.reason) < 2 * DEFAULT_LIMITS.max_text + 100


# -- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"", b"hello", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", bytes(range(256)),
    b"\x00\x00\x00\x00MSH|^~\\&|", b"PID|||1\rMSH|^~\\&|A|B|||x||ORU^R01|1|P|2.6",
    b"BHS|^~\\&|A\rMSH|^~\\&|A", "Müller".encode(),
])
def test_what_is_not_hl7_is_rejected_with_no_header_to_echo(raw: bytes):
    refusal = refused(raw)
    assert (refusal.ack_code, refusal.error_code) == (AckCode.REJECT,
                                                      ErrorCode.SEGMENT_SEQUENCE)
    assert refusal.header is None
    assert "not an HL7 v2 message: it does not begin with an MSH segment" in refusal.reason


@pytest.mark.parametrize("header", [
    "MSH", "MSH|", "MSH|^~\\", "MSH|^^\\&|A", "MSH|^~\\a|A", "MSH|^~\\ |A",
    "MSHA^~\\&A", "MSH\r^~\\&|", "MSH|^~\\&\x00|A", "MSH|^~|&\\|A",
])
def test_an_msh_without_its_encoding_characters_is_rejected(header: str):
    refusal = refused(header.encode() + b"\rOBX|1|NM|150456||97|%")
    assert (refusal.ack_code, refusal.error_code) == (AckCode.REJECT, ErrorCode.DATA_TYPE)
    assert "encoding characters" in refusal.reason


def test_no_control_id_is_rejected():
    refusal = refused(hand_made(OBR, obx(1, SPO2, "97", PERCENT), control=""))
    assert (refusal.ack_code, refusal.error_code) == (AckCode.REJECT,
                                                      ErrorCode.REQUIRED_FIELD_MISSING)
    assert refusal.header is not None and refusal.header.control_id == ""
    assert "no message control id (MSH-10)" in refusal.reason


@pytest.mark.parametrize(("message_type", "error", "words"), [
    ("ADT^A01^ADT_A01", ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "message type ADT^A01^ADT_A01 is"),
    ("", ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "message type none is not taken"),
    ("ORU^R30^ORU_R30", ErrorCode.UNSUPPORTED_EVENT, "message type ORU^R30^ORU_R30 is not"),
    ("ORU", ErrorCode.UNSUPPORTED_EVENT, "message type ORU is not taken"),
    ("ACK^R01^ACK", ErrorCode.UNSUPPORTED_MESSAGE_TYPE, "message type ACK^R01^ACK"),
])
def test_a_message_that_is_not_an_oru_r01_is_answered_with_a_reject(
        message_type: str, error: ErrorCode, words: str):
    header = MSH.replace("ORU^R01^ORU_R01", message_type)
    refusal = refused(hand_made("PID|||1||Doe^Jane", header=header))
    assert (refusal.ack_code, refusal.error_code) == (AckCode.REJECT, error)
    assert words in refusal.reason
    assert refusal.header is not None and refusal.header.control_id == "C1"


@pytest.mark.parametrize(("replaced", "by", "error"), [
    ("|P|2.6|", "|T|2.6|", ErrorCode.UNSUPPORTED_PROCESSING_ID),
    ("|P|2.6|", "||2.6|", ErrorCode.UNSUPPORTED_PROCESSING_ID),
    ("|P|2.6|", "|P|3.0|", ErrorCode.UNSUPPORTED_VERSION),
    ("|P|2.6|", "|P||", ErrorCode.UNSUPPORTED_VERSION),
])
def test_a_processing_id_or_version_not_taken_is_rejected(replaced: str, by: str,
                                                          error: ErrorCode):
    refusal = refused(hand_made(OBR, obx(1, SPO2, "97", PERCENT),
                                header=MSH.replace(replaced, by)))
    assert (refusal.ack_code, refusal.error_code) == (AckCode.REJECT, error)


def test_older_v2_versions_are_taken():
    for version in ("2.3", "2.3.1", "2.4", "2.5.1", "2.8.2"):
        raw = hand_made(OBR, obx(1, SPO2, "97", PERCENT),
                        header=MSH.replace("|P|2.6|", f"|P|{version}|"))
        assert accepted(raw).header.version == version


def test_no_obx_is_an_application_error():
    refusal = refused(hand_made("PID|||1", "PV1||I|ICU^^1", OBR))
    assert (refusal.ack_code, refusal.error_code) == (AckCode.ERROR,
                                                      ErrorCode.SEGMENT_SEQUENCE)
    assert "no OBX segment" in refusal.reason
    assert refusal.header is not None


def test_no_usable_reading_is_an_application_error_listing_why():
    refusal = refused(hand_made(OBR, obx(1, "150344^MDC_TEMP^MDC", "36.6", "Cel"),
                                obx(2, SPO2, "abc", PERCENT), obx(3, SYS, "999", MMHG),
                                obx(4, DIA, "80", "kPa"), obx(5, ECG_HR, "70", "")))
    assert (refusal.ack_code, refusal.error_code) == (AckCode.ERROR,
                                                      ErrorCode.APPLICATION_ERROR)
    assert refusal.reason.startswith("no usable reading: 150344 MDC_TEMP: not a code")
    assert refusal.reason.endswith("(and 2 more)")
    assert len(refusal.ignored) == 5


def test_a_reading_in_the_future_beyond_the_skew_is_an_application_error():
    skew = DEFAULT_LIMITS.future_skew
    just_within = build_oru([observation(150456, 97)], control_id="1",
                            observed_at=NOW + skew, zone=PARIS)
    assert accepted(just_within).reading_sets[0].observed_at == NOW + skew
    ahead = build_oru([observation(150456, 97)], control_id="1",
                      observed_at=NOW + skew + timedelta(minutes=1), zone=PARIS)
    refusal = refused(ahead)
    assert (refusal.ack_code, refusal.error_code) == (AckCode.ERROR,
                                                      ErrorCode.APPLICATION_ERROR)
    assert "a reading dated Mon 23 Nov 2026 09:33, 3 minutes after the workstation's clock" in (
        refusal.reason)


def test_one_reading_in_the_future_refuses_the_message():
    raw = build_oru([observation(150021, 120),
                     observation(150456, 97, observed_at=NOW + timedelta(days=1))],
                    control_id="1", observed_at=AT, zone=PARIS)
    assert "a reading dated Tue 24 Nov 2026 09:30, 24 hours after" in refused(raw).reason


def test_a_reading_far_in_the_past_is_an_application_error():
    oldest = NOW - DEFAULT_LIMITS.max_age
    assert accepted(build_oru([observation(150456, 97)], control_id="1",
                              observed_at=oldest, zone=PARIS)).reading_sets
    raw = build_oru([observation(150456, 97)], control_id="1",
                    observed_at=NOW - timedelta(days=400), zone=PARIS)
    refusal = refused(raw)
    assert refusal.ack_code is AckCode.ERROR
    assert "400 days before the workstation's clock" in refusal.reason


def test_a_message_larger_than_the_bound_is_rejected_with_its_header():
    raw = hand_made(OBR, obx(1, SPO2, "97", PERCENT), "NTE|1||" + "x" * 70_000)
    refusal = refused(raw)
    assert (refusal.ack_code, refusal.error_code) == (AckCode.REJECT,
                                                      ErrorCode.APPLICATION_ERROR)
    assert f"more than the {DEFAULT_LIMITS.max_bytes:,} a monitor's message may be" in (
        refusal.reason)
    assert refusal.header is not None and refusal.header.control_id == "C1"


def test_a_message_of_too_many_separators_is_rejected_before_it_is_split():
    raw = hand_made(OBR, obx(1, SPO2, "97", PERCENT), "NTE|" + "^" * 10_000)
    refusal = refused(raw)
    assert refusal.ack_code is AckCode.REJECT
    assert "fields and components" in refusal.reason


def test_the_separators_counted_are_the_message_s_own():
    header = "MSH#@*!$#MONITOR#ICU###20261123093000+0100##ORU@R01#C9#P#2.6"
    refusal = refused("\r".join((header, "NTE#" + "@" * 10_000)).encode())
    assert "fields and components" in refusal.reason


def test_two_messages_in_one_frame_are_rejected():
    one = hand_made(OBR, obx(1, SPO2, "97", PERCENT))
    refusal = refused(one + one)
    assert refusal.ack_code is AckCode.REJECT
    assert "more than one message" in refusal.reason


def test_identifiers_are_never_shortened_but_refused_when_too_long():
    long_id = refused(hand_made(OBR, obx(1, SPO2, "97", PERCENT), control="C" * 500))
    assert (long_id.ack_code, long_id.error_code) == (AckCode.REJECT, ErrorCode.DATA_TYPE)
    assert "control id (MSH-10)" in long_id.reason
    long_sender = refused(hand_made(OBR, obx(1, SPO2, "97", PERCENT),
                                    header=MSH.replace("MONITOR^0001", "M" * 300)))
    assert "MSH-3 is longer than" in long_sender.reason


# -- hostile bytes ------------------------------------------------------------------------


def test_a_hostile_message_at_the_bounds_costs_little_memory():
    """The most a message under the bounds can make python-hl7 build: as many separators
    as are read, in as many bytes as are read."""
    fill = "OBX|" + "|^" * 2000
    raw = hand_made(OBR, *(fill for _ in range(2)), obx(1, SPO2, "97", PERCENT))
    assert len(raw) < DEFAULT_LIMITS.max_bytes
    tracemalloc.start()
    try:
        result = read(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(result, MonitorMessage)
    assert peak < 16 * 1024 * 1024


def test_random_damage_to_a_message_never_raises():
    valid = build_oru(full_set(), control_id="F-1", observed_at=AT, patient=PATIENT,
                      zone=PARIS)
    specials = b"|^~\\&\r\n\x0b\x1c\x00\xff\xc3MSHOBX0123456789.+-"
    generator = random.Random(2121)
    for _ in range(3000):
        damaged = bytearray(valid)
        for _ in range(generator.randint(1, 8)):
            if not damaged:
                break
            at = generator.randrange(len(damaged))
            action = generator.randrange(4)
            if action == 0:
                damaged[at] = generator.choice(specials)
            elif action == 1:
                del damaged[at:at + generator.randint(1, 40)]
            elif action == 2:
                damaged[at:at] = bytes(generator.choice(specials)
                                       for _ in range(generator.randint(1, 10)))
            else:
                damaged = damaged[:at]
        result = read(bytes(damaged))
        assert isinstance(result, MonitorMessage | MessageRefusal)
        agrees_with_the_header(bytes(damaged), result)


def test_random_bytes_after_an_msh_never_raise():
    generator = random.Random(7)
    for _ in range(500):
        tail = bytes(generator.randrange(256) for _ in range(generator.randint(0, 300)))
        assert isinstance(read(b"MSH" + tail), MonitorMessage | MessageRefusal)
        assert isinstance(read(b"MSH|^~\\&|" + tail), MonitorMessage | MessageRefusal)


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="naive"):
        parse_monitor_message(b"MSH", PARIS, datetime(2026, 11, 23))
    with pytest.raises(ValueError, match="naive"):
        read_header(b"MSH", PARIS, datetime(2026, 11, 23))


# -- the header alone (what the listener reads before it answers) ---------------------------


def agrees_with_the_header(raw: bytes, result: MonitorMessage | MessageRefusal) -> None:
    """read_header refuses what parse_monitor_message refuses for its header (the same
    refusal), and gives the header parse_monitor_message reads (its codec but the MSH's)."""
    header = read_header(raw, PARIS, NOW)
    if isinstance(header, MessageRefusal):
        assert header == result
        assert header.ack_code is AckCode.REJECT
        return
    assert result.header is not None
    assert replace(header, codec=result.header.codec) == result.header


@pytest.mark.parametrize("raw", [
    b"", b"GET / HTTP/1.1\r\n", b"MSH|^^\\&|A",
    hand_made(OBR, obx(1, SPO2, "97", PERCENT), control=""),
    hand_made(OBR, obx(1, SPO2, "97", PERCENT), control="C" * 500),
    hand_made("PID|||1", header=MSH.replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01")),
    hand_made("PID|||1", header=MSH.replace("ORU^R01^ORU_R01", "ORU^R30^ORU_R30")),
    hand_made(OBR, obx(1, SPO2, "97", PERCENT), header=MSH.replace("|P|2.6|", "|T|2.6|")),
    hand_made(OBR, obx(1, SPO2, "97", PERCENT), header=MSH.replace("|P|2.6|", "|P|3.0|")),
    hand_made(OBR, obx(1, SPO2, "97", PERCENT), "NTE|1||" + "x" * 70_000),
    hand_made(OBR, obx(1, SPO2, "97", PERCENT), "NTE|" + "^" * 10_000),
    hand_made(OBR, obx(1, SPO2, "97", PERCENT)) * 2,
    hand_made(OBR, obx(1, SPO2, "97", PERCENT)).replace(b"\r", b"\n") * 2,
])
def test_a_message_refused_as_a_whole_is_refused_by_its_header_alone(raw: bytes):
    refusal = read_header(raw, PARIS, NOW)
    assert isinstance(refusal, MessageRefusal)
    assert refusal.ack_code is AckCode.REJECT
    assert refusal == refused(raw)


@pytest.mark.parametrize("raw", [
    hand_made("PID|||1", "PV1||I|ICU^^1", OBR),  # no OBX
    hand_made(OBR, obx(1, SPO2, "abc", PERCENT)),  # no usable reading
    build_oru([observation(150456, 97)], control_id="1", zone=PARIS,
              observed_at=NOW + timedelta(hours=1)),  # in the future
    build_oru([observation(150456, 97)], control_id="1", zone=PARIS,
              observed_at=NOW - timedelta(days=400)),  # long ago
    build_oru([observation(150456, 250)], control_id="1", zone=PARIS, observed_at=AT),
])
def test_what_the_content_holds_is_not_the_header_s_to_refuse(raw: bytes):
    """The frame is stored and answered AA: its content is read after the ACK."""
    header = read_header(raw, PARIS, NOW)
    assert isinstance(header, MessageHeader)
    assert refused(raw).ack_code is AckCode.ERROR
    assert refused(raw).header == header


@pytest.mark.parametrize("flavour", list(Flavour))
def test_the_header_read_alone_is_the_one_the_message_is_read_with(flavour: Flavour):
    raw = build_oru(full_set(flavour), control_id="H-1", observed_at=AT, patient=PATIENT,
                    zone=PARIS, flavour=flavour, charset="8859/1")
    header = read_header(raw, PARIS, NOW)
    assert isinstance(header, MessageHeader)
    assert header == accepted(raw).header
    assert (header.control_id, header.charset, header.message_code) == ("H-1", "8859/1", "ORU")


def test_the_header_is_read_without_python_hl7(monkeypatch: pytest.MonkeyPatch):
    """No tree is built before the ACK: python-hl7's parse is the reading's cost."""
    def no_tree(*_args: object, **_options: object) -> None:
        raise AssertionError("python-hl7 was asked to parse")

    monkeypatch.setattr("hl7.parse", no_tree)
    raw = build_oru(full_set(), control_id="H-2", observed_at=AT, zone=PARIS)
    assert isinstance(read_header(raw, PARIS, NOW), MessageHeader)
