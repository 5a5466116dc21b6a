"""Tampering that only signatures reveal (issue 20, item 1): an attacker with the sqlite3
shell, the app's own hash functions and a nurse's password, but no one else's. Each kind
passed `verify` before rows were signed; now `ketamonitor verify` exits 1 and names it.

The attacker here is careful: triggers dropped for the change and put back, every audit row
made to match, and the chain's hashes recomputed by the app's own rule."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from ketamonitor.cli import PASSWORD_ENV, ExitCode, main
from ketamonitor.core.audit_chain import canonical, row_hash, sha256_text
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.phases import Action
from ketamonitor.core.signature import content_hash, matches
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.keys import KeyPair, sign, unseal
from ketamonitor.store.schema import append_only_triggers
from ketamonitor.store.store import Store
from tests.charting import EARLY_END, Charting
from tests.conftest import START
from tests.people import ADMIN, FAST_HASHER, NURSE, PASSWORD, PHYSICIAN, add_people, login_as
from tests.store.steps import running

ATTACKER_PASSWORD = "the-attacker-knows-this-one"


@pytest.fixture(scope="module")
def signed_clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clinic with a chart (BP 149/92) the physician signed, made once."""
    path = tmp_path_factory.mktemp("signed-clinic") / "ketamonitor.db"
    clock = FakeClock(START)
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        charting = Charting(store, clock)
        session_id, _ = running(charting)
        charting.bp(session_id, 149, 92)
        clock.advance(minutes=5)
        store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                           reason="patient declined")
        login_as(store, PHYSICIAN)
        store.sign(session_id, PASSWORD)
        login_as(store, NURSE)
        store.logout()
    return path


