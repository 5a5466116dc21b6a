"""A typing slip is refused; an extreme reading a patient can really have (RR 0, SpO2 42 %)
is charted once the nurse confirms it; each SpO2 says room air or oxygen; EtCO2 is optional.
Each band is tried at, just inside and just outside its edges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.corrections import vitals_amendments
from ketamonitor.core.entries import parse_late_vitals
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.vitals import (
    ConfirmationNeeded,
    Vitals,
    aldrete_oxygen_hint,
    extremes_to_confirm,
    oxygen_in_use,
    parse_vitals,
    spo2_words,
)

NOW = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
BEGAN = datetime(2026, 11, 23, 8, 15, 40, tzinfo=UTC)
ENDED = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)
CHARTED, ASKED, REFUSED = "charted", "asked", "refused"


def parse(confirmed: frozenset[str] = frozenset(), **typed: str) -> Vitals:
    return parse_vitals(typed, now=NOW, session_began=BEGAN, zone=UTC, confirmed=confirmed)


def outcome(**typed: str) -> tuple[str, str]:
    """What one Enter does with the typed set, and the words beside the first field: a
    reason that is not a question is a refusal, whatever else is asked."""
    try:
        parse(**typed)
    except ValidationError as refused:
        questions = getattr(refused, "questions", {})
        if set(refused.reasons) == set(questions):
            return ASKED, next(iter(questions.values()))
        return REFUSED, next(iter(refused.reasons.values()))
    return CHARTED, ""


BP = {"systolic", "diastolic"}


@pytest.mark.parametrize(("typed", "expected"), [
    # systolic: refused below 20 and above 300, asked 20-39
    ({"systolic": "19", "diastolic": "10"}, REFUSED),
    ({"systolic": "20", "diastolic": "10"}, ASKED),
    ({"systolic": "39", "diastolic": "25"}, ASKED),
    ({"systolic": "40", "diastolic": "25"}, CHARTED),
    ({"systolic": "300", "diastolic": "150"}, CHARTED),
    ({"systolic": "301", "diastolic": "150"}, REFUSED),
    # diastolic: refused below 10 and above 200, asked 10-19
    ({"systolic": "60", "diastolic": "9"}, REFUSED),
    ({"systolic": "60", "diastolic": "10"}, ASKED),
    ({"systolic": "60", "diastolic": "19"}, ASKED),
    ({"systolic": "60", "diastolic": "20"}, CHARTED),
    ({"systolic": "250", "diastolic": "200"}, CHARTED),
    ({"systolic": "250", "diastolic": "201"}, REFUSED),
    # heart rate: refused below 20 and above 300, asked 251-300
    ({"heart_rate": "19"}, REFUSED),
    ({"heart_rate": "20"}, CHARTED),
    ({"heart_rate": "250"}, CHARTED),
    ({"heart_rate": "251"}, ASKED),
    ({"heart_rate": "300"}, ASKED),
    ({"heart_rate": "301"}, REFUSED),
    # SpO2: 0-100 possible, asked below 50
    ({"spo2": "-1"}, REFUSED),
    ({"spo2": "0"}, ASKED),
    ({"spo2": "49"}, ASKED),
    ({"spo2": "50"}, CHARTED),
    ({"spo2": "100"}, CHARTED),
    ({"spo2": "101"}, REFUSED),
    # respiratory rate: 0-80 possible, asked below 4 and above 60
    ({"respiratory_rate": "-1"}, REFUSED),
    ({"respiratory_rate": "0"}, ASKED),
    ({"respiratory_rate": "3"}, ASKED),
    ({"respiratory_rate": "4"}, CHARTED),
    ({"respiratory_rate": "60"}, CHARTED),
    ({"respiratory_rate": "61"}, ASKED),
    ({"respiratory_rate": "80"}, ASKED),
    ({"respiratory_rate": "81"}, REFUSED),
    # EtCO2: 0-150 possible, asked at 0 and above 100
    ({"etco2": "-1", "respiratory_rate": "12"}, REFUSED),
    ({"etco2": "0", "respiratory_rate": "12"}, ASKED),
    ({"etco2": "1", "respiratory_rate": "12"}, CHARTED),
    ({"etco2": "100", "respiratory_rate": "12"}, CHARTED),
    ({"etco2": "101", "respiratory_rate": "12"}, ASKED),
    ({"etco2": "150", "respiratory_rate": "12"}, ASKED),
    ({"etco2": "151", "respiratory_rate": "12"}, REFUSED),
])
def test_each_measurement_is_charted_asked_or_refused_by_its_band(typed, expected):
    assert outcome(**typed)[0] == expected


@pytest.mark.parametrize(("typed", "field", "question"), [
    ({"respiratory_rate": "0"}, "respiratory_rate", "RR 0 — apnoea?"),
    ({"respiratory_rate": "2"}, "respiratory_rate", "RR 2 — very slow?"),
    ({"spo2": "42"}, "spo2", "SpO2 42 % — very low: is the probe on?"),
    ({"spo2": "42", "oxygen": "oxygen", "oxygen_l_per_min": "4"}, "spo2",
     "SpO2 42 % on O2 4 L/min — very low: is the probe on?"),
    ({"systolic": "32", "diastolic": "18"}, "systolic", "BP 32/18 — very low?"),
    ({"systolic": "60", "diastolic": "15"}, "diastolic", "BP 60/15 — very low?"),
    ({"heart_rate": "280"}, "heart_rate", "HR 280 — very fast"),
    ({"etco2": "0", "respiratory_rate": "12"}, "etco2", "EtCO2 0 — no CO2"),
])
def test_the_question_is_asked_beside_the_field_it_is_about(typed, field, question):
    with pytest.raises(ConfirmationNeeded) as asked:
        parse(**typed)
    assert question in asked.value.questions[field]
    assert asked.value.reasons[field] == asked.value.questions[field]


def test_a_confirmed_extreme_is_charted_as_typed():
    vitals = parse(frozenset({"respiratory_rate", "spo2"}), respiratory_rate="0", spo2="42")
    assert (vitals.respiratory_rate, vitals.spo2) == (0, 42)


def test_confirming_one_extreme_does_not_confirm_another():
    with pytest.raises(ConfirmationNeeded) as asked:
        parse(frozenset({"respiratory_rate"}), respiratory_rate="0", spo2="42")
    assert set(asked.value.questions) == {"spo2"}


def test_a_question_comes_with_every_other_reason_of_the_same_enter():
    with pytest.raises(ConfirmationNeeded) as asked:
        parse(respiratory_rate="0", heart_rate="999", time="25:00")
    assert set(asked.value.questions) == {"respiratory_rate"}
    assert {"heart_rate", "time", "respiratory_rate"} <= set(asked.value.reasons)


def test_a_typing_slip_is_refused_even_when_confirmed():
    with pytest.raises(ValidationError) as refused:
        parse(frozenset({"spo2"}), spo2="101")
    assert not isinstance(refused.value, ConfirmationNeeded)
    assert refused.value.reasons["spo2"] == "must be 0–100 %"


def test_usual_readings_ask_nothing():
    assert extremes_to_confirm(Vitals(NOW, 120, 80, 70, 97, 14, etco2=38)) == {}


@pytest.mark.parametrize(("typed", "flow", "reason"), [
    ({}, None, ""),
    ({"oxygen": "room_air"}, None, ""),
    ({"oxygen": "oxygen", "oxygen_l_per_min": "0.4"}, None, "must be 0.5–15 L/min"),
    ({"oxygen": "oxygen", "oxygen_l_per_min": "0.5"}, 0.5, ""),
    ({"oxygen": "oxygen", "oxygen_l_per_min": "2,5"}, 2.5, ""),
    ({"oxygen": "oxygen", "oxygen_l_per_min": "15"}, 15.0, ""),
    ({"oxygen": "oxygen", "oxygen_l_per_min": "15.1"}, None, "must be 0.5–15 L/min"),
    ({"oxygen": "oxygen", "oxygen_l_per_min": "lots"}, None, "not a number"),
    ({"oxygen": "oxygen", "oxygen_l_per_min": "nan"}, None, "must be 0.5–15 L/min"),
    ({"oxygen": "oxygen"}, None, "type the flow in L/min, or choose room air"),
    ({"oxygen": "room_air", "oxygen_l_per_min": "2"}, None, "choose Oxygen for a flow"),
    ({"oxygen_l_per_min": "2"}, None, "choose Oxygen for a flow"),
])
def test_each_spo2_says_room_air_or_oxygen_and_neither_is_guessed(typed, flow, reason):
    if reason:
        with pytest.raises(ValidationError) as refused:
            parse(spo2="95", **typed)
        assert reason in refused.value.reasons["oxygen_l_per_min"]
    else:
        assert parse(spo2="95", **typed).oxygen_l_per_min == flow


def test_an_unknown_oxygen_choice_is_refused():
    with pytest.raises(ValidationError) as refused:
        parse(spo2="95", oxygen="helium")
    assert refused.value.reasons["oxygen"] == "choose room air or oxygen"


@pytest.mark.parametrize(("vitals", "words"), [
    (Vitals(NOW, spo2=94), "94 %"),
    (Vitals(NOW, spo2=94, oxygen_l_per_min=2.0), "94 % (O2 2 L/min)"),
    (Vitals(NOW, spo2=90, oxygen_l_per_min=0.5), "90 % (O2 0.5 L/min)"),
    (Vitals(NOW, heart_rate=70, oxygen_l_per_min=2.0), "O2 2 L/min"),
    (Vitals(NOW, heart_rate=70), ""),
])
def test_a_sets_spo2_is_worded_with_its_oxygen(vitals, words):
    assert spo2_words(vitals) == words


@pytest.mark.parametrize(("sets", "hint"), [
    ((), "no SpO2 charted yet"),
    ((Vitals(NOW, heart_rate=70),), "no SpO2 charted yet"),
    ((Vitals(NOW, spo2=95),), "latest SpO2 95 % on room air"),
    ((Vitals(NOW, spo2=91, oxygen_l_per_min=3.0), Vitals(BEGAN, spo2=97),
      Vitals(ENDED, heart_rate=70)), "latest SpO2 91 % on O2 3 L/min"),
])
def test_the_aldrete_oxygen_item_is_hinted_from_the_latest_spo2(sets, hint):
    assert aldrete_oxygen_hint(sets) == hint


@pytest.mark.parametrize(("sets", "flow"), [
    ((), None),
    ((Vitals(BEGAN, spo2=95, oxygen_l_per_min=2.0), Vitals(NOW, heart_rate=70)), None),
    ((Vitals(NOW, spo2=95, oxygen_l_per_min=2.0), Vitals(BEGAN, heart_rate=70)), 2.0),
])
def test_the_next_set_starts_from_the_oxygen_of_the_latest(sets, flow):
    assert oxygen_in_use(sets) == flow


def test_etco2_comes_with_another_measurement():
    assert parse(etco2="38", respiratory_rate="12").etco2 == 38
    with pytest.raises(ValidationError) as refused:
        parse(etco2="38")
    assert refused.value.reasons == {"etco2": "chart it with SpO2, RR, HR or BP"}


def late(confirmed: frozenset[str] = frozenset(), **typed: str):
    fields = {"date": "2026-11-23", "time": "08:30", "reason": "on paper", **typed}
    return parse_late_vitals(fields, now=NOW, session_began=BEGAN, session_ended=ENDED,
                             zone=UTC, confirmed=confirmed)


def test_a_late_extreme_is_asked_with_the_other_reasons_then_charted_once_confirmed():
    with pytest.raises(ConfirmationNeeded) as asked:
        late(respiratory_rate="0", reason=" ")
    assert asked.value.questions == {"respiratory_rate": "RR 0 — apnoea?"}
    assert "reason" in asked.value.reasons
    assert late(frozenset({"respiratory_rate"}), respiratory_rate="0").vitals.respiratory_rate == 0


def entry(vitals: Vitals) -> VitalsEntry:
    return VitalsEntry(id=7, session_id=1, original=vitals, source="manual", entered_at=NOW,
                       entered_by="nurse")


def test_a_correction_to_an_extreme_is_asked_and_a_kept_extreme_is_not():
    charted = entry(Vitals(BEGAN, heart_rate=70, respiratory_rate=0))
    drafts = vitals_amendments(charted, {"heart_rate": "72", "respiratory_rate": "0"},
                               "typo", now=NOW, session_began=BEGAN, zone=UTC)
    assert [d.field for d in drafts] == ["heart_rate"]
    with pytest.raises(ConfirmationNeeded):
        vitals_amendments(charted, {"heart_rate": "72", "spo2": "40"}, "typo", now=NOW,
                          session_began=BEGAN, zone=UTC)
    drafts = vitals_amendments(charted, {"spo2": "40"}, "typo", now=NOW, session_began=BEGAN,
                               zone=UTC, confirmed=frozenset({"spo2"}))
    assert drafts[0].new_value == "40"
