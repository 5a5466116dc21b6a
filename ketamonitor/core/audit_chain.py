"""The audit trail as a hash chain: each row's hash covers the previous row's hash and the
row's own canonical content, so changing, removing or reordering any row breaks the chain
from that row on."""

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


def row_hash(previous: str, row: Mapping[str, Any]) -> str:
    content = canonical({name: row[name] for name in HASHED})
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


def chain_problems(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """What is wrong with the chain, in order; empty when every link holds."""
    problems = []
    previous = GENESIS
    for row in rows:
        if row["prev_hash"] != previous:
            problems.append(f"audit row {row['id']}: does not follow the row before it "
                            "(a row was removed, inserted or moved)")
        if row["hash"] != row_hash(row["prev_hash"] or "", row):
            problems.append(f"audit row {row['id']}: its content was changed after it was "
                            "written")
        previous = row["hash"]
    return problems


def sha256_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
