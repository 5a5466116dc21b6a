"""How a monitor's reading and the nurse's verdict on it are worded (issue 21), once for the
tile, the session page, the chart's readout, the table and every export: a reading not yet validated
must read as such wherever it is shown, and a set accepted from the monitor must never pass
for one typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from ketamonitor.core import measurements
from ketamonitor.core.monitor_readings import MonitorReading, ReadingMark
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.times import format_clock
from ketamonitor.core.vitals import Vitals, spo2_words

#: Where a reading comes from, as every view names it.
MONITOR = "Monitor"
NOT_VALIDATED = "not validated"
TYPED = "Typed"
#: The mark of a set the nurse accepted from the monitor, and of an artifact.
ACCEPTED_MARK = "✓"
ARTIFACT_MARK = "✗"


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


def artifact_readout(reading: MonitorReading, mark: ReadingMark, zone: tzinfo) -> str:
    """An artifact for the chart's readout."""
    local = reading.observed_at.astimezone(zone)
    return (f"{MONITOR} {local:%H:%M:%S} · artifact\n{values_words(reading.vitals)}\n"
            f"{mark.reason}\nmarked by {mark.marked_by} at "
            f"{format_clock(mark.marked_at, zone)}")


def values_words(vitals: Vitals) -> str:
    """A set's values in one line, named as the chart's readout names them: "BP 210/60,
    HR 88/min, SpO2 97 %, RR 14/min" (the SpO2 with its oxygen, as every view says it)."""
    said = []
    if vitals.systolic is not None and vitals.diastolic is not None:
        said.append(f"{measurements.BLOOD_PRESSURE.short} {vitals.systolic}/{vitals.diastolic}")
    if vitals.heart_rate is not None:
        said.append(measurements.HEART_RATE.value_words(vitals.heart_rate))
    spo2 = spo2_words(vitals)
    if spo2:
        said.append(f"{measurements.SPO2.short} {spo2}" if vitals.spo2 is not None else spo2)
    if vitals.respiratory_rate is not None:
        said.append(measurements.RESPIRATORY_RATE.value_words(vitals.respiratory_rate))
    if vitals.etco2 is not None:
        said.append(measurements.ETCO2.value_words(vitals.etco2))
    return ", ".join(said)


def validated_words(mark: ReadingMark, shown: Callable[[datetime], str]) -> str:
    """Where an accepted set came from and who made it the chart's: "Monitor, validated by
    nurse.ana at 10:33" (the username, as every export names who charted a set)."""
    return f"Monitor, validated by {mark.marked_by} at {shown(mark.marked_at)}"


def artifact_words(reading: MonitorReading, mark: ReadingMark,
                   shown: Callable[[datetime], str]) -> str:
    """A reading marked as an artifact, whole: "Monitor reading 10:32 (BP 210/60, SpO2 97 %)
    marked as an artifact by nurse.ana at 10:34: Cuff motion". Its values are printed so
    a reader sees what was set aside, never as a set of the chart."""
    return (f"Monitor reading {shown(reading.observed_at)} ({values_words(reading.vitals)}) "
            f"marked as an artifact by {mark.marked_by} at {shown(mark.marked_at)}: "
            f"{mark.reason}")


def not_validated_words(count: int) -> str | None:
    """What a summary says of the readings no nurse validated (None when there are none):
    kept in the record, but not a set of the chart, so not printed as one."""
    if count <= 0:
        return None
    if count == 1:
        return ("1 monitor reading was not validated; it is kept in the record, not in "
                "this summary")
    return (f"{count} monitor readings were not validated; they are kept in the record, "
            "not in this summary")
