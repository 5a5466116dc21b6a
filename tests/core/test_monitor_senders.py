"""The monitors and beds heard from and on no chair, as Clinic ▸ Monitors offers them to map
(core.monitor_senders): one row per MSH-3, MSH-4 and PV1-3, from frames answered AA only,
with how many and when last; those on a chair left out; the bed read as the parser reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ketamonitor.core.monitor_feed import FrameOutcome, MonitorBed, MonitorFrame
from ketamonitor.core.monitor_senders import (
    SEEN_FOR,
    SenderSeen,
    heard_frames,
    seen_window,
    senders_seen,
)
from ketamonitor.core.oru_build import Flavour, build_oru, observation

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GE = ("CARESCAPE_GW", "INFUSION")
MINDRAY = ("MINDRAY_EGATEWAY^00A0370000000001^EUI-64", "INFUSION")


def frame(number: int, sender: tuple[str, str], bed: str, minutes_ago: float, *,
          outcome: FrameOutcome = FrameOutcome.ACCEPTED, raw: bytes | None = None,
          flavour: Flavour = Flavour.MINDRAY) -> MonitorFrame:
    at = NOW - timedelta(minutes=minutes_ago)
    if raw is None:
        raw = build_oru([observation(150021, 128, flavour=flavour),
                         observation(150456, 97, flavour=flavour)],
                        control_id=f"MSG{number}", observed_at=at, bed=bed, flavour=flavour,
                        sending_application=sender[0], sending_facility=sender[1])
    return MonitorFrame(id=number, received_at=at, peer="10.1.2.3:4100",
                        sending_application=sender[0], sending_facility=sender[1],
                        control_id=f"MSG{number}", message_type="ORU^R01^ORU_R01", raw=raw,
                        size=len(raw), outcome=outcome,
                        reason=None if outcome is FrameOutcome.ACCEPTED else "refused")


def seen(frames: list[MonitorFrame], mapped: list[MonitorBed], zone=UTC) -> list[SenderSeen]:
    return senders_seen(heard_frames(frames), mapped, zone)


def bed_on(sender: tuple[str, str], bed: str, chair: str) -> MonitorBed:
    return MonitorBed(id=1, sending_application=sender[0], sending_facility=sender[1],
                      bed=bed, chair=chair, set_at=NOW, set_by="admin")


def test_each_bed_of_a_gateway_is_a_sender_of_its_own_with_its_count_and_last_frame():
    frames = [frame(1, MINDRAY, "INFUSION^^Chair1", 30), frame(2, MINDRAY, "INFUSION^^Chair2", 29),
              frame(3, MINDRAY, "INFUSION^^Chair1", 20), frame(4, GE, "", 10,
                                                              flavour=Flavour.GE),
              frame(5, MINDRAY, "INFUSION^^Chair1", 5)]
    assert seen(frames, [], UTC) == [
        SenderSeen(*GE, bed="", frames=1, last_seen=NOW - timedelta(minutes=10)),
        SenderSeen(*MINDRAY, bed="INFUSION^^Chair1", frames=3,
                   last_seen=NOW - timedelta(minutes=5)),
        SenderSeen(*MINDRAY, bed="INFUSION^^Chair2", frames=1,
                   last_seen=NOW - timedelta(minutes=29)),
    ]


def test_frames_not_answered_aa_are_not_counted():
    frames = [frame(1, GE, "ICU^^3", 30, outcome=FrameOutcome.ERROR),
              frame(2, GE, "ICU^^4", 20, outcome=FrameOutcome.REJECTED),
              frame(3, GE, "ICU^^3", 10)]
    assert [(s.bed, s.frames) for s in seen(frames, [], UTC)] == [("ICU^^3", 1)]


def test_a_bed_on_a_chair_is_left_out_but_not_its_neighbour_nor_one_taken_off():
    frames = [frame(1, MINDRAY, "INFUSION^^Chair1", 30), frame(2, MINDRAY, "INFUSION^^Chair2", 20),
              frame(3, GE, "", 10)]
    mapped = [bed_on(MINDRAY, "INFUSION^^Chair1", "1"), bed_on(GE, "", "")]
    assert [s.key for s in seen(frames, mapped, UTC)] == [
        (*GE, ""), (*MINDRAY, "INFUSION^^Chair2")]
    # the monitor as a whole on a chair does not put each of its beds there (store.chair_for)
    whole = [bed_on(MINDRAY, "", "1")]
    assert len(seen(frames, whole, UTC)) == 3


def test_the_bed_is_read_as_the_parser_reads_it_one_bed_written_two_ways_is_one():
    plain = frame(1, GE, "ICU^^Bed 3", 30)
    # the same bed with an empty component sent at its end: the parser drops it
    trailing = frame(2, GE, "ICU^^Bed 3^", 20, raw=frame(2, GE, "ICU^^Bed 3", 20).raw.replace(
        b"|ICU^^Bed 3", b"|ICU^^Bed 3^"))
    assert b"ICU^^Bed 3^" in trailing.raw
    (one,) = seen([plain, trailing], [], UTC)
    assert (one.bed, one.frames, one.last_seen) == ("ICU^^Bed 3", 2, trailing.received_at)


def test_a_message_without_pv1_is_a_monitor_without_a_bed():
    raw = b"\r".join(line for line in frame(1, GE, "X", 5).raw.split(b"\r")
                     if not line.startswith(b"PV1"))
    frames = [frame(1, GE, "", 9, raw=raw), frame(2, GE, "", 5, raw=raw.replace(b"MSG1",
                                                                               b"MSG2"))]
    assert seen(frames, [], UTC) == [
        SenderSeen(*GE, bed="", frames=2, last_seen=NOW - timedelta(minutes=5))]


def test_an_accepted_frame_that_no_longer_reads_offers_no_bed():
    assert seen([frame(1, GE, "", 5, raw=b"not HL7 at all")], [], UTC) == []


@pytest.mark.parametrize("bed", ["Bed\\F\\3", "Bett Ü"])
def test_a_bed_with_escapes_or_non_ascii_is_shown_as_the_map_keys_it(bed):
    (one,) = seen([frame(1, GE, bed, 5)], [], UTC)
    assert one.bed == bed


def test_frames_are_grouped_by_sender_and_pv1_3_as_sent_so_one_frame_a_group_is_read():
    frames = [frame(1, MINDRAY, "INFUSION^^Chair1", 30), frame(2, MINDRAY, "INFUSION^^Chair2", 20),
              frame(3, MINDRAY, "INFUSION^^Chair1", 10), frame(4, GE, "INFUSION^^Chair1", 5),
              frame(5, GE, "", 4, outcome=FrameOutcome.ERROR)]
    groups = heard_frames(frames)
    assert sorted((group.latest.id, group.frames) for group in groups) == [(2, 1), (3, 2), (4, 1)]


def test_segments_ended_by_newlines_are_found_too():
    lines = [frame(n, GE, f"ICU^^{n}", 10 - n) for n in (1, 2)]
    as_newlines = [replace(f, raw=f.raw.replace(b"\r", b"\n")) for f in lines]
    assert [group.frames for group in heard_frames(as_newlines)] == [1, 1]


def test_the_window_is_the_last_day_up_to_and_including_now():
    start, end = seen_window(NOW)
    assert start == NOW - SEEN_FOR == NOW - timedelta(hours=24)
    assert NOW < end <= NOW + timedelta(milliseconds=1)
