"""What a de-identified export keeps of dates, ages and staff (HIPAA Safe Harbor): dates to
the year or shifted whole days, ages over 89 grouped, staff by pseudonym, typed text gone."""

from __future__ import annotations

import pytest

from ketamonitor.core.deidentify import (
    Hiding,
    age_shown,
    dates_changed,
    deidentified_values,
    shifted_by,
    what_was_done,
    year_only,
)
from ketamonitor.core.pseudonyms import REMOVED


@pytest.mark.parametrize(("age", "shown"), [(0, 0), (45, 45), (89, 89), (90, "90+"),
                                            (104, "90+")])
def test_ages_over_89_are_grouped(age, shown):
    assert age_shown(age) == shown


@pytest.mark.parametrize("text", ["2025-02-17", "2025-02-17T07:22:00.000Z",
                                  "2025-02-17T08:22:00+01:00"])
def test_a_date_or_time_is_reduced_to_its_year(text):
    assert year_only(text) == "2025"


@pytest.mark.parametrize(("text", "days", "moved"), [
    ("2025-02-17", 12, "2025-03-01"),
    ("2025-02-17T07:22:00.000Z", -365, "2024-02-18T07:22:00.000Z"),
    ("2024-12-31T23:59:59.999Z", 1, "2025-01-01T23:59:59.999Z"),
])
def test_a_shift_moves_whole_days_keeping_the_form(text, days, moved):
    assert shifted_by(days)(text) == moved


def test_every_date_inside_a_text_is_changed():
    text = "from 2025-02-17 to 2025-03-03T10:00:00.000Z, 17 days"
    assert dates_changed(text, year_only) == "from 2025 to 2025, 17 days"
    assert dates_changed(text, shifted_by(1)) == ("from 2025-02-18 to 2025-03-04T10:00:00.000Z, "
                                                  "17 days")


HIDING = Hiding(year_only, lambda name: f"S({name})", lambda row_id: f"P({row_id})")


def test_a_rows_values_keep_codes_lose_typed_text_dates_and_staff():
    values = {"kind": "start_infusion", "occurred_at": "2025-02-17T07:08:00.000Z",
              "entered_by": "nurse.ana", "username": "nurse.ana", "note": "Ana Rivera",
              "birth_date": "1984-05-06", "from": "2025-02-17", "spo2": 97, "session_id": 4,
              "items": [{"given_at": "2025-02-18T07:00:00.000Z"}]}
    kept = deidentified_values(values, HIDING)
    assert kept == {"kind": "start_infusion", "occurred_at": "2025", "entered_by": "S(nurse.ana)",
                    "username": "S(nurse.ana)", "note": REMOVED, "birth_date": REMOVED,
                    "from": "2025", "spo2": 97, "session_id": 4,
                    "items": [{"given_at": "2025"}]}


def test_a_patients_row_id_is_shown_by_the_patients_pseudonym():
    assert deidentified_values({"patient_id": 7, "chair": "3"}, HIDING) == {
        "patient_id": "P(7)", "chair": "3"}
    assert deidentified_values({"entity": "patients", "entity_id": 7, "field": "mrn"},
                               HIDING) == {"entity": "patients", "entity_id": "P(7)",
                                           "field": "mrn"}
    assert deidentified_values({"entity": "vitals", "entity_id": 7}, HIDING) == {
        "entity": "vitals", "entity_id": 7}


@pytest.mark.parametrize("shifted", [False, True])
def test_what_was_done_is_said_without_commas_or_quotes(shifted):
    said = what_was_done(shifted=shifted)
    assert {"patients", "dates", "ages", "free_text", "staff"} <= set(said)
    assert not any("," in text or '"' in text for text in said.values())
    assert ("moved" in said["dates"]) is shifted
