"""`verify`: a sound file reports nothing, and every kind of change made behind the app's
back (with the raw sqlite3 module, the guarding triggers dropped first) is reported."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.alerts import Reconciliation
from ketamonitor.core.appointments import parse_appointment
from ketamonitor.core.audit_chain import chain_problems
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.corrections import entered_in_error
from ketamonitor.core.entries import note_draft
from ketamonitor.core.monitor_feed import FrameOutcome, JournaledFrame
from ketamonitor.core.phases import Action
from ketamonitor.core.protocol_text import clinic_copy_id, edited_data, render_protocol
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.schema import APPEND_ONLY_TABLES, append_only_triggers
from ketamonitor.store.store import PasswordNotConfirmed, Store
from ketamonitor.store.verify import verify_database
from tests.charting import Charting
from tests.conftest import START
from tests.people import (
    ADMIN,
    FAST_HASHER,
    NURSE,
    PASSWORD,
    PHYSICIAN,
    add_people,
    audit_of,
    login_as,
)
from tests.store.steps import RECHECKED, raise_alert, running
from tests.store.steps import tamper as tamper_leaving_guards_dropped

IV = "iv-racemic-ketamine"


def tamper(db_path: Path, *statements: str, unguard: tuple[str, ...] = ()) -> None:
    """A careful attacker: drops the named triggers, changes the file and puts the triggers
    back as they were, so only the rows themselves can give the change away."""
    tamper_leaving_guards_dropped(db_path, *statements, unguard=unguard)
    guards = append_only_triggers(APPEND_ONLY_TABLES)
    tamper_leaving_guards_dropped(db_path, *(guards[name] for name in unguard))


def a_day_in_the_clinic(store: Store, charting: Charting) -> int:
    """Every kind of write the app makes, through its public interface; the signed
    session's id."""
    clock = charting.clock
    # A session charted from arrival to discharge, an alert raised, acknowledged and cleared.
    session_id = charting.started()
    alert_id = raise_alert(store, session_id)
    store.acknowledge_alert(alert_id, "physician called", RECHECKED)
    (alert,) = store.alerts([session_id])[session_id]
    store.apply_alert_changes(session_id, Reconciliation((), (alert,)))
    store.record_note(session_id, note_draft("calm, eyes closed", clock.now()))
    struck = charting.bp(session_id, 150, 95)
    store.amend(session_id, (entered_in_error("vitals", struck, "wrong patient"),))
    charting.through_observation(session_id)
    charting.aldrete(session_id)
    charting.answer_all(session_id, "discharge")
    charting.bp(session_id, 126, 80)
    store.change_phase(session_id, Action.DISCHARGE)
    # An appointment booked and cancelled.
    booked = store.schedule_appointment(parse_appointment(
        {"time": "16:00", "chair": "1"}, charting.patient("MRN-2"), store.library.protocol(IV),
        now=clock.now(), zone=clock.local_zone))
    store.cancel_appointment(booked, "patient unwell")
    # The physician signs (after one wrong password) and adds an addendum.
    login_as(store, PHYSICIAN)
    with pytest.raises(PasswordNotConfirmed):
        store.sign(session_id, "not-my-password")
    clock.advance(seconds=1)
    store.sign(session_id, PASSWORD)
    store.add_addendum(session_id, "Well the next morning.", PASSWORD)
    store.logout()
    # A nurse locked out by five wrong passwords.
    for wait in (1, 2, 4, 8, 16):
        with pytest.raises(LoginRefused):
            store.login(NURSE, "not-the-password")
        clock.advance(seconds=wait)
    # The administrator unlocks her, changes accounts, a protocol and a setting.
    login_as(store, ADMIN)
    store.unlock_account(NURSE)
    store.add_account("nurse.bo", "Bo Lee", frozenset({Role.NURSE}), PASSWORD)
    store.set_roles("nurse.bo", frozenset({Role.NURSE, Role.PHYSICIAN}))
    store.set_password("nurse.bo", "another-long-password")
    store.disable_account("nurse.bo", "left the clinic")
    source = store.library.protocol(IV)
    data = edited_data(source, {"name": f"{source.name} (clinic)"})
    data["id"] = clinic_copy_id(source.id, store.library.protocols)
    draft = store.save_clinic_protocol(render_protocol(data, ["a clinic copy"]),
                                       based_on=None, reason="our own copy")
    # A physician countersigns it (after one wrong password), and the next draft declines.
    login_as(store, PHYSICIAN)
    with pytest.raises(PasswordNotConfirmed):
        store.countersign_protocol(draft.id, draft.version, "not-my-password")
    clock.advance(seconds=1)
    store.countersign_protocol(draft.id, draft.version, PASSWORD)
    login_as(store, ADMIN)
    slower = store.save_clinic_protocol(render_protocol(edited_data(
        draft, {"dose.infusion_minutes": "60"})), based_on=None, reason="slower")
    login_as(store, PHYSICIAN)
    store.decline_protocol_draft(slower.id, slower.version, "40 min is our standard")
    login_as(store, ADMIN)
    store.set_setting("clinic_name", "Riverside Clinic")
    # The monitors' feed: a bed mapped and moved, the feed opened to a network, and frames
    # journaled by the listener (one resent, one refused) while the nurse is logged in.
    store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "3")
    store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "4")
    store.set_setting("monitor_allowed_senders", "10.1.2.0/24")
    login_as(store, NURSE)
    for control_id in ("MSG1", "MSG2", "MSG1"):
        clock.advance(seconds=10)
        message = b"MSH|^~\\&|CARESCAPE|ICU|||||ORU^R01|" + control_id.encode()
        store.journal_frame(JournaledFrame(
            peer="10.1.2.3:4100", raw=message, outcome=FrameOutcome.ACCEPTED,
            sending_application="CARESCAPE", sending_facility="ICU", control_id=control_id,
            message_type="ORU^R01"))
    store.journal_frame(JournaledFrame(peer="10.9.9.9:5000", raw=b"\x00\xffgarbage",
                                       outcome=FrameOutcome.REJECTED,
                                       reason="10.9.9.9 is not on the allow-list"))
    return session_id


