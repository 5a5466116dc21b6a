"""The dose as given: intranasal devices charted one by one (the next number, never more
than the dose, never after dosing, never before the previous one, spaced as the protocol
says), IV and IM doses by the lot of their vial or bag, and a lot number as printed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from ketamonitor.core.administration import (
    DEVICE,
    INFUSION,
    INJECTION,
    clean_lot,
    device_spacing,
    next_device,
    next_drug_lot,
)
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.phases import Phase
from ketamonitor.core.records import Administration
from tests.core.builders import ChartBuilder, minutes

ESKETAMINE = "intranasal-esketamine"


def _given(chart, *at: float):
    devices = tuple(Administration(n, 1, DEVICE, n, 28, f"L{n}", minutes(t), minutes(t), "ana")
                    for n, t in enumerate(at, start=1))
    return replace(chart, administrations=devices)


def _refusal(call, *args) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        call(*args)
    return refused.value.reasons


@pytest.mark.parametrize(("typed", "kept"), [
    (" AB  12/3 ", "AB 12/3"), ("x" * 40, "x" * 40), ("9-A.b", "9-A.b"),
])
def test_a_lot_number_is_kept_as_printed_spaces_tidied(typed, kept):
    assert clean_lot(typed, "the device") == kept


@pytest.mark.parametrize(("typed", "words"), [
    ("  ", "type the lot number printed on the device"),
    ("x" * 41, "up to 40"), ("-AB", "up to 40"), ("AB#1", "up to 40"),
])
def test_a_lot_number_that_cannot_be_one_is_refused(typed, words):
    assert words in _refusal(clean_lot, typed, "the device")["lot"]


def test_devices_are_numbered_in_turn_up_to_the_dose():
    chart = ChartBuilder(ESKETAMINE, devices=2).build()
    first = next_device(chart, "L1", minutes(12))
    assert (first.number, first.of, first.is_first, first.is_last) == (1, 2, True, False)
    assert first.amount_mg == chart.protocol.dosing.mg_per_device
    second = next_device(_given(chart, 12), "L2", minutes(17))
    assert (second.number, second.is_last) == (2, True)
    assert "all 2 devices" in _refusal(next_device, _given(chart, 12, 17), "L3", minutes(22))["lot"]


def test_a_device_is_refused_before_the_previous_one_after_dosing_or_for_another_dose():
    chart = ChartBuilder(ESKETAMINE, devices=2).build()
    assert _refusal(next_device, _given(chart, 12), "L2", minutes(11)) == {
        "time": "is before the previous device"}
    assert next_device(_given(chart, 12), "L2", minutes(12)).number == 2  # at the same minute
    over = ChartBuilder(ESKETAMINE, devices=2).phase(Phase.OBSERVATION).build()
    assert "dosing is over" in _refusal(next_device, over, "L1", minutes(60))["lot"]
    iv = ChartBuilder().build()
    assert "not given in devices" in _refusal(next_device, iv, "L1", minutes(12))["lot"]


def test_the_next_device_is_offered_from_the_protocols_spacing():
    chart = ChartBuilder(ESKETAMINE, devices=2).build()
    spacing = timedelta(minutes=chart.protocol.dosing.minutes_between_devices or 0)
    first = device_spacing(chart)
    assert (first.number, first.of, first.from_at) == (1, 2, None)
    second = device_spacing(_given(chart, 12))
    assert (second.number, second.from_at) == (2, minutes(12) + spacing)
    assert device_spacing(_given(chart, 12, 17)) is None
    assert device_spacing(ChartBuilder(ESKETAMINE).phase(Phase.OBSERVATION).build()) is None
    assert device_spacing(ChartBuilder().build()) is None


@pytest.mark.parametrize(("protocol", "item", "on"), [
    ("iv-racemic-ketamine", INFUSION, "the vial or bag"),
    ("im-racemic-ketamine", INJECTION, "the vial"),
])
def test_an_iv_or_im_dose_is_charted_by_the_lot_of_its_container(protocol, item, on):
    chart = ChartBuilder(protocol).build()
    lot = next_drug_lot(chart, " K 77 ", minutes(10))
    assert (lot.item, lot.number, lot.lot, lot.amount_mg) == (
        item, 1, "K 77", chart.session.dose.total_mg)
    assert _refusal(next_drug_lot, chart, "", minutes(10)) == {
        "lot": f"type the lot number printed on {on}"}


def test_an_intranasal_dose_is_not_charted_by_a_vials_lot():
    chart = ChartBuilder(ESKETAMINE).build()
    assert "chart each device" in _refusal(next_drug_lot, chart, "K1", minutes(10))["lot"]


def test_a_replaced_vial_is_the_second_lot():
    chart = ChartBuilder().build()
    first = Administration(1, 1, INFUSION, 1, 35, "K1", minutes(10), minutes(10), "ana")
    assert next_drug_lot(replace(chart, administrations=(first,)), "K2", minutes(20)).number == 2
