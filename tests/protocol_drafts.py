"""A protocol draft put in force for a test: a physician countersigns what an administrator
saved (the store makes every saved version a draft until then)."""

from __future__ import annotations

from ketamonitor.core.protocol import Protocol
from ketamonitor.store.store import Store
from tests.people import PASSWORD, PHYSICIAN, login_as


def countersigned(store: Store, draft: Protocol) -> Protocol:
    """`draft` in force, countersigned by the physician; whoever was logged in is again."""
    was = store.account.username if store.account is not None else None
    login_as(store, PHYSICIAN)
    in_force = store.countersign_protocol(draft.id, draft.version, PASSWORD)
    if was is not None:
        login_as(store, was)
    return in_force
