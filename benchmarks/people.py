"""The accounts a benchmark charts as: a first administrator who adds a nurse, the nurse
logged in, as in the room. Passwords are hashed with the app's own default (argon2-cffi's
default Argon2id profile), so a store is opened exactly as the app opens it."""

from __future__ import annotations

from ketamonitor.core.accounts import Role
from ketamonitor.store.store import Store

PASSWORD = "bench-password-1234"
GIVEN = "bench-given-by-admin"  # the administrator's, replaced at the first login
ADMIN = "bench.admin"
NURSE = "nurse.bench"
NURSE_NAME = "Ana Ruiz"


def add_nurse(store: Store) -> None:
    """On a new database: the first administrator, who adds the nurse; the nurse logs in
    with the password given and chooses their own, as the app makes them."""
    store.create_first_administrator(ADMIN, "Bench Administrator", PASSWORD)
    store.login(ADMIN, PASSWORD)
    store.add_account(NURSE, NURSE_NAME, frozenset({Role.NURSE}), GIVEN)
    store.logout()
    store.login(NURSE, GIVEN)
    store.set_password(NURSE, PASSWORD)


def log_in_nurse(store: Store) -> None:
    store.login(NURSE, PASSWORD)
