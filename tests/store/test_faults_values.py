"""The store re-checks every value the forms check, whoever calls it: names and free text
refuse control characters and what is not text, numbers must be finite numbers in range,
dates plausible, lengths capped; each refused with the store's own ValidationError, never a
raw UnicodeEncodeError, TypeError or IntegrityError (issue 20, item 5)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.entries import NoteDraft
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import PatientDetails, parse_patient
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import ADMIN, PASSWORD, audit_of, login_as
from tests.store.steps import running

GOOD = PatientDetails(mrn="MRN-77", family_name="Rivera", given_name="Ana",
                      birth_date=date(1984, 5, 6), weight_kg=72.0)


def refused(call: Any, *args: Any, **named: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as refusal:
        call(*args, **named)
    return refusal.value.reasons


@pytest.mark.parametrize(("change", "field"), [
    ({"weight_kg": math.inf}, "weight_kg"),
    ({"weight_kg": 1e308}, "weight_kg"),
    ({"weight_kg": math.nan}, "weight_kg"),
    ({"weight_kg": "72"}, "weight_kg"),
    ({"family_name": "x" * 1_000_000}, "family_name"),
    ({"given_name": "Ana\x1b[31m"}, "given_name"),
    ({"family_name": "Riv\x00era"}, "family_name"),
    ({"family_name": "Rivera\ud800"}, "family_name"),
    ({"birth_date": date(2090, 1, 1)}, "birth_date"),
    ({"birth_date": date(1899, 12, 31)}, "birth_date"),
    ({"mrn": ""}, "mrn"),
])
def test_a_patient_the_form_would_refuse_is_refused_by_the_store(
        store: Store, change: dict[str, Any], field: str) -> None:
    before = len(audit_of(store))
    assert field in refused(store.register_patient, replace(GOOD, **change))
    assert len(audit_of(store)) == before  # nothing written


def test_the_form_refuses_control_characters_in_a_name(store: Store) -> None:
    typed = {"mrn": "MRN-78", "family_name": "Rivera\x1b[2J", "given_name": "Ana",
             "birth_date": "1984-05-06", "weight_kg": "72"}
    assert "family_name" in refused(parse_patient, typed, today=date(2026, 12, 6))


def test_display_names_refuse_control_characters_and_what_is_not_text(store: Store) -> None:
    login_as(store, ADMIN)
    for name in ("Eve\x1b[31mRed", "Eve\u009b31m", "Eve\x7f", "Eve\nNewline", "Eve\udc80"):
        assert "display_name" in refused(store.add_account, "eve", name,
                                         frozenset({Role.NURSE}), PASSWORD)
    assert "password" in refused(store.add_account, "eve", "Eve", frozenset({Role.NURSE}),
                                 "a-long-password-\udc80")


def test_free_text_keeps_line_breaks_and_tabs_and_refuses_other_controls(
        store: Store, charting: Charting) -> None:
    session_id, _ = running(charting)
    now = charting.clock.now()
    store.record_note(session_id, NoteDraft("line one\n\tline two", now))
    for text in ("clear\x1b[2J", "nul\x00", "bell\x07", "c1\x85next line", "not text \ud800"):
        assert "text" in refused(store.record_note, session_id, NoteDraft(text, now))
    login_as(store, ADMIN)
    assert "reason" in refused(store.disable_account, "nurse.ana", "left\x1b[31m")


def test_numbers_must_be_numbers(store: Store, charting: Charting) -> None:
    session_id, _ = running(charting)
    now = charting.clock.now()
    assert set(refused(store.record_vitals, session_id,
                       Vitals(now, systolic="120", diastolic="80"))) == {  # type: ignore[arg-type]
        "systolic", "diastolic"}
    assert "heart_rate" in refused(store.record_vitals, session_id,
                                   Vitals(now, heart_rate=80.5))  # type: ignore[arg-type]
    assert "oxygen_l_per_min" in refused(store.record_vitals, session_id,
                                         Vitals(now, heart_rate=80, oxygen_l_per_min=math.inf))
    assert "observed_at" in refused(store.record_vitals, session_id,
                                    Vitals("now", heart_rate=80))  # type: ignore[arg-type]


def test_a_value_only_the_file_refuses_is_a_validation_error(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workstations register one MRN at once: the second's check saw none, the file's
    UNIQUE constraint refuses it; the person is told the MRN is taken."""
    store.register_patient(GOOD)
    monkeypatch.setattr(store, "patient_by_mrn", lambda mrn: None)  # the race's window
    reasons = refused(store.register_patient, replace(GOOD, given_name="Bea"))
    assert reasons == {"mrn": "is already in the record"}


def test_any_text_the_store_is_given_is_checked_at_the_write(store: Store) -> None:
    """A value no method checks on its own (a setting) still meets the store's net."""
    login_as(store, ADMIN)
    with pytest.raises(ValidationError):
        store.set_setting("backup_folder", "folder\ud800")


def test_an_id_beyond_sqlites_integers_is_refused_as_a_value(store: Store,
                                                              charting: Charting) -> None:
    """A script asking for session 10**20 got a raw OverflowError from the binding."""
    charting.session()
    with pytest.raises(ValidationError) as refused:
        store.chart(10**20)
    assert "beyond what the record can hold" in refused.value.reasons["value"]
