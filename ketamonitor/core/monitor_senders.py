"""The monitors and beds the journal has heard from that are on no chair (issue 21, item 3):
what an administrator maps in Clinic ▸ Monitors.

A sender is what the bed map keys: the sending application and facility (MSH-3, MSH-4, as
journaled) and the bed (PV1-3 as HL7 text, as the parser reads it: `BedLocation.text`). A
gateway sends many beds on one sending application, so the bed is read from the frames, not
from the journal's columns. Only frames answered AA count: a refused frame's bed is not one
whose readings would chart.

Reading every frame of a day (a reading a second from six chairs is half a million) would
make the screen wait: the frames are first grouped by their PV1's raw bytes (`heard_frames`
here, for frames in hand; the store's `frames_heard` in SQL, where the frames lie), and only
the latest frame of each group is parsed. A frame whose PV1 cannot be found that way is a
group of its own. Groups whose beds read the same (the same bed written two ways) are one
sender.

Plain values and pure functions: no SQL, no widgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ketamonitor.core.monitor_feed import FrameOutcome, MonitorBed, MonitorFrame
from ketamonitor.core.monitor_message import MonitorMessage, parse_monitor_message

#: How far back the journal is read for senders seen.
SEEN_FOR = timedelta(hours=24)
#: The journal keeps times to the millisecond: a frame journaled at this very moment is in
#: a window ending one millisecond later.
_STORED_RESOLUTION = timedelta(milliseconds=1)
#: The grouping key of frames without a PV1 segment: no field's bytes can hold a CR.
_NO_PV1 = b"\r"


@dataclass(frozen=True)
class SenderSeen:
    """A monitor or bed heard from (frames answered AA), on no chair."""

    sending_application: str
    sending_facility: str
    #: PV1-3 as HL7 text ("" when the monitor sends no bed: one bed per connection).
    bed: str
    #: How many frames answered AA it sent in the window.
    frames: int
    last_seen: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.sending_application, self.sending_facility, self.bed)


def seen_window(now: datetime) -> tuple[datetime, datetime]:
    """The journal's window read for senders seen: the last SEEN_FOR, up to and including
    `now` (as `frames_between(start, end)` takes it, `end` not included)."""
    return now - SEEN_FOR, now + _STORED_RESOLUTION


@dataclass(frozen=True)
class HeardFrames:
    """Frames answered AA from one sender and, as far as their bytes tell, one bed: how
    many, and the latest journaled (whose bed is read)."""

    latest: MonitorFrame
    frames: int


def heard_frames(frames: Iterable[MonitorFrame]) -> list[HeardFrames]:
    """The frames answered AA, grouped by sender and PV1-3's raw bytes (a frame that does
    not start as a message does, alone): what `senders_seen` reads, from frames in hand.
    The store groups the journal the same way where the frames lie
    (`frames_heard`), so a day's frames are not all read to find a few beds."""
    groups: dict[tuple[str, str, bytes | int], list[MonitorFrame]] = {}
    for frame in frames:
        if frame.outcome is not FrameOutcome.ACCEPTED:
            continue
        raw_bed = _raw_bed(frame.raw)
        group = raw_bed if raw_bed is not None else frame.id  # not found: read alone
        groups.setdefault((frame.sending_application, frame.sending_facility, group),
                          []).append(frame)
    return [HeardFrames(max(members, key=lambda frame: frame.id), len(members))
            for members in groups.values()]


def senders_seen(heard: Iterable[HeardFrames], mapped: Iterable[MonitorBed],
                 zone: tzinfo) -> list[SenderSeen]:
    """Each (MSH-3, MSH-4, PV1-3) heard from, with how many frames and when last, but those
    on a chair in `mapped` (the map as it stands); ordered by sender and bed. Each group's
    latest frame is read for its bed; groups whose beds read the same are one sender.
    `zone` is the clinic's (the parser reads times without an offset on its clock)."""
    on_chairs = {_key(bed.sending_application, bed.sending_facility, bed.bed)
                 for bed in mapped if bed.chair}
    seen: dict[tuple[str, str, str], SenderSeen] = {}
    for group in heard:
        latest = group.latest
        bed = _bed_of(latest, zone)
        if bed is None:
            continue  # no longer read as it was when answered AA: no bed to offer
        key = _key(latest.sending_application, latest.sending_facility, bed)
        if key in on_chairs:
            continue
        before = seen.get(key)
        count = group.frames + (before.frames if before else 0)
        last = latest.received_at if before is None else max(before.last_seen,
                                                              latest.received_at)
        seen[key] = SenderSeen(*key, frames=count, last_seen=last)
    return [seen[key] for key in sorted(seen)]


def _key(application: str, facility: str, bed: str) -> tuple[str, str, str]:
    """As the bed map keys a sender: surrounding spaces dropped (core.monitor_feed.bed_key)."""
    return application.strip(), facility.strip(), bed.strip()


def _bed_of(frame: MonitorFrame, zone: tzinfo) -> str | None:
    """PV1-3 of a frame as the parser reads it, read as at its arrival; None when it no
    longer reads as a message."""
    read = parse_monitor_message(frame.raw, zone, frame.received_at)
    return read.bed.text if isinstance(read, MonitorMessage) else None


def _raw_bed(raw: bytes) -> bytes | None:
    """PV1-3's bytes as sent (a grouping key only, never shown), found with the message's
    own field separator (MSH's fourth byte); `_NO_PV1` for a message without PV1 (its bed
    reads ""); None when the bytes do not start as a message does."""
    if len(raw) < 4 or not raw.startswith(b"MSH"):
        return None
    separator = raw[3:4]
    for segment in raw.replace(b"\n", b"\r").split(b"\r"):
        if segment.startswith(b"PV1" + separator):
            fields = segment.split(separator)
            return fields[3] if len(fields) > 3 else b""
    return _NO_PV1
