"""The permission table enforced by the store for every path in: each permission is tried
through a real store call, as each role, and as nobody at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.alerts import Reconciliation
from ketamonitor.core.appointments import parse_appointment
from ketamonitor.core.corrections import entered_in_error
from ketamonitor.core.patient import parse_patient
from ketamonitor.core.permissions import (
    PERMISSIONS,
    NotLoggedIn,
    Permission,
    PermissionDenied,
)
from ketamonitor.core.protocol_text import clinic_copy_id, edited_data, render_protocol
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.store import Store
from tests.charting import ASSESSMENT, Charting
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import BP_HIGH, RECHECKED, finished, raise_alert, row_counts, running

USER_OF = {Role.NURSE: NURSE, Role.PHYSICIAN: PHYSICIAN, Role.ADMINISTRATOR: ADMIN}
IV = "iv-racemic-ketamine"


@dataclass(frozen=True)
class Call:
    """A store call that needs one permission: `prepare` sets the scene (as the nurse, or
    whoever may) and returns what `act` needs; `act` is the one call being checked."""

    prepare: Callable[[Store, Charting], Any]
    act: Callable[[Store, Any], object]
    store_method: bool = True


def _nothing(store: Store, charting: Charting) -> None:
    return None


def _patient_details(store: Store, charting: Charting) -> Any:
    return parse_patient({"mrn": "MRN-7001", "family_name": "Okafor", "given_name": "Chi",
                          "birth_date": "1979-02-03", "weight_kg": "80"},
                         today=charting.clock.now().date())


def _session_setup(store: Store, charting: Charting) -> Any:
    return parse_session_setup(
        {"chair": "2", "nurse": "Ana", "weight_kg": "72", "mg_per_kg": "0.5",
         "concentration": "1"}, charting.patient(), store.library.protocol(IV))


def _session(store: Store, charting: Charting) -> int:
    return running(charting)[0]


def _vitals(store: Store, charting: Charting) -> tuple[int, Vitals]:
    session_id = _session(store, charting)
    charting.clock.advance(minutes=1)
    return session_id, Vitals(charting.clock.now(), systolic=126, diastolic=82, heart_rate=70)


def _alert(store: Store, charting: Charting) -> int:
    return raise_alert(store, _session(store, charting))


def _booking(store: Store, charting: Charting) -> Any:
    clock = charting.clock
    return parse_appointment({"time": "11:15", "chair": "2"}, charting.patient(),
                             store.library.protocol(IV), now=clock.now(), zone=clock.local_zone)


def _signed(store: Store, charting: Charting) -> int:
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    return session_id


def _protocol_text(store: Store, charting: Charting) -> str:
    source = store.library.protocol(IV)
    data = edited_data(source, {"name": f"{source.name} (clinic)"})
    data["id"] = clinic_copy_id(source.id, store.library.protocols)
    return render_protocol(data, ["a clinic copy"])


def _item9(store: Store, charting: Charting) -> int:
    session_id = _session(store, charting)
    charting.phq9(session_id, item9=2)
    return session_id


def _protocol_draft(store: Store, charting: Charting) -> tuple[str, int]:
    """An administrator's clinic copy, a draft awaiting countersignature: (id, version)."""
    login_as(store, ADMIN)
    draft = store.save_clinic_protocol(_protocol_text(store, charting), based_on=None,
                                       reason="our own copy")
    return draft.id, draft.version


CALLS: dict[Permission, Call] = {
    Permission.READ_RECORD: Call(_session, lambda store, sid: store.chart(sid)),
    Permission.REGISTER_PATIENT: Call(_patient_details,
                                      lambda store, details: store.register_patient(details)),
    Permission.START_SESSION: Call(_session_setup, lambda store, setup: store.start_session(setup)),
    Permission.CHART: Call(_vitals, lambda store, args: store.record_vitals(*args)),
    Permission.AMEND: Call(
        lambda store, charting: running(charting),
        lambda store, ids: store.amend(ids[0], (entered_in_error("vitals", ids[1],
                                                                 "wrong patient"),))),
    Permission.ACKNOWLEDGE_ALERT: Call(
        _alert, lambda store, alert_id: store.acknowledge_alert(alert_id, "physician called",
                                                         RECHECKED)),
    Permission.RECORD_ALERTS: Call(
        _session, lambda store, sid: store.apply_alert_changes(sid,
                                                               Reconciliation((BP_HIGH,), ()))),
    Permission.BOOK_APPOINTMENT: Call(_booking,
                                      lambda store, draft: store.schedule_appointment(draft)),
    Permission.REVIEW: Call(lambda store, charting: finished(charting),
                            lambda store, sid: store.review_queue()),
    Permission.SIGN: Call(lambda store, charting: finished(charting),
                          lambda store, sid: store.sign(sid, PASSWORD)),
    Permission.ADD_ADDENDUM: Call(
        _signed, lambda store, sid: store.add_addendum(sid, "Called the patient the next "
                                                            "day: well.", PASSWORD)),
    # every export calls this before it reads anything, and records the export after
    Permission.EXPORT: Call(_nothing, lambda store, _: store.record_export(
        "summary", {"session_id": 1, "format": "json"}, "0" * 64)),
    Permission.MANAGE_ACCOUNTS: Call(
        _nothing, lambda store, _: store.add_account("nurse.bo", "Bo Lee",
                                                     frozenset({Role.NURSE}), PASSWORD)),
    Permission.MANAGE_PROTOCOLS: Call(
        _protocol_text, lambda store, text: store.save_clinic_protocol(
            text, based_on=None, reason="our own copy")),
    Permission.MANAGE_SETTINGS: Call(
        _nothing, lambda store, _: store.set_setting("clinic_name", "Riverside Clinic")),
    Permission.VIEW_AUDIT: Call(_nothing, lambda store, _: store.audit_trail()),
    Permission.BACKUP: Call(lambda store, charting: store.path.parent / "copy.db",
                            lambda store, out: store.backup(out)),
    Permission.FILE_REMS: Call(_nothing, lambda store, _: store.rems_pending()),
    # -- protocol drafts (issue 15) --
    Permission.SEE_PROTOCOL_DRAFTS: Call(_protocol_draft, lambda store, _: store.protocol_drafts()),
    Permission.COUNTERSIGN_PROTOCOL: Call(
        _protocol_draft, lambda store, draft: store.countersign_protocol(*draft, PASSWORD)),
    # -- PHQ-9 item 9 (issue 17) --
    Permission.ASSESS_RISK: Call(_item9, lambda store, session_id: store.record_risk_assessment(
        session_id, ASSESSMENT)),
    # -- the bedside monitors' feed (issue 21) --
    Permission.MANAGE_MONITORS: Call(_nothing, lambda store, _: store.map_monitor_bed(
        "CARESCAPE", "ICU", "BED 1", "1")),
}


