"""Issue 15: an administrator alone cannot change the clinic's numbers. A saved version is a
draft that no new session uses until a physician countersigns it (their password asked
again); a physician may decline it with a reason; the store enforces it for every caller."""

from __future__ import annotations

import sqlite3

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import VersionState
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.protocol import Protocol, parse_protocol
from ketamonitor.core.protocol_text import (
    clinic_copy_id,
    edited_data,
    reference,
    render_protocol,
)
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.store.store import PasswordNotConfirmed, Store
from ketamonitor.store.verify import verify_database
from tests.people import (
    ADMIN,
    FAST_HASHER,
    NURSE,
    PASSWORD,
    PHYSICIAN,
    audit_of,
    choose_own_password,
    login_as,
)
from tests.protocol_drafts import countersigned
from tests.store.steps import row_counts

IV = "iv-racemic-ketamine"
COPY = "clinic-iv-racemic-ketamine"


def clinic_copy(store: Store) -> Protocol:
    """The administrator's clinic copy of the shipped IV protocol, put in force."""
    login_as(store, ADMIN)
    source = store.library.protocol(IV)
    data = edited_data(source, {"name": f"{source.name} (clinic)"})
    data["id"] = clinic_copy_id(source.id, store.library.protocols)
    return countersigned(store, store.save_clinic_protocol(
        render_protocol(data, ["a clinic copy"]), based_on=reference(source),
        reason="our own copy"))


def lower_stop_line(store: Store, protocol: Protocol, systolic: str = "170") -> Protocol:
    """The administrator lowers the BP stop line: a draft."""
    login_as(store, ADMIN)
    text = render_protocol(edited_data(protocol, {"thresholds.stop_systolic_above": systolic}))
    return store.save_clinic_protocol(text, based_on=reference(protocol),
                                      reason="medical director's memo")


def decisions(store: Store) -> list[tuple]:
    connection = sqlite3.connect(f"{store.path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT protocol_row, decision, decided_by "
                                  "FROM protocol_decisions ORDER BY id").fetchall()
    finally:
        connection.close()


def test_a_draft_is_not_used_by_new_sessions_until_a_physician_countersigns_it(
        store, charting):
    copy = clinic_copy(store)
    draft = lower_stop_line(store, copy)
    assert draft.version == 2
    assert store.library.protocol(COPY).thresholds.stop_systolic_above == 180
    login_as(store, NURSE)
    before = store.chart(charting.session(COPY))
    assert (before.protocol.version, before.protocol.thresholds.stop_systolic_above) == (1, 180)

    login_as(store, PHYSICIAN)
    (pending,) = store.protocol_drafts()
    assert (pending.version.version, pending.version.state) == (2, VersionState.DRAFT)
    assert pending.in_force and pending.compared_with == copy
    assert [str(change) for change in pending.changes] == [
        "Stop systolic above: 180 → 170 mmHg"]
    assert pending.reason == "medical director's memo"
    in_force = store.countersign_protocol(COPY, 2, PASSWORD)
    assert in_force.thresholds.stop_systolic_above == 170
    assert store.protocol_drafts() == []
    assert store.library.protocol(COPY).version == 2

    login_as(store, NURSE)
    after = store.chart(charting.session(COPY, patient=charting.patient("MRN-2002")))
    assert (after.protocol.version, after.protocol.thresholds.stop_systolic_above) == (2, 170)
    assert store.chart(before.session.id).protocol.version == 1  # kept what it began with
    (row_id,) = [row["entity_id"] for row in audit_of(store, "protocols")
                 if '"version":2' in row["new_value"]]
    assert decisions(store)[-1] == (row_id, "countersigned", PHYSICIAN)
    signed = [row for row in audit_of(store, "protocol_decisions")
              if row["action"] == "protocols.countersigned"]
    assert signed[-1]["user"] == PHYSICIAN


def test_a_wrong_password_is_refused_audited_and_puts_nothing_in_force(store):
    draft = lower_stop_line(store, clinic_copy(store))
    login_as(store, PHYSICIAN)
    with pytest.raises(PasswordNotConfirmed):
        store.countersign_protocol(COPY, draft.version, "not-my-password")
    assert store.library.protocol(COPY).thresholds.stop_systolic_above == 180
    assert [d.version.version for d in store.protocol_drafts()] == [2]
    assert len(decisions(store)) == 1  # the clinic copy's, no more
    refused = [row for row in audit_of(store) if row["action"] in {
        "protocols.countersign_refused", "signature.password_wrong"}]
    assert [(row["action"], row["user"]) for row in refused] == [
        ("signature.password_wrong", PHYSICIAN), ("protocols.countersign_refused", PHYSICIAN)]
    assert refused[1]["reason"] == "the password did not match"


def test_an_administrator_cannot_countersign_and_no_one_decides_their_own_draft(
        store, db_path):
    copy = clinic_copy(store)
    login_as(store, ADMIN)
    store.add_account("dr.both", "Dr Bo Th", frozenset({Role.ADMINISTRATOR, Role.PHYSICIAN}),
                      "given-by-the-admin")
    draft = lower_stop_line(store, copy)
    before = row_counts(db_path)
    with pytest.raises(PermissionDenied):
        store.countersign_protocol(COPY, draft.version, PASSWORD)
    choose_own_password(store, "dr.both", "given-by-the-admin")
    own = store.save_clinic_protocol(render_protocol(edited_data(
        copy, {"thresholds.stop_systolic_above": "160"})), based_on=None, reason="mine")
    before = row_counts(db_path)
    with pytest.raises(ValidationError, match="another physician"):
        store.countersign_protocol(COPY, own.version, PASSWORD)
    with pytest.raises(ValidationError, match="another physician"):
        store.decline_protocol_draft(COPY, own.version, "not mine to judge")
    assert row_counts(db_path) == before
    assert store.library.protocol(COPY).version == 1


