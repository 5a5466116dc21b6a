"""Correcting a charted vitals set: one amendment per value typed differently, old and new
as text, with a reason; a value beyond what a patient can have, a set that no longer holds
together, nothing changed or no reason, each refused naming the field. Striking a whole
entry is one status amendment."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.amendments import ENTERED_IN_ERROR, STATUS, AmendmentDraft
from ketamonitor.core.corrections import VITALS_ENTITY, entered_in_error, vitals_amendments
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.vitals import Vitals

NOW = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
BEGAN = datetime(2026, 11, 23, 8, 15, 40, tzinfo=UTC)
CHARTED = VitalsEntry(id=7, session_id=1, original=Vitals(
    BEGAN, systolic=150, diastolic=80, heart_rate=70, spo2=97, etco2=38), source="manual",
    entered_at=NOW, entered_by="nurse.ana")


def _amend(typed: dict[str, str], reason: str = "  typed 150   for 105 "):
    return vitals_amendments(CHARTED, typed, reason, now=NOW, session_began=BEGAN, zone=UTC)


def test_each_value_typed_differently_is_one_amendment_with_old_and_new_text():
    drafts = _amend({"systolic": "105", "heart_rate": " 70 ", "etco2": ""})
    assert drafts == (
        AmendmentDraft(VITALS_ENTITY, 7, "systolic", "150", "105", "typed 150 for 105"),
        AmendmentDraft(VITALS_ENTITY, 7, "etco2", "38", None, "typed 150 for 105"),
    )


@pytest.mark.parametrize(("typed", "reason", "field", "words"), [
    ({"heart_rate": "70"}, "typo", "systolic", "nothing was changed"),
    ({}, "typo", "systolic", "nothing was changed"),
    ({"systolic": "105"}, "   ", "reason", "say why the value is being corrected"),
    ({"systolic": "1050"}, "typo", "systolic", "must be 20–300 mmHg"),
    ({"heart_rate": "fast"}, "typo", "heart_rate", "not a number"),
    ({"diastolic": "160"}, "typo", "diastolic", ""),  # above the systolic: not a set
])
def test_a_correction_that_cannot_stand_is_refused_naming_the_field(typed, reason, field,
                                                                    words):
    with pytest.raises(ValidationError) as refused:
        _amend(typed, reason)
    assert field in refused.value.reasons
    assert words in refused.value.reasons[field]


def test_striking_an_entry_is_one_status_amendment_that_needs_a_reason():
    assert entered_in_error("events", 3, " wrong  patient ") == AmendmentDraft(
        "events", 3, STATUS, "valid", ENTERED_IN_ERROR, "wrong patient")
    with pytest.raises(ValidationError, match="say why"):
        entered_in_error("events", 3, "")
