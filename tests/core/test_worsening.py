"""Worsening is raised again: an acknowledged run raises a new alert when a later reading is
worse than the worst acknowledged by the protocol's step (at, just under the step)."""

from __future__ import annotations

import pytest

from ketamonitor.core.alerts import Priority
from ketamonitor.core.phases import Phase
from tests.core.alert_room import Watched, kinds
from tests.core.builders import ChartBuilder


def watched() -> Watched:
    return Watched(ChartBuilder().phase(Phase.INFUSING, dose_at=10))


# first reading (acknowledged), later reading, the kind raised by the later one (or None)
STEPS = [
    ({"systolic": 186, "diastolic": 104}, {"systolic": 195, "diastolic": 104}, None),
    ({"systolic": 186, "diastolic": 104}, {"systolic": 196, "diastolic": 104},
     "bp_above_stop_line"),                                      # SBP 10 beyond
    ({"systolic": 186, "diastolic": 104}, {"systolic": 180, "diastolic": 113}, None),
    ({"systolic": 186, "diastolic": 104}, {"systolic": 180, "diastolic": 114},
     "bp_above_stop_line"),                                      # DBP 10 beyond
    ({"spo2": 91}, {"spo2": 89}, None),
    ({"spo2": 91}, {"spo2": 88}, "spo2_low"),                    # 3 points below
    ({"heart_rate": 125}, {"heart_rate": 134}, None),
    ({"heart_rate": 125}, {"heart_rate": 135}, "heart_rate_high"),
    ({"heart_rate": 39}, {"heart_rate": 30}, None),              # within the critical run
    ({"heart_rate": 39}, {"heart_rate": 29}, "heart_rate_critical"),
    ({"respiratory_rate": 9}, {"respiratory_rate": 8}, None),
    ({"respiratory_rate": 9}, {"respiratory_rate": 7}, "respiratory_rate_low"),
    ({"respiratory_rate": 26}, {"respiratory_rate": 27}, None),
    ({"respiratory_rate": 26}, {"respiratory_rate": 28}, "respiratory_rate_high"),
    ({"systolic": 85, "diastolic": 60}, {"systolic": 76, "diastolic": 60}, None),
    ({"systolic": 85, "diastolic": 60}, {"systolic": 75, "diastolic": 60}, "bp_low"),
    ({"spo2": 84}, {"spo2": 82}, None),
    ({"spo2": 84}, {"spo2": 81}, "spo2_critical"),
]


@pytest.mark.parametrize(("first", "later", "raised"), STEPS)
def test_an_acknowledged_run_is_raised_again_past_its_step(first, later, raised):
    room = watched()
    assert len(kinds(room.reading(20, **first))) == 1
    room.acknowledge_all(21)
    new = room.reading(25, **later)
    assert kinds(new) == ([raised] if raised else [])
    if raised:
        assert new[0].key.startswith(f"{raised}:vitals:") and ":worse:" in new[0].key


@pytest.mark.parametrize(("later", "raised"), [(2, []), (1, ["sedation_critical"]),
                                               (0, ["sedation_critical"])])
def test_a_moaas_drop_after_an_acknowledgement(later, raised):
    room = watched()
    assert kinds(room.score(20, 2)) == ["deep_sedation"]
    room.acknowledge_all(21)
    assert kinds(room.score(25, later)) == raised


def test_a_moaas_drop_within_the_critical_run():
    room = watched()
    room.score(20, 1)
    room.acknowledge_all(21)
    (worse,) = room.score(25, 0)
    assert worse.key.endswith(":worse:" + worse.key.rsplit(":", 1)[1])
    assert worse.message == ("Worse since acknowledged: MOAA/S 0 (was 1 when "
                             "acknowledged): stimulate, open the airway, call the physician")


def test_the_words_say_what_it_was_when_acknowledged():
    room = watched()
    room.reading(20, 186, 104)
    room.acknowledge_all(21)
    (worse,) = room.reading(25, 197, 104)
    assert worse.message == ("Worse since acknowledged: BP 197/104 (was 186/104 when "
                             "acknowledged): call the physician")
    assert worse.priority is Priority.HIGH


def test_the_issue_bp_acknowledged_then_228_132_raises_a_critical_alert():
    room = watched()
    (high,) = room.reading(20, 186, 104)
    room.acknowledge_all(21)
    (critical,) = room.reading(25, 228, 132)
    assert critical.kind == "bp_critical" and critical.priority is Priority.CRITICAL
    assert critical.key != high.key and critical.message.startswith("BP 228/132 at or above")


def test_the_issue_spo2_91_acknowledged_then_78_raises_a_critical_alert():
    room = watched()
    room.reading(20, spo2=91)
    room.acknowledge_all(21)
    (critical,) = room.reading(25, spo2=78)
    assert critical.kind == "spo2_critical"
    assert critical.message.startswith("SpO2 78 % below the critical line 85 %")


def test_nothing_is_raised_again_before_an_acknowledgement():
    room = watched()
    room.reading(20, 186, 104)
    assert kinds(room.reading(25, 199, 118)) == []  # much worse, but nobody has seen it yet


def test_one_waiting_alert_per_run_then_the_reference_moves():
    room = watched()
    room.reading(20, respiratory_rate=26)
    room.acknowledge_all(21)
    assert kinds(room.reading(25, respiratory_rate=28)) == ["respiratory_rate_high"]
    assert kinds(room.reading(30, respiratory_rate=34)) == []   # the worse one still waits
    room.acknowledge_all(31)                                    # seen: now 34 is the worst
    assert kinds(room.reading(35, respiratory_rate=35)) == []
    assert kinds(room.reading(40, respiratory_rate=36)) == ["respiratory_rate_high"]


def test_a_critical_reading_is_its_own_alert_never_merged_into_a_waiting_one():
    room = watched()
    (high,) = room.reading(20, 186, 104)
    (critical,) = room.reading(25, 205, 112)        # the high alert still waits
    assert critical.kind == "bp_critical"
    assert critical.key == f"bp_critical:vitals:{room.builder.vitals[-1].id}"
    assert room.active() == {high.key, critical.key}
    assert kinds(room.reading(30, 210, 115)) == []  # the critical stretch goes on: one alert


def test_a_run_that_begins_critical_has_one_alert_for_its_reading():
    room = watched()
    assert kinds(room.reading(20, 228, 132)) == ["bp_critical"]
    assert kinds(room.reading(25, 190, 110)) == []  # still over the stop line: the same run


def test_all_alerts_of_a_run_clear_together_when_it_ends():
    room = watched()
    room.reading(20, 186, 104)
    room.acknowledge_all(21)
    room.reading(25, 197, 104)      # worse
    room.reading(30, 205, 110)      # critical
    assert len(room.active()) == 3
    room.reading(35, 190, 104)      # still over the stop line
    assert len(room.active()) == 3
    room.reading(40, 150, 90)       # back inside
    assert room.active() == set()


def test_a_reading_entered_late_after_the_acknowledgement_is_judged_in_time_order():
    room = watched()
    room.reading(20, 186, 104)
    room.acknowledge_all(21)
    room.reading(30, 188, 104)
    assert kinds(room.reading(25, 197, 104, entered=32)) == ["bp_above_stop_line"]