def test_every_permission_in_the_table_has_a_call_here():
    assert set(CALLS) == set(PERMISSIONS) == set(Permission)


def test_every_permission_is_checked_through_a_store_method():
    assert {p for p, call in CALLS.items() if not call.store_method} == set()


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_each_role_may_make_each_call_exactly_as_the_table_says(store, charting, db_path, role,
                                                                permission):
    call = CALLS[permission]
    prepared = call.prepare(store, charting)
    login_as(store, USER_OF[role])
    if role in PERMISSIONS[permission]:
        call.act(store, prepared)
    else:
        before = row_counts(db_path)
        with pytest.raises(PermissionDenied) as denied:
            call.act(store, prepared)
        assert denied.value.permission is permission
        # a refusal writes nothing but the one audit row that records the attempt
        assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}
        last = audit_of(store)[-1]
        assert (last["action"], last["user"]) == (f"{permission.value}.refused", USER_OF[role])
        assert last["reason"] == str(denied.value)


@pytest.mark.parametrize("permission", list(Permission))
def test_nobody_logged_in_may_make_any_call(store, charting, db_path, permission):
    call = CALLS[permission]
    prepared = call.prepare(store, charting)
    store.logout()
    before = row_counts(db_path)
    with pytest.raises(NotLoggedIn):
        call.act(store, prepared)
    assert row_counts(db_path) == before


def test_a_nurse_cannot_sign_approve_manage_users_or_export_through_a_crafted_call(
        store, charting, db_path):
    session_id = finished(charting)
    assert store.account is not None and store.account.username == NURSE
    before = row_counts(db_path)
    crafted: list[Callable[[], object]] = [
        lambda: store.review_queue(),
        lambda: store.sign(session_id, PASSWORD),
        lambda: store.add_addendum(session_id, "approved", PASSWORD),
        lambda: store.add_account("nurse.two", "Two", frozenset({Role.ADMINISTRATOR}), PASSWORD),
        lambda: store.set_roles(NURSE, frozenset({Role.NURSE, Role.PHYSICIAN})),
        lambda: store.set_roles(NURSE, frozenset({Role.ADMINISTRATOR})),
        lambda: store.disable_account(PHYSICIAN, "crafted"),
        lambda: store.set_password(PHYSICIAN, "a-new-password-1"),
        lambda: store.set_password("nobody.here", "a-new-password-1"),
        lambda: store.unlock_account(PHYSICIAN),
        lambda: store.accounts(),
        lambda: store.locked_accounts(),
        lambda: store.audit_trail(),
        lambda: store.set_setting("clinic_name", "Mine"),
        lambda: store.may_export(),
        lambda: store.record_export("summary", {"session_id": 1}, "0" * 64),
    ]
    for call in crafted:
        with pytest.raises(PermissionDenied):
            call()
    # nothing written but one audit row per attempt, recording it as refused
    assert row_counts(db_path) == {**before, "audit": before["audit"] + len(crafted)}
    refused = audit_of(store)[-len(crafted):]
    assert {(row["user"], row["action"].endswith(".refused")) for row in refused} == {
        (NURSE, True)}
    assert store.signatures(session_id) == []
    login_as(store, ADMIN)
    assert {a.username: a.roles for a in store.accounts()}[NURSE] == {Role.NURSE}


def test_a_disabled_account_cannot_log_in(store):
    login_as(store, ADMIN)
    store.disable_account(NURSE, "left the clinic")
    store.logout()
    with pytest.raises(LoginRefused, match="Wrong username or password"):
        store.login(NURSE, PASSWORD)
    assert store.account is None


def test_nobody_logged_in_reads_anything_of_the_record(store, charting, clock):
    session_id, _ = running(charting)
    patient_id = store.chart(session_id).patient.id
    appointment_id = store.schedule_appointment(_booking(store, charting))
    day = (clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    store.logout()
    reads: list[Callable[[], object]] = [
        lambda: store.chart(session_id),
        lambda: store.patient(patient_id),
        lambda: store.patient_by_mrn("MRN-1001"),
        lambda: store.find_patients(""),
        lambda: store.patient_counts(),
        lambda: store.last_weight(patient_id),
        lambda: store.patient_sessions(patient_id),
        lambda: store.sessions_between(*day),
        lambda: store.unfinished_sessions(),
        lambda: store.listing(session_id),
        lambda: store.alerts([session_id]),
        lambda: store.signatures(session_id),
        lambda: store.appointments_between(*day),
        lambda: store.appointment(appointment_id),
    ]
    for read in reads:
        with pytest.raises(NotLoggedIn):
            read()
