"""Accounts for tests: the clinic's people, with a fast password hash (Argon2id with tiny
costs; the app itself uses argon2-cffi's default profile)."""

from __future__ import annotations

import sqlite3

from argon2 import PasswordHasher

from ketamonitor.core.accounts import Role
from ketamonitor.store.store import Store

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "correct-horse-battery"
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
            store.add_account(username, name, frozenset({role}), PASSWORD)
    login_as(store, NURSE)


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
