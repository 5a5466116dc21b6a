"""The modified Aldrete's items the chart gives (SpO2 with or without oxygen, BP against the
baseline, consciousness from the MOAA/S), each at its lines, and an Aldrete scored above
the chart refused naming the item and the charted value. Judged on the discharge gate's
ready chart (core/test_gates.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ketamonitor.core.aldrete import chart_items, check_aldrete
from ketamonitor.core.errors import ValidationError
from tests.core.builders import minutes
from tests.core.test_gates import ALDRETE_10, AT, Ready, _aldrete_spo2_2_beside_86


@pytest.mark.parametrize(("spo2", "oxygen", "score"), [
    (93, None, 2), (92, None, 1), (91, None, 1), (90, None, 0),
    (95, 2.0, 1), (91, 2.0, 1), (90, 2.0, 0), (86, None, 0),
])
def test_the_aldrete_spo2_item_from_the_chart(spo2: int, oxygen: float | None,
                                             score: int) -> None:
    builder = Ready().reading(112, 126, 80, spo2=spo2)
    chart = builder.build()
    if oxygen is not None:
        last = chart.vitals[-1]
        chart = replace(chart, vitals=(*chart.vitals[:-1], replace(
            last, original=replace(last.original, oxygen_l_per_min=oxygen))))
    assert chart_items(chart, minutes(AT))["oxygen_saturation"].score == score


@pytest.mark.parametrize(("systolic", "score"), [
    (148, 2), (149, 1), (186, 1), (187, 0), (100, 2), (99, 1), (62, 1), (61, 0),
])
def test_the_aldrete_circulation_item_from_bp_against_baseline(systolic: int,
                                                               score: int) -> None:
    # baseline 124/80 (diastolic kept at 80): 20 % = 24.8, 50 % = 62
    chart = Ready().reading(112, systolic, 80).build()
    assert chart_items(chart, minutes(AT))["circulation"].score == score


@pytest.mark.parametrize(("moaas", "score"), [(5, 2), (4, 1), (3, 1), (2, 0), (0, 0)])
def test_the_aldrete_consciousness_item_from_moaas(moaas: int, score: int) -> None:
    chart = Ready().score(112, "moaas", {"moaas": moaas}).build()
    assert chart_items(chart, minutes(AT))["consciousness"].score == score


def test_an_aldrete_contradicting_the_chart_is_refused_naming_the_item_and_value() -> None:
    chart = _aldrete_spo2_2_beside_86().build()
    with pytest.raises(ValidationError) as refused:
        check_aldrete(chart, "modified_aldrete", ALDRETE_10, minutes(AT))
    assert "SpO2 86 %" in refused.value.reasons["oxygen_saturation"]


def test_an_aldrete_scored_lower_than_the_chart_is_accepted() -> None:
    chart = Ready().usual().build()
    check_aldrete(chart, "modified_aldrete", {**ALDRETE_10, "consciousness": 1},
                  minutes(AT))


@pytest.mark.parametrize(("diastolic", "score"), [(96, 2), (97, 1), (120, 1), (121, 0),
                                                  (64, 2), (40, 1), (39, 0)])
def test_a_bp_change_of_exactly_20_or_50_percent_keeps_the_higher_score(diastolic: int,
                                                                        score: int) -> None:
    # baseline 124/80 (systolic kept at 124): 20 % of 80 = 16, 50 % = 40
    chart = Ready().reading(112, 124, diastolic).build()
    assert chart_items(chart, minutes(AT))["circulation"].score == score
