"""The audit trail's hash chain: any changed, removed, inserted or moved row breaks it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ketamonitor.core.audit_chain import GENESIS, HASHED, chain_problems, row_hash

Row = dict[str, Any]


def chain(count: int = 5) -> list[Row]:
    """Audit rows as the store writes them, each chained to the one before."""
    rows, previous = [], GENESIS
    for n in range(1, count + 1):
        row = {"id": n, "at": f"2026-11-23T07:{30 + n}:00.000Z", "user": "nurse.ana",
               "workstation": "room-1", "action": "vitals.create", "entity": "vitals",
               "entity_id": n, "old_value": None,
               "new_value": f'{{"systolic":{120 + n}}}', "reason": None}
        digest = row_hash(previous, row)
        rows.append({**row, "prev_hash": previous, "hash": digest})
        previous = digest
    return rows


def changed(rows: list[Row]) -> list[Row]:
    rows[2] = {**rows[2], "new_value": '{"systolic":180}'}
    return rows


def changed_and_rehashed(rows: list[Row]) -> list[Row]:
    """The changed row given a hash that fits its new content: the next row shows it."""
    rows[2] = {**rows[2], "user": "someone.else"}
    rows[2]["hash"] = row_hash(rows[2]["prev_hash"], rows[2])
    return rows


def deleted(rows: list[Row]) -> list[Row]:
    del rows[2]
    return rows


def inserted(rows: list[Row]) -> list[Row]:
    extra = {**rows[1], "id": 99, "action": "vitals.create", "new_value": '{"systolic":90}'}
    extra["hash"] = row_hash(extra["prev_hash"], extra)
    rows.insert(2, extra)
    return rows


def reordered(rows: list[Row]) -> list[Row]:
    rows[1], rows[2] = rows[2], rows[1]
    return rows


def swapped_content(rows: list[Row]) -> list[Row]:
    """Two rows' content exchanged, each keeping its id and place (what an UPDATE of both
    would do)."""
    second, third = rows[1], rows[2]
    rows[1] = {**third, "id": second["id"]}
    rows[2] = {**second, "id": third["id"]}
    return rows


def first_unchained(rows: list[Row]) -> list[Row]:
    rows[0] = {**rows[0], "prev_hash": "f" * 64}
    return rows


def test_a_sound_chain_has_no_problems():
    assert chain_problems(chain()) == []
    assert chain_problems([]) == []


def test_the_hash_covers_every_column_but_the_hashes_and_the_previous_hash():
    row = chain(1)[0]
    for name in HASHED:
        other = {**row, name: "x" if row[name] != "x" else "y"}
        assert row_hash(GENESIS, other) != row_hash(GENESIS, row), name
    assert row_hash("1" * 64, row) != row_hash(GENESIS, row)


@pytest.mark.parametrize(("tamper", "expected"), [
    (changed, ["audit row 3: its content was changed"]),
    (changed_and_rehashed, ["audit row 4: does not follow"]),
    (deleted, ["audit row 4: does not follow"]),
    (inserted, ["audit row 99: does not follow", "audit row 3: does not follow"]),
    (reordered, ["audit row 3: does not follow", "audit row 2: does not follow",
                 "audit row 4: does not follow"]),
    (swapped_content, ["audit row 2: does not follow", "audit row 2: its content was changed",
                       "audit row 3: does not follow", "audit row 3: its content was changed",
                       "audit row 4: does not follow"]),
    (first_unchained, ["audit row 1: does not follow", "audit row 1: its content was changed"]),
], ids=lambda value: getattr(value, "__name__", ""))
def test_tampering_is_found_at_the_row_where_it_happened(tamper: Callable[[list[Row]],
                                                                          list[Row]], expected):
    problems = chain_problems(tamper(chain()))
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start), problems
