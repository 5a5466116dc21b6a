from datetime import UTC, datetime

from ketamonitor.core.flags import Level, scale_flags, side_effect_flags, vitals_flags
from ketamonitor.core.phases import Phase
from ketamonitor.core.vitals import Vitals

AT = datetime(2026, 11, 23, 9, tzinfo=UTC)


def codes(vitals, phase, library):
    protocol = library.protocol("iv-racemic-ketamine")
    return [flag.code for flag in vitals_flags(vitals, phase, protocol)]


def test_bp_over_the_stop_line_during_infusion_is_flagged_high(library):
    limits = library.protocol("iv-racemic-ketamine")
    flags = vitals_flags(Vitals(AT, 186, 104), Phase.INFUSING, limits)
    assert [f.code for f in flags] == ["bp_above_stop_line"]
    assert flags[0].level is Level.HIGH
    assert "hold the infusion" in flags[0].message


def test_diastolic_alone_can_cross_the_stop_line(library):
    assert codes(Vitals(AT, 170, 112), Phase.OBSERVATION, library) == ["bp_above_stop_line"]


def test_predose_bp_over_140_90_is_a_caution_only_before_dosing(library):
    assert codes(Vitals(AT, 146, 88), Phase.PRE_INFUSION, library) == ["predose_bp_high"]
    assert codes(Vitals(AT, 146, 88), Phase.INFUSING, library) == []


def test_the_line_itself_is_not_crossed(library):
    assert codes(Vitals(AT, 180, 110, 120, 92, 10), Phase.INFUSING, library) == []


def test_each_vital_has_its_own_line(library):
    flagged = codes(Vitals(AT, None, None, 130, 89, 8), Phase.OBSERVATION, library)
    assert flagged == ["heart_rate_high", "spo2_low", "respiratory_rate_low"]
    assert codes(Vitals(AT, heart_rate=45, respiratory_rate=30), Phase.INFUSING, library) == [
        "heart_rate_low", "respiratory_rate_high"]


def test_deep_sedation_and_phq9_item_9_are_flagged(library):
    limits = library.protocol("iv-racemic-ketamine").thresholds
    assert [f.code for f in scale_flags(library.scale("moaas"), 2, {"moaas": 2}, limits)] == [
        "deep_sedation"]
    assert scale_flags(library.scale("moaas"), 3, {"moaas": 3}, limits) == ()
    phq9 = library.scale("phq9")
    scores = {item.key: 0 for item in phq9.items} | {"q9": 1}
    assert [f.code for f in scale_flags(phq9, 1, scores, limits)] == ["phq9_q9"]


def test_only_a_severe_side_effect_is_flagged():
    assert side_effect_flags("Nausea", "moderate") == ()
    assert side_effect_flags("Nausea", "severe")[0].level is Level.HIGH


def test_a_bp_flag_names_the_number_that_crossed_and_marks_only_its_field(library):
    limits = library.protocol("iv-racemic-ketamine")
    (predose,) = vitals_flags(Vitals(AT, 138, 91), Phase.PRE_INFUSION, limits)
    assert predose.message.startswith("Pre-dose BP 138/91: diastolic 91 above 90;")
    assert "138 above" not in predose.message
    assert predose.fields == ("diastolic",)
    (stop,) = vitals_flags(Vitals(AT, 186, 112), Phase.INFUSING, limits)
    assert stop.message == ("BP 186/112 above the stop line: systolic 186 above 180, "
                            "diastolic 112 above 110; hold the infusion and call the physician")
    assert stop.fields == ("systolic", "diastolic")
    (systolic_only,) = vitals_flags(Vitals(AT, 186, 96), Phase.OBSERVATION, limits)
    assert systolic_only.fields == ("systolic",)
    assert systolic_only.message == ("BP 186/96 above the stop line: systolic 186 above 180; "
                                     "call the physician")
