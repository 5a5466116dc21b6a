"""The lines issue 16 adds to one reading: the critical tier, low BP, EtCO2, the oxygen
said with the SpO2; each at, just over and just under its line (protocol defaults)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.flags import Level, scale_flags, vitals_flags
from ketamonitor.core.phases import Phase
from ketamonitor.core.vitals import Vitals
from tests.core.builders import ChartBuilder

AT = datetime(2026, 11, 23, 9, tzinfo=UTC)


def flagged(library, phase=Phase.INFUSING, **measured):
    protocol = library.protocol("iv-racemic-ketamine")
    return {flag.code: flag for flag in vitals_flags(Vitals(AT, **measured), phase, protocol)}


@pytest.mark.parametrize(("measured", "expected"), [
    ({"spo2": 85}, {"spo2_low"}),                     # at the critical line: not critical
    ({"spo2": 84}, {"spo2_critical"}),
    ({"systolic": 199, "diastolic": 100}, {"bp_above_stop_line"}),
    ({"systolic": 200, "diastolic": 100}, {"bp_critical"}),   # SBP at or above 200
    ({"systolic": 170, "diastolic": 119}, {"bp_above_stop_line"}),
    ({"systolic": 170, "diastolic": 120}, {"bp_critical"}),   # DBP at or above 120
    ({"respiratory_rate": 7}, {"respiratory_rate_low"}),
    ({"respiratory_rate": 6}, {"respiratory_rate_critical"}),
    ({"respiratory_rate": 0}, {"respiratory_rate_critical"}),
    ({"heart_rate": 140}, {"heart_rate_high"}),
    ({"heart_rate": 141}, {"heart_rate_critical"}),
    ({"heart_rate": 40}, {"heart_rate_low"}),
    ({"heart_rate": 39}, {"heart_rate_critical"}),
])
def test_the_critical_line_and_the_line_before_it(library, measured, expected):
    flags = flagged(library, **measured)
    assert set(flags) == expected
    for flag in flags.values():
        assert flag.level is (Level.CRITICAL if flag.code.endswith("_critical") else Level.HIGH)


@pytest.mark.parametrize(("heart_rate", "replaced"), [(141, "heart_rate_high"),
                                                      (39, "heart_rate_low")])
def test_a_critical_flag_names_the_line_it_stands_for(library, heart_rate, replaced):
    (flag,) = flagged(library, heart_rate=heart_rate).values()
    assert flag.replaces == replaced


def test_critical_words_name_the_value_the_line_and_apnoea(library):
    assert flagged(library, spo2=78)["spo2_critical"].message.startswith(
        "SpO2 78 % below the critical line 85 %: ")
    assert flagged(library, respiratory_rate=0)["respiratory_rate_critical"].message.startswith(
        "Apnoea (respiratory rate 0) at or below the critical line 6/min")
    bp = flagged(library, systolic=228, diastolic=132)["bp_critical"]
    assert bp.message == ("BP 228/132 at or above the critical line: systolic 228 at or above "
                          "200, diastolic 132 at or above 120; stop the infusion and call the "
                          "physician now")
    assert bp.fields == ("systolic", "diastolic")


def test_the_spo2_says_the_oxygen_it_was_read_on(library):
    on_oxygen = flagged(library, spo2=90, oxygen_l_per_min=2.0)["spo2_low"]
    assert on_oxygen.message == "SpO2 90 % on 2 L/min O2 below 92 %"
    assert flagged(library, spo2=90)["spo2_low"].message == "SpO2 90 % below 92 %"
    assert flagged(library, spo2=80, oxygen_l_per_min=0.5)["spo2_critical"].message.startswith(
        "SpO2 80 % on 0.5 L/min O2 below the critical line 85 %")


@pytest.mark.parametrize(("score", "expected"), [(2, "deep_sedation"), (1, "sedation_critical"),
                                                 (0, "sedation_critical")])
def test_moaas_critical_at_or_below_one(library, score, expected):
    protocol = library.protocol("iv-racemic-ketamine")
    (flag,) = scale_flags(library.scale("moaas"), score, {"moaas": score}, protocol.thresholds,
                          protocol.critical)
    assert flag.code == expected


@pytest.mark.parametrize(("systolic", "diastolic", "low"), [
    (90, 60, False),      # SBP at its line; MAP 70
    (89, 60, True),       # SBP below 90
    (95, 50, False),      # MAP exactly 65
    (95, 49, True),       # MAP 64.3
    (72, 40, True),       # the reading: both
    (120, 80, False),
])
def test_low_bp_by_systolic_or_map(library, systolic, diastolic, low):
    flags = flagged(library, systolic=systolic, diastolic=diastolic)
    assert ("bp_low" in flags) is low


def test_low_bp_words_name_each_number_and_line(library):
    flag = flagged(library, systolic=72, diastolic=40)["bp_low"]
    assert flag.message == ("BP 72/40 low: systolic 72 below 90, MAP 50.7 below 65; lay the "
                            "patient flat, call the physician")
    assert flag.level is Level.HIGH


@pytest.mark.parametrize(("etco2", "expected"), [(51, {"etco2_high"}), (50, set()), (30, set()),
                                                 (29, {"etco2_low"}), (None, set())])
def test_etco2_lines(library, etco2, expected):
    assert set(flagged(library, etco2=etco2)) == expected


@pytest.mark.parametrize(("systolic", "fallen"), [(104, False), (103, True), (140, False)])
def test_a_fall_of_more_than_20_percent_below_the_baseline_bp(systolic, fallen):
    """Baseline 130/80 before the dose; 104 is exactly 20 % below it, 103 just more."""
    chart = (ChartBuilder().reading(5, 130, 80).phase(Phase.INFUSING, dose_at=10)
             .reading(20, systolic, 80).build())
    baseline, after = chart.flagged_vitals
    assert baseline.flags == ()
    codes = [flag.code for flag in after.flags]
    assert codes == (["bp_low"] if fallen else [])
    if fallen:
        assert after.flags[0].message.startswith(
            "BP 103/80 low: systolic 21 % below the baseline 130 (more than 20 %)")


def test_one_low_bp_flag_for_a_set_both_low_and_fallen():
    chart = (ChartBuilder().reading(5, 130, 80).phase(Phase.INFUSING, dose_at=10)
             .reading(20, 72, 40).build())
    assert [flag.code for flag in chart.flagged_vitals[-1].flags] == ["bp_low"]


def test_the_charts_flags_hold_the_new_lines(library):
    builder = (ChartBuilder().reading(5, 130, 80).phase(Phase.INFUSING, dose_at=10)
               .reading(20, 100, 70, spo2=80, etco2=55).score(21, "moaas", {"moaas": 1}))
    codes = {flag.code for flag in builder.build().flags(library.scales)}
    assert codes == {"bp_low", "spo2_critical", "etco2_high", "sedation_critical"}


def test_levels_compare_by_urgency_not_by_their_words():
    assert max([Level.HIGH, Level.CRITICAL, Level.CAUTION]) is Level.CRITICAL
    assert max([Level.CAUTION, Level.HIGH]) is Level.HIGH
    assert sorted(Level) == [Level.CAUTION, Level.HIGH, Level.CRITICAL]
