"""The lot of each vial or bag of an IV or IM dose: charted with its audit row, numbered,
checked like a device's lot, refused where the dose is given in devices and on a signed
chart."""

from __future__ import annotations

import pytest

from ketamonitor.core.administration import drug_lots
from ketamonitor.core.errors import ChartSigned, ValidationError
from ketamonitor.store.verify import verify_database
from tests.people import PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import finished


def test_each_vial_or_bag_is_charted_with_its_lot(charting, store, clock, db_path):
    session_id = charting.started()
    first = store.record_drug_lot(session_id, "  KET 24-0317 ")
    clock.advance(minutes=12)
    second = store.record_drug_lot(session_id, "KET-24/0318")  # the first bag replaced
    assert (first.item, first.number, first.lot, first.amount_mg) == (
        "infusion", 1, "KET 24-0317", 36)  # 0.5 mg/kg x 72 kg, the whole dose
    assert (second.number, second.given_at) == (2, clock.now())
    chart = store.chart(session_id)
    assert [(a.number, a.lot, a.entered_by) for a in drug_lots(chart)] == [
        (1, "KET 24-0317", "nurse.ana"), (2, "KET-24/0318", "nurse.ana")]
    assert [r["action"] for r in audit_of(store, "administrations")] == [
        "administrations.create"] * 2
    assert verify_database(db_path) == []


def test_an_im_dose_is_charted_as_an_injection(charting, store):
    session_id = charting.session("im-racemic-ketamine")
    assert store.record_drug_lot(session_id, "IM-77").item == "injection"


@pytest.mark.parametrize(("lot", "reason"), [
    ("   ", "type the lot number printed on the vial or bag"),
    ("KET;DROP TABLE", "letters, digits"),
    ("K" * 41, "up to 40"),
])
def test_a_lot_that_cannot_be_one_is_refused_and_nothing_written(charting, store, lot,
                                                                   reason):
    session_id = charting.started()
    with pytest.raises(ValidationError, match=reason):
        store.record_drug_lot(session_id, lot)
    assert drug_lots(store.chart(session_id)) == ()


def test_devices_are_charted_as_devices_and_a_signed_chart_takes_no_lot(charting, store,
                                                                         clock):
    esketamine = charting.session("intranasal-esketamine")
    with pytest.raises(ValidationError, match="given in devices"):
        store.record_drug_lot(esketamine, "LOT-1")
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    with pytest.raises(ChartSigned):
        store.record_drug_lot(session_id, "LOT-LATE")
