"""A medicine given is charted with its audit row, re-checked by the store whatever the
caller checked, refused on a finished or signed chart and by a role that may not chart,
read back in the order given, struck through the amendments, and verify stays green."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest

from ketamonitor.core.corrections import entered_in_error
from ketamonitor.core.errors import ChartSigned, ValidationError
from ketamonitor.core.medications import MedicationEntry
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action
from ketamonitor.core.signature import matches
from ketamonitor.store.medications import MEDICATIONS
from ketamonitor.store.verify import verify_database
from tests.charting import EARLY_END
from tests.people import ADMIN, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import finished, raise_alert, row_counts, running, tamper


def ondansetron(clock, **changes) -> MedicationEntry:
    entry = MedicationEntry(drug="ondansetron", dose=4, unit="mg", route="IV",
                            given_at=clock.now(), ordered_by="Dr Ada Obi",
                            given_by="Ana Ruiz")
    return replace(entry, **changes)


def test_a_medicine_given_is_charted_with_its_audit_row_and_read_back_in_order(
        charting, store, clock, db_path):
    session_id, _ = running(charting)
    clock.advance(minutes=10)
    alert_id = raise_alert(store, session_id)
    later = store.record_medication(session_id, MedicationEntry(
        drug="labetalol", dose=10, unit="mg", route="IV", given_at=clock.now(),
        ordered_by="Dr Ada Obi", given_by="Ana Ruiz", alert_id=alert_id))
    earlier = store.record_medication(session_id, ondansetron(
        clock, given_at=clock.now() - timedelta(minutes=5)))
    given = store.chart(session_id).medications
    assert [m.id for m in given] == [earlier, later]  # in the order given, not charted
    labetalol = given[1]
    assert (labetalol.drug, labetalol.label, labetalol.drug_class, labetalol.dose,
            labetalol.unit, labetalol.route, labetalol.ordered_by, labetalol.given_by,
            labetalol.alert_id, labetalol.entered_by, labetalol.entered_at) == (
        "labetalol", "Labetalol", "antihypertensive", 10.0, "mg", "IV", "Dr Ada Obi",
        "Ana Ruiz", alert_id, "nurse.ana", clock.now())
    (audit,) = [row for row in audit_of(store, MEDICATIONS) if row["entity_id"] == later]
    assert audit["action"] == "medications.create" and '"drug":"labetalol"' in audit[
        "new_value"]
    store.close()
    assert verify_database(db_path) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"dose": 4000}, "dose"), ({"dose": 0}, "dose"), ({"dose": float("inf")}, "dose"),
    ({"drug": "aspirin"}, "drug"), ({"unit": "mL"}, "unit"), ({"route": "IN"}, "route"),
    ({"ordered_by": " "}, "ordered_by"), ({"given_by": ""}, "given_by")])
def test_the_store_refuses_what_the_dialog_would_and_writes_nothing(
        charting, store, clock, db_path, changes, field):
    session_id, _ = running(charting)
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.record_medication(session_id, ondansetron(clock, **changes))
    assert field in refused.value.reasons
    assert row_counts(db_path) == before


def test_a_time_outside_the_session_or_an_alert_of_another_session_is_refused(
        charting, store, clock):
    session_id, _ = running(charting)
    other, _ = running(charting)
    alert_of_other = raise_alert(store, other)
    began = store.chart(session_id).session.began_at
    with pytest.raises(ValidationError) as refused:
        store.record_medication(session_id, ondansetron(
            clock, given_at=began - timedelta(minutes=1)))
    assert "before the session began" in refused.value.reasons["time"]
    with pytest.raises(ValidationError) as refused:
        store.record_medication(session_id, ondansetron(clock, alert_id=alert_of_other))
    assert "not an alert of this session" in refused.value.reasons["alert"]
    assert store.chart(session_id).medications == ()


def test_a_finished_or_signed_chart_and_a_role_that_may_not_chart_are_refused(
        charting, store, clock):
    session_id = finished(charting)
    with pytest.raises(ValidationError) as refused:
        store.record_medication(session_id, ondansetron(clock))
    assert "late entry" in refused.value.reasons["session"]
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    with pytest.raises(ChartSigned):
        store.record_medication(session_id, ondansetron(clock))
    open_session, _ = running(charting)
    login_as(store, ADMIN)
    with pytest.raises(PermissionDenied):
        store.record_medication(open_session, ondansetron(clock))


def test_a_medicine_given_is_struck_as_entered_in_error_and_never_changed(
        charting, store, clock, db_path):
    session_id, _ = running(charting)
    medication_id = store.record_medication(session_id, ondansetron(clock))
    store.amend(session_id, (entered_in_error(MEDICATIONS, medication_id, "Duplicate entry"),))
    (struck,) = store.chart(session_id).medications
    assert struck.in_error
    other, _ = running(charting)
    with pytest.raises(ValidationError):  # filed under another session's chart: refused
        store.amend(other, (entered_in_error(MEDICATIONS, medication_id, "Wrong chart"),))
    store.close()
    with sqlite3.connect(db_path) as connection, pytest.raises(sqlite3.DatabaseError):
        connection.execute("UPDATE medications SET dose = 40")
    connection.close()
    assert verify_database(db_path) == []


def test_the_signature_covers_the_medicines_given(charting, store, clock, db_path):
    session_id, _ = running(charting)
    store.record_medication(session_id, ondansetron(clock))
    clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient declined")
    login_as(store, PHYSICIAN)
    (signature,) = [store.sign(session_id, PASSWORD)]
    alerts = store.alerts([session_id])[session_id]
    assert matches(signature, store.chart(session_id), alerts)
    tamper(db_path, "UPDATE medications SET dose = 8", unguard=("medications_no_update",))
    assert not matches(signature, store.chart(session_id), alerts)
    assert any("medications" in problem for problem in verify_database(db_path))
