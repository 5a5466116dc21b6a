"""The clinic's medicines list and the checks on a medicine given, at and around each line."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import load_library, resource_text, shipped_library
from ketamonitor.core.medications import (
    DrugClass,
    MedicationEntry,
    check_medication,
    parse_medication,
    parse_medicines,
)
from ketamonitor.core.protocol import ProtocolError

NOW = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
BEGAN = datetime(2026, 11, 23, 8, 15, 40, tzinfo=UTC)
SHIPPED = resource_text("medications.toml")
MEDICINES = parse_medicines(SHIPPED)


def given(**changes: object) -> MedicationEntry:
    entry = MedicationEntry(drug="ondansetron", dose=4, unit="mg", route="IV",
                            given_at=NOW - timedelta(minutes=5), ordered_by="Dr Ada Obi",
                            given_by="Ana Nurse")
    return replace(entry, **changes)


def check(entry: MedicationEntry) -> None:
    check_medication(entry, MEDICINES, now=NOW, session_began=BEGAN, zone=UTC)


def reasons_of(entry: MedicationEntry) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        check(entry)
    return refused.value.reasons


def test_the_shipped_list_has_the_usual_choices_with_their_classes():
    classes = {m.id: m.drug_class for m in shipped_library().medicines.medicines}
    assert classes == {
        "ondansetron": DrugClass.ANTIEMETIC, "clonidine": DrugClass.ANTIHYPERTENSIVE,
        "labetalol": DrugClass.ANTIHYPERTENSIVE, "hydralazine": DrugClass.ANTIHYPERTENSIVE,
        "lorazepam": DrugClass.BENZODIAZEPINE, "midazolam": DrugClass.BENZODIAZEPINE,
        "oxygen": DrugClass.OXYGEN, "sodium_chloride_0_9": DrugClass.FLUID}
    assert "[U]" in SHIPPED


@pytest.mark.parametrize(("drug", "dose", "unit", "route", "accepted"), [
    ("ondansetron", 8, "mg", "IV", True),        # at the largest plausible dose
    ("ondansetron", 8.01, "mg", "IV", False),    # just over it
    ("ondansetron", 7.99, "mg", "IV", True),     # just under it
    ("ondansetron", 4000, "mg", "IV", False),    # the slip the line is for
    ("ondansetron", 0.01, "mg", "IV", True),     # just above 0
    ("clonidine", 0.3, "mg", "PO", True),
    ("clonidine", 0.31, "mg", "PO", False),
    ("clonidine", 300, "mcg", "PO", True),
    ("clonidine", 301, "mcg", "PO", False),
    ("labetalol", 20, "mg", "IV", True),
    ("labetalol", 21, "mg", "IV", False),
    ("labetalol", 200, "mg", "PO", True),        # by mouth, a larger dose is plausible
    ("oxygen", 15, "L/min", "inhaled", True),
    ("oxygen", 16, "L/min", "inhaled", False),
    ("sodium_chloride_0_9", 1000, "mL", "IV", True),
    ("sodium_chloride_0_9", 1001, "mL", "IV", False),
])
def test_a_dose_is_refused_above_the_medicines_largest_plausible_dose(
        drug: str, dose: float, unit: str, route: str, accepted: bool):
    entry = given(drug=drug, dose=dose, unit=unit, route=route)
    if accepted:
        assert check_medication(entry, MEDICINES, now=NOW, session_began=BEGAN,
                                zone=UTC).id == drug
    else:
        assert reasons_of(entry)["dose"].endswith("check the dose")


def test_the_dose_reason_names_the_line_the_route_and_the_medicine():
    assert reasons_of(given(dose=4000)) == {
        "dose": "at most 8 mg IV for ondansetron: check the dose"}


@pytest.mark.parametrize(("dose", "reason"), [
    (0, "must be above 0"), (-0.01, "must be above 0"), (math.nan, "not a number"),
    (math.inf, "not a number"), (-math.inf, "not a number")])
def test_a_dose_of_zero_below_or_not_finite_is_refused(dose: float, reason: str):
    assert reasons_of(given(dose=dose)) == {"dose": reason}


def test_an_unknown_drug_unit_or_route_is_refused_keyed_by_its_field():
    assert reasons_of(given(drug="aspirin")) == {
        "drug": "is not in the clinic's medicines list"}
    assert reasons_of(given(drug="")) == {"drug": "choose one from the list"}
    assert reasons_of(given(unit="mcg")) == {"unit": "Ondansetron is given in mg"}
    assert reasons_of(given(route="IN")) == {"route": "Ondansetron is given IV or PO or SL or IM"}


@pytest.mark.parametrize(("given_at", "problem"), [
    (NOW, None),
    (NOW + timedelta(seconds=1), "is in the future"),
    (BEGAN.replace(second=0), None),                   # the minute the session began
    (BEGAN.replace(second=0) - timedelta(seconds=1), "is before the session began (08:15)"),
])
def test_the_time_given_falls_within_the_session_and_not_in_the_future(
        given_at: datetime, problem: str | None):
    entry = given(given_at=given_at)
    if problem is None:
        check(entry)
    else:
        assert reasons_of(entry) == {"time": problem}


@pytest.mark.parametrize(("name", "problem"), [
    ("", "required"), ("   ", "required"), ("x" * 80, None),
    ("x" * 81, "at most 80 characters")])
def test_who_ordered_and_who_gave_are_required(name: str, problem: str | None):
    entry = given(ordered_by=name, given_by=name)
    if problem is None:
        check(entry)
    else:
        assert reasons_of(entry) == {"ordered_by": problem, "given_by": problem}


def test_typed_text_gives_every_reason_at_once():
    with pytest.raises(ValidationError) as refused:
        parse_medication({"drug": "ondansetron", "dose": "four", "unit": "mg", "route": "IN",
                          "time": "25:00", "ordered_by": "", "given_by": "Ana Nurse"},
                         MEDICINES, now=NOW, session_began=BEGAN, zone=UTC)
    assert refused.value.reasons == {
        "dose": "not a number", "route": "Ondansetron is given IV or PO or SL or IM",
        "time": "not a time of day", "ordered_by": "required"}


def test_typed_text_becomes_a_medicine_given_with_the_typed_time():
    entry = parse_medication({"drug": "ondansetron", "dose": " 4,0 ", "unit": "mg",
                              "route": "IV", "time": "08:50", "ordered_by": " Dr  Ada Obi ",
                              "given_by": "Ana Nurse"},
                             MEDICINES, now=NOW, session_began=BEGAN, zone=UTC, alert_id=7)
    assert entry == MedicationEntry("ondansetron", 4.0, "mg", "IV",
                                    datetime(2026, 11, 23, 8, 50, tzinfo=UTC), "Dr Ada Obi",
                                    "Ana Nurse", alert_id=7)
    assert parse_medication({"drug": "oxygen", "dose": "2", "unit": "L/min",
                             "route": "inhaled", "time": "", "ordered_by": "Dr Ada Obi",
                             "given_by": "Ana Nurse"}, MEDICINES, now=NOW,
                            session_began=BEGAN, zone=UTC).given_at == NOW


def bad_list(old: str, new: str) -> str:
    assert old in SHIPPED
    return SHIPPED.replace(old, new, 1)


@pytest.mark.parametrize(("text", "message"), [
    (bad_list('class = "antiemetic"', 'class = "antibiotic"'),
     ("medicines[0].class must be one of antiemetic, antihypertensive, benzodiazepine, "
     "oxygen, fluid, other")),
    (bad_list('units = ["mg"]', 'units = ["mq"]'),
     "medicines[0].units 'mq' is not one of mg, mcg, g, mL, L, L/min, units, mmol"),
    (bad_list('routes = ["IV", "PO", "SL", "IM"]', 'routes = ["IV", "PO", "SL", "IM", "SC"]'),
     "medicines[0].max_dose.SC is missing"),
    (bad_list("IV = { mg = 8 }", "IV = { mg = 0 }"),
     "medicines[0].max_dose.IV.mg must be a number above 0, at most 100000"),
    (bad_list("IV = { mg = 8 }", "IV = { mg = 1e9 }"),
     "medicines[0].max_dose.IV.mg must be a number above 0, at most 100000"),
    (bad_list("IV = { mg = 8 }", "IV = { mg = nan }"),
     "medicines[0].max_dose.IV.mg must be a number above 0, at most 100000"),
    (bad_list('id = "clonidine"', 'id = "ondansetron"'),
     "medicines[1].id ondansetron is used twice"),
    (bad_list('default_route = "IV"', 'default_route = "IN"'),
     "medicines[0].default_route must be one of its routes"),
    (bad_list('\nkind = "medicines"', '\nkind = "scale"'), 'kind must be "medicines"'),
])
def test_a_list_that_cannot_be_meant_is_refused_naming_the_key(text: str, message: str):
    with pytest.raises(ProtocolError) as refused:
        parse_medicines(text)
    assert str(refused.value) == message


def test_a_clinic_file_replaces_the_shipped_list_and_a_broken_one_is_refused_alone(
        tmp_path: Path):
    folder = tmp_path / "protocols"
    folder.mkdir()
    (folder / "our-medicines.toml").write_text(
        bad_list('label = "Ondansetron"', 'label = "Ondansetron (Zofran)"'))
    (folder / "second-medicines.toml").write_text(SHIPPED)
    (folder / "broken-medicines.toml").write_text(
        bad_list('units = ["mg"]', 'units = ["mq"]'))
    library = load_library([folder])
    assert library.medicines.find("ondansetron").label == "Ondansetron (Zofran)"
    assert set(library.protocols) == set(shipped_library().protocols)
    assert sorted(library.problems) == [
        (f"{folder / 'broken-medicines.toml'}: medicines[0].units 'mq' is not one of mg, "
        "mcg, g, mL, L, L/min, units, mmol"),
        (f"{folder / 'second-medicines.toml'}: kind medicines: the clinic's medicines list is "
        f"already {folder / 'our-medicines.toml'}")]


def test_without_a_clinic_file_the_shipped_list_is_used():
    assert shipped_library().medicines == MEDICINES
    assert shipped_library().problems == ()