@pytest.fixture(scope="module")
def clinic_day_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file holding a day in the clinic, made once; each test tampers with its own copy."""
    path = tmp_path_factory.mktemp("clinic-day") / "ketamonitor.db"
    clock = FakeClock(START)
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        a_day_in_the_clinic(store, Charting(store, clock))
    assert not path.with_name(f"{path.name}-wal").exists()  # all in the one file once closed
    return path


@pytest.fixture
def day(clinic_day_file: Path, db_path: Path) -> Path:
    shutil.copyfile(clinic_day_file, db_path)
    return db_path


def raw(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as connection:
        found = connection.execute(sql, params).fetchall()
    connection.close()
    return found


def audit_id_of(db_path: Path, entity: str, entity_id: int) -> int:
    return raw(db_path, "SELECT min(id) FROM audit WHERE entity = ? AND entity_id = ?",
               (entity, entity_id))[0][0]


def test_every_write_of_the_app_is_in_one_unbroken_chain(day, db_path):
    assert verify_database(db_path) == []
    with Store.open(db_path, FakeClock(START), hasher=FAST_HASHER, create=True) as store:
        audit = audit_of(store)
    assert chain_problems(audit) == []
    assert [row["id"] for row in audit] == list(range(1, len(audit) + 1))
    actions = {row["action"] for row in audit}
    assert actions >= {
        "patients.create", "sessions.create", "vitals.create", "checklist_entries.create",
        "scale_scores.create", "events.create", "vitals.amend", "alerts.raise",
        "alerts.acknowledge", "alerts.clear", "appointments.create", "appointments.cancel",
        "signatures.signature", "signatures.addendum", "login", "login.failed",
        "signature.password_wrong",
        "accounts.locked", "accounts.unlocked", "logout", "accounts.create", "accounts.roles",
        "accounts.password_hash", "accounts.disabled", "accounts.display_name",
        "protocols.create", "protocols.countersign_refused", "protocols.countersigned",
        "protocols.declined", "settings.set", "monitor_beds.map", "monitor_frames.journal"}
    phase_changes = [row for row in audit if row["action"] == "events.create"
                     and '"phase":"discharged"' in row["new_value"]]
    assert len(phase_changes) == 1


def test_a_sound_file_reports_nothing_even_after_it_is_closed_and_reopened(store, charting,
                                                                           db_path, clock):
    running(charting)
    store.close()
    assert verify_database(db_path) == []
    with Store.open(db_path, clock, create=True) as reopened:
        assert reopened.has_accounts()
    assert verify_database(db_path) == []


def test_a_changed_charted_value_is_reported(day, db_path):
    vitals_id = raw(db_path, "SELECT min(id) FROM vitals")[0][0]
    tamper(db_path, f"UPDATE vitals SET systolic = systolic - 30 WHERE id = {vitals_id}",
           unguard=("vitals_no_update",))
    assert verify_database(db_path) == [
        (f"vitals row {vitals_id}: differs from what was written (audit row "
        f"{audit_id_of(db_path, 'vitals', vitals_id)}; systolic)")]


def test_a_journaled_frames_bytes_changed_are_reported(day, db_path):
    frame_id = raw(db_path, "SELECT min(id) FROM monitor_frames")[0][0]
    # the same length (an AA frame's size is its bytes'), another message in them
    tamper(db_path, "UPDATE monitor_frames SET raw = CAST(replace(CAST(raw AS TEXT), 'ORU', "
                    f"'ADT') AS BLOB) WHERE id = {frame_id}", unguard=("monitor_frames_no_update",))
    assert verify_database(db_path) == [
        (f"monitor_frames row {frame_id}: differs from what was written (audit row "
         f"{audit_id_of(db_path, 'monitor_frames', frame_id)}; raw)")]


def test_a_bed_moved_to_another_chair_behind_the_app_is_reported(day, db_path):
    bed_id = raw(db_path, "SELECT max(id) FROM monitor_beds")[0][0]
    tamper(db_path, f"UPDATE monitor_beds SET chair = '9' WHERE id = {bed_id}",
           unguard=("monitor_beds_no_update",))
    assert verify_database(db_path) == [
        (f"monitor_beds row {bed_id}: differs from what was written (audit row "
         f"{audit_id_of(db_path, 'monitor_beds', bed_id)}; chair)")]


def test_a_resend_is_one_row_with_one_audit_row(day, db_path):
    assert raw(db_path, "SELECT control_id, count(*) FROM monitor_frames GROUP BY control_id "
                        "ORDER BY control_id") == [(None, 1), ("MSG1", 1), ("MSG2", 1)]
    assert raw(db_path, "SELECT count(*) FROM audit WHERE action = 'monitor_frames.journal'"
               ) == [(3,)]


def test_a_changed_value_with_its_audit_row_changed_to_match_breaks_the_chain(day, db_path):
    vitals_id = raw(db_path, "SELECT min(id) FROM vitals")[0][0]
    audit_id = audit_id_of(db_path, "vitals", vitals_id)
    tamper(db_path,
           f"UPDATE vitals SET systolic = 99 WHERE id = {vitals_id}",
           f"UPDATE audit SET new_value = json_set(new_value, '$.systolic', 99) "
           f"WHERE id = {audit_id}",
           unguard=("vitals_no_update", "audit_no_update"))
    assert verify_database(db_path) == [
        f"audit row {audit_id}: its content was changed after it was written"]


def test_a_deleted_charted_row_is_reported(day, db_path):
    vitals_id = raw(db_path, "SELECT max(id) FROM vitals")[0][0]
    tamper(db_path, f"DELETE FROM vitals WHERE id = {vitals_id}",
           unguard=("vitals_no_delete",))
    assert verify_database(db_path) == [
        (f"vitals row {vitals_id}: deleted (audit row "
        f"{audit_id_of(db_path, 'vitals', vitals_id)} recorded it)")]


def test_a_changed_audit_row_is_reported(day, db_path):
    login = raw(db_path, "SELECT min(id) FROM audit WHERE action = 'login.failed'")[0][0]
    tamper(db_path, f"UPDATE audit SET user = 'someone.else' WHERE id = {login}",
           unguard=("audit_no_update",))
    assert verify_database(db_path) == [
        f"audit row {login}: its content was changed after it was written"]


def test_a_deleted_audit_row_is_reported(day, db_path):
    login = raw(db_path, "SELECT min(id) FROM audit WHERE action = 'login.failed'")[0][0]
    tamper(db_path, f"DELETE FROM audit WHERE id = {login}", unguard=("audit_no_delete",))
    assert verify_database(db_path) == [
        (f"audit row {login + 1}: does not follow the row before it (a row was removed, "
        "inserted or moved)")]


def test_a_deleted_audit_row_that_recorded_a_row_is_reported_twice_over(day, db_path):
    note = raw(db_path, "SELECT id FROM events WHERE kind = 'note'")[0][0]
    audit_id = audit_id_of(db_path, "events", note)
    tamper(db_path, f"DELETE FROM audit WHERE id = {audit_id}", unguard=("audit_no_delete",))
    problems = verify_database(db_path)
    assert f"audit row {audit_id + 1}: does not follow" in problems[0]
    assert f"events row {note}: no audit row records it (written behind the app's back)" in (
        problems)


def test_a_reordered_chain_is_reported(day, db_path):
    """Two audit rows' content swapped, each row keeping its id."""
    first = raw(db_path, "SELECT min(id) FROM audit WHERE action = 'login'")[0][0]
    second = first + 1
    columns = ("at, user, workstation, action, entity, entity_id, old_value, new_value, "
               "reason, prev_hash, hash")
    tamper(db_path,
           f"CREATE TEMP TABLE swapped AS SELECT * FROM audit WHERE id IN ({first}, {second})",
           f"UPDATE audit SET ({columns}) = (SELECT {columns} FROM swapped s WHERE s.id = "
           f"CASE audit.id WHEN {first} THEN {second} ELSE {first} END) "
           f"WHERE id IN ({first}, {second})",
           unguard=("audit_no_update",))
    problems = verify_database(db_path)
    assert problems[:5] == [
        (f"audit row {first}: does not follow the row before it (a row was removed, inserted "
        "or moved)"),
        f"audit row {first}: its content was changed after it was written",
        (f"audit row {second}: does not follow the row before it (a row was removed, inserted "
        "or moved)"),
        f"audit row {second}: its content was changed after it was written",
        (f"audit row {second + 1}: does not follow the row before it (a row was removed, "
        "inserted or moved)")]


