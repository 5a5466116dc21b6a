"""Corrections of charted values: the original stays, the amendment says what changed.

Values travel as text (the same text the store keeps), so one amendment row can correct a
number, a time or a status alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ENTERED_IN_ERROR = "entered_in_error"
STATUS = "status"


@dataclass(frozen=True)
class AmendmentDraft:
    entity: str
    entity_id: int
    field: str
    old_value: str | None
    new_value: str | None
    reason: str


@dataclass(frozen=True)
class Amendment:
    id: int
    entity: str
    entity_id: int
    field: str
    old_value: str | None
    new_value: str | None
    reason: str
    amended_at: datetime
    amended_by: str


def latest_values(amendments: tuple[Amendment, ...]) -> dict[str, str | None]:
    """Each amended field's value after the last amendment to it."""
    values: dict[str, str | None] = {}
    for amendment in sorted(amendments, key=lambda a: (a.amended_at, a.id)):
        values[amendment.field] = amendment.new_value
    return values


def is_in_error(amendments: tuple[Amendment, ...]) -> bool:
    return latest_values(amendments).get(STATUS) == ENTERED_IN_ERROR
