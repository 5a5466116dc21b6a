"""The tamper suite (issue 20): every kind of tampering the issue names, tried on a copy of a
small clinic the way an attacker with the sqlite3 shell and ten lines of Python would (the
app's own hash functions at hand), each answered by `ketamonitor verify` exiting 1 and
naming the kind.

The anchor log (outside the file: in the backups folder) catches what the chain alone cannot:
a chain shortened at its end, an older copy put back, a chain recomputed under an anchored
head. What is appended after the last anchored head, or recomputed when the anchor log is
lost too, only signed rows can catch: each audit row is signed by the key of the person who
made it, and that key's own record by an administrator's, up to the clinic's root."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from ketamonitor import cli
from ketamonitor.core.audit_chain import canonical, row_hash
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.errors import RuleError
from ketamonitor.core.monitor_feed import FrameOutcome, JournaledFrame
from ketamonitor.core.phases import Action
from ketamonitor.core.signature import content_hash
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.rows import audited_values
from ketamonitor.store.schema import APPEND_ONLY_TABLES, append_only_triggers
from ketamonitor.store.store import Store
from tests.charting import EARLY_END, Charting
from tests.conftest import START
from tests.people import ADMIN, FAST_HASHER, NURSE, PASSWORD, PHYSICIAN, add_people, login_as
from tests.store.steps import running

#: A monitor's ORU^R01 with a systolic BP of 128 (OBX-5), as the listener journals it.
MONITOR_BP_128 = (b"MSH|^~\\&|CARESCAPE|ICU|KETAMONITOR|CLINIC|20261123080000||ORU^R01|MSG0001|P|"
                  b"2.6\rOBX|1|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1|128|mm[Hg]\r")
#: Where the store keeps the anchor log by default: the backups folder beside the database.
ANCHOR = Path("backups") / "ketamonitor.db.anchor.jsonl"


@dataclass(frozen=True)
class Clinic:
    folder: Path
    #: The session with BP 149 charted, signed by the physician.
    signed_session: int
    #: The vitals row holding BP 149.
    bp_149: int
    #: A finished session not signed yet.
    unsigned_session: int
    #: A bedside monitor's frame, journaled before the nurse's later charting.
    frame: int


@pytest.fixture(scope="module")
def clinic_files(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    """A small clinic, made once, in two sittings (the file after the first kept as
    `older.db`, as a backup would keep it); over a hundred audit rows."""
    folder = tmp_path_factory.mktemp("tamper-clinic")
    path = folder / "ketamonitor.db"
    clock = FakeClock(START)
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        charting = Charting(store, clock)
        session_id, _ = running(charting)
        bp_149 = charting.bp(session_id, 149, 90)
        end_early(charting, session_id)
        login_as(store, PHYSICIAN)
        store.sign(session_id, PASSWORD)
    shutil.copyfile(path, folder / "older.db")
    with Store.open(path, clock, hasher=FAST_HASHER) as store:
        login_as(store, NURSE)
        frame = store.journal_frame(JournaledFrame(
            peer="10.1.2.3:4100", raw=MONITOR_BP_128, outcome=FrameOutcome.ACCEPTED,
            sending_application="CARESCAPE", sending_facility="ICU", control_id="MSG0001",
            message_type="ORU^R01")).id
        charting = Charting(store, clock)
        for _ in range(3):
            other, _ = running(charting)
            for minute in range(40):
                clock.advance(minutes=1)
                charting.bp(other, 120 + minute % 10, 80)
            end_early(charting, other)
    return Clinic(folder, session_id, bp_149, other, frame)


def end_early(charting: Charting, session_id: int) -> None:
    charting.clock.advance(minutes=5)
    charting.store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                                reason="patient declined the infusion")


@pytest.fixture
def clinic(clinic_files: Clinic, tmp_path: Path) -> Clinic:
    """This test's own copy of the clinic: the database and its anchor log."""
    folder = tmp_path / "clinic"
    folder.mkdir()
    shutil.copyfile(clinic_files.folder / "ketamonitor.db", folder / "ketamonitor.db")
    shutil.copyfile(clinic_files.folder / "older.db", folder / "older.db")
    if (clinic_files.folder / "backups").is_dir():
        shutil.copytree(clinic_files.folder / "backups", folder / "backups")
    return Clinic(folder, clinic_files.signed_session, clinic_files.bp_149,
                  clinic_files.unsigned_session, clinic_files.frame)


