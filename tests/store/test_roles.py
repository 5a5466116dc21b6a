"""Who did what, as the record keeps it: one open session per patient, whatever path calls
the store; reads, refusals and wrong passwords at signing recorded as what they are; alerts
raised by the room recorded as the room's. (A session handed over to another nurse:
store/test_handovers.py.)"""

from __future__ import annotations

import pytest

from ketamonitor.core.setup import PatientAlreadySeated
from tests.people import NURSE, audit_of
from tests.store.steps import finished, row_counts, running


def test_a_second_open_session_for_the_same_patient_is_refused_naming_the_chair(
        store, charting, db_path):
    ana = charting.patient("MRN-1")
    first, _ = running(charting, ana)
    before = row_counts(db_path)
    with pytest.raises(PatientAlreadySeated, match="open session in chair 3") as refused:
        charting.session(patient=ana, chair="5")  # a script calling the store directly
    assert refused.value.open_session.session_id == first
    assert row_counts(db_path) == before
    assert [s.session_id for s in store.patient_sessions(ana.id)] == [first]


def test_a_patient_whose_session_is_finished_may_start_the_next(store, charting):
    ana = charting.patient("MRN-1")
    first = finished(charting, ana)
    second = charting.session(patient=ana, chair="5")
    assert [s.session_id for s in store.patient_sessions(ana.id)] == [first, second]
    other = charting.session(patient=charting.patient("MRN-2"))  # another patient: no matter
    assert store.listing(other).chair == "3"


def test_a_nurses_refused_export_is_recorded_as_refused(store):
    from ketamonitor.core.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        store.may_export()
    last = audit_of(store)[-1]
    assert (last["action"], last["user"], last["entity"]) == ("export.refused", NURSE,
                                                               "permissions")
    assert last["reason"] == "nurse.ana (nurse) may not export records"


def test_a_wrong_password_at_signing_is_recorded_as_what_it_is(store, charting):
    from ketamonitor.store.store import PasswordNotConfirmed
    from tests.people import PHYSICIAN, login_as

    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    with pytest.raises(PasswordNotConfirmed):
        store.sign(session_id, "not-my-password")
    last = audit_of(store)[-1]
    assert (last["action"], last["user"]) == ("signature.password_wrong", PHYSICIAN)
    assert "login.failed" not in {row["action"] for row in audit_of(store)}


def test_alerts_raised_and_cleared_by_the_room_are_the_rooms_not_the_person_logged_in(
        store, charting, db_path):
    from ketamonitor.core.alerts import Reconciliation
    from ketamonitor.store.verify import verify_database
    from tests.people import ADMIN, login_as
    from tests.store.steps import raise_alert

    session_id, _ = running(charting)
    login_as(store, ADMIN)  # an administrator at the desk while the room runs
    alert_id = raise_alert(store, session_id)
    (alert,) = store.alerts([session_id])[session_id]
    store.apply_alert_changes(session_id, Reconciliation((), (alert,)))
    rows = [row for row in audit_of(store) if row["action"] in ("alerts.raise",
                                                                "alerts.clear")]
    assert [(row["action"], row["user"]) for row in rows] == [("alerts.raise", "room"),
                                                              ("alerts.clear", "room")]
    assert store.alerts([session_id])[session_id][0].id == alert_id
    assert verify_database(db_path) == []


def test_opening_a_chart_is_recorded_as_read_access(store, charting, db_path):
    from ketamonitor.store.verify import verify_database

    session_id, _ = running(charting)
    before = row_counts(db_path)
    store.record_chart_opened(session_id)
    assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}
    last = audit_of(store)[-1]
    assert (last["action"], last["user"], last["entity"], last["entity_id"]) == (
        "chart.opened", NURSE, "charts", session_id)
    assert verify_database(db_path) == []
