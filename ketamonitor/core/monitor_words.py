"""How a monitor's reading and the nurse's verdict on it are worded (issue 21), once for the
tile, the session page, the chart's readout and the table: a reading not yet validated
must read as such wherever it is shown, and a set accepted from the monitor must never pass
for one typed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo

from ketamonitor.core.measurements import BLOOD_PRESSURE, PLOTTED
from ketamonitor.core.monitor_readings import MonitorReading, ReadingMark
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.times import format_clock
from ketamonitor.core.vitals import Vitals

#: Where a reading comes from, as every view names it.
MONITOR = "Monitor"
NOT_VALIDATED = "not validated"
TYPED = "Typed"
#: The mark of a set the nurse accepted from the monitor, and of an artifact.
ACCEPTED_MARK = "✓"
ARTIFACT_MARK = "✗"


def values_words(vitals: Vitals) -> str:
    """A set's values in one line, as the tile and the panel show them: "BP 142/88 ·
    HR 80/min · SpO2 97 %"."""
    parts = []
    if vitals.systolic is not None and vitals.diastolic is not None:
        parts.append(f"{BLOOD_PRESSURE.short} {vitals.systolic}/{vitals.diastolic}")
    for measure in PLOTTED:
        value = getattr(vitals, measure.key)
        if value is not None:
            parts.append(measure.value_words(value))
    return " · ".join(parts) if parts else "no values"


def waiting_words(count: int) -> str:
    """How many readings wait for the nurse: "1 waiting", "12 waiting"."""
    return f"{count} waiting"


def pending_words(reading: MonitorReading, waiting: int, zone: tzinfo) -> str:
    """The head of a reading still waiting: "Monitor 10:32 · not validated · 3 waiting"
    (the count left out when it is the only one)."""
    head = f"{MONITOR} {format_clock(reading.observed_at, zone)} · {NOT_VALIDATED}"
    return head + (f" · {waiting_words(waiting)}" if waiting > 1 else "")


def pending_readout(reading: MonitorReading, zone: tzinfo) -> str:
    """A reading not yet validated, for the chart's readout (to the second: a monitor
    may send one a second)."""
    local = reading.observed_at.astimezone(zone)
    return f"{MONITOR} {local:%H:%M:%S} · {NOT_VALIDATED}\n{values_words(reading.vitals)}"


def source_words(entry: VitalsEntry, accepted: Mapping[int, MonitorReading]) -> str:
    """Where a charted set came from: "Monitor ✓ nurse_a" (accepted by her from the
    monitor) or "Typed"."""
    if entry.id in accepted:
        return f"{MONITOR} {ACCEPTED_MARK} {entry.entered_by}"
    return TYPED


def artifact_words(reading: MonitorReading, mark: ReadingMark, zone: tzinfo) -> str:
    """A reading marked as an artifact, with why and by whom: "✗ 10:32 BP 230/60 ·
    HR 80/min: artifact, Cuff motion (nurse_a 10:33)"."""
    return (f"{ARTIFACT_MARK} {format_clock(reading.observed_at, zone)} "
            f"{values_words(reading.vitals)}: artifact, {mark.reason} "
            f"({mark.marked_by} {format_clock(mark.marked_at, zone)})")


def artifact_readout(reading: MonitorReading, mark: ReadingMark, zone: tzinfo) -> str:
    """An artifact for the chart's readout."""
    local = reading.observed_at.astimezone(zone)
    return (f"{MONITOR} {local:%H:%M:%S} · artifact\n{values_words(reading.vitals)}\n"
            f"{mark.reason}\nmarked by {mark.marked_by} at "
            f"{format_clock(mark.marked_at, zone)}")