@pytest.mark.parametrize(("table", "insert"), [
    ("vitals", ("INSERT INTO vitals (session_id, observed_at, systolic, diastolic, source, "
               "entered_at, entered_by) SELECT session_id, observed_at, 118, 76, 'manual', "
               "entered_at, entered_by FROM vitals LIMIT 1")),
    ("user_changes", ("INSERT INTO user_changes (user_id, field, value, changed_at, changed_by) "
                     "SELECT id, 'roles', 'administrator,nurse', created_at, 'admin' FROM users "
                     "WHERE username = 'nurse.ana'")),
    ("signatures", ("INSERT INTO signatures (session_id, kind, signer, printed_name, meaning, "
                   "content_hash, signed_at) SELECT id, 'signature', 'dr.obi', 'Dr Ada Obi', "
                   "'reviewed and approved', 'sha256:0', began_at FROM sessions LIMIT 1")),
    ("monitor_frames", ("INSERT INTO monitor_frames (received_at, peer, sending_application, "
                       "sending_facility, control_id, message_type, raw, size, outcome) SELECT "
                       "received_at, peer, sending_application, sending_facility, 'FORGED', "
                       "message_type, raw, size, outcome FROM monitor_frames LIMIT 1")),
], ids=["vitals", "a-role-granted", "a-forged-signature", "a-forged-frame"])
def test_a_row_inserted_without_its_audit_row_is_reported(day, db_path, table, insert):
    tamper(db_path, insert)
    (new_id,) = raw(db_path, f"SELECT max(id) FROM {table}")[0]
    problems = verify_database(db_path)
    assert problems[0] == (
        f"{table} row {new_id}: no audit row records it (written behind the app's back)")
    # a role granted by SQL also leaves the accounts table unlike what an administrator signed
    assert [p.split(": ")[1] for p in problems[1:]] == (
        ["roles differ from what an administrator signed"] if table == "user_changes" else [])


def test_a_forged_audit_row_at_the_end_is_reported(day, db_path):
    last_id, last_hash = raw(db_path, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")[0]
    tamper(db_path,
           "INSERT INTO audit (id, at, user, workstation, action, entity, entity_id, "
           "prev_hash, hash) VALUES (?, '2026-11-23T23:00:00.000Z', 'admin', 'x', 'login', "
           f"'accounts', 1, '{last_hash}', '{'0' * 64}')".replace("?", str(last_id + 1)))
    assert verify_database(db_path) == [
        f"audit row {last_id + 1}: its content was changed after it was written",
        (f"audit row {last_id + 1}: 'login' is signed by no one, but only a logged-in person "
        "can do it")]


def test_the_file_on_disk_is_verified_not_the_open_connection(store, charting, db_path, clock):
    """A change made by another process after the app wrote is seen at once."""
    session_id, _ = running(charting)
    clock.advance(minutes=1)
    assert verify_database(db_path) == []
    tamper(db_path, "UPDATE sessions SET chair = '9'", unguard=("sessions_no_update",))
    (problem,) = verify_database(db_path)
    assert problem.startswith(f"sessions row {session_id}: differs") and "chair" in problem
