"""Which audit rows may stand unsigned once keys began (issue 20, item 1).

Why: a row written with no one logged in (a failed login, an app start, an upgrade) cannot be
signed by a person. Such rows are allowed only for actions that grant nothing, so a forged
unsigned row can never create an account, change a role or record care.
"""

from __future__ import annotations

from ketamonitor.core.lockout import LoginEvent

#: Actions recorded with no logged-in account: none of them grants a right or records care.
UNSIGNED_ALLOWED: frozenset[str] = frozenset({
    LoginEvent.FAILED.value,
    LoginEvent.LOCKED.value,
    "login.refused",
    "database.upgrade",
    "audit.chain_started",
    "keys.started",
})


def unsigned_row_problem(row_id: int, action: str) -> str | None:
    """Why an unsigned row after keys began is a problem, or None if its action needs no signer."""
    if action in UNSIGNED_ALLOWED:
        return None
    return (f"audit row {row_id}: '{action}' is signed by no one, "
            "but only a logged-in person can do it")