def db(clinic: Clinic) -> Path:
    return clinic.folder / "ketamonitor.db"


def anchor_lost(clinic: Clinic) -> None:
    """The attacker deletes the anchor log too (it was on the same disk, never copied)."""
    shutil.rmtree(clinic.folder / "backups", ignore_errors=True)


def verify(clinic: Clinic, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    close_shells()
    code = cli.main(["verify", "--db", str(db(clinic)), *options])
    said = capsys.readouterr()
    return code, said.out + said.err


#: The sqlite3 shells a test opened: `verify` closes them first (their guards put back).
_SHELLS: list[sqlite3.Connection] = []


@pytest.fixture
def raw(clinic: Clinic) -> Iterator[sqlite3.Connection]:
    """The sqlite3 shell on the clinic's file, every guard off; a careful attacker puts
    them back as they were before anyone verifies (see `close_shells`)."""
    connection = sqlite3.connect(db(clinic), isolation_level=None)
    connection.row_factory = sqlite3.Row
    for name in append_only_triggers(APPEND_ONLY_TABLES):
        connection.execute(f"DROP TRIGGER {name}")
    _SHELLS.append(connection)
    yield connection
    close_shells()


def close_shells() -> None:
    while _SHELLS:
        connection = _SHELLS.pop()
        try:
            for sql in append_only_triggers(APPEND_ONLY_TABLES).values():
                connection.execute(sql)
        except sqlite3.ProgrammingError:
            pass  # closed by the test itself, its guards already put back
        finally:
            connection.close()


def rehash(connection: sqlite3.Connection, first: int = 1) -> None:
    """Recompute the chain from audit row `first` on with the app's own function, so every
    link holds again."""
    rows = [dict(row) for row in connection.execute(
        "SELECT * FROM audit WHERE id >= ? ORDER BY id", [first])]
    previous = connection.execute("SELECT hash FROM audit WHERE id < ? ORDER BY id DESC "
                                  "LIMIT 1", [first]).fetchone()
    previous_hash = previous[0] if previous else "0" * 64
    for row in rows:
        digest = row_hash(previous_hash, row)
        connection.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
                           [previous_hash, digest, row["id"]])
        previous_hash = digest


def append_recorded(connection: sqlite3.Connection, table: str, values: dict,
                    action: str, user: str) -> int:
    """A row added with an audit row that records it whole, chained onto the last: what
    the app itself would have written."""
    row_id = connection.execute(
        f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
        list(values.values())).lastrowid
    written = dict(connection.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id])
                   .fetchone())
    del written["id"]
    last = connection.execute("SELECT * FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    row = {"id": last["id"] + 1, "at": last["at"], "user": user, "workstation": last[
        "workstation"], "action": action, "entity": table, "entity_id": row_id,
        "old_value": None, "new_value": canonical(audited_values(table, written)),
        "reason": None}
    connection.execute(
        f"INSERT INTO audit ({', '.join(row)}, prev_hash, hash) VALUES "
        f"({', '.join('?' for _ in row)}, ?, ?)",
        [*row.values(), last["hash"], row_hash(last["hash"], row)])
    assert row_id is not None
    return row_id


def rewrite_recorded(connection: sqlite3.Connection, table: str, row_id: int,
                     **changes: object) -> int:
    """Change a row and the audit row that recorded it, alike; the audit row's id."""
    row = dict(connection.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id]).fetchone())
    row.update(changes)
    sets = ", ".join(f"{name} = ?" for name in changes)
    connection.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*changes.values(), row_id])
    (audit_id,) = connection.execute("SELECT min(id) FROM audit WHERE entity = ? AND "
                                     "entity_id = ?", [table, row_id]).fetchone()
    values = audited_values(table, {k: v for k, v in row.items() if k != "id"})
    connection.execute("UPDATE audit SET new_value = ? WHERE id = ?",
                       [canonical(values), audit_id])
    return int(audit_id)


def test_the_untouched_clinic_is_sound(clinic, capsys):
    code, said = verify(clinic, capsys)
    assert code == 0, said


# -- caught by the rows and the chain ---------------------------------------------------------


def test_a_charted_value_changed(clinic, raw, capsys):
    raw.execute("UPDATE vitals SET systolic = 128 WHERE id = ?", [clinic.bp_149])
    code, said = verify(clinic, capsys)
    assert code == 1 and "differs from what was written" in said, said


