"""Accounts and logins: the first administrator, accounts added and disabled (never deleted,
a username never reused), roles and passwords, and logins refused, throttled and locked,
each step audited and no password kept in clear."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.lockout import LOCK_TIME
from ketamonitor.core.permissions import NotLoggedIn, PermissionDenied
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.store import Store
from tests.people import ADMIN, FAST_HASHER, NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import row_counts

WRONG = "Wrong username or password"
NEW_PASSWORD = "a-brand-new-passphrase"
SQL = "'; DROP TABLE users; --"
LONG = "x" * 100_000


def as_admin(store: Store) -> Store:
    login_as(store, ADMIN)
    return store


def fail(store: Store, username: str, password: str = "not-the-password") -> str:
    with pytest.raises(LoginRefused) as refused:
        store.login(username, password)
    return str(refused.value)


def fail_until_locked(store: Store, clock, username: str) -> None:
    """Five wrong passwords in a row, each after the wait the last one set."""
    for wait in (1, 2, 4, 8):
        assert fail(store, username) == WRONG
        clock.advance(seconds=wait)
    assert fail(store, username) == WRONG


def tables(db_path: Path) -> list[str]:
    with sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name")]
    connection.close()
    return names


# -- the first administrator -------------------------------------------------------------


def test_an_empty_database_gets_its_first_administrator_and_only_one(tmp_path, clock):
    with Store.open(tmp_path / "new.db", clock, hasher=FAST_HASHER, create=True) as store:
        assert not store.has_accounts()
        first = store.create_first_administrator("Boss", "  Ada   Admin ", PASSWORD)
        assert (first.username, first.display_name, first.roles) == (
            "boss", "Ada Admin", frozenset({Role.ADMINISTRATOR}))
        assert store.account is None  # made, not logged in
        audit = audit_of(store)
        assert {row["user"] for row in audit} == {"boss"}
        assert [row["action"] for row in audit] == [
            "accounts.create", "accounts.display_name", "accounts.roles",
            "accounts.password_hash", "accounts.key"]  # the clinic's root key
        assert {row["signer"] for row in audit} == {"boss"}  # signed by the root key itself
        with pytest.raises(ValidationError, match="already has accounts"):
            store.create_first_administrator("second", "Second Admin", PASSWORD)
        store.login("boss", PASSWORD)
        assert [a.username for a in store.accounts()] == ["boss"]


def test_no_first_administrator_once_anyone_has_an_account(store, db_path):
    store.logout()
    before = row_counts(db_path)
    with pytest.raises(ValidationError, match="already has accounts"):
        store.create_first_administrator("intruder", "In Truder", PASSWORD)
    assert row_counts(db_path) == before


# -- adding, disabling, roles ------------------------------------------------------------


def test_an_administrator_adds_an_account_with_its_audit_rows(store):
    as_admin(store)
    added = store.add_account("nurse.bo", "Bo Lee", frozenset({Role.NURSE}), PASSWORD)
    assert (added.display_name, added.roles, added.disabled) == ("Bo Lee",
                                                                 frozenset({Role.NURSE}), False)
    created = [row for row in audit_of(store, "users") if row["entity_id"] == added.id]
    assert [(row["action"], row["user"]) for row in created] == [("accounts.create", ADMIN)]
    login_as(store, "nurse.bo")
    assert store.account == added


def test_a_disabled_account_stays_and_its_username_is_never_used_again(store, db_path):
    as_admin(store)
    users_before = row_counts(db_path)["users"]
    with pytest.raises(ValidationError, match="say why"):
        store.disable_account(NURSE, "   ")
    disabled = store.disable_account(NURSE, "left the clinic")
    assert disabled.disabled
    assert NURSE in [a.username for a in store.accounts()]  # disabled, never deleted
    assert row_counts(db_path)["users"] == users_before
    (row,) = [r for r in audit_of(store) if r["action"] == "accounts.disabled"
              and r["reason"] == "left the clinic"]
    assert row["user"] == ADMIN
    for again in (NURSE, " Nurse.Ana "):
        with pytest.raises(ValidationError, match="never reused"):
            store.add_account(again, "Another Ana", frozenset({Role.NURSE}), PASSWORD)
    store.logout()
    assert fail(store, NURSE, PASSWORD) == WRONG


def test_a_disabled_account_is_enabled_again_by_an_administrator_with_a_reason(store, clock):
    as_admin(store)
    with pytest.raises(ValidationError, match="is not disabled"):
        store.enable_account(NURSE, "by mistake")
    store.disable_account(NURSE, "on leave")
    with pytest.raises(ValidationError, match="say why"):
        store.enable_account(NURSE, "  ")
    enabled = store.enable_account(NURSE, "back from leave")
    assert not enabled.disabled and enabled.roles == {Role.NURSE}
    (row,) = [r for r in audit_of(store) if r["reason"] == "back from leave"]
    assert row["user"] == ADMIN
    login_as(store, PHYSICIAN)
    with pytest.raises(PermissionDenied):
        store.enable_account(NURSE, "a physician may not")
    store.logout()
    clock.advance(seconds=5)
    assert store.login(NURSE, PASSWORD).username == NURSE  # the password as it was


def test_an_administrator_cannot_disable_their_own_account(store):
    as_admin(store)
    with pytest.raises(ValidationError, match="your own account"):
        store.disable_account(ADMIN, "testing")


def test_roles_are_set_by_an_administrator_and_take_effect_at_the_next_login(store):
    as_admin(store)
    changed = store.set_roles(NURSE, frozenset({Role.NURSE, Role.PHYSICIAN}))
    assert changed.roles == {Role.NURSE, Role.PHYSICIAN}
    assert changed.roles_label == "Nurse, Physician"
    with pytest.raises(ValidationError, match="choose at least one role"):
        store.set_roles(NURSE, frozenset())
    with pytest.raises(ValidationError, match="own administrator role"):
        store.set_roles(ADMIN, frozenset({Role.NURSE}))
    login_as(store, NURSE)
    assert store.review_queue() == []  # a physician's call, allowed now


def test_anyone_changes_their_own_password_and_only_an_administrator_anyone_elses(store,
                                                                                  clock):
    store.set_password(NURSE, NEW_PASSWORD)
    store.logout()
    assert fail(store, NURSE, PASSWORD) == WRONG
    clock.advance(seconds=1)
    store.login(NURSE, NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        store.set_password(PHYSICIAN, NEW_PASSWORD)
    with pytest.raises(ValidationError, match="at least 12 characters"):
        store.set_password(NURSE, "short")
    as_admin(store)
    store.set_password(PHYSICIAN, NEW_PASSWORD)
    store.logout()
    store.login(PHYSICIAN, NEW_PASSWORD)


def test_setting_a_password_before_logging_in_is_refused(store):
    store.logout()
    with pytest.raises(NotLoggedIn):
        store.set_password(NURSE, NEW_PASSWORD)
    with pytest.raises(NotLoggedIn):
        store.set_password("nobody.here", NEW_PASSWORD)  # the same answer: no name guessed


# -- logging in --------------------------------------------------------------------------


def test_a_login_writes_its_audit_row(store, clock):
    store.logout()
    account = store.login("  Nurse.Ana ", PASSWORD)
    assert store.account == account and account.username == NURSE
    last = audit_of(store)[-1]
    assert (last["action"], last["entity"], last["entity_id"], last["user"]) == (
        "login", "accounts", account.id, NURSE)
    assert last["at"] == clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.mark.parametrize(("username", "password"), [
    (NURSE, "not-the-password"),
    ("nobody.here", PASSWORD),
    ("dr.gone", PASSWORD),  # disabled
    (SQL, PASSWORD),
    (NURSE, SQL),
    (LONG, PASSWORD),
    (NURSE, LONG),
    (LONG, LONG),
], ids=["wrong-password", "unknown", "disabled", "sql-username", "sql-password",
        "long-username", "long-password", "long-both"])
def test_every_refused_login_says_the_same_and_writes_only_its_audit_row(store, db_path,
                                                                         username, password):
    as_admin(store)
    store.add_account("dr.gone", "Dr Gone", frozenset({Role.PHYSICIAN}), PASSWORD)
    store.disable_account("dr.gone", "retired")
    store.logout()
    schema, before = tables(db_path), row_counts(db_path)
    assert fail(store, username, password) == WRONG
    after = row_counts(db_path)
    assert after == {**before, "audit": before["audit"] + 1}
    last = audit_of(store)[-1]
    assert last["action"] == "login.failed"
    assert len(last["user"]) <= 64
    assert store.account is None
    assert tables(db_path) == schema


@pytest.mark.parametrize(("username", "password"), [("", PASSWORD), (NURSE, ""), ("  ", "")])
def test_empty_fields_are_refused_and_write_nothing(store, db_path, username, password):
    store.logout()
    before = row_counts(db_path)
    assert fail(store, username, password) == "type your username and password"
    assert row_counts(db_path) == before


def test_a_failed_login_makes_the_next_try_wait_even_with_the_right_password(store, db_path,
                                                                             clock):
    store.logout()
    fail(store, NURSE)
    clock.advance(seconds=0.5)
    before = row_counts(db_path)
    assert fail(store, NURSE, PASSWORD) == "Wait 1 s before trying again"
    # a try refused before it is checked is audited, and not counted as a failure
    assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}
    assert audit_of(store)[-1]["action"] == "login.refused"
    clock.advance(seconds=0.5)
    fail(store, NURSE)
    assert fail(store, NURSE, PASSWORD) == "Wait 2 s before trying again"
    clock.advance(seconds=2)
    store.login(NURSE, PASSWORD)
    assert store.account is not None


def test_five_failures_lock_the_account_for_fifteen_minutes(store, db_path, clock):
    store.logout()
    fail_until_locked(store, clock, NURSE)
    locked_at = clock.now()
    rows = [row for row in audit_of(store) if row["user"] == NURSE]
    assert [row["action"] for row in rows[-6:]] == ["login.failed"] * 5 + ["accounts.locked"]
    assert rows[-1]["reason"] == "5 failed logins in a row"
    clock.advance(seconds=30)
    before = row_counts(db_path)
    refusal = fail(store, NURSE, PASSWORD)
    assert "locked after 5 failed logins" in refusal
    assert f"after {locked_at + LOCK_TIME:%H:%M} UTC" in refusal
    assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}  # only its audit row
    assert (audit_of(store)[-1]["action"], audit_of(store)[-1]["user"]) == (
        "login.refused", NURSE)

    as_admin(store)
    assert store.locked_accounts() == [(NURSE, locked_at + LOCK_TIME)]
    store.logout()

    clock.set(locked_at + LOCK_TIME - timedelta(seconds=1))
    assert "locked" in fail(store, NURSE, PASSWORD)
    clock.advance(seconds=1)
    store.login(NURSE, PASSWORD)
    as_admin(store)
    assert store.locked_accounts() == []


def test_a_name_that_is_no_account_is_audited_by_a_pseudonym_never_in_clear(store):
    """People type their password into the username field: it must not land in the trail."""
    store.logout()
    assert fail(store, "my-secret-password-typed-here", PASSWORD) == WRONG
    last = audit_of(store)[-1]
    assert last["action"] == "login.failed"
    assert last["user"].startswith("unknown:") and "secret" not in last["user"]


def test_a_crafted_account_gains_nothing_and_a_disabled_one_loses_everything_at_once(
        store, charting, db_path, clock):
    session_id = charting.started()
    store.account = replace(store.account, roles=frozenset({Role.PHYSICIAN,
                                                            Role.ADMINISTRATOR}))
    with pytest.raises(PermissionDenied):
        store.add_account("mallory", "Mallory", frozenset({Role.ADMINISTRATOR}), PASSWORD)
    assert store.account.roles == frozenset({Role.NURSE})  # as the record holds them
    charting.bp(session_id, 120, 80)

    with Store.open(db_path, clock, lock=False, hasher=FAST_HASHER, create=True) as office:
        login_as(office, ADMIN)
        office.disable_account(NURSE, "left the clinic")
    with pytest.raises(PermissionDenied):  # the next entry, not the next login
        charting.bp(session_id, 124, 82)


def test_an_administrator_unlocks_an_account_at_once(store, clock):
    store.logout()
    fail_until_locked(store, clock, NURSE)
    as_admin(store)
    store.unlock_account(NURSE)
    unlock = audit_of(store)[-1]
    assert (unlock["action"], unlock["user"], unlock["reason"]) == (
        "accounts.unlocked", ADMIN, f"{NURSE} unlocked")
    assert store.locked_accounts() == []
    store.logout()
    store.login(NURSE, PASSWORD)
    assert store.account is not None and store.account.username == NURSE


def test_an_unknown_username_is_throttled_and_locked_like_a_real_one(store, clock):
    """What a guesser sees never tells whether the account exists."""
    store.logout()
    names = (NURSE, "nobody.here")
    for wait in (1, 2, 4, 8, 20):
        seen = {name: fail(store, name) for name in names}
        assert seen[NURSE] == seen["nobody.here"] == WRONG
        seen = {name: fail(store, name, PASSWORD) for name in names}
        assert seen[NURSE] == seen["nobody.here"]
        clock.advance(seconds=wait)
    seen = {name: fail(store, name, PASSWORD) for name in names}
    assert seen[NURSE] == seen["nobody.here"]
    assert "locked" in seen[NURSE]


# -- what goes in --------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("username", SQL, "lowercase letters"),
    ("username", LONG, "lowercase letters"),
    ("username", "", "required"),
    ("display_name", LONG, "at most 80 characters"),
    ("display_name", "   ", "required"),
    ("password", LONG, "at most 256 characters"),
    ("password", "short", "at least 12 characters"),
], ids=["sql-username", "long-username", "empty-username", "long-name", "empty-name",
        "long-password", "short-password"])
def test_bad_account_details_are_refused_by_field_and_nothing_is_written(store, db_path, field,
                                                                         value, reason):
    as_admin(store)
    typed = {"username": "nurse.bo", "display_name": "Bo Lee", "password": PASSWORD,
             field: value}
    before, schema = row_counts(db_path), tables(db_path)
    with pytest.raises(ValidationError) as refused:
        store.add_account(typed["username"], typed["display_name"], frozenset({Role.NURSE}),
                          typed["password"])
    assert reason in refused.value.reasons[field]
    assert row_counts(db_path) == before
    assert tables(db_path) == schema


def test_sql_looking_names_and_passwords_are_kept_as_typed(store, db_path):
    as_admin(store)
    schema = tables(db_path)
    added = store.add_account("o.brien", SQL, frozenset({Role.NURSE}), SQL + " x")
    assert added.display_name == SQL
    store.logout()
    store.login("o.brien", SQL + " x")
    assert tables(db_path) == schema
    assert row_counts(db_path)["users"] == 4


def test_no_password_is_kept_in_clear_anywhere_in_the_file(store, db_path, clock):
    secrets = [PASSWORD, NEW_PASSWORD, "typed-wrong-passphrase"]
    store.set_password(NURSE, NEW_PASSWORD)
    store.logout()
    fail(store, PHYSICIAN, "typed-wrong-passphrase")
    clock.advance(seconds=1)
    store.login(PHYSICIAN, PASSWORD)

    def file_bytes() -> bytes:
        return b"".join(path.read_bytes() for path in db_path.parent.glob(f"{db_path.name}*")
                        if path.is_file())

    files = [path.name for path in db_path.parent.glob(f"{db_path.name}*")]
    assert f"{db_path.name}-wal" in files
    while_open = file_bytes()
    store.close()
    after_close = file_bytes()
    assert b"Ana Ruiz" in while_open  # the scan sees text the app wrote...
    assert b"$argon2id$" in while_open + after_close  # ...and the hashes, never the passwords
    for content in (while_open, after_close):
        for secret in secrets:
            assert secret.encode() not in content
            assert secret.encode("utf-16-le") not in content