def test_a_nurse_can_neither_draft_nor_see_nor_countersign_drafts(store, db_path):
    copy = clinic_copy(store)
    draft = lower_stop_line(store, copy)
    login_as(store, NURSE)
    before = row_counts(db_path)
    text = render_protocol(edited_data(copy, {"dose.max_mg_per_kg": "1.0"}))
    for call in (lambda: store.save_clinic_protocol(text, based_on=None, reason="more"),
                 lambda: store.protocol_drafts(),
                 lambda: store.countersign_protocol(COPY, draft.version, PASSWORD),
                 lambda: store.decline_protocol_draft(COPY, draft.version, "no")):
        with pytest.raises(PermissionDenied):
            call()
    after = row_counts(db_path)
    assert after.pop("audit") == before.pop("audit") + 4  # each refusal recorded, no more
    assert after == before
    refused = [row["action"] for row in audit_of(store)][-4:]
    assert all(action.endswith(".refused") for action in refused), refused


def test_a_physician_declines_a_draft_with_a_reason_and_it_never_comes_into_force(store):
    draft = lower_stop_line(store, clinic_copy(store))
    login_as(store, PHYSICIAN)
    with pytest.raises(ValidationError) as refused:
        store.decline_protocol_draft(COPY, draft.version, "   ")
    assert refused.value.reasons == {"reason": "say why the draft is declined"}
    store.decline_protocol_draft(COPY, draft.version, "170 stops too many infusions")
    assert store.protocol_drafts() == []
    assert [(v.version, v.state, v.decided_by, v.decision_reason)
            for v in store.protocol_versions(COPY)] == [
        (1, VersionState.COUNTERSIGNED, PHYSICIAN, None),
        (2, VersionState.DECLINED, PHYSICIAN, "170 stops too many infusions")]
    with pytest.raises(ValidationError, match="not a draft awaiting"):
        store.countersign_protocol(COPY, draft.version, PASSWORD)
    assert store.library.protocol(COPY).thresholds.stop_systolic_above == 180
    (declined,) = [row for row in audit_of(store, "protocol_decisions")
                   if row["action"] == "protocols.declined"]
    assert declined["reason"] == "170 stops too many infusions"


def test_a_later_draft_sets_the_earlier_aside(store):
    copy = clinic_copy(store)
    lower_stop_line(store, copy, "170")
    latest = lower_stop_line(store, copy, "175")
    assert [v.state for v in store.protocol_versions(COPY)] == [
        VersionState.COUNTERSIGNED, VersionState.SET_ASIDE, VersionState.DRAFT]
    login_as(store, PHYSICIAN)
    with pytest.raises(ValidationError, match="version 2 is not a draft"):
        store.countersign_protocol(COPY, 2, PASSWORD)
    assert store.countersign_protocol(COPY, latest.version, PASSWORD).version == 3


def test_a_script_cannot_start_a_session_under_a_draft(store, charting, db_path):
    draft = lower_stop_line(store, clinic_copy(store))
    login_as(store, NURSE)
    setup = parse_session_setup(
        {"chair": "2", "nurse": "Ana", "weight_kg": "72", "mg_per_kg": "0.5",
         "concentration": "1"}, charting.patient(), parse_protocol(draft.source_text))
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.start_session(setup)
    assert refused.value.reasons == {
        "protocol": f"{COPY} version 2 is not in force: choose the protocol again"}
    assert row_counts(db_path) == before


def test_a_new_clinic_copy_is_a_draft_compared_with_the_protocol_it_copies(store):
    login_as(store, ADMIN)
    source = store.library.protocol(IV)
    data = edited_data(source, {"name": "Clinic IV", "dose.max_mg_per_kg": "0.9"})
    data["id"] = COPY
    store.save_clinic_protocol(render_protocol(data), based_on=reference(source),
                               reason="our own copy")
    assert COPY not in store.library.protocols
    (pending,) = store.protocol_drafts()
    assert not pending.in_force and pending.compared_with == source
    assert [(c.label, c.old, c.new) for c in pending.changes] == [
        ("Name", source.name, "Clinic IV"), ("Maximum dose", "1", "0.9")]


def test_versions_saved_before_drafts_existed_stay_in_force_after_the_upgrade(
        store, db_path, clock):
    login_as(store, ADMIN)
    source = store.library.protocol(IV)
    data = edited_data(source, {"name": "Clinic IV"})
    data["id"] = COPY
    store.save_clinic_protocol(render_protocol(data), based_on=None, reason="before drafts")
    store.close()
    connection = sqlite3.connect(db_path)  # the file as the version before drafts left it
    connection.executescript(
        "DROP TABLE protocol_decisions; DROP TABLE protocol_drafts_began; "
        "DELETE FROM _sqlite_migrations WHERE name = '0006_protocol_drafts';")
    connection.close()
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as upgraded:
        login_as(upgraded, NURSE)
        assert upgraded.library.protocol(COPY).name == "Clinic IV"
        assert [v.state for v in upgraded.protocol_versions(COPY)] == [
            VersionState.COUNTERSIGNED]
    assert verify_database(db_path) == []
