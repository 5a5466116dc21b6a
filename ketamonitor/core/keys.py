"""Which audit rows may stand unsigned once keys began, and the trust walk: who may sign what
about accounts (issue 20, item 1). Pure rules: the signature check itself is handed in.

Why: a row written with no one logged in (a failed login, an app start, an upgrade) cannot be
signed by a person. Such rows are allowed only for actions that grant nothing, so a forged
unsigned row can never create an account, change a role or record care. Every row about an
account (its creation, roles, disabled state, password, key) must be signed by an
administrator with a key that is itself traced back, row by row, to the clinic's root: the
first administrator's key (a new clinic), or on a file from before keys the first keys taken
at each account's first login after the upgrade (trusted on first use).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ketamonitor.core.lockout import LoginEvent
from ketamonitor.core.monitor_feed import FRAME_JOURNALED
from ketamonitor.core.monitor_readings import FRAME_READ

#: Actions recorded with no logged-in account: none of them grants a right or records care
#: (the room's alerts are raised and cleared by the machine, whoever is at it).
UNSIGNED_ALLOWED: frozenset[str] = frozenset({
    LoginEvent.FAILED.value,
    LoginEvent.LOCKED.value,
    #: the password asked again (a signature, a physician's override at the nurse's
    #: workstation) was wrong: an attempt, written as the person who did not confirm
    LoginEvent.SIGNATURE_PASSWORD_WRONG.value,
    "login.refused",
    "database.upgrade",
    "audit.chain_started",
    "keys.started",
    "backups.restore",
    "alerts.raise",
    "alerts.clear",
    #: a bedside monitor's frame journaled raw before its ACK (store.monitor_feed), written
    #: as `monitor` by the listener, headless or in the app, whoever is logged in: a frame
    #: is not charted care until a nurse validates its readings (that row is signed), and
    #: it changes no account, role or setting
    FRAME_JOURNALED,
    #: the same frame read after its ACK, its sets charted as readings not yet validated
    #: (store.monitor_readings): the listener's, for the same reasons
    FRAME_READ,
})
#: The audit action of a key pair issued or resealed (store.accounts).
KEY_ISSUED = "accounts.key"
#: The marker the keys migration writes on a file that had an audit trail already.
KEYS_STARTED = "keys.started"
ADMINISTRATOR = "administrator"
#: Rows about accounts, by the table their audit row records.
_ACCOUNT_TABLES = ("users", "user_changes", "account_keys")
#: Who may write as someone without signing as them: the room's rows, signed by whoever is
#: logged in at the workstation.
_MACHINE_USERS = frozenset({"room"})

#: Whether `signature` (hex) is `public_key`'s over `message` (store.keys.signature_valid).
SignatureCheck = Callable[[str, str, str], bool]


def fingerprint(public_key: str) -> str:
    """A public key (hex) as people compare it by eye: the first 128 bits of its SHA-256, in
    groups of four (printed when the clinic is set up, kept beside the anchor log)."""
    digest = hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:32]
    return "SHA256:" + " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def chart_signature_message(session_id: int, kind: str, signer: str, content_hash: str,
                            signed_at: str) -> str:
    """What a chart signature's key signs: the content hash, bound to the chart, the kind,
    the signer and the time (so it cannot be moved onto another chart or signature)."""
    return (f"ketamonitor chart signature\n{session_id}\n{kind}\n{signer}\n{content_hash}\n"
            f"{signed_at}")


def unsigned_row_problem(row_id: int, action: str) -> str | None:
    """Why an unsigned row after keys began is a problem, or None if its action needs no signer."""
    if action in UNSIGNED_ALLOWED:
        return None
    return (f"audit row {row_id}: '{action}' is signed by no one, "
            "but only a logged-in person can do it")


@dataclass
class AccountState:
    """An account as its signed rows make it."""

    username: str
    roles: frozenset[str] = frozenset()
    disabled: bool = False
    public_key: str | None = None
    #: Made before keys began: its first key is taken at its first login (trust on first use).
    legacy: bool = False


@dataclass
class Walk:
    """What the walk found: the problems, in order, and the accounts as signed."""

    problems: list[str] = field(default_factory=list)
    accounts: dict[int, AccountState] = field(default_factory=dict)


def _values(row: Mapping[str, Any]) -> dict[str, Any]:
    try:
        values = json.loads(row["new_value"] or "null")
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}


def _apply(accounts: dict[int, AccountState], row: Mapping[str, Any], legacy: bool) -> None:
    values = _values(row)
    if row["entity"] == "users":
        accounts[int(row["entity_id"])] = AccountState(str(values.get("username")),
                                                       legacy=legacy)
        return
    account = accounts.get(int(values.get("user_id", -1)))
    if account is None:
        return
    if row["entity"] == "account_keys":
        account.public_key = values.get("public_key")
    elif values.get("field") == "roles":
        account.roles = frozenset(r for r in str(values.get("value", "")).split(",") if r)
    elif values.get("field") == "disabled":
        account.disabled = values.get("value") == "yes"


def _target(row: Mapping[str, Any]) -> int:
    if row["entity"] == "users":
        return int(row["entity_id"])
    return int(_values(row).get("user_id", -1))


def keys_began(rows: list[Mapping[str, Any]]) -> tuple[int | None, list[str]]:
    """The index of the first row written under keys (None: none yet), and what is wrong with
    where they began: on a file with older rows, the first signed-rule row must be the one
    marker the migration wrote; a marker anywhere else is forged."""
    problems = [f"audit row {row['id']}: a forged keys.started marker (a second one)"
                for row in rows if row["action"] == KEYS_STARTED][1:]
    start = next((i for i, row in enumerate(rows) if row.get("hash_rule")), None)
    if start is None or start == 0:
        return start, problems
    marker = rows[start]
    if (marker["action"], marker["user"], marker["workstation"]) != (
            KEYS_STARTED, "ketamonitor", "migration 0016"):
        problems.append(f"audit row {marker['id']}: keys began without the migration's "
                        "marker (rows before it were made to look older than keys)")
    return start, problems


def trust_walk(rows: Iterable[Mapping[str, Any]], valid: SignatureCheck) -> Walk:
    """Replay the audit trail's rows about accounts from the root, checking that each one
    written under keys is signed by someone allowed to make it, with a signature that holds
    on the key that person had then; the accounts as the valid rows leave them.

    Allowed: an administrator (enabled, with a key) for anything; an account for its own
    password and key reseal; an account from before keys for its first key (trust on first
    use); the first account of a new clinic for its own creation (the root). A row that is
    not allowed, or whose signature does not hold, is reported and not applied, so the
    table then differs from the walk (see `table_problems`)."""
    rows = list(rows)
    walk = Walk()
    start, walk.problems = keys_began(rows)
    begin = len(rows) if start is None else start
    for row in rows[:begin]:  # before keys: as recorded, unsigned
        if row["entity"] in _ACCOUNT_TABLES and row["entity_id"] is not None:
            _apply(walk.accounts, row, legacy=True)
    first_keys: dict[int, str] = {}
    for row in rows[begin:]:
        if row["entity"] == "account_keys" and row["entity_id"] is not None:
            first_keys.setdefault(_target(row), str(_values(row).get("public_key")))
    root = None if any(not a.legacy for a in walk.accounts.values()) or walk.accounts else (
        next((int(r["entity_id"]) for r in rows[begin:] if r["entity"] == "users"
              and r["entity_id"] is not None), None))
    names = {account.username: user_id for user_id, account in walk.accounts.items()}
    for row in rows[begin:]:
        if row["entity"] not in _ACCOUNT_TABLES or row["entity_id"] is None:
            continue
        target = _target(row)
        if row["entity"] == "users":
            names.setdefault(str(_values(row).get("username")), target)
        problem = _not_allowed(walk.accounts, names, row, target, root, first_keys, valid)
        if problem:
            walk.problems.append(f"audit row {row['id']}: '{row['action']}' {problem}")
            continue
        _apply(walk.accounts, row, legacy=False)
    return walk


def _not_allowed(accounts: Mapping[int, AccountState], names: Mapping[str, int],
                 row: Mapping[str, Any], target: int, root: int | None,
                 first_keys: Mapping[int, str], valid: SignatureCheck) -> str | None:
    """Why this account row may not stand, or None."""
    signer, signature = row.get("signer"), row.get("signature")
    if not signer or not signature:
        return "is signed by no one, but only an administrator may change an account"
    signer_id = names.get(signer)
    by = accounts.get(signer_id) if signer_id is not None else None
    own = signer_id == target
    values = _values(row)
    key: str | None
    if own and root == target and len(accounts) <= 1:
        key = first_keys.get(target)  # the root making itself: its own first key
    elif own and row["entity"] == "account_keys" and by is not None and by.public_key is None:
        if not by.legacy:
            return f"by {signer}: only an account from before keys takes its own first key"
        key = values.get("public_key")  # trusted on first use
    elif own and by is not None and by.public_key is not None and (
            values.get("field") == "password_hash" or (
                row["entity"] == "account_keys"
                and values.get("public_key") == by.public_key)):
        key = by.public_key  # an own password change, and the same key resealed
    elif by is not None and ADMINISTRATOR in by.roles and not by.disabled:
        key = by.public_key
    else:
        return f"is signed by {signer}, who is not an administrator"
    if key is None:
        return f"is signed by {signer}, who has no key"
    if not valid(key, str(row["hash"]), str(signature)):
        return f"has a signature that is not {signer}'s (it does not verify on their key)"
    return None


def table_problems(walk: Walk, table: Mapping[int, AccountState]) -> list[str]:
    """Where the accounts table differs from what the signed rows made it: a role, a
    disabled state or a key put there by SQL."""
    problems = []
    for user_id, held in sorted(table.items()):
        signed = walk.accounts.get(user_id)
        if signed is None:
            problems.append(f"accounts row {user_id} ({held.username}): created by no "
                            "signed row")
            continue
        for what, mine, theirs in (("roles", held.roles, signed.roles),
                                   ("disabled state", held.disabled, signed.disabled),
                                   ("public key", held.public_key, signed.public_key)):
            if mine != theirs:
                problems.append(f"accounts row {user_id} ({held.username}): {what} differ"
                                f"{'s' if what != 'roles' else ''} from what an "
                                "administrator signed")
    return problems


@dataclass(frozen=True)
class LastSigned:
    """A signer's last row, with the key they had when it was written."""

    row: Mapping[str, Any]
    key: str | None


