"""Vital signs keep their LOINC codes and gain the interpretation the chart's flags give a
reading: H or L over a protocol line, HH or LL past its critical line, none inside them."""

from __future__ import annotations

from ketamonitor.core.flags import Flag, Level
from ketamonitor.export.fhir.vitals import flag_interpretation
from tests.export.fhir.whole_chart import bundle_of, coded, interpretations
from tests.people import ADMIN, login_as

EVERY = frozenset({"systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate"})


def chart_sets(charting, clock, session_id, *sets: dict[str, str]) -> None:
    for typed in sets:
        clock.advance(minutes=5)
        charting.vitals(session_id, confirmed=EVERY, **typed)


def by_value(observations, value):
    (found,) = [o for o in observations if o.get("valueQuantity", {}).get("value") == value]
    return found


def test_each_flagged_reading_carries_its_interpretation(store, charting, clock, tmp_path):
    session_id = charting.started()
    chart_sets(charting, clock, session_id,
               {"systolic": "205", "diastolic": "100", "heart_rate": "30", "spo2": "80",
                "respiratory_rate": "28"},
               {"systolic": "85", "diastolic": "50", "heart_rate": "130", "spo2": "90",
                "respiratory_rate": "8"},
               {"systolic": "120", "diastolic": "80", "heart_rate": "70", "spo2": "97",
                "respiratory_rate": "15"})
    login_as(store, ADMIN)
    bundle = bundle_of(store, session_id, tmp_path)
    bps = {o["component"][0]["valueQuantity"]["value"]: o for o in coded(bundle, "85354-9")}
    critical = bps[205]
    assert interpretations(critical) == ["HH"]
    assert [interpretations(c) for c in critical["component"]] == [["HH"], []]
    assert interpretations(bps[85]) == ["L"]
    assert [interpretations(c) for c in bps[85]["component"]] == [["L"], ["L"]]
    assert interpretations(bps[120]) == [] and "interpretation" not in bps[120]
    heart, spo2, breaths = coded(bundle, "8867-4"), coded(bundle, "2708-6"), coded(
        bundle, "9279-1")
    assert [interpretations(by_value(heart, v)) for v in (30, 130, 70)] == [["LL"], ["H"], []]
    assert [interpretations(by_value(spo2, v)) for v in (80, 90, 97)] == [["LL"], ["L"], []]
    assert [interpretations(by_value(breaths, v)) for v in (28, 8, 15)] == [["H"], ["L"], []]
    system = critical["interpretation"][0]["coding"][0]["system"]
    assert system == "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"


def test_a_flag_without_a_direction_gives_no_interpretation():
    assert flag_interpretation(Flag("bp_critical", ("systolic",), Level.CRITICAL, "",
                                    replaces="bp_above_stop_line")) == "HH"
    assert flag_interpretation(Flag("predose_bp_high", ("systolic",), Level.CAUTION, "")) == "H"
    assert flag_interpretation(Flag("severe_side_effect", ("severity",), Level.HIGH, "")) \
        is None


def test_the_charting_nurse_is_the_performer(store, charting, tmp_path):
    session_id = charting.started()
    login_as(store, ADMIN)
    bundle = bundle_of(store, session_id, tmp_path)
    (bp,) = coded(bundle, "85354-9")
    (performer,) = bp["performer"]
    practitioner = next(e["resource"] for e in bundle["entry"]
                        if e["fullUrl"] == performer["reference"])
    assert practitioner["identifier"] == [{
        "system": "https://clinic.example/fhir/sid/staff-username", "value": "nurse.ana"}]
