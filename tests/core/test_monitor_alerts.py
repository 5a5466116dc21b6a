"""The alerts on a monitor's readings (issue 21): judged at once, before any nurse has
validated them; accepting a reading keeps its alert, marking it an artifact ends its run;
the runs carried on as readings are appended equal the runs worked out from scratch."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, timedelta
from itertools import count

from ketamonitor.core.alerts import VITALS_RUNS, AlertRecord, alert_conditions, reconcile
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.monitor_readings import (
    FROM_MONITOR,
    MonitorReading,
    ReadingMark,
    ReadingVerdict,
)
from ketamonitor.core.phases import Phase
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.timers import next_vitals_due
from ketamonitor.core.vitals import Vitals
from ketamonitor.core.wording import not_yet_validated
from tests.core.alert_room import SCALES
from tests.core.builders import ChartBuilder, minutes

_ids = count(50_000)


def _reading(at: float, systolic: int | None, diastolic: int | None, *,
             received: float | None = None, **others: int) -> MonitorReading:
    reading_id = next(_ids)
    vitals = Vitals(minutes(at), systolic, diastolic, **others)  # type: ignore[arg-type]
    return MonitorReading(reading_id, 1, reading_id, vitals,
                          minutes(at if received is None else received))


class Bedside:
    """One chart fed by a monitor as the room feeds it (`with_readings`), judged like the
    room judges it, with the nurse's entries read as a new chart."""

    def __init__(self) -> None:
        self.chart = ChartBuilder().phase(Phase.INFUSING, dose_at=10).build()
        self.records: list[AlertRecord] = []
        self.alert_ids = count(1)

    def feed(self, at: float, systolic: int | None, diastolic: int | None,
             **others: int) -> MonitorReading:
        reading = _reading(at, systolic, diastolic, **others)
        self.chart = self.chart.with_readings((reading,))
        return reading

    def read_whole(self, **changes: object) -> None:
        """A nurse's entry: the chart read again from the file, nothing worked out kept."""
        self.chart = replace(self.chart, **changes)  # type: ignore[arg-type]

    def accept(self, reading: MonitorReading, at: float) -> VitalsEntry:
        entry = VitalsEntry(next(_ids), 1, reading.vitals, FROM_MONITOR, minutes(at), "ana")
        mark = ReadingMark(next(_ids), reading.id, 1, ReadingVerdict.ACCEPTED, entry.id,
                           None, minutes(at), "ana")
        self.read_whole(vitals=(*self.chart.vitals, entry),
                        reading_marks=(*self.chart.reading_marks, mark))
        return entry

    def artifact(self, reading: MonitorReading, at: float) -> None:
        mark = ReadingMark(next(_ids), reading.id, 1, ReadingVerdict.ARTIFACT, None,
                           "Cuff motion", minutes(at), "ana")
        self.read_whole(reading_marks=(*self.chart.reading_marks, mark))

    def typed(self, at: float, systolic: int, diastolic: int) -> VitalsEntry:
        entry = VitalsEntry(next(_ids), 1, Vitals(minutes(at), systolic, diastolic),
                            "manual", minutes(at), "ana")
        self.read_whole(vitals=(*self.chart.vitals, entry))
        return entry

    def judge(self, at: float) -> list[AlertRecord]:
        """The findings newly raised at `at` minutes (not the checks due)."""
        now = minutes(at)
        changes = reconcile(self.records, alert_conditions(self.chart, now, SCALES, UTC,
                                                           self.records))
        cleared = {record.id for record in changes.to_clear}
        self.records = [replace(r, cleared_at=now) if r.id in cleared else r
                        for r in self.records]
        new = [AlertRecord(next(self.alert_ids), 1, c.key, c.kind, c.priority, c.message,
                           now) for c in changes.to_raise]
        new += [AlertRecord(next(self.alert_ids), 1, c.key, c.kind, c.priority, c.message,
                            now, cleared_at=now) for c in changes.raised_over]
        self.records += new
        return [record for record in new if not record.kind.startswith("check")]

    def acknowledge_all(self, at: float) -> None:
        self.records = [replace(r, acknowledged_at=minutes(at), acknowledged_by="ana",
                                action="physician called")
                        if r.acknowledged_at is None else r for r in self.records]

    def record(self, key: str) -> AlertRecord:
        return next(record for record in self.records if record.key == key)


