"""The signatures `verify` checks (issue 20, item 1), and why it need not check them all.

Every audit row written since keys began is signed over its own hash, and its hash covers the
previous row's hash *and signature* (core.audit_chain). So one valid signature by account A on
row k proves the whole chain up to row k, signatures included, as A saw it when writing it:
changing, inserting, removing or re-signing anything before row k changes row k's hash, and
A's signature over the old hash no longer verifies (or the chain check already fails). verify
therefore checks, with Ed25519, only:

- each signer's LAST row (a forged row appended "by A" after A's last genuine row becomes A's
  last row and fails; a whole chain recomputed after a change fails every signer's last row);
- every row that changes an account or a key (few): the trust walk (core.keys) replays them
  from the root (the first administrator's key, or on an upgraded file the keys taken at each
  account's first login after the upgrade, trusted on first use), each signed by an
  administrator with a valid key at that point, and the accounts table must equal the result
  (a nurse who gives herself the physician role by SQL is reported);
- each chart signature's own Ed25519 signature over its content hash (store.signatures).

With no signature check it also reports every unsigned row of an action that needs a person
(core.keys.UNSIGNED_ALLOWED lists those that need none) and every row signed by someone other
than its user. Some tens of signature checks instead of one per row: verify_s stays small.
Rows after every signer's last row are vouched for by no signature (a signer's key signs
only when they write): the anchor outside the file (store.anchor) covers those.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from ketamonitor.core.keys import (
    AccountState,
    authorship_problems,
    chart_signature_message,
    fingerprint,
    keys_began,
    table_problems,
    trust_walk,
)
from ketamonitor.store.keys import signature_valid

#: The clinic's root key: the first key issued to an account that was an administrator when
#: it was issued (the first administrator's, making itself; on a file from before keys, the
#: first administrator's to log in after the upgrade). Roles as they were then, so that a
#: later promotion never moves the root.
_ROOT_KEY = """
SELECT k.public_key FROM account_keys k
WHERE (SELECT c.value FROM user_changes c
       WHERE c.user_id = k.user_id AND c.field = 'roles' AND c.changed_at <= k.issued_at
       ORDER BY c.id DESC LIMIT 1) LIKE '%administrator%'
ORDER BY k.id LIMIT 1"""


def root_fingerprint(connection: sqlite3.Connection) -> str | None:
    """The fingerprint of the clinic's root key as the file holds it; None before any key
    (or in a file from before keys). Not secret: printed when the clinic is set up, anchored
    with every head, and said by verify, to compare with a copy kept apart from the file."""
    try:
        found = connection.execute(_ROOT_KEY).fetchone()
    except sqlite3.OperationalError:  # no account_keys table: a file from before keys
        return None
    return None if found is None else fingerprint(str(found[0]))


def signature_problems(connection: sqlite3.Connection,
                       audit: Sequence[Mapping[str, Any]]) -> list[str]:
    """Everything wrong with the trail's signatures, in words (see the module's docstring);
    `audit` is every audit row, oldest first, read in the same snapshot as `connection`."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
    keys_table = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                    "name = 'account_keys'").fetchone()
    if "signature" not in columns or keys_table is None:
        # a file from before keys (verify says what it can of it); a keys table dropped
        # from a file of this version is reported as a missing table
        return []
    walk = trust_walk(audit, signature_valid)
    problems = list(walk.problems)
    problems += table_problems(walk, _accounts_table(connection))
    unsigned, last = authorship_problems(audit)
    problems += unsigned
    for signer, signed in sorted(last.items()):
        row = signed.row
        if signed.key is None:
            problems.append(f"audit row {row['id']}: signed by {signer}, who has no key")
        elif not signature_valid(signed.key, str(row["hash"]), str(row["signature"])):
            problems.append(f"audit row {row['id']}: {signer}'s last row, its signature does "
                            "not verify (a forged row, or the chain recomputed after a change)")
    problems += _chart_signature_problems(connection, audit)
    return problems


def _chart_signature_problems(connection: sqlite3.Connection,
                              audit: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each chart signature's key signature over its content hash, on the signer's keys: a
    BP changed with the content hash recomputed by the app's own function (and every audit
    row made to match) fails here, as no one but the signer can sign the new hash. One made
    since keys began must have one."""
    start, _ = keys_began(list(audit))
    under_keys = {int(row["entity_id"]) for row in audit[start or 0:]
                  if row["entity"] == "signatures" and row["entity_id"] is not None
                  } if start is not None else set()
    keys: dict[str, list[str]] = {}
    for username, public_key in connection.execute(
            "SELECT u.username, a.public_key FROM account_keys a JOIN users u "
            "ON u.id = a.user_id ORDER BY a.id"):
        keys.setdefault(username, []).append(public_key)
    problems = []
    for row_id, session_id, kind, signer, content_hash, signed_at, signature in (
            connection.execute("SELECT id, session_id, kind, signer, content_hash, signed_at, "
                               "key_signature FROM signatures ORDER BY id")):
        if signature is None:
            if row_id in under_keys:
                problems.append(f"signatures row {row_id} (session {session_id}): not signed "
                                f"with {signer}'s key")
            continue
        message = chart_signature_message(session_id, kind, signer, content_hash, signed_at)
        if not any(signature_valid(key, message, signature) for key in keys.get(signer, [])):
            problems.append(f"signatures row {row_id} (session {session_id}): {signer}'s key "
                            "did not sign this content hash (the chart or its hash was "
                            "changed after signing)")
    return problems


def _accounts_table(connection: sqlite3.Connection) -> dict[int, AccountState]:
    """Every account as the tables hold it now: roles and disabled state by their newest
    change, the public key by its newest issue."""
    accounts = {user_id: AccountState(username) for user_id, username in
                connection.execute("SELECT id, username FROM users")}
    for user_id, field, value in connection.execute(
            "SELECT user_id, field, value FROM user_changes ORDER BY id"):
        account = accounts.get(user_id)
        if account is None:
            continue
        if field == "roles":
            account.roles = frozenset(r for r in value.split(",") if r)
        elif field == "disabled":
            account.disabled = value == "yes"
    for user_id, public_key in connection.execute(
            "SELECT user_id, public_key FROM account_keys ORDER BY id"):
        if user_id in accounts:
            accounts[user_id].public_key = public_key
    return accounts
