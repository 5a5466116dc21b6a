"""Rechecks sooner than the routine cadence, and the long-pause reminder (issue 16, item 3).

IV: BP every 10 min while infusing, 15 in observation, overdue after 5; a recheck 5 min after
an out-of-line reading, 10 min after an antihypertensive; a reminder after 15 min paused.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest

from ketamonitor.core import chart as chart_module
from ketamonitor.core.alerts import (
    RESOLVED_BY_CHARTING,
    AlertKind,
    Priority,
    alert_conditions,
)
from ketamonitor.core.amendments import ENTERED_IN_ERROR, STATUS, Amendment
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.flags import Flag, Level
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import RecheckRules, parse_protocol
from ketamonitor.core.records import MedicationGiven
from ketamonitor.core.timeline import PhaseChange
from ketamonitor.core.timers import next_vitals_due, session_timers, vitals_due
from tests.core.builders import T0, ChartBuilder, minutes

ESKETAMINE = "intranasal-esketamine"


def _infusing() -> ChartBuilder:
    """IV, dose started at 10 min: the routine BP is due 10 min after the last."""
    return ChartBuilder().phase(Phase.INFUSING, dose_at=10)


def _with_recheck(builder: ChartBuilder, **rules: float) -> ChartBuilder:
    protocol = replace(builder.protocol, recheck=RecheckRules(**rules))
    builder.session = replace(builder.session, protocol=protocol)
    return builder


def _given(chart: SessionChart, at: float, label: str = "Labetalol",
           drug_class: str = "antihypertensive", struck: bool = False) -> SessionChart:
    amendments = (Amendment(1, "medications", 1, STATUS, None, ENTERED_IN_ERROR, "wrong chart",
                            minutes(at + 1), "ana"),) if struck else ()
    given = MedicationGiven(
        len(chart.medications) + 1, 1, label.lower(), label, drug_class, 10, "mg", "iv",
        minutes(at), "Dr Lee", "ana", minutes(at), "ana", amendments=amendments)
    return replace(chart, medications=(*chart.medications, given))


#: (readings: (minute, systolic, diastolic, others), due minute, reason)
OUT_OF_LINE = [
    # the stop line is "above 180/110": at it is inside (routine), just over is a recheck
    ([(20, 180, 110, {})], 30, None),
    ([(20, 181, 100, {})], 25, "recheck after BP 181/100"),
    ([(20, 170, 111, {})], 25, "recheck after BP 170/111"),
    ([(20, 186, 112, {})], 25, "recheck after BP 186/112"),
    # any line, any measurement: HR above 120, SpO2 below 92, RR below 10
    ([(20, 130, 80, {"heart_rate": 120})], 30, None),
    ([(20, 130, 80, {"heart_rate": 121})], 25, "recheck after HR 121"),
    ([(20, 130, 80, {"spo2": 92})], 30, None),
    ([(20, 130, 80, {"spo2": 91})], 25, "recheck after SpO2 91 %"),
    ([(18, 130, 80, {}), (20, None, None, {"respiratory_rate": 9})], 25, "recheck after RR 9"),
    # a later BP back inside the lines: the routine cadence again, from that BP
    ([(20, 186, 112, {}), (23, 150, 90, {})], 33, None),
    # a later BP still out of line: a recheck from it
    ([(20, 186, 112, {}), (23, 190, 115, {})], 28, "recheck after BP 190/115"),
    # a later set without a BP does not end the recheck
    ([(20, 186, 112, {}), (22, None, None, {"heart_rate": 80})], 25,
     "recheck after BP 186/112"),
    # a set without a BP out of line after a BP inside: a recheck from it
    ([(20, 130, 80, {}), (22, None, None, {"spo2": 88})], 27, "recheck after SpO2 88 %"),
    # several values out: the most urgent first (critical RR 5 before a high HR), two at most
    ([(20, 130, 80, {"heart_rate": 125, "respiratory_rate": 5})], 25,
     "recheck after RR 5, HR 125"),
    ([(20, 130, 80, {"heart_rate": 125, "respiratory_rate": 5, "spo2": 80})], 25,
     "recheck after SpO2 80 %, RR 5"),
]


@pytest.mark.parametrize(("readings", "due", "reason"), OUT_OF_LINE)
def test_an_out_of_line_reading_makes_a_bp_due_five_minutes_after_it(readings, due, reason):
    builder = _infusing()
    for at, systolic, diastolic, others in readings:
        builder.reading(at, systolic, diastolic, **others)
    found = vitals_due(builder.build())
    assert found is not None
    assert (found.at, found.reason) == (minutes(due), reason)


def test_a_stop_line_bp_on_esketamine_makes_the_next_bp_due_in_5_minutes_not_65():
    """The issue: after the 40-minute check at 186/112, the next BP was due 65 minutes
    later (the one before discharge)."""
    builder = ChartBuilder(ESKETAMINE).phase(Phase.OBSERVATION, dose_at=10, end_at=15)
    builder.reading(50, 186, 112)
    assert next_vitals_due(builder.build()) == minutes(55)
    builder.reading(55, 150, 88)
    assert next_vitals_due(builder.build()) == minutes(10 + 120 - 15)


def test_a_late_entered_out_of_line_reading_is_judged_in_time_order():
    """Entered after a normal BP but taken before it: the normal one came later, so the
    routine cadence stands; entered late and taken last, it sets a recheck."""
    builder = _infusing().reading(23, 150, 90).reading(20, 186, 112)
    assert next_vitals_due(builder.build()) == minutes(33)
    builder = _infusing().reading(20, 150, 90).reading(23, 186, 112)
    assert next_vitals_due(builder.build()) == minutes(28)


def test_a_struck_out_of_line_reading_sets_no_recheck():
    builder = _infusing().reading(20, 150, 90).reading(23, 186, 112)
    chart = builder.build()
    struck = replace(chart.vitals[-1], amendments=(Amendment(
        1, "vitals", chart.vitals[-1].id, STATUS, None, ENTERED_IN_ERROR, "other patient",
        minutes(24), "ana"),))
    chart = replace(chart, vitals=(chart.vitals[0], struck))
    assert vitals_due(chart).at == minutes(30)
    assert vitals_due(chart).reason is None


@pytest.mark.parametrize(("recheck_minutes", "due", "reason"), [
    (3, 23, "recheck after BP 186/112"),
    (10, 30, "recheck after BP 186/112"),  # a tie with the routine BP: the recheck says why
    (15, 30, None),                         # the routine BP comes first
])
def test_the_recheck_minutes_are_the_protocols_and_the_earliest_due_wins(recheck_minutes,
                                                                          due, reason):
    builder = _with_recheck(_infusing(), after_out_of_line_minutes=recheck_minutes)
    found = vitals_due(builder.reading(20, 186, 112).build())
    assert (found.at, found.reason) == (minutes(due), reason)


def test_a_pre_dose_bp_over_the_line_is_rechecked_before_the_dose():
    """Any level: the pre-dose caution too. A baseline inside the lines needs nothing more
    before the dose."""
    assert next_vitals_due(ChartBuilder().reading(2, 120, 80).build()) is None
    assert next_vitals_due(ChartBuilder().build()) == T0
    found = vitals_due(ChartBuilder().reading(2, 150, 95).build())
    assert (found.at, found.reason) == (minutes(7), "recheck after BP 150/95")


def _observation() -> SessionChart:
    """IV in observation since 50 min, a BP inside the lines at 55: routine due at 70."""
    return ChartBuilder().phase(Phase.OBSERVATION).reading(55, 130, 80).build()


@pytest.mark.parametrize(("bp_at", "due", "reason"), [
    (None, 66, "recheck after Labetalol"),
    (60.9, 66, "recheck after Labetalol"),   # just before due less the grace: not yet
    (61, 76, None),                          # at due less the grace: the recheck is done
    (67, 82, None),
])
def test_an_antihypertensive_makes_a_bp_due_ten_minutes_after_it(bp_at, due, reason):
    chart = _given(_observation(), 56)
    if bp_at is not None:
        chart = replace(chart, vitals=(*chart.vitals, *ChartBuilder().reading(
            bp_at, 130, 80).vitals))
    found = vitals_due(chart)
    assert (found.at, found.reason) == (minutes(due), reason)


def test_only_an_antihypertensive_not_struck_sets_a_recheck():
    assert next_vitals_due(_given(_observation(), 56, "Ondansetron", "antiemetic")) \
        == minutes(70)
    assert next_vitals_due(_given(_observation(), 56, struck=True)) == minutes(70)


def test_the_antihypertensive_recheck_minutes_are_the_protocols():
    builder = _with_recheck(ChartBuilder().phase(Phase.OBSERVATION),
                            after_antihypertensive_minutes=12)
    chart = _given(builder.reading(55, 130, 80).build(), 56)
    assert next_vitals_due(chart) == minutes(68)


def test_the_timers_say_why_a_bp_is_due_and_overdue_follows_the_recheck():
    chart = _infusing().reading(20, 186, 112).build()
    at_22 = session_timers(chart, minutes(22))
    assert at_22.next_vitals_due == minutes(25)
    assert at_22.vitals_due_reason == "recheck after BP 186/112"
    assert not at_22.vitals_overdue
    assert session_timers(chart, minutes(30.5)).vitals_overdue
    assert session_timers(_infusing().reading(20, 130, 80).build(),
                          minutes(22)).vitals_due_reason is None


def test_the_check_due_alert_follows_the_recheck():
    chart = _infusing().reading(20, 186, 112).build()
    due = [c for c in alert_conditions(chart, minutes(25), {}, UTC)
           if c.kind == AlertKind.CHECK_DUE]
    assert len(due) == 1 and "08:25" in due[0].message


def _paused_at(minute: float) -> ChartBuilder:
    builder = _infusing()
    builder.changes.append(PhaseChange(Action.PAUSE_INFUSION, Phase.PAUSED, minutes(minute)))
    return builder


@pytest.mark.parametrize(("paused_for", "raised"), [(14.99, False), (15, False),
                                                    (15.01, True), (180, True)])
def test_an_infusion_paused_longer_than_15_minutes_raises_a_reminder(paused_for, raised):
    conditions = alert_conditions(_paused_at(42).build(), minutes(42 + paused_for), {}, UTC)
    long = [c for c in conditions if c.kind == AlertKind.PAUSE_LONG]
    assert bool(long) is raised
    if raised:
        assert long[0].priority is Priority.MEDIUM
        assert long[0].message == ("Infusion paused 15 min (since 08:42): resume or stop the "
                                   "infusion, tell the physician")


def test_the_pause_reminder_minutes_are_the_protocols():
    builder = _with_recheck(_paused_at(42), pause_reminder_minutes=30)
    at = {after: [c for c in alert_conditions(builder.build(), minutes(42 + after), {}, UTC)
                  if c.kind == AlertKind.PAUSE_LONG] for after in (29, 31)}
    assert at[29] == [] and "paused 30 min" in at[31][0].message


def test_a_second_pause_is_a_new_reminder_and_charting_answers_it():
    first = alert_conditions(_paused_at(20).build(), minutes(40), {}, UTC)
    builder = _paused_at(20)
    builder.changes += [PhaseChange(Action.RESUME_INFUSION, Phase.INFUSING, minutes(41)),
                        PhaseChange(Action.PAUSE_INFUSION, Phase.PAUSED, minutes(45))]
    assert not [c for c in alert_conditions(builder.build(), minutes(50), {}, UTC)
                if c.kind == AlertKind.PAUSE_LONG]
    second = alert_conditions(builder.build(), minutes(61), {}, UTC)
    keys = {c.key for c in (*first, *second) if c.kind == AlertKind.PAUSE_LONG}
    assert len(keys) == 2
    assert AlertKind.PAUSE_LONG in RESOLVED_BY_CHARTING


def test_esketamine_says_dosing_in_the_pause_reminder():
    builder = ChartBuilder(ESKETAMINE).phase(Phase.PAUSED, dose_at=10)
    builder.changes[-1] = PhaseChange(Action.PAUSE_INFUSION, Phase.PAUSED, minutes(11))
    conditions = alert_conditions(builder.build(), minutes(30), {}, UTC)
    assert [c.message for c in conditions if c.kind == AlertKind.PAUSE_LONG] == [
        "Dosing paused 15 min (since 08:11): resume or stop the dosing, tell the physician"]


def _recorded_with(old: str, new: str) -> ChartBuilder:
    builder = ChartBuilder()
    text = builder.protocol.source_text
    assert old in text
    protocol = parse_protocol(text.replace(old, new), as_recorded=True)
    builder.session = replace(builder.session, protocol=protocol)
    return builder


@pytest.mark.parametrize(("old", "new"), [
    ("infusing = 10", "infusing = 1e12"),
    ("infusing = 10", "infusing = 9000000000000000000"),
    ("observation = 15", "observation = 1e12"),
    ("minimum_minutes = 60", "minimum_minutes = 1e12"),
    ("overdue_grace_minutes = 5", "overdue_grace_minutes = 1e15"),
    ("before_discharge_minutes = 15", "before_discharge_minutes = 1e12"),
    ("after_out_of_line_minutes = 5", "after_out_of_line_minutes = 1e12"),
    ("after_antihypertensive_minutes = 10", "after_antihypertensive_minutes = 1e12"),
    ("pause_reminder_minutes = 15", "pause_reminder_minutes = 1e12"),
])
@pytest.mark.parametrize("phase", [Phase.INFUSING, Phase.PAUSED, Phase.OBSERVATION])
def test_an_old_charts_protocol_with_a_number_that_cannot_be_meant_never_overflows(
        old, new, phase):
    """The issue: `infusing = 1e12` raised OverflowError in the timers, and the window could
    not open after login. Read as recorded (an old chart), it means none due."""
    builder = _recorded_with(old, new).phase(phase).reading(55, 186, 112)
    chart = _given(builder.build(), 56)
    for now in (minutes(60), minutes(600)):
        timers = session_timers(chart, now)
        assert timers.phase is phase
        alert_conditions(chart, now, {}, UTC)


def test_an_interval_that_cannot_be_meant_shows_none_due():
    builder = _recorded_with("infusing = 10", "infusing = 1e12").phase(Phase.INFUSING)
    timers = session_timers(builder.build(), minutes(30))
    assert (timers.next_vitals_due, timers.vitals_due_in, timers.vitals_overdue) == (
        None, None, False)


def test_a_protocol_built_with_a_huge_interval_never_overflows():
    """Not only a parsed one: the timers' own guard."""
    builder = _infusing()
    every = {**builder.protocol.vitals_every_minutes, Phase.INFUSING: 1e12}
    protocol = replace(builder.protocol, vitals_every_minutes=every,
                       observation_minutes=1e12)
    builder.session = replace(builder.session, protocol=protocol)
    assert session_timers(builder.build(), minutes(30)).next_vitals_due is None


def test_a_flag_on_a_pressure_the_set_derives_names_the_bp(monkeypatch):
    """A low-BP line on the mean pressure (a field no measurement has) is a BP recheck."""
    low = Flag("bp_low", ("map",), Level.HIGH, "MAP 60 below 65 mmHg")
    monkeypatch.setattr(chart_module, "vitals_flags",
                        lambda vitals, phase, limits: (low,) if vitals.systolic == 84 else ())
    found = vitals_due(_infusing().reading(20, 84, 48).build())
    assert (found.at, found.reason) == (minutes(25), "recheck after BP 84/48")
