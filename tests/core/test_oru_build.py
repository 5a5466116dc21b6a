"""The ORU^R01 we build for tests and the simulator: a valid HL7 v2.6 message (hl7apy,
strict), shaped like IHE PCD-01 as each flavour of gateway sends it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.oru_build import (
    PCD_01_PROFILE,
    Flavour,
    Observation,
    OruPatient,
    build_oru,
    observation,
)
from tests.core.hl7_checks import strictly_valid, tolerantly_read

AT = datetime(2026, 11, 23, 8, 30, 15, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
PATIENT = OruPatient("MRN-0042", "Müller", "Zoë")
VITALS = [(150021, 128), (150022, 84), (150023, 99), ("MDC_PULS_OXIM_SAT_O2", 97),
          (147842, 72), (149530, 73), (151562, 14), (151708, 38)]


def vitals(flavour: Flavour) -> list[Observation]:
    return [observation(code, value, flavour=flavour) for code, value in VITALS]


def test_a_mindray_like_message_is_valid_pcd_01():
    raw = build_oru(vitals(Flavour.MINDRAY), control_id="MR-0001", observed_at=AT,
                    bed="ICU^^Bed3", patient=PATIENT, zone=PARIS)
    message = strictly_valid(raw)
    assert message.msh.msh_9.to_er7() == "ORU^R01^ORU_R01"
    assert message.msh.msh_3.to_er7() == "MINDRAY_EGATEWAY^00A0370000000001^EUI-64"
    assert message.msh.msh_10.to_er7() == "MR-0001"
    assert message.msh.msh_11.to_er7() == "P"
    assert message.msh.msh_12.to_er7() == "2.6"
    assert message.msh.msh_18.to_er7() == "UNICODE UTF-8"
    assert message.msh.msh_21.to_er7() == PCD_01_PROFILE
    result = message.oru_r01_patient_result
    assert result.oru_r01_patient.pid.pid_5.to_er7() == "Müller^Zoë"
    assert result.oru_r01_patient.oru_r01_visit.pv1.pv1_3.to_er7() == "ICU^^Bed3"
    order = result.oru_r01_order_observation
    assert order.obr.obr_7.to_er7() == "20261123093015+0100"
    obx = [group.obx for group in order.oru_r01_observation]
    assert [o.obx_3.to_er7() for o in obx][:2] == [
        "150021^MDC_PRESS_BLD_NONINV_SYS^MDC", "150022^MDC_PRESS_BLD_NONINV_DIA^MDC"]
    assert [o.obx_5.to_er7() for o in obx] == [str(value) for _, value in VITALS]
    assert obx[0].obx_6.to_er7() == "266016^MDC_DIM_MMHG^MDC"
    assert obx[3].obx_6.to_er7() == "262688^MDC_DIM_PERCENT^MDC"
    assert all(o.obx_2.to_er7() == "NM" and o.obx_11.to_er7() == "R" for o in obx)
    assert all(o.obx_14.to_er7() == "20261123093015+0100" for o in obx)


def test_a_ge_like_message_is_valid_with_ucum_units_and_local_times_in_obr_7_only():
    raw = build_oru(vitals(Flavour.GE), control_id="GE-17", observed_at=AT,
                    flavour=Flavour.GE, patient=PATIENT, zone=PARIS)
    message = strictly_valid(raw)
    assert message.msh.msh_3.to_er7() == "CARESCAPE_GW"
    assert message.msh.msh_7.to_er7() == "20261123093015"
    order = message.oru_r01_patient_result.oru_r01_order_observation
    assert order.obr.obr_7.to_er7() == "20261123093015"
    obx = [group.obx for group in order.oru_r01_observation]
    assert obx[0].obx_6.to_er7() == "mm[Hg]^mm[Hg]^UCUM"
    assert obx[3].obx_6.to_er7() == "%^%^UCUM"
    assert all(not o.obx_14.to_er7() for o in obx)


def test_an_observation_s_own_time_is_written_in_obx_14():
    later = AT + timedelta(seconds=40)
    raw = build_oru([observation(150456, 95, observed_at=later, flavour=Flavour.GE)],
                    control_id="1", observed_at=AT, flavour=Flavour.GE, patient=PATIENT,
                    zone=PARIS)
    obx = strictly_valid(raw).oru_r01_patient_result.oru_r01_order_observation \
        .oru_r01_observation.obx
    assert obx.obx_14.to_er7() == "20261123093055"


def test_a_latin_1_message_says_so_in_msh_18_and_is_sent_in_latin_1():
    raw = build_oru(vitals(Flavour.MINDRAY), control_id="1", observed_at=AT,
                    patient=PATIENT, charset="8859/1")
    assert "Müller".encode("latin-1") in raw
    assert "Müller".encode() not in raw
    message = strictly_valid(raw, codec="latin-1")
    assert message.msh.msh_18.to_er7() == "8859/1"
    assert message.oru_r01_patient_result.oru_r01_patient.pid.pid_5.to_er7() == "Müller^Zoë"


def test_a_sender_that_says_one_charset_and_sends_another():
    raw = build_oru([], control_id="1", observed_at=AT, patient=PATIENT,
                    charset="UNICODE UTF-8", encoding="latin-1")
    assert b"UNICODE UTF-8" in raw
    assert "Müller".encode("latin-1") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_a_charset_without_a_known_codec_needs_one_said():
    with pytest.raises(ValueError, match="pass `encoding`"):
        build_oru([], control_id="1", observed_at=AT, charset="ISO IR87")


def test_without_a_patient_the_pid_is_empty_as_monitors_send_it():
    raw = build_oru(vitals(Flavour.MINDRAY), control_id="1", observed_at=AT)
    assert b"\rPID\r" in raw
    message = tolerantly_read(raw)
    assert message.oru_r01_patient_result.oru_r01_patient.oru_r01_visit.pv1.pv1_3.to_er7() == (
        "INFUSION^^Chair1")


def test_values_and_names_are_escaped_so_they_cannot_add_fields():
    raw = build_oru([Observation(code="150021^MDC_PRESS_BLD_NONINV_SYS^MDC", value="1|2^3",
                                 units="mm[Hg]")],
                    control_id="a|b", observed_at=AT,
                    patient=OruPatient("1", "O^Brien|x", "Ann"))
    text = raw.decode()
    assert "|1\\F\\2\\S\\3|" in text
    assert "|a\\F\\b|" in text
    assert "O\\S\\Brien\\F\\x^Ann" in text
    assert strictly_valid(raw)


def test_each_message_ends_its_segments_with_a_carriage_return_and_no_line_feed():
    raw = build_oru(vitals(Flavour.MINDRAY), control_id="1", observed_at=AT)
    assert raw.endswith(b"\r")
    assert b"\n" not in raw
    assert raw.count(b"\rOBX|") == len(VITALS)


def test_an_observation_is_built_from_the_codes_table():
    built = observation("MDC_ECG_HEART_RATE", 72.0)
    assert built == Observation(code="147842^MDC_ECG_HEART_RATE^MDC", value="72",
                                units="264864^MDC_DIM_BEAT_PER_MIN^MDC")
    assert observation(147842, "abc", flavour=Flavour.GE).value == "abc"
    assert observation(147842, 72.5, flavour=Flavour.GE).units == "/min^/min^UCUM"
    with pytest.raises(KeyError):
        observation(150344, 36.6)
