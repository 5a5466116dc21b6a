"""A monitor's readings on a session's chart (issue 21), and the nurse's verdict on each.

A frame is journaled and answered first (core.monitor_feed); it is read afterwards, and what
reading it gave is recorded once (`FrameRead`): its sets charted for the session in the
chair its bed is mapped to, or why none was (no chair, no session in it at the reading's
time, a message whose content could not be used). A charted set is a `MonitorReading`:
on the chart and the tile at once, judged by the alerts at once (a stop-line BP from the
monitor must not wait for a nurse), but not yet validated. The nurse then gives each the
one verdict it can have (`ReadingMark`): accepted, which charts it as an ordinary vitals set
of hers (source "monitor", naming the reading), or an artifact, with the reason. The
gates, the timers and the exports read only validated sets; the artifacts are printed as
marks, with their reasons; what was never validated stays in the record, shown as such.

Plain values and pure checks: no sockets, no SQL.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import resource_text
from ketamonitor.core.text import text_problem
from ketamonitor.core.vitals import Vitals

#: A vitals set's `source` when it was accepted from a monitor's reading.
FROM_MONITOR = "monitor"
#: The audit action of a frame read after its ACK (its readings charted, or why not).
FRAME_READ = "monitor_reads.read"
#: The audit actions of the nurse's verdicts.
READING_ACCEPTED = "monitor_marks.accept"
READING_ARTIFACT = "monitor_marks.artifact"
#: At most this many characters of why a frame gave no reading, or an artifact's reason.
NOTE_MAX_CHARACTERS = 500


class ReadingVerdict(StrEnum):
    """What the nurse said of a monitor's reading: once said, it stands (an accepted set is
    corrected, or struck, as any vitals set is, by an amendment)."""

    ACCEPTED = "accepted"
    ARTIFACT = "artifact"


@dataclass(frozen=True)
class MonitorReading:
    """One set a monitor sent for a session, as charted: `vitals.observed_at` is the
    reading's own time (OBX-14, else OBR-7, else MSH-7), `received_at` when its frame came."""

    id: int
    session_id: int
    frame_id: int
    vitals: Vitals
    received_at: datetime

    @property
    def observed_at(self) -> datetime:
        return self.vitals.observed_at


@dataclass(frozen=True)
class ReadingMark:
    """The nurse's verdict on a reading: accepted (then `vitals_id` is the set it was
    charted as) or an artifact (then `reason` says why)."""

    id: int
    reading_id: int
    session_id: int
    verdict: ReadingVerdict
    vitals_id: int | None
    reason: str | None
    marked_at: datetime
    marked_by: str


@dataclass(frozen=True)
class FrameRead:
    """What reading one journaled frame gave: the chair its bed is on and the session its
    sets were charted for (None when not charted), how many sets it held and how many were
    charted, and, when not all were, why (`note`)."""

    frame_id: int
    read_at: datetime
    chair: str | None
    session_id: int | None
    sets: int
    charted: int
    note: str | None
    readings: tuple[MonitorReading, ...] = ()


@dataclass(frozen=True)
class ArtifactReason:
    """A reason offered for marking a reading as an artifact (resources/monitor_artifacts)."""

    key: str
    label: str


@cache
def artifact_reasons() -> tuple[ArtifactReason, ...]:
    """The reasons offered, in the order shown (data, not code: a clinic's list may grow)."""
    text = resource_text("monitor_artifacts.toml")
    return tuple(ArtifactReason(item["key"], item["label"])
                 for item in tomllib.loads(text)["reason"])


def check_artifact_reason(reason: object) -> str:
    """An artifact's reason as kept (spaces trimmed, runs made one), or a ValidationError
    naming `reason`: none given, too long, or holding a control character."""
    problem = text_problem(reason, cap=NOTE_MAX_CHARACTERS)
    if problem:
        raise ValidationError({"reason": problem})
    assert isinstance(reason, str)
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ValidationError({"reason": "say why the reading is an artifact (cuff motion, "
                                         "probe off, ...)"})
    return cleaned


def pending(readings: tuple[MonitorReading, ...],
            marks: tuple[ReadingMark, ...]) -> tuple[MonitorReading, ...]:
    """The readings no nurse has given a verdict on yet, in the order they were taken."""
    marked = {mark.reading_id for mark in marks}
    return tuple(r for r in readings if r.id not in marked)


def latest_pending(readings: tuple[MonitorReading, ...],
                   marks: tuple[ReadingMark, ...]) -> MonitorReading | None:
    """The set the one key accepts: the latest reading not yet validated (by its time)."""
    waiting = pending(readings, marks)
    return max(waiting, key=lambda r: (r.observed_at, r.id)) if waiting else None