@pytest.fixture
def clinic(signed_clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    path = tmp_path / "clinic.db"
    shutil.copyfile(signed_clinic, path)
    return path


def verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[ExitCode, str]:
    capsys.readouterr()
    code = main(["verify", "--db", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# -- the attacker's tools ----------------------------------------------------------------------


def _rows(connection: sqlite3.Connection, sql: str, params: tuple = ()) -> list[dict]:
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def attack(path: Path, change) -> None:
    """Drop every guard, make the change, recompute the whole chain by the app's own rule
    (signatures left as they are: no one but their signer can make them), put the guards
    back."""
    connection = sqlite3.connect(path)
    guards = append_only_triggers(tuple(name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")))
    present = {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name in present & set(guards):
        connection.execute(f"DROP TRIGGER {name}")
    change(connection)
    previous, previous_signature = "0" * 64, None
    for row in _rows(connection, "SELECT * FROM audit ORDER BY id"):
        digest = row_hash(previous, row, previous_signature)
        connection.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
                           [previous, digest, row["id"]])
        previous, previous_signature = digest, row["signature"]
    for name in present & set(guards):
        connection.execute(guards[name])
    connection.commit()
    connection.close()


def append_audit(connection: sqlite3.Connection, values: dict, *, key=None) -> None:
    """An audit row at the end of the chain, hashed by the app's rule, signed with `key` (the
    attacker's own) if given."""
    last = _rows(connection, "SELECT * FROM audit ORDER BY id DESC LIMIT 1")[0]
    row = {"id": last["id"] + 1, "at": last["at"], "workstation": "nurses-station",
           "entity_id": None, "old_value": None, "new_value": None, "reason": None,
           "hash_rule": 2,
           "signer": None, **values}
    row["hash"] = row_hash(last["hash"], row, last["signature"])
    row["prev_hash"] = last["hash"]
    row["signature"] = None if key is None else sign(key, row["hash"])
    connection.execute(f"INSERT INTO audit ({', '.join(row)}) VALUES "
                       f"({', '.join('?' for _ in row)})", list(row.values()))


def nurse_key(connection: sqlite3.Connection):
    """The nurse's own private key: she knows her password."""
    public, sealed = connection.execute(
        "SELECT public_key, sealed_key FROM account_keys k JOIN users u ON u.id = k.user_id "
        "WHERE u.username = ? ORDER BY k.id DESC LIMIT 1", [NURSE]).fetchone()
    return unseal(KeyPair(public, sealed), PASSWORD)


def user_id(connection: sqlite3.Connection, username: str) -> int:
    return connection.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()[0]


def add_user_change(connection: sqlite3.Connection, username: str, field: str, value: str, *,
                    key=None) -> None:
    """A user_changes row and the audit row that records it whole, as the app would."""
    values = {"user_id": user_id(connection, username), "field": field, "value": value,
              "changed_at": "2026-11-23T23:00:00.000Z", "changed_by": NURSE}
    new_id = connection.execute(
        "INSERT INTO user_changes (user_id, field, value, changed_at, changed_by) VALUES "
        "(:user_id, :field, :value, :changed_at, :changed_by)", values).lastrowid
    audited = {**values, "value": sha256_text(value)} if field == "password_hash" else values
    append_audit(connection, {"user": NURSE, "action": f"accounts.{field}",
                              "entity": "user_changes", "entity_id": new_id,
                              "new_value": canonical(audited),
                              "signer": NURSE if key else None}, key=key)


# -- the kinds ---------------------------------------------------------------------------------


def test_the_signed_clinic_verifies(clinic, capsys):
    code, said = verify(clinic, capsys)
    assert code == ExitCode.OK
    assert said.endswith(": sound (integrity, foreign keys, audit chain, charted rows)\n")


def test_a_forged_row_appended_at_the_end_is_reported(clinic, capsys):
    """The administrator 'logs in' once more: chained perfectly, but the signature is one
    copied from an older row of theirs (no one else can make theirs)."""
    def change(connection: sqlite3.Connection) -> None:
        copied = connection.execute("SELECT signature FROM audit WHERE signer = ? ORDER BY id "
                                    "DESC LIMIT 1", [ADMIN]).fetchone()[0]
        append_audit(connection, {"user": ADMIN, "action": "login", "entity": "accounts",
                                  "entity_id": 1, "signer": ADMIN})
        connection.execute("UPDATE audit SET signature = ? WHERE id = (SELECT max(id) FROM "
                           "audit)", [copied])
    attack(clinic, change)
    code, said = verify(clinic, capsys)
    assert code == ExitCode.REFUSED
    assert f"{ADMIN}'s last row, its signature does not verify (a forged row" in said


def bp_149_to_128(connection: sqlite3.Connection) -> None:
    """The charted BP 149 changed to 128, and its audit row made to match."""
    vitals_id = connection.execute("SELECT id FROM vitals WHERE systolic = 149").fetchone()[0]
    connection.execute("UPDATE vitals SET systolic = 128 WHERE id = ?", [vitals_id])
    connection.execute("UPDATE audit SET new_value = replace(new_value, '\"systolic\":149', "
                       "'\"systolic\":128') WHERE entity = 'vitals' AND entity_id = ?",
                       [vitals_id])


def test_the_whole_chain_recomputed_after_a_change_is_reported(clinic, capsys):
    """A BP changed 149 -> 128, its audit row made to match, every hash recomputed: each
    signer's last signature was over the old hashes."""
    attack(clinic, bp_149_to_128)
    code, said = verify(clinic, capsys)
    assert code == ExitCode.REFUSED
    assert "chain recomputed after a change" in said
    assert "row" in said and "its content was changed" not in said  # the chain itself holds


@pytest.mark.parametrize("signature", [None, "00" * 64], ids=["deleted", "changed"])
def test_a_signature_changed_or_deleted_then_the_chain_recomputed_is_reported(
        clinic, capsys, signature):
    def change(connection: sqlite3.Connection) -> None:
        connection.execute("UPDATE audit SET signature = ? WHERE id = (SELECT min(id) FROM "
                           "audit WHERE action = 'vitals.create')", [signature])
    attack(clinic, change)
    code, said = verify(clinic, capsys)
    assert code == ExitCode.REFUSED
    assert "its signature does not verify" in said


def test_a_nurse_who_gives_herself_the_physician_role_is_reported(clinic, capsys):
    """She writes the role change and its audit row, chained and signed with her own key."""
    def change(connection: sqlite3.Connection) -> None:
        add_user_change(connection, NURSE, "roles", "nurse,physician", key=nurse_key(connection))
    attack(clinic, change)
    code, said = verify(clinic, capsys)
    assert code == ExitCode.REFUSED
    assert f"'accounts.roles' is signed by {NURSE}, who is not an administrator" in said
    assert f"({NURSE}): roles differ from what an administrator signed" in said


def test_a_password_hash_replaced_opens_no_key_nothing_is_signed_or_exported(
        clinic, capsys, tmp_path, monkeypatch):
    """The physician's password hash replaced by one the attacker knows: the password now
    matches, but the physician's key stays sealed under the physician's own password."""
    def change(connection: sqlite3.Connection) -> None:
        add_user_change(connection, PHYSICIAN, "password_hash",
                        FAST_HASHER.hash(ATTACKER_PASSWORD), key=nurse_key(connection))
    attack(clinic, change)
    code, said = verify(clinic, capsys)
    assert code == ExitCode.REFUSED
    assert f"'accounts.password_hash' is signed by {NURSE}, who is not an administrator" in said
    with Store.open(clinic, FakeClock(START), hasher=FAST_HASHER) as store:
        with pytest.raises(LoginRefused, match="key cannot be opened with this password: the "
                                               "account was changed outside the app"):
            store.login(PHYSICIAN, ATTACKER_PASSWORD)
        assert store.account is None  # nothing can be charted or signed as the physician
        refused = store._db.execute("SELECT reason FROM audit ORDER BY id DESC LIMIT 1")
        assert "did not open the account's key" in refused.fetchone()[0]
    monkeypatch.setenv(PASSWORD_ENV, ATTACKER_PASSWORD)
    capsys.readouterr()
    out = tmp_path / "audit.csv"
    assert main(["export", "audit", "--from", "2020-01-01", "--to", "2030-12-31", "--format",
                 "csv", "--out", str(out), "--db", str(clinic), "--user", PHYSICIAN]
                ) == ExitCode.REFUSED
    assert "key cannot be opened" in capsys.readouterr().err
    assert not out.exists()


def test_a_signed_charts_bp_changed_with_its_content_hash_recomputed_is_reported(
        clinic, capsys):
    """149 -> 128 in the chart, the signature's content hash recomputed by the app's own
    function: the PDF's 'matches' and verify both see the physician's key did not sign it."""
    attack(clinic, bp_149_to_128)
    with Store.open(clinic, FakeClock(START), hasher=FAST_HASHER) as store:
        login_as(store, NURSE)
        (session_id,) = {row[0] for row in store._db.execute("SELECT session_id FROM signatures")}
        alerts = store.alerts([session_id])[session_id]
        recomputed = content_hash(store.chart(session_id), alerts=alerts)
    signature_id, old_hash = _signature(clinic)
    assert recomputed != old_hash

    def rehash(connection: sqlite3.Connection) -> None:
        connection.execute("UPDATE signatures SET content_hash = ? WHERE id = ?",
                           [recomputed, signature_id])
        connection.execute("UPDATE audit SET new_value = replace(new_value, ?, ?) WHERE "
                           "entity = 'signatures' AND entity_id = ?",
                           [old_hash, recomputed, signature_id])
    attack(clinic, rehash)
    with Store.open(clinic, FakeClock(START), hasher=FAST_HASHER) as store:
        login_as(store, NURSE)
        (signature,) = store.signatures(session_id)
        assert signature.content_hash == content_hash(store.chart(session_id), alerts=alerts)
        assert not matches(signature, store.chart(session_id), alerts)  # the PDF warns
        store.logout()
    code, said = verify(clinic, capsys)
    assert code == ExitCode.REFUSED
    assert (f"signatures row {signature_id} (session {session_id}): {PHYSICIAN}'s key did not "
            "sign this content hash") in said


def _signature(path: Path) -> tuple[int, str]:
    with sqlite3.connect(path) as connection:
        found = connection.execute("SELECT id, content_hash FROM signatures").fetchone()
    connection.close()
    return found


def test_the_audit_rows_of_a_signature_carry_the_hash_it_signed(clinic):
    """What `rehash` above relies on: the signature's audit row holds its content hash."""
    signature_id, digest = _signature(clinic)
    with sqlite3.connect(clinic) as connection:
        (new_value,) = connection.execute(
            "SELECT new_value FROM audit WHERE entity = 'signatures' AND entity_id = ?",
            [signature_id]).fetchone()
    connection.close()
    assert json.loads(new_value)["content_hash"] == digest
