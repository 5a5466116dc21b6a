"""The store's last look at every value before it is written, whoever called it.

The forms check what a person types, and each store method re-checks its own fields by the
same rules (core.text, core.patient, core.vitals); this is the net under them all, at the
one place a row is inserted: text must be text (no lone surrogate, no control character but
a line break or a tab, no value beyond any form's cap), numbers finite and within SQLite's
integers, and nothing of another type. What it refuses is a ValidationError naming the
column, so a script calling the store meets the form's kind of refusal, never a raw
`UnicodeEncodeError`, `OverflowError` or binding error.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
from collections.abc import Mapping

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.text import text_problem
from ketamonitor.store.errors import ValueRefused

log = logging.getLogger(__name__)

_SMALLEST, _LARGEST = -(2**63), 2**63 - 1
_COLUMN = re.compile(r"\b[a-z_]+\.([a-z_0-9]+)\b")


def check_row(table: str, values: Mapping[str, object]) -> None:
    """Refuse (ValidationError, naming each column) a row holding any value SQLite could
    not store as given, or that no form would take."""
    reasons: dict[str, str] = {}
    for column, value in values.items():
        problem = value_problem(value)
        if problem:
            reasons[column] = problem
    if reasons:
        log.warning("a %s row refused by the store's own check: %s", table, reasons)
        raise ValidationError(reasons)


def value_problem(value: object) -> str | None:
    """Why `value` cannot be stored, or None."""
    if value is None or isinstance(value, bytes):
        return None
    if isinstance(value, bool):
        return None  # stored as 0 or 1
    if isinstance(value, int):
        return None if _SMALLEST <= value <= _LARGEST else "is far too large a number"
    if isinstance(value, float):
        return None if math.isfinite(value) else "must be a finite number"
    if isinstance(value, str):
        return text_problem(value)
    return f"must be a number or text, not {type(value).__name__}"


def refused_by_file(error: sqlite3.IntegrityError) -> ValueRefused:
    """A value the checks in front of the file let through and the file's own constraint
    refused: to the person, a refusal of that field (a ValidationError); to the
    developer, the bug it is (a StoreBug, logged with its traceback: a check is missing)."""
    text = str(error)
    found = _COLUMN.search(text)
    field = found.group(1) if found else "value"
    if text.startswith("UNIQUE"):
        why = "is already in the record"
    elif text.startswith("NOT NULL"):
        why = "is required"
    elif text.startswith("FOREIGN KEY"):
        why = "names something that is not in the record"
    else:
        why = f"cannot be stored ({text})"
    log.error("a value reached the file's constraint (%s): a check is missing in front of it",
              text, exc_info=error)
    return ValueRefused({field: why})