def _stop_line(chart: SessionChart) -> tuple[int, int]:
    limits = chart.protocol.thresholds
    return limits.stop_systolic_above, limits.stop_diastolic_above


def test_a_stop_line_bp_from_the_monitor_is_raised_before_anyone_validates_it():
    bed = Bedside()
    systolic, diastolic = _stop_line(bed.chart)
    reading = bed.feed(20, systolic + 12, diastolic - 20)
    (raised,) = bed.judge(20)
    assert raised.kind == "bp_above_stop_line"
    assert raised.key == f"bp_above_stop_line:monitor:{reading.id}"
    assert raised.message.endswith(" (monitor, not validated)")
    assert raised.message == not_yet_validated(bed.chart.flagged_pending[0].flags[0].message)


def test_accepting_the_reading_keeps_its_alert():
    bed = Bedside()
    systolic, diastolic = _stop_line(bed.chart)
    reading = bed.feed(20, systolic + 12, diastolic - 20)
    (raised,) = bed.judge(20)
    bed.accept(reading, 21)
    assert bed.chart.pending_readings == ()
    assert bed.judge(21) == []  # not raised again
    assert bed.record(raised.key).is_active  # nor cleared
    assert [r.key for r in bed.records if not r.kind.startswith("check")] == [raised.key]


def test_an_artifact_ends_its_run():
    bed = Bedside()
    systolic, diastolic = _stop_line(bed.chart)
    reading = bed.feed(20, systolic + 12, diastolic - 20)
    (raised,) = bed.judge(20)
    bed.artifact(reading, 21)
    assert bed.judge(21) == []
    assert not bed.record(raised.key).is_active


def test_a_normal_reading_from_the_monitor_ends_a_typed_run():
    bed = Bedside()
    systolic, diastolic = _stop_line(bed.chart)
    entry = bed.typed(20, systolic + 10, diastolic + 2)
    (raised,) = bed.judge(20)
    assert raised.key == f"bp_above_stop_line:vitals:{entry.id}"  # a typed set's key
    assert "not validated" not in raised.message
    bed.feed(21, systolic - 40, diastolic - 30)
    assert bed.judge(21) == []
    assert not bed.record(raised.key).is_active


def test_a_reading_that_did_not_measure_the_line_does_not_end_its_run():
    bed = Bedside()
    systolic, diastolic = _stop_line(bed.chart)
    bed.feed(20, systolic + 12, diastolic)
    (raised,) = bed.judge(20)
    bed.feed(20.1, None, None, heart_rate=80)
    bed.judge(20.1)
    assert bed.record(raised.key).is_active


def test_worse_since_acknowledged_across_the_monitor_points():
    bed = Bedside()
    systolic, diastolic = _stop_line(bed.chart)
    step = bed.chart.protocol.worsening.bp_mmhg
    first = bed.feed(20, systolic + 6, diastolic)
    (raised,) = bed.judge(20)
    bed.acknowledge_all(20.5)
    bed.feed(21, systolic + 6 + step - 1, diastolic)  # within the step
    assert bed.judge(21) == []
    worse = bed.feed(22, systolic + 6 + step, diastolic)
    (again,) = bed.judge(22)
    assert again.key == (f"bp_above_stop_line:monitor:{first.id}:worse:monitor:{worse.id}")
    assert again.message == not_yet_validated(
        f"Worse since acknowledged: BP {systolic + 6 + step}/{diastolic} (was "
        f"{systolic + 6}/{diastolic} when acknowledged): call the physician")
    bed.accept(worse, 23)  # validated: the same alerts, none raised again or cleared
    assert bed.judge(23) == []
    assert bed.record(raised.key).is_active and bed.record(again.key).is_active


def test_a_reading_pending_does_not_answer_a_bp_check_due():
    bed = Bedside()
    bed.typed(15, 130, 80)
    due = next_vitals_due(bed.chart)
    assert due is not None
    after = (due - minutes(0)).total_seconds() / 60 + 1
    bed.feed(after, 128, 78)
    assert next_vitals_due(bed.chart) == due
    keys = [c.key for c in alert_conditions(bed.chart, minutes(after), SCALES, UTC)]
    assert any(key.startswith("check:") for key in keys)


