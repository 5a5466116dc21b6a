"""core.monitor_words: a monitor's reading and the verdicts on it, worded once for every
screen and export; what is not validated always says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ketamonitor.core.monitor_readings import MonitorReading, ReadingMark, ReadingVerdict
from ketamonitor.core.monitor_words import (
    artifact_readout,
    artifact_words,
    not_validated_words,
    pending_readout,
    pending_words,
    source_words,
    validated_words,
    values_words,
)
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.times import format_clock
from ketamonitor.core.vitals import Vitals

AT = datetime(2026, 11, 23, 10, 32, 5, tzinfo=UTC)
READING = MonitorReading(7, 1, 3, Vitals(AT, 210, 60, heart_rate=88, spo2=97), AT)
ARTIFACT = ReadingMark(1, 7, 1, ReadingVerdict.ARTIFACT, None, "Cuff motion",
                       AT + timedelta(minutes=2), "nurse.ana")
ACCEPTED = ReadingMark(2, 7, 1, ReadingVerdict.ACCEPTED, 12, None,
                       AT + timedelta(minutes=1), "nurse.ana")


def clock(moment: datetime) -> str:
    return format_clock(moment, UTC)


def test_values_are_said_as_the_chart_says_them_the_oxygen_with_the_spo2():
    assert values_words(READING.vitals) == "BP 210/60, HR 88/min, SpO2 97 %"
    on_oxygen = Vitals(AT, spo2=94, oxygen_l_per_min=2, respiratory_rate=12)
    assert values_words(on_oxygen) == "SpO2 94 % (O2 2 L/min), RR 12/min"


def test_a_reading_waiting_says_it_is_not_validated_everywhere_it_is_shown():
    assert pending_words(READING, 1, UTC) == "Monitor 10:32 · not validated"
    assert pending_words(READING, 3, UTC) == "Monitor 10:32 · not validated · 3 waiting"
    assert pending_readout(READING, UTC).startswith("Monitor 10:32:05 · not validated\n")


def test_an_accepted_set_never_passes_for_a_typed_one():
    entry = VitalsEntry(12, 1, READING.vitals, "monitor", AT, "nurse.ana")
    typed = VitalsEntry(13, 1, READING.vitals, "manual", AT, "nurse.ana")
    assert source_words(entry, {12: READING}) == "Monitor ✓ nurse.ana"
    assert source_words(typed, {12: READING}) == "Typed"
    assert validated_words(ACCEPTED, clock) == "Monitor, validated by nurse.ana at 10:33"


def test_an_artifact_is_said_whole_with_its_values_reason_and_who():
    assert artifact_words(READING, ARTIFACT, clock) == (
        "Monitor reading 10:32 (BP 210/60, HR 88/min, SpO2 97 %) marked as an artifact "
        "by nurse.ana at 10:34: Cuff motion")
    assert "Cuff motion" in artifact_readout(READING, ARTIFACT, UTC)


def test_readings_never_validated_are_counted_only_when_there_are_some():
    assert not_validated_words(0) is None
    assert not_validated_words(1) == ("1 monitor reading was not validated; it is kept in "
                                      "the record, not in this summary")
    assert (not_validated_words(2) or "").startswith("2 monitor readings were not validated")
