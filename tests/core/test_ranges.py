"""The bands a typed number is checked against: a value at either edge is inside, a value
just beyond is not, and each band says itself with its unit."""

from __future__ import annotations

import pytest

from ketamonitor.core.ranges import DEFAULT_RANGES, Range


@pytest.mark.parametrize(("value", "inside"), [
    (19.99, False), (20, True), (150, True), (300, True), (300.01, False),
])
def test_a_band_holds_its_edges_and_nothing_beyond(value, inside):
    assert (value in Range(20, 300, "mmHg")) is inside


def test_a_band_says_itself_with_its_unit():
    assert Range(0.5, 15, "L/min").describe() == "0.5–15 L/min"
    assert Range(1, 2, "").describe() == "1–2"


def test_what_a_patient_can_have_holds_the_usual_band():
    usual, possible = DEFAULT_RANGES, DEFAULT_RANGES.possible
    for name in ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate", "etco2"):
        band, outer = getattr(usual, name), getattr(possible, name)
        assert outer.low <= band.low and band.high <= outer.high, name
