"""A monitor's frame as the journal takes it, and a monitor's bed as the map keys it: every
fact about a frame checked, each refusal naming its field (core.monitor_feed)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.keys import UNSIGNED_ALLOWED
from ketamonitor.core.monitor_feed import (
    BED_MAPPED,
    FRAME_JOURNALED,
    RAW_MAX_BYTES,
    FrameOutcome,
    JournaledFrame,
    bed_key,
    check_chair,
    check_frame,
)

ORU = (b"MSH|^~\\&|CARESCAPE|ICU|KETAMONITOR|CLINIC|20261123073000||ORU^R01|MSG0001|P|2.6\r"
       b"OBX|1|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1|128|mm[Hg]\r")
FRAME = JournaledFrame(peer="10.1.2.3:4100", raw=ORU, outcome=FrameOutcome.ACCEPTED,
                       sending_application="CARESCAPE", sending_facility="ICU",
                       control_id="MSG0001", message_type="ORU^R01")


def refused(frame: JournaledFrame) -> dict[str, str]:
    with pytest.raises(ValidationError) as refusal:
        check_frame(frame)
    return refusal.value.reasons


def test_a_sound_frame_is_kept_as_given():
    assert check_frame(FRAME) == FRAME
    assert FRAME.received_size == len(ORU)


def test_the_outcome_may_be_given_as_its_code_and_is_kept_as_the_enum():
    checked = check_frame(replace(FRAME, outcome="AE", reason="unknown bed"))  # type: ignore[arg-type]
    assert checked.outcome is FrameOutcome.ERROR and checked.reason == "unknown bed"


@pytest.mark.parametrize("control_id", ["", "   "])
def test_an_empty_control_id_is_none_and_never_a_resend(control_id):
    assert check_frame(replace(FRAME, control_id=control_id)).control_id is None


def test_a_frame_that_could_not_be_parsed_is_journaled_by_its_bytes_and_sender_alone():
    garbage = JournaledFrame(peer="[::1]:50123", raw=b"\x00\xff\xfe not HL7",
                             outcome=FrameOutcome.REJECTED, reason="not an HL7 message")
    checked = check_frame(garbage)
    assert (checked.sending_application, checked.control_id, checked.message_type) == (
        "", None, "")


def test_a_reason_of_spaces_says_nothing():
    assert check_frame(replace(FRAME, reason="  ")).reason is None
    assert check_frame(replace(FRAME, reason=" 2 unknown OBX codes ")).reason == (
        "2 unknown OBX codes")


@pytest.mark.parametrize("peer", ["10.1.2.3:4100", "[::1]:2575", "[fe80::1%eth0]:4100",
                                  "127.0.0.1:65535"])
def test_a_peer_is_an_address_and_a_port(peer):
    assert check_frame(replace(FRAME, peer=peer)).peer == peer


@pytest.mark.parametrize("peer", ["", "10.1.2.3", "10.1.2.3:", "10.1.2.3:0", "10.1.2.3:70000",
                                  "monitor.local:4100", "::1:2575", "[10.1.2.3]x:1",
                                  "10.1.2.3:41\n00", "10.1.2.3:4١٠٠", "1" * 101])
def test_a_peer_that_is_no_address_and_port_is_refused(peer):
    assert list(refused(replace(FRAME, peer=peer))) == ["peer"]


def test_the_bytes_must_be_bytes_and_bounded():
    assert "must be bytes" in refused(replace(FRAME, raw="MSH|..."))["raw"]  # type: ignore[arg-type]
    assert "first bytes" in refused(replace(FRAME, raw=b"x" * (RAW_MAX_BYTES + 1)))["raw"]
    assert check_frame(replace(FRAME, raw=b"x" * RAW_MAX_BYTES, outcome=FrameOutcome.REJECTED,
                               reason="frame over 1024 KB"))


def test_an_oversized_frame_is_kept_by_its_first_bytes_with_its_whole_size():
    kept = replace(FRAME, raw=ORU[:10], size=10 * 1024 * 1024, outcome=FrameOutcome.REJECTED,
                   reason="frame over 1024 KB")
    assert check_frame(kept).received_size == 10 * 1024 * 1024
    # ... and never answered AA: the sender would forget what the journal does not hold
    assert "cannot be answered AA" in refused(replace(kept, outcome=FrameOutcome.ACCEPTED))[
        "size"]


@pytest.mark.parametrize(("size", "words"), [(3, "less than"), (-1, "less than"),
                                             (2**60, "far too large"),
                                             (1.5, "whole number"), (True, "whole number")])
def test_a_size_below_the_bytes_kept_or_not_a_count_is_refused(size, words):
    assert words in refused(replace(FRAME, size=size))["size"]


@pytest.mark.parametrize("outcome", ["OK", "aa", "", None, 1])
def test_the_outcome_is_one_of_the_three_ack_codes(outcome):
    assert refused(replace(FRAME, outcome=outcome))["outcome"] == "must be one of AA, AE, AR"


@pytest.mark.parametrize("outcome", [FrameOutcome.ERROR, FrameOutcome.REJECTED])
def test_an_error_or_a_rejection_says_why(outcome):
    assert refused(replace(FRAME, outcome=outcome)) == {
        "reason": f"say why the frame is answered {outcome.value}"}


@pytest.mark.parametrize(("field", "value", "words"), [
    ("sending_application", "GE\x1b[31m", "control characters (U+001B)"),
    ("sending_facility", "I" * 228, "at most 227 characters"),
    ("control_id", "C" * 200, "at most 199 characters"),
    ("control_id", "MSG\t1", "control characters (U+0009)"),
    ("message_type", "ORU^R01" * 10, "at most 40 characters"),
    ("reason", "r" * 501, "at most 500 characters"),
    ("reason", "bad\x00byte", "control characters (U+0000)"),
    ("sending_application", "GE\udcff", "not text"),
    ("message_type", 7, "must be text"),
])
def test_each_identifier_is_bounded_printable_text(field, value, words):
    reasons = refused(replace(FRAME, **{field: value}))
    assert list(reasons) == [field] and words in reasons[field]


def test_every_field_at_fault_is_named_at_once():
    reasons = refused(JournaledFrame(peer="nowhere", raw="text",  # type: ignore[arg-type]
                                     outcome="XX", sending_facility="\x07"))  # type: ignore[arg-type]
    assert set(reasons) == {"peer", "raw", "outcome", "sending_facility"}


def test_the_journals_rows_may_stand_unsigned_a_bed_map_may_not():
    assert FRAME_JOURNALED in UNSIGNED_ALLOWED
    assert BED_MAPPED not in UNSIGNED_ALLOWED


def test_a_bed_is_keyed_as_sent_but_for_surrounding_spaces():
    assert bed_key(" CARESCAPE ", "ICU", "BED  1 ") == ("CARESCAPE", "ICU", "BED  1")
    assert bed_key("GE", "", "") == ("GE", "", "")


@pytest.mark.parametrize(("typed", "field", "words"), [
    (("", "ICU", "1"), "sending_application", "required"),
    (("  ", "ICU", "1"), "sending_application", "required"),
    (("GE", "ICU\r", "1"), "sending_facility", "control characters"),
    (("GE", "ICU", "B" * 228), "bed", "at most 227 characters"),
])
def test_a_bed_key_out_of_bounds_is_refused_naming_the_field(typed, field, words):
    with pytest.raises(ValidationError) as refusal:
        bed_key(*typed)
    assert list(refusal.value.reasons) == [field] and words in refusal.value.reasons[field]


def test_a_chair_is_tidied_like_a_sessions_and_empty_takes_the_bed_off_the_map():
    assert check_chair("  Chair   3 ") == "Chair 3"
    assert check_chair("") == ""
    for chair, words in (("C" * 21, "at most 20 characters"), ("3\x00", "control")):
        with pytest.raises(ValidationError) as refusal:
            check_chair(chair)
        assert words in refusal.value.reasons["chair"]