def test_a_charted_row_deleted(clinic, raw, capsys):
    raw.execute("DELETE FROM vitals WHERE id = ?", [clinic.bp_149])
    code, said = verify(clinic, capsys)
    assert code == 1 and f"vitals row {clinic.bp_149}: deleted" in said, said


def test_a_row_added_without_its_audit_row(clinic, raw, capsys):
    raw.execute("INSERT INTO vitals (session_id, observed_at, systolic, diastolic, "
                "entered_at, entered_by) SELECT session_id, observed_at, 110, 70, entered_at, "
                "entered_by FROM vitals WHERE id = ?", [clinic.bp_149])
    code, said = verify(clinic, capsys)
    assert code == 1 and "no audit row records it" in said, said


def test_an_audit_row_changed(clinic, raw, capsys):
    raw.execute("UPDATE audit SET user = 'someone.else' WHERE id = 5")
    code, said = verify(clinic, capsys)
    assert code == 1 and "audit row 5: its content was changed" in said, said


def test_an_audit_row_removed_from_the_middle(clinic, raw, capsys):
    raw.execute("DELETE FROM audit WHERE id = 7")
    code, said = verify(clinic, capsys)
    assert code == 1 and "a row was removed, inserted or moved" in said, said


def test_a_row_and_its_audit_row_changed_alike(clinic, raw, capsys):
    rewrite_recorded(raw, "vitals", clinic.bp_149, systolic=128)
    code, said = verify(clinic, capsys)
    assert code == 1 and "its content was changed" in said, said


def test_a_journaled_frames_bytes_changed(clinic, raw, capsys):
    """The monitor's BP 128 made 182 in the raw frame: what the journal holds is not what
    the monitor sent."""
    raw.execute("UPDATE monitor_frames SET raw = ? WHERE id = ?",
                [MONITOR_BP_128.replace(b"|128|", b"|182|"), clinic.frame])
    code, said = verify(clinic, capsys)
    assert code == 1 and f"monitor_frames row {clinic.frame}: differs" in said, said
    assert "; raw)" in said, said


def test_triggers_dropped_and_left_dropped(clinic, capsys):
    connection = sqlite3.connect(db(clinic))
    connection.execute("DROP TRIGGER vitals_no_update")
    connection.commit()
    connection.close()
    code, said = verify(clinic, capsys)
    assert code == 1 and "trigger vitals_no_update is missing" in said, said


def test_the_application_id_changed(clinic, raw, capsys):
    raw.execute("PRAGMA application_id = 7")
    code, said = verify(clinic, capsys)
    assert code == 1 and "application_id" in said, said


def test_a_forged_chain_started_marker_turns_no_check_off(clinic, raw, capsys):
    raw.execute("UPDATE vitals SET systolic = 128 WHERE id = ?", [clinic.bp_149])
    legacy = {table: 10**9 for table in APPEND_ONLY_TABLES if table != "audit"}
    last = raw.execute("SELECT * FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    row = {"id": last["id"] + 1, "at": last["at"], "user": "ketamonitor",
           "workstation": "migration 0003", "action": "audit.chain_started",
           "entity": "audit", "entity_id": None, "old_value": None,
           "new_value": canonical({"legacy_rows_up_to": legacy}), "reason": None}
    raw.execute(f"INSERT INTO audit ({', '.join(row)}, prev_hash, hash) VALUES "
                f"({', '.join('?' for _ in row)}, ?, ?)",
                [*row.values(), last["hash"], row_hash(last["hash"], row)])
    code, said = verify(clinic, capsys)
    assert code == 1 and "forged chain_started marker" in said, said
    assert f"vitals row {clinic.bp_149}: differs" in said, said


# -- caught by the anchor log outside the file -----------------------------------------------


def test_the_last_audit_row_deleted(clinic, raw, capsys):
    raw.execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    code, said = verify(clinic, capsys)
    assert code == 1 and "truncated" in said, said


def test_the_last_hundred_audit_rows_deleted_with_the_rows_they_recorded(clinic, raw, capsys):
    last = raw.execute("SELECT * FROM audit ORDER BY id DESC LIMIT 100").fetchall()
    assert len(last) == 100
    for row in last:
        if row["entity"] in APPEND_ONLY_TABLES and row["entity_id"] is not None:
            raw.execute(f"DELETE FROM {row['entity']} WHERE id = ?", [row["entity_id"]])
        raw.execute("DELETE FROM audit WHERE id = ?", [row["id"]])
    code, said = verify(clinic, capsys)
    assert code == 1 and "truncated" in said, said


