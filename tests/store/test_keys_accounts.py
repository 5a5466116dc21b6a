"""Each account's key through its life (issue 20, item 1): made with the account, opened at
login, resealed by an own password change, replaced by an administrator's reset, taken at the
first login after an upgrade (trusted on first use); every row it writes signed, and the file
verifying clean through all of it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from ketamonitor.core.accounts import Role
from ketamonitor.core.audit_chain import GENESIS, row_hash
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.keys import fingerprint
from ketamonitor.core.phases import Action
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.rows import audited_values, canonical_json
from ketamonitor.store.schema import KEYS_STARTED, migrations
from ketamonitor.store.store import PasswordNotConfirmed, Store
from ketamonitor.store.verify import verify_database
from tests.conftest import START
from tests.people import (
    ADMIN,
    FAST_HASHER,
    NURSE,
    PASSWORD,
    PHYSICIAN,
    TEMPORARY,
    add_people,
    audit_of,
    choose_own_password,
    login_as,
)
from tests.store.test_overrides import REASON, held

_AT = "2026-11-01T08:00:00.000Z"


def keys_of(path: Path, username: str) -> list[str]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as connection:
        found = [row[0] for row in connection.execute(
            "SELECT public_key FROM account_keys k JOIN users u ON u.id = k.user_id "
            "WHERE u.username = ? ORDER BY k.id", [username])]
    connection.close()
    return found


def test_every_row_of_a_logged_in_person_is_signed_and_the_file_verifies(store, db_path):
    add_people(store)
    rows = audit_of(store)
    assert all(row["signer"] == row["user"] and row["signature"] for row in rows
               if row["action"] not in ("login.failed",))
    assert verify_database(db_path) == []


def test_an_own_password_change_reseals_the_same_key_and_a_reset_issues_a_new_one(
        store, db_path, clock):
    add_people(store)  # the nurse chose her own password: her key resealed, not replaced
    assert len(set(keys_of(db_path, NURSE))) == 1 and len(keys_of(db_path, NURSE)) == 2
    store.set_password(NURSE, "a-newer-long-password")
    assert len(set(keys_of(db_path, NURSE))) == 1
    login_as(store, ADMIN)
    store.set_password(NURSE, TEMPORARY)  # the administrator's reset: a new key pair
    first, *_, last = keys_of(db_path, NURSE)
    assert first != last
    (issued,) = [row for row in audit_of(store) if row["action"] == "accounts.key"][-1:]
    assert (issued["signer"], last in issued["new_value"]) == (ADMIN, True)
    assert "sealed_key" in issued["new_value"] and "sha256:" in issued["new_value"]
    choose_own_password(store, NURSE)
    assert verify_database(db_path) == []


def test_the_key_opens_with_the_password_only(store, db_path, clock):
    add_people(store)
    store.logout()
    with pytest.raises(LoginRefused, match="Wrong username or password"):
        store.login(PHYSICIAN, "not-the-password")
    clock.advance(seconds=1)
    store.login(PHYSICIAN, PASSWORD)
    assert store._signing is not None and store._signing[0] == PHYSICIAN
    store.lock_screen()
    assert store._signing is None  # dropped at lock: the room's rows go on unsigned
    store.login(PHYSICIAN, PASSWORD)
    assert store._signing is not None
    store.logout()
    assert store._signing is None  # dropped at logout
    assert verify_database(db_path) == []


def older_clinic(path: Path) -> Path:
    """A clinic as the version before keys left it: an administrator and a nurse, their rows
    audited whole and chained the old way."""
    connection = sqlite3.connect(path)
    migrations.apply(Database(connection), stop_before="0016_keys")
    previous = GENESIS
    audit_id = 0

    def audit(action: str, entity: str, entity_id: int, values: dict, by: str) -> None:
        nonlocal previous, audit_id
        audit_id += 1
        row = {"id": audit_id, "at": _AT, "user": by, "workstation": "ws", "action": action,
               "entity": entity, "entity_id": entity_id, "old_value": None,
               "new_value": canonical_json(audited_values(entity, values)), "reason": None}
        digest = row_hash(previous, row)
        connection.execute(f"INSERT INTO audit ({', '.join(row)}, prev_hash, hash) VALUES "
                           f"({', '.join('?' for _ in row)}, ?, ?)",
                           [*row.values(), previous, digest])
        previous = digest

    for username, role in ((ADMIN, Role.ADMINISTRATOR), (NURSE, Role.NURSE)):
        values = {"username": username, "created_at": _AT, "created_by": ADMIN}
        user_id = connection.execute("INSERT INTO users (username, created_at, created_by) "
                                     "VALUES (?, ?, ?)", list(values.values())).lastrowid
        audit("accounts.create", "users", user_id, values, ADMIN)
        for field, value in (("display_name", username), ("roles", role.value),
                             ("password_hash", FAST_HASHER.hash(PASSWORD))):
            change = {"user_id": user_id, "field": field, "value": value,
                      "changed_at": _AT, "changed_by": ADMIN}
            change_id = connection.execute(
                "INSERT INTO user_changes (user_id, field, value, changed_at, changed_by) "
                "VALUES (?, ?, ?, ?, ?)", list(change.values())).lastrowid
            audit(f"accounts.{field}", "user_changes", change_id, change, ADMIN)
    connection.commit()
    connection.close()
    return path


def test_accounts_from_before_keys_take_theirs_at_their_next_login(tmp_path):
    path = older_clinic(tmp_path / "ketamonitor.db")
    with Store.open(path, FakeClock(START), hasher=FAST_HASHER) as store:
        marker = [row for row in audit_of(store) if row["action"] == KEYS_STARTED]
        assert [(row["user"], row["workstation"]) for row in marker] == [
            ("ketamonitor", "migration 0016")]
        assert verify_database(path) == []  # no one has a key yet: nothing to check
        login_as(store, NURSE)  # the nurse first: trusted on first use, like everyone
        login_as(store, ADMIN)  # the first administrator after the upgrade: the root
        store.add_account(PHYSICIAN, "Dr Ada Obi", frozenset({Role.PHYSICIAN}), TEMPORARY)
        store.set_roles(NURSE, frozenset({Role.NURSE, Role.PHYSICIAN}))
        taken = [row for row in audit_of(store) if row["action"] == "accounts.key"]
        assert [row["signer"] for row in taken] == [NURSE, ADMIN, ADMIN]
        assert "trusted on first use" in taken[0]["reason"]
        store.logout()
    assert len(keys_of(path, NURSE)) == len(keys_of(path, ADMIN)) == 1
    assert verify_database(path) == []


def test_the_root_keys_fingerprint_is_the_first_administrators(store, db_path):
    add_people(store)
    (root, *_) = keys_of(db_path, ADMIN)
    assert store.root_key_fingerprint() == fingerprint(root)
    assert fingerprint(root).startswith("SHA256:") and len(fingerprint(root).split()) == 8


def test_a_physicians_override_at_the_nurses_login_is_signed_with_the_physicians_key(
        charting, store, db_path, clock):
    """The physician's password opens the physician's key, which signs the override; a wrong
    one is an unsigned attempt, allowed (it grants nothing)."""
    session_id = held(charting, store, psychosis_history="yes")
    with pytest.raises(PasswordNotConfirmed):
        store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, "a-guess")
    clock.advance(seconds=1)
    store.override(session_id, Action.START_INFUSION, REASON, PHYSICIAN, PASSWORD)
    (row,) = audit_of(store, "overrides")
    assert (row["user"], row["signer"], store.user) == (PHYSICIAN, PHYSICIAN, NURSE)
    assert verify_database(db_path) == []
