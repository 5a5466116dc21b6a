"""The one table of measurements: every field of a vitals set is in it, once, with the
plausible range and unit core.ranges gives it, and one wording ("SpO2")."""

from __future__ import annotations

from dataclasses import fields

import pytest

from ketamonitor.core import measurements
from ketamonitor.core.ranges import DEFAULT_RANGES
from ketamonitor.core.vitals import LABELS, MEASUREMENTS, Vitals


def test_every_measurement_a_vitals_set_holds_is_in_the_table_in_order():
    numbers = [f.name for f in fields(Vitals) if f.name not in ("observed_at",
                                                                "oxygen_l_per_min")]
    assert sorted(measurements.TYPED) == sorted(numbers)
    assert MEASUREMENTS == measurements.TYPED
    assert measurements.TYPED == ("systolic", "diastolic", "heart_rate", "spo2",
                                  "respiratory_rate", "etco2")


@pytest.mark.parametrize("key", measurements.TYPED)
def test_a_typed_measurements_range_and_unit_are_core_ranges(key):
    shown = measurements.measurement(key)
    assert shown.plausible() == getattr(DEFAULT_RANGES, key)
    assert shown.possible() == getattr(DEFAULT_RANGES.possible, key)
    assert shown.plausible().unit == shown.unit
    assert LABELS[key] == shown.label


def test_a_worked_out_measurement_has_no_typed_range():
    assert measurements.MEAN_ARTERIAL.plausible() is None
    assert measurements.BLOOD_PRESSURE.possible() is None


def test_the_words_chosen_once():
    assert [(m.short, m.unit) for m in measurements.ALL] == [
        ("SBP", "mmHg"), ("DBP", "mmHg"), ("MAP", "mmHg"), ("HR", "/min"), ("SpO2", "%"),
        ("RR", "/min"), ("EtCO2", "mmHg")]
    assert measurements.HEART_RATE.value_words(88) == "HR 88/min"
    assert measurements.SPO2.value_words(97) == "SpO2 97 %"
    assert measurements.RESPIRATORY_RATE.label == "Respiratory rate"


def test_each_measurement_has_its_loinc_code():
    codes = {m.key: m.loinc for m in measurements.ALL}
    assert codes["heart_rate"] == "8867-4" and codes["spo2"] == "2708-6"
    assert len(set(codes.values())) == len(codes)