def test_an_older_copy_put_back_in_place(clinic, capsys):
    shutil.copyfile(clinic.folder / "older.db", db(clinic))
    code, said = verify(clinic, capsys)
    assert code == 1 and "rolled back" in said, said


def test_the_whole_chain_recomputed_after_a_change(clinic, raw, capsys):
    audit_id = rewrite_recorded(raw, "vitals", clinic.bp_149, systolic=128)
    rehash(raw, audit_id)
    code, said = verify(clinic, capsys)
    assert code == 1 and "recomputed" in said, said


def test_a_signature_changed_then_the_chain_recomputed(clinic, raw, capsys):
    (signature_id,) = raw.execute("SELECT id FROM signatures WHERE session_id = ?",
                                  [clinic.signed_session]).fetchone()
    audit_id = rewrite_recorded(raw, "signatures", signature_id, content_hash="sha256:" + "0" * 64)
    rehash(raw, audit_id)
    code, said = verify(clinic, capsys)
    assert code == 1 and "recomputed" in said, said


def test_a_signature_deleted_then_the_chain_recomputed(clinic, raw, capsys):
    (signature_id,) = raw.execute("SELECT id FROM signatures WHERE session_id = ?",
                                  [clinic.signed_session]).fetchone()
    raw.execute("DELETE FROM signatures WHERE id = ?", [signature_id])
    (audit_id,) = raw.execute("SELECT min(id) FROM audit WHERE entity = 'signatures' AND "
                              "entity_id = ?", [signature_id]).fetchone()
    raw.execute("DELETE FROM audit WHERE id = ?", [audit_id])
    raw.execute("UPDATE audit SET id = id - 1 WHERE id > ?", [audit_id])
    rehash(raw, audit_id)
    code, said = verify(clinic, capsys)
    assert code == 1 and ("recomputed" in said or "truncated" in said), said


def test_a_signed_charts_bp_changed_with_its_content_hash_recomputed(clinic, raw, capsys,
                                                                     tmp_path):
    audit_id = change_bp_and_reseal(clinic, raw, tmp_path)
    rehash(raw, audit_id)
    code, said = verify(clinic, capsys)
    assert code == 1 and "recomputed" in said, said


def change_bp_and_reseal(clinic: Clinic, raw: sqlite3.Connection, scratch: Path) -> int:
    """BP 149 -> 128 in the row and its audit row, and the signature's content hash made
    again by the app's own function on the changed chart (read from a scratch copy); the
    first audit row changed."""
    first = rewrite_recorded(raw, "vitals", clinic.bp_149, systolic=128)
    copy = scratch / "scratch.db"
    shutil.copyfile(db(clinic), copy)
    with Store.open(copy, FakeClock(START), hasher=FAST_HASHER) as store:
        login_as(store, ADMIN)
        chart = store.chart(clinic.signed_session)
        resealed = content_hash(chart, alerts=store._alerts_of(clinic.signed_session))
    (signature_id,) = raw.execute("SELECT id FROM signatures WHERE session_id = ?",
                                  [clinic.signed_session]).fetchone()
    rewrite_recorded(raw, "signatures", signature_id, content_hash=resealed)
    return first


# -- only signed rows can catch these ---------------------------------------------------------


def test_a_forged_row_appended_at_the_end(clinic, raw, capsys):
    (session_id, observed_at, entered_at) = raw.execute(
        "SELECT session_id, observed_at, entered_at FROM vitals WHERE id = ?",
        [clinic.bp_149]).fetchone()
    append_recorded(raw, "vitals", {"session_id": session_id, "observed_at": observed_at,
                                    "systolic": 118, "diastolic": 76, "source": "manual",
                                    "entered_at": entered_at, "entered_by": NURSE},
                    "vitals.create", NURSE)
    code, said = verify(clinic, capsys)
    assert code == 1 and "signature" in said, said


def test_the_whole_chain_recomputed_with_the_anchor_log_lost(clinic, raw, capsys):
    audit_id = rewrite_recorded(raw, "vitals", clinic.bp_149, systolic=128)
    rehash(raw, audit_id)
    anchor_lost(clinic)
    code, said = verify(clinic, capsys)
    assert code == 1 and "signature" in said, said


