"""The audit trail as a hash chain: each row's hash covers the previous row's hash and the
row's own canonical content, so changing, removing or reordering any row breaks the chain
from that row on.

Rows written since keys began (migration 0016, `hash_rule` = SIGNED_RULE) are signed, and
their hash covers the previous row's signature and their own signer too: changing or
deleting any signature, or the name of who signed, breaks the chain from the next row, so
one valid signature on a row vouches for every row (and signature) before it. Older rows
keep the rule they were written with; once a row follows the signed rule, every later row
must (a row written under the old rule after it is reported)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64
#: The audit columns a row's hash covers (everything but the hashes themselves).
HASHED = ("id", "at", "user", "workstation", "action", "entity", "entity_id", "old_value",
          "new_value", "reason")


#: One encoder for every canonical text: json.dumps would build a new one per row, and
#: verify encodes every audit row of the file.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(values: Mapping[str, Any]) -> str:
    return _CANONICAL.encode(values)


#: `audit.hash_rule` of the rows written since keys began: their hash covers the previous
#: row's signature and their own signer and rule.
SIGNED_RULE = 2
HASHED_SIGNED = (*HASHED, "signer", "hash_rule")


def row_hash(previous: str, row: Mapping[str, Any], previous_signature: str | None = None) -> str:
    """The row's hash by the rule it was written with (`hash_rule`: absent or empty for the
    rows written before keys)."""
    if row.get("hash_rule") == SIGNED_RULE:
        content = canonical({name: row[name] for name in HASHED_SIGNED})
        text = f"{SIGNED_RULE}\n{previous}\n{previous_signature or ''}\n{content}"
        return hashlib.sha256(text.encode()).hexdigest()
    content = canonical({name: row[name] for name in HASHED})
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


def chain_problems(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """What is wrong with the chain, in order; empty when every link holds."""
    problems = []
    rows = list(rows)
    signatures = {row["hash"]: row.get("signature") for row in rows}
    previous, previous_signature, signed_rule = GENESIS, None, False
    for row in rows:
        follows = row["prev_hash"] == previous
        if not follows:
            problems.append(f"audit row {row['id']}: does not follow the row before it "
                            "(a row was removed, inserted or moved)")
        # after a broken link, the row a signed row names as its previous one gives the
        # signature its hash covers; that of a row now gone is not known: not checked
        known = follows or row.get("hash_rule") != SIGNED_RULE or row["prev_hash"] in signatures
        before = previous_signature if follows else signatures.get(row["prev_hash"])
        if known and row["hash"] != row_hash(row["prev_hash"] or "", row, before):
            problems.append(f"audit row {row['id']}: its content was changed after it was "
                            "written")
        elif row.get("hash_rule") == SIGNED_RULE:
            signed_rule = True
        elif signed_rule:
            problems.append(f"audit row {row['id']}: written under the old hash rule after "
                            "keys began (a row forged so its hash leaves signatures out)")
        previous, previous_signature = row["hash"], row.get("signature")
    return problems


def sha256_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()
