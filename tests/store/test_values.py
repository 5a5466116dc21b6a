"""store.values: the net under every insert."""

from __future__ import annotations

import sqlite3

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.store.errors import StoreBug
from ketamonitor.store.values import check_row, refused_by_file, value_problem


def test_values_sqlite_cannot_store_or_no_form_takes_are_named() -> None:
    assert value_problem(None) is None and value_problem(b"x") is None
    assert value_problem(2**63) and value_problem(float("inf")) and value_problem([1])
    assert value_problem("a\x1b") and value_problem("a\ud800")
    with pytest.raises(ValidationError) as refused:
        check_row("t", {"ok": 1, "bad": float("nan")})
    assert list(refused.value.reasons) == ["bad"]


def test_a_constraint_refusal_is_a_field_refusal_and_a_bug() -> None:
    refusal = refused_by_file(sqlite3.IntegrityError("UNIQUE constraint failed: patients.mrn"))
    assert refusal.reasons == {"mrn": "is already in the record"}
    assert isinstance(refusal, StoreBug)
