"""Every alert rule against a table of cases, thresholds included, and the escalation steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from ketamonitor.core.alerts import (
    AlertCondition,
    AlertKind,
    AlertRecord,
    Priority,
    alert_conditions,
    attention_order,
    flags_not_alerted,
    reconcile,
)
from ketamonitor.core.flags import Flag, Level
from ketamonitor.core.library import shipped_library
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.timeline import PhaseChange
from tests.core.builders import ChartBuilder, minutes

SCALES = shipped_library().scales


def kinds_at(builder: ChartBuilder, at: float) -> set[str]:
    conditions = alert_conditions(builder.build(), minutes(at), SCALES, UTC)
    return {c.kind for c in conditions if c.ongoing and c.kind not in (AlertKind.CHECK_DUE,
                                                                       AlertKind.CHECK_OVERDUE)}


# phase, reading (systolic, diastolic, extra measurements), expected alerts
READINGS = [
    (Phase.INFUSING, (181, 80, {}), {"bp_above_stop_line"}),
    (Phase.INFUSING, (180, 110, {}), set()),                 # exactly at the stop line
    (Phase.INFUSING, (170, 111, {}), {"bp_above_stop_line"}),
    (Phase.OBSERVATION, (186, 100, {}), {"bp_above_stop_line"}),
    (Phase.PRE_INFUSION, (141, 80, {}), {"predose_bp_high"}),
    (Phase.PRE_INFUSION, (140, 90, {}), set()),              # exactly at the pre-dose limit
    (Phase.PRE_INFUSION, (120, 91, {}), {"predose_bp_high"}),
    (Phase.PRE_INFUSION, (185, 100, {}), {"bp_above_stop_line"}),
    (Phase.INFUSING, (146, 92, {}), set()),                  # pre-dose limit: before only
    (Phase.INFUSING, (None, None, {"spo2": 91}), {"spo2_low"}),
    (Phase.INFUSING, (None, None, {"spo2": 92}), set()),
    (Phase.INFUSING, (None, None, {"heart_rate": 121}), {"heart_rate_high"}),
    (Phase.INFUSING, (None, None, {"heart_rate": 120}), set()),
    (Phase.INFUSING, (None, None, {"heart_rate": 49}), {"heart_rate_low"}),
    (Phase.INFUSING, (None, None, {"heart_rate": 50}), set()),
    (Phase.PAUSED, (None, None, {"respiratory_rate": 9}), {"respiratory_rate_low"}),
    (Phase.PAUSED, (None, None, {"respiratory_rate": 10}), set()),
    (Phase.OBSERVATION, (None, None, {"respiratory_rate": 26}), {"respiratory_rate_high"}),
    (Phase.OBSERVATION, (None, None, {"respiratory_rate": 25}), set()),
    # issue 16: the critical tier (instead of the line's own alert for the same reading)
    (Phase.INFUSING, (199, 119, {}), {"bp_above_stop_line"}),
    (Phase.INFUSING, (200, 100, {}), {"bp_critical"}),
    (Phase.OBSERVATION, (170, 120, {}), {"bp_critical"}),
    (Phase.PRE_INFUSION, (205, 100, {}), {"bp_critical"}),
    (Phase.INFUSING, (None, None, {"spo2": 85}), {"spo2_low"}),
    (Phase.INFUSING, (None, None, {"spo2": 84}), {"spo2_critical"}),
    (Phase.PAUSED, (None, None, {"respiratory_rate": 7}), {"respiratory_rate_low"}),
    (Phase.PAUSED, (None, None, {"respiratory_rate": 6}), {"respiratory_rate_critical"}),
    (Phase.INFUSING, (None, None, {"respiratory_rate": 0}), {"respiratory_rate_critical"}),
    (Phase.INFUSING, (None, None, {"heart_rate": 140}), {"heart_rate_high"}),
    (Phase.INFUSING, (None, None, {"heart_rate": 141}), {"heart_rate_critical"}),
    (Phase.INFUSING, (None, None, {"heart_rate": 40}), {"heart_rate_low"}),
    (Phase.INFUSING, (None, None, {"heart_rate": 39}), {"heart_rate_critical"}),
    # low BP: SBP below 90 or MAP below 65
    (Phase.INFUSING, (90, 60, {}), set()),
    (Phase.INFUSING, (89, 60, {}), {"bp_low"}),
    (Phase.OBSERVATION, (95, 50, {}), set()),
    (Phase.OBSERVATION, (95, 49, {}), {"bp_low"}),
    (Phase.INFUSING, (72, 40, {}), {"bp_low"}),
    # EtCO2, for clinics with capnography
    (Phase.INFUSING, (None, None, {"etco2": 50}), set()),
    (Phase.INFUSING, (None, None, {"etco2": 51}), {"etco2_high"}),
    (Phase.INFUSING, (None, None, {"etco2": 30}), set()),
    (Phase.INFUSING, (None, None, {"etco2": 29}), {"etco2_low"}),
]


@pytest.mark.parametrize(("phase", "reading", "expected"), READINGS)
def test_each_line_raises_its_alert_and_the_line_itself_does_not(phase, reading, expected):
    systolic, diastolic, others = reading
    at = {Phase.PRE_INFUSION: 5, Phase.INFUSING: 20, Phase.PAUSED: 20,
          Phase.OBSERVATION: 55}[phase]
    builder = ChartBuilder().phase(phase).reading(at, systolic, diastolic, **others)
    assert kinds_at(builder, at) == expected


@pytest.mark.parametrize(("score", "expected"), [
    (0, {"sedation_critical"}), (1, {"sedation_critical"}),  # the critical line: at or below 1
    (2, {"deep_sedation"}), (3, set()), (5, set())])
def test_moaas_at_or_under_its_flag(score, expected):
    builder = ChartBuilder().phase(Phase.INFUSING).score(20, "moaas", {"moaas": score})
    assert kinds_at(builder, 20) == expected


@pytest.mark.parametrize(("severity", "expected"), [("severe", {"severe_side_effect"}),
                                                    ("moderate", set()), ("mild", set())])
def test_a_side_effect_entered_as_severe(severity, expected):
    builder = ChartBuilder().phase(Phase.INFUSING).side_effect(20, "Nausea", severity)
    assert kinds_at(builder, 20) == expected


@pytest.mark.parametrize(("q9", "expected"), [(0, set()), (1, {"phq9_q9"}), (3, {"phq9_q9"})])
def test_phq9_item_9(q9, expected):
    scores = {f"q{n}": 1 for n in range(1, 9)} | {"q9": q9}
    builder = ChartBuilder().phase(Phase.PRE_INFUSION).score(5, "phq9", scores)
    assert kinds_at(builder, 5) == expected


@pytest.mark.parametrize(("protocol_id", "at", "expected"), [
    ("iv-racemic-ketamine", 49.99, set()),                        # 39:59 infused
    ("iv-racemic-ketamine", 50, {"infusion_time_reached"}),       # 40:00 infused
    ("intranasal-esketamine", 30, set()),                         # devices: no pump
])
def test_infusion_time_reached_means_turn_the_pump_off(protocol_id, at, expected):
    builder = ChartBuilder(protocol_id).phase(Phase.INFUSING, dose_at=10)
    assert kinds_at(builder, at) == expected


def test_a_pause_does_not_count_towards_the_infusion_time():
    builder = ChartBuilder().phase(Phase.PAUSED, dose_at=10, end_at=30)
    # paused, only 20 min infused (and paused 30 min: the long-pause reminder)
    assert kinds_at(builder, 60) == {"pause_long"}


@pytest.mark.parametrize(("at", "expected"), [(109.9, set()), (110, {"observation_complete"})])
def test_observation_complete_after_its_minimum(at, expected):
    builder = ChartBuilder().phase(Phase.OBSERVATION, dose_at=10, end_at=50)  # 60 min from end
    assert kinds_at(builder, at) == expected


def check_alerts(builder: ChartBuilder, at: float) -> list[tuple[str, str]]:
    return [(c.kind, c.priority.value)
            for c in alert_conditions(builder.build(), minutes(at), SCALES, UTC)
            if c.kind in (AlertKind.CHECK_DUE, AlertKind.CHECK_OVERDUE)]


@pytest.mark.parametrize(("at", "expected"), [
    (19.9, []),                                   # due at 20 (10 min after the dose)
    (20, [("check_due", "low")]),
    (24.9, [("check_due", "low")]),
    (25, [("check_overdue", "medium")]),          # due + 5 min grace
    (29.9, [("check_overdue", "medium")]),
    (30, [("check_overdue", "high")]),            # due + 10 min
    (90, [("check_overdue", "high")]),
])
def test_a_check_escalates_the_longer_it_is_overdue(at, expected):
    builder = ChartBuilder().reading(5, 120, 80).phase(Phase.INFUSING, dose_at=10)
    assert check_alerts(builder, at) == expected


def test_each_escalation_step_is_its_own_alert_and_a_reading_ends_them():
    builder = ChartBuilder().reading(5, 120, 80).phase(Phase.INFUSING, dose_at=10)
    keys = {at: alert_conditions(builder.build(), minutes(at), SCALES, UTC)[0].key
            for at in (20, 25, 30)}
    assert len(set(keys.values())) == 3
    builder.reading(31, 130, 84)
    assert check_alerts(builder, 32) == []


def test_a_reading_back_within_the_line_clears_the_run_and_an_hr_only_set_does_not():
    builder = ChartBuilder().phase(Phase.INFUSING).reading(20, 186, 104)
    builder.reading(22, None, None, heart_rate=80)
    assert kinds_at(builder, 22) == {"bp_above_stop_line"}
    builder.reading(25, 176, 100)
    assert kinds_at(builder, 25) == set()


def test_consecutive_high_readings_are_one_alert():
    builder = ChartBuilder().phase(Phase.INFUSING).reading(20, 186, 104).reading(25, 192, 108)
    conditions = [c for c in alert_conditions(builder.build(), minutes(25), SCALES, UTC)
                  if c.kind == AlertKind.BP_ABOVE_STOP_LINE]
    assert len(conditions) == 1
    assert "186/104" in conditions[0].message


@pytest.mark.parametrize(("systolic", "expected"), [(104, set()), (103, {"bp_low"})])
def test_a_fall_of_more_than_20_percent_below_the_baseline_is_low_bp(systolic, expected):
    builder = (ChartBuilder().reading(5, 130, 80).phase(Phase.INFUSING, dose_at=10)
               .reading(20, systolic, 80))
    assert kinds_at(builder, 20) == expected


def test_a_run_of_etco2_ends_with_a_set_that_measured_it_within_its_lines():
    builder = ChartBuilder().phase(Phase.INFUSING).reading(20, etco2=55)
    builder.reading(22, 120, 80)                      # no EtCO2 measured: the run goes on
    assert kinds_at(builder, 22) == {"etco2_high"}
    builder.reading(25, etco2=40)
    assert kinds_at(builder, 25) == set()


def test_a_finished_session_raises_nothing():
    builder = ChartBuilder().reading(5, 200, 120)
    builder.changes.append(PhaseChange(Action.END_SESSION_EARLY, Phase.STOPPED_EARLY,
                                       minutes(6), "BP"))
    assert alert_conditions(builder.build(), minutes(60), SCALES, UTC) == ()


NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def record(key: str, kind: AlertKind = AlertKind.BP_ABOVE_STOP_LINE, **state) -> AlertRecord:
    return AlertRecord(id=hash(key) % 1000, session_id=1, key=key, kind=kind,
                       priority=Priority.HIGH, message=key, raised_at=NOW, **state)


def condition(key: str) -> AlertCondition:
    return AlertCondition(key, AlertKind.BP_ABOVE_STOP_LINE, Priority.HIGH, key)


def test_reconcile_raises_new_conditions_once_and_clears_what_is_gone():
    result = reconcile([record("a"), record("b")], [condition("b"), condition("c")])
    assert [c.key for c in result.to_raise] == ["c"]
    assert [r.key for r in result.to_clear] == ["a"]


def test_a_key_once_raised_is_never_raised_again_even_after_clearing():
    cleared = record("a", cleared_at=NOW)
    assert not reconcile([cleared], [condition("a")])


def test_what_needs_attention():
    assert record("a").needs_attention
    assert record("a", cleared_at=NOW).needs_attention  # cleared by itself, not yet seen
    assert not record("a", acknowledged_at=NOW, acknowledged_by="ana").needs_attention
    assert not record("c", AlertKind.CHECK_DUE, cleared_at=NOW).needs_attention  # BP taken
    assert record("c", AlertKind.CHECK_DUE).needs_attention


def test_attention_order_puts_the_most_urgent_first():
    low = AlertRecord(1, 1, "l", AlertKind.CHECK_DUE, Priority.LOW, "l", NOW)
    high = AlertRecord(2, 1, "h", AlertKind.SPO2_LOW, Priority.HIGH, "h", NOW)
    assert [r.key for r in attention_order([low, high])] == ["h", "l"]


def test_a_flag_an_alert_speaks_for_is_not_said_again():
    """The page says a flag once: as its alert while the alert waits, and not at all once
    acknowledged; a flag no alert speaks for is said, once."""
    over = Flag("bp_above_stop_line", ("systolic",), Level.HIGH, "BP 186/112 above the line")
    low = Flag("spo2_low", ("spo2",), Level.HIGH, "SpO2 89 % below 92 %")
    alert = AlertRecord(1, 1, "bp_above_stop_line:vitals:1", AlertKind.BP_ABOVE_STOP_LINE,
                        Priority.HIGH, over.message, datetime(2026, 11, 23, 8, tzinfo=UTC))
    assert flags_not_alerted([over, low, low], [alert]) == [low]
    acknowledged = replace(alert, acknowledged_at=datetime(2026, 11, 23, 8, 5, tzinfo=UTC))
    assert flags_not_alerted([over], [acknowledged]) == []
