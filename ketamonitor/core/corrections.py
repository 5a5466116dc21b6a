"""Amending a charted vitals set: what changed, checked as a whole, with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

from ketamonitor.core.amendments import ENTERED_IN_ERROR, STATUS, AmendmentDraft
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, whole_number
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.vitals import MEASUREMENTS, check_vitals

VITALS_ENTITY = "vitals"


def _reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ValidationError({"reason": "say why the value is being corrected"})
    return cleaned


def vitals_amendments(
    entry: VitalsEntry,
    typed: Mapping[str, str],
    reason: str,
    *,
    now: datetime,
    session_began: datetime,
    zone: tzinfo,
    ranges: PlausibleRanges = DEFAULT_RANGES,
    confirmed: frozenset[str] = frozenset(),
) -> tuple[AmendmentDraft, ...]:
    """One amendment per measurement whose typed text differs from the current value; the
    corrected set must pass every check a new set would. A value left as charted was
    confirmed when it was charted; a value corrected to an extreme is asked about unless
    `confirmed` names it."""
    current = entry.current
    changes: dict[str, Any] = {}  # measurement name -> int | None, as Vitals takes them
    reasons: dict[str, str] = {}
    for name in MEASUREMENTS:
        if name not in typed:
            continue
        text = typed[name].strip()
        try:
            value = whole_number(text, getattr(ranges.possible, name)) if text else None
        except FieldProblem as problem:
            reasons[name] = str(problem)
            continue
        if value != getattr(current, name):
            changes[name] = value
    if reasons:
        raise ValidationError(reasons)
    if not changes:
        raise ValidationError({"systolic": "nothing was changed"})
    why = _reason(reason)
    kept = frozenset(name for name in MEASUREMENTS if name not in changes)
    check_vitals(replace(current, **changes), now=now, session_began=session_began, zone=zone,
                 ranges=ranges, confirmed=confirmed | kept)
    return tuple(
        AmendmentDraft(
            entity=VITALS_ENTITY,
            entity_id=entry.id,
            field=name,
            old_value=_text(getattr(current, name)),
            new_value=_text(value),
            reason=why,
        )
        for name, value in changes.items()
    )


def entered_in_error(entity: str, entity_id: int, reason: str) -> AmendmentDraft:
    """Strike a whole entry (charted on the wrong patient, a duplicate): it stays visible,
    struck through, and leaves every calculation."""
    return AmendmentDraft(entity, entity_id, STATUS, "valid", ENTERED_IN_ERROR, _reason(reason))


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)