def authorship_problems(
        rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], dict[str, LastSigned]]:
    """Cheap checks over every row written under keys (no signature checked here): an
    unsigned row that needed a signer; a row signed by someone other than its user; and,
    per signer, their last row with the key they held then (whose signature vouches for
    the whole chain before it: see store.verify_keys). The key a row is checked on is the
    one the latest key row before it gave: a key row that was not allowed is reported by
    the trust walk."""
    rows = list(rows)
    start, _ = keys_began(rows)
    problems: list[str] = []
    last: dict[str, LastSigned] = {}
    if start is None:
        return problems, last
    keys: dict[str, str | None] = {}
    names: dict[int, str] = {}
    for row in rows:
        entity = row["entity"]
        if entity == "users" and row["entity_id"] is not None:
            names[int(row["entity_id"])] = str(_values(row).get("username"))
    for row in rows[start:]:
        signer = row.get("signer")
        if row["entity"] == "account_keys" and row["entity_id"] is not None:
            owner = names.get(_target(row))
            if owner is not None:
                keys[owner] = _values(row).get("public_key")
        if not signer or not row.get("signature"):
            problem = unsigned_row_problem(row["id"], row["action"])
            if problem:
                problems.append(problem)
            continue
        if row["user"] != signer and row["user"] not in _MACHINE_USERS:
            problems.append(f"audit row {row['id']}: written as {row['user']} but signed "
                            f"by {signer}")
        last[str(signer)] = LastSigned(row, keys.get(str(signer)))
    return problems, last