def test_a_signature_changed_then_the_chain_recomputed_with_the_anchor_log_lost(
        clinic, raw, capsys):
    (signature_id,) = raw.execute("SELECT id FROM signatures WHERE session_id = ?",
                                  [clinic.signed_session]).fetchone()
    audit_id = rewrite_recorded(raw, "signatures", signature_id, content_hash="sha256:" + "0" * 64)
    rehash(raw, audit_id)
    anchor_lost(clinic)
    code, said = verify(clinic, capsys)
    assert code == 1 and "signature" in said, said


def test_a_journaled_frames_bytes_changed_with_its_audit_row_and_the_chain_recomputed(
        clinic, raw, capsys):
    """The frame's row stands unsigned (the listener's), but the nurse's signed rows after
    it vouch for it: recomputing the chain from it breaks her last row's signature."""
    audit_id = rewrite_recorded(raw, "monitor_frames", clinic.frame,
                                raw=MONITOR_BP_128.replace(b"|128|", b"|182|"))
    rehash(raw, audit_id)
    anchor_lost(clinic)
    code, said = verify(clinic, capsys)
    assert code == 1 and "signature" in said, said


def test_a_nurse_adds_herself_a_physician_account(clinic, raw, capsys):
    (user_id,) = raw.execute("SELECT id FROM users WHERE username = ?", [NURSE]).fetchone()
    append_recorded(raw, "user_changes", {"user_id": user_id, "field": "roles",
                                          "value": "nurse,physician",
                                          "changed_at": "2026-11-23T12:00:00.000Z",
                                          "changed_by": ADMIN},
                    "accounts.roles", ADMIN)
    code, said = verify(clinic, capsys)
    assert code == 1 and "signature" in said, said


def test_a_password_hash_replaced_then_signing_as_the_physician(clinic, raw, capsys):
    (user_id,) = raw.execute("SELECT id FROM users WHERE username = ?", [PHYSICIAN]).fetchone()
    known = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("the-attackers-own")
    append_recorded(raw, "user_changes", {"user_id": user_id, "field": "password_hash",
                                          "value": known,
                                          "changed_at": "2026-11-23T12:00:00.000Z",
                                          "changed_by": PHYSICIAN},
                    "accounts.password_hash", PHYSICIAN)
    close_shells()
    with Store.open(db(clinic), FakeClock(START), hasher=FAST_HASHER) as store:
        # the password matches the hash put in, but it cannot open the physician's key:
        # nothing can be exported or signed as them
        with pytest.raises(LoginRefused):
            store.login(PHYSICIAN, "the-attackers-own")
        assert store.account is None
        login_as(store, ADMIN)
        with pytest.raises(RuleError):
            store.sign(clinic.unsigned_session, "the-attackers-own")
    code, said = verify(clinic, capsys)
    assert code == 1 and "signature" in said, said


def test_a_signed_charts_bp_changed_with_its_content_hash_recomputed_anchor_lost(
        clinic, raw, capsys, tmp_path):
    audit_id = change_bp_and_reseal(clinic, raw, tmp_path)
    rehash(raw, audit_id)
    anchor_lost(clinic)
    code, said = verify(clinic, capsys)
    assert code == 1 and "signature" in said, said


def test_the_anchor_log_names_itself(clinic, capsys):
    """Without --anchor, verify says which log it used (and how many heads it holds)."""
    code, said = verify(clinic, capsys)
    log = clinic.folder / ANCHOR
    assert code == 0, said
    heads = [json.loads(line) for line in log.read_text().splitlines()]
    assert f"anchor: {log} ({len(heads)} heads)" in said, said


def test_another_clinics_file_put_in_place_keys_and_all(clinic, tmp_path, capsys):
    """The whole file made again by the attacker, with an administrator of their own (so
    every row verifies on its own keys): the anchor log's root differs, and verify says the
    file's root for the clinic to compare with the one printed when it was set up."""
    forged = tmp_path / "forged.db"
    with Store.open(forged, FakeClock(START), hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        forged_root = store.root_key_fingerprint()
    for side in ("", "-wal", "-shm"):
        db(clinic).with_name(db(clinic).name + side).unlink(missing_ok=True)
    shutil.copyfile(forged, db(clinic))
    code, said = verify(clinic, capsys)
    assert code == 1 and "root key" in said and "rewritten whole" in said, said
    assert f"root key: {forged_root}" in said
