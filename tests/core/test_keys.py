"""The rules of signed rows (core.keys), with the signature check handed in as a fake: who
may stand unsigned, where keys began, and the trust walk from the clinic's root. The real
Ed25519 keys are tried in tests/store/test_keys*.py and tests/store/test_signed_rows.py."""

from __future__ import annotations

import json
from typing import Any

from ketamonitor.core.keys import (
    KEYS_STARTED,
    AccountState,
    authorship_problems,
    fingerprint,
    keys_began,
    table_problems,
    trust_walk,
    unsigned_row_problem,
)


def valid(key: str, message: str, signature: str) -> bool:
    """The fake check: a signature is `sig(<key>,<message>)`."""
    return signature == f"sig({key},{message})"


class Trail:
    """Audit rows as the store writes them, numbered in order, signed with the fake check."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, action: str, entity: str, entity_id: int | None, new_value: dict | None,
            *, by: str | None, key: str | None = None, user: str | None = None,
            rule: int | None = 2, signature: str | None = None) -> dict[str, Any]:
        number = len(self.rows) + 1
        digest = f"h{number}"
        row = {"id": number, "action": action, "entity": entity, "entity_id": entity_id,
               "new_value": None if new_value is None else json.dumps(new_value),
               "user": user or by or "ketamonitor", "workstation": "ws-1", "hash": digest,
               "hash_rule": rule, "signer": by,
               "signature": signature if signature is not None else (
                   f"sig({key},{digest})" if by and key else None)}
        self.rows.append(row)
        return row

    def account(self, user_id: int, username: str, *, by: str, key: str) -> None:
        self.add("accounts.created", "users", user_id, {"username": username}, by=by, key=key)

    def issue_key(self, user_id: int, public_key: str, *, by: str, key: str) -> None:
        self.add("accounts.key", "account_keys", user_id,
                 {"user_id": user_id, "public_key": public_key}, by=by, key=key)

    def roles(self, user_id: int, roles: str, *, by: str | None, key: str | None,
              user: str | None = None) -> None:
        self.add("accounts.roles", "user_changes", user_id,
                 {"user_id": user_id, "field": "roles", "value": roles}, by=by, key=key,
                 user=user)


def a_new_clinic() -> Trail:
    """The root administrator makes itself (its first key), then a nurse."""
    trail = Trail()
    trail.account(1, "admin", by="admin", key="K-admin")
    trail.issue_key(1, "K-admin", by="admin", key="K-admin")
    trail.roles(1, "administrator", by="admin", key="K-admin")
    trail.account(2, "nurse.ana", by="admin", key="K-admin")
    trail.issue_key(2, "K-ana", by="admin", key="K-admin")
    trail.roles(2, "nurse", by="admin", key="K-admin")
    return trail


def test_a_failed_login_may_stand_unsigned() -> None:
    assert unsigned_row_problem(3, "login.failed") is None


def test_an_unsigned_account_creation_is_named_as_a_problem() -> None:
    problem = unsigned_row_problem(9, "accounts.created")
    assert problem is not None and "audit row 9" in problem and "accounts.created" in problem


def test_unsigned_care_is_a_problem() -> None:
    assert unsigned_row_problem(4, "vitals.create") is not None


def test_a_fingerprint_is_128_bits_in_groups_of_four() -> None:
    printed = fingerprint("00" * 32)
    assert printed.startswith("SHA256:")
    assert [len(group) for group in printed.removeprefix("SHA256:").split()] == [4] * 8
    assert printed != fingerprint("01" + "00" * 31)


def test_a_new_clinic_walks_clean_from_its_root() -> None:
    walk = trust_walk(a_new_clinic().rows, valid)
    assert walk.problems == []
    assert walk.accounts[2] == AccountState("nurse.ana", frozenset({"nurse"}),
                                            public_key="K-ana")
    assert walk.accounts[1].roles == {"administrator"}


def test_a_nurse_granting_herself_a_role_is_not_applied() -> None:
    trail = a_new_clinic()
    trail.roles(2, "nurse,physician", by="nurse.ana", key="K-ana")
    walk = trust_walk(trail.rows, valid)
    assert any("not an administrator" in problem for problem in walk.problems)
    assert walk.accounts[2].roles == {"nurse"}  # the walk keeps what was signed


def test_a_row_signed_with_a_key_not_the_signers_is_named() -> None:
    trail = a_new_clinic()
    trail.roles(2, "nurse,physician", by="admin", key="K-forged")
    walk = trust_walk(trail.rows, valid)
    assert any("does not verify" in problem for problem in walk.problems)


def test_an_unsigned_account_row_is_named() -> None:
    trail = a_new_clinic()
    trail.roles(2, "administrator", by=None, key=None, user="admin")
    walk = trust_walk(trail.rows, valid)
    assert any("signed by no one" in problem for problem in walk.problems)


def test_the_table_must_equal_what_was_signed() -> None:
    walk = trust_walk(a_new_clinic().rows, valid)
    table = dict(walk.accounts)
    table[2] = AccountState("nurse.ana", frozenset({"nurse", "physician"}), public_key="K-ana")
    table[3] = AccountState("ghost")
    problems = table_problems(walk, table)
    assert any("roles differ" in problem for problem in problems)
    assert any("ghost" in problem and "no signed row" in problem for problem in problems)


def test_keys_begin_at_the_migrations_marker_on_an_older_file() -> None:
    trail = Trail()
    trail.add("accounts.created", "users", 1, {"username": "admin"}, by=None, rule=None,
              user="ketamonitor")
    trail.add(KEYS_STARTED, "audit", None, None, by=None, user="ketamonitor")
    trail.rows[-1]["workstation"] = "migration 0016"
    start, problems = keys_began(trail.rows)
    assert (start, problems) == (1, [])


def test_keys_that_begin_without_the_marker_are_named() -> None:
    trail = Trail()
    trail.add("accounts.created", "users", 1, {"username": "admin"}, by=None, rule=None)
    trail.add("vitals.create", "vitals", 7, {}, by="admin", key="K-admin")
    _, problems = keys_began(trail.rows)
    assert any("without the migration's marker" in problem for problem in problems)


def test_a_second_marker_is_forged() -> None:
    trail = a_new_clinic()
    trail.add(KEYS_STARTED, "audit", None, None, by=None)
    trail.add(KEYS_STARTED, "audit", None, None, by=None)
    _, problems = keys_began(trail.rows)
    assert any("forged keys.started" in problem for problem in problems)


def test_an_older_account_takes_its_own_first_key_on_trust() -> None:
    trail = Trail()
    trail.add("accounts.created", "users", 1, {"username": "admin"}, by=None, rule=None)
    trail.add("accounts.roles", "user_changes", 1,
              {"user_id": 1, "field": "roles", "value": "administrator"}, by=None, rule=None)
    trail.add(KEYS_STARTED, "audit", None, None, by=None, user="ketamonitor")
    trail.rows[-1]["workstation"] = "migration 0016"
    trail.issue_key(1, "K-admin", by="admin", key="K-admin")
    walk = trust_walk(trail.rows, valid)
    assert walk.problems == [] and walk.accounts[1].public_key == "K-admin"


def test_authorship_names_a_row_signed_by_someone_else_and_keeps_each_signers_last() -> None:
    trail = a_new_clinic()
    trail.add("vitals.create", "vitals", 1, {}, by="nurse.ana", key="K-ana")
    trail.add("vitals.create", "vitals", 2, {}, by="admin", key="K-admin", user="nurse.ana")
    trail.add("vitals.create", "vitals", 3, {}, by=None)
    problems, last = authorship_problems(trail.rows)
    assert any("written as nurse.ana but signed by admin" in p for p in problems)
    assert any("signed by no one" in p for p in problems)
    assert last["nurse.ana"].row["id"] == 7 and last["nurse.ana"].key == "K-ana"
    assert last["admin"].row["id"] == 8 and last["admin"].key == "K-admin"
