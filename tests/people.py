"""Accounts for tests: the clinic's people, with a fast password hash (Argon2id with tiny
costs; the app itself uses argon2-cffi's default profile)."""

from __future__ import annotations

import sqlite3

from argon2 import PasswordHasher

from ketamonitor.core.accounts import Role
from ketamonitor.store.store import Store

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct-horse-battery"
TEMPORARY = "given-by-the-admin"  # an administrator's: changed at the first login
ADMIN, NURSE, PHYSICIAN = "admin", "nurse.ana", "dr.obi"


def add_people(store: Store) -> None:
    """An administrator, a nurse and a physician (those not there yet: a process killed
    half-way through may have added some); the nurse stays logged in."""
    if not store.has_accounts():
        store.create_first_administrator(ADMIN, "Ada Admin", PASSWORD)
    login_as(store, ADMIN)
    for username, name, role in ((NURSE, "Ana Ruiz", Role.NURSE),
                                 (PHYSICIAN, "Dr Ada Obi", Role.PHYSICIAN)):
        if username not in {account.username for account in store.accounts()}:
            store.add_account(username, name, frozenset({role}), TEMPORARY)
    for account in store.accounts():
        if account.must_choose_password:
            choose_own_password(store, account.username)
    login_as(store, NURSE)


def choose_own_password(store: Store, username: str, given: str = TEMPORARY) -> None:
    """The first login with the password an administrator gave, and the person's own chosen,
    as the app asks before anything is charted; leaves them logged in."""
    if store.account is not None:
        store.logout()
    store.login(username, given)
    store.set_password(username, PASSWORD)


def login_as(store: Store, username: str) -> None:
    if store.account is not None:
        store.logout()
    store.login(username, PASSWORD)


def audit_of(store: Store, entity: str | None = None) -> list[dict]:
    """The audit rows as the file holds them, read straight from it (the way an auditor
    with the sqlite3 shell would), oldest first."""
    connection = sqlite3.connect(f"{store.path.as_uri()}?mode=ro", uri=True)
    try:
        cursor = connection.execute(
            "SELECT * FROM audit" + (" WHERE entity = ?" if entity else "") + " ORDER BY id",
            [entity] if entity else [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()