def test_a_reading_pending_is_flagged_as_a_set_would_be():
    bed = Bedside()
    bed.typed(5, 150, 90)  # the baseline, before the dose
    reading = bed.feed(20, 100, 70)  # a third below it
    entry = bed.accept(reading, 21)
    (as_set,) = [f for f in bed.chart.flagged_vitals if f.entry.id == entry.id]
    bed.read_whole(vitals=bed.chart.vitals[:-1], reading_marks=())
    (pending,) = bed.chart.flagged_pending
    assert pending.flags == as_set.flags and [f.code for f in pending.flags] == ["bp_low"]


# --- carried on == worked out from scratch -------------------------------------------

_CHOICES = {
    "systolic": lambda s: [90, 120, s - 1, s + 2, s + 9, s + 14, s + 25, 70],
    "diastolic": lambda d: [60, 80, d + 3, d + 20, 45],
    "heart_rate": lambda _: [45, 80, 122, 128, 134, 150, 30],
    "spo2": lambda _: [97, 91, 89, 87, 83],
    "respiratory_rate": lambda _: [14, 9, 7, 26, 28, 30],
}


def _values(rng: random.Random, limits: tuple[int, int],
            last: dict[str, int | None]) -> dict[str, int | None]:
    """A set near the lines, mostly as the one before (runs go on), now and then missing
    a measurement."""
    line = {"systolic": limits[0], "diastolic": limits[1]}
    values = {name: (rng.choice(choices(line.get(name, 0)))
                     if rng.random() < 0.15 or last.get(name) is None else last[name])
              for name, choices in _CHOICES.items()}
    last.update(values)
    if rng.random() < 0.1:
        values = {**values, "systolic": None, "diastolic": None}
    if rng.random() < 0.1:
        values = {**values, "spo2": None}
    return values


def _fed_at_random(seed: int) -> tuple[Bedside, int]:
    """A chart fed by a monitor a reading or three at a time (now and then one taken before
    the last, or sent late), with a nurse accepting, marking, typing and acknowledging at
    random; at each step the alerts judged on the chart carried on must equal those judged
    on the same chart worked out from scratch. How many charts carried their runs on."""
    rng = random.Random(seed)
    bed = Bedside()
    limits = _stop_line(bed.chart)
    last: dict[str, int | None] = {}
    at, carried_on = 11.0, 0
    for step in range(160):
        batch = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            at += 1 / 60
            taken = at - (rng.random() * 0.2 if rng.random() < 0.05 else 0)
            received = taken + rng.choice([0, 0, 0.5, 2])
            batch.append(_reading(taken, received=received, **_values(rng, limits, last)))
        bed.chart = bed.chart.with_readings(tuple(batch))
        carried_on += bed.chart.kept(VITALS_RUNS) is not None
        roll = rng.random()
        if roll < 0.04:
            bed.accept(rng.choice(bed.chart.pending_readings), at)
        elif roll < 0.07:
            bed.artifact(rng.choice(bed.chart.pending_readings), at)
        elif roll < 0.09:
            bed.typed(at - rng.random(), rng.choice([120, limits[0] + 8]), 80)
        elif roll < 0.2:  # before the last readings came, or after some still to come did
            bed.acknowledge_all(at + rng.choice([-rng.random(), 0.02, 0.04]))
        if step % 3 == 0 or roll < 0.2:
            now = minutes(at) + timedelta(seconds=1)
            carried = alert_conditions(bed.chart, now, SCALES, UTC, bed.records)
            scratch = alert_conditions(replace(bed.chart), now, SCALES, UTC, bed.records)
            assert carried == scratch
        bed.judge(at + 1 / 60)
    return bed, carried_on


def test_runs_carried_on_equal_runs_worked_out_from_scratch():
    keys, carried_on = [], 0
    for seed in range(8):
        bed, carried = _fed_at_random(seed)
        keys += [record.key for record in bed.records]
        carried_on += carried
    assert carried_on > 8 * 160 * 0.6  # the usual case: carried on, not worked out again
    assert any(":monitor:" in key and ":worse:monitor:" in key for key in keys)
    assert any(key.startswith("bp_critical:monitor:") for key in keys)
