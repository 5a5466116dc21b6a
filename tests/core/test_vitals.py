from datetime import UTC, datetime, timedelta

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.vitals import parse_vitals

NOW = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)
BEGAN = datetime(2026, 11, 23, 8, 15, 40, tzinfo=UTC)


def parse(**typed):
    return parse_vitals(typed, now=NOW, session_began=BEGAN, zone=UTC)


def reasons(**typed) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        parse(**typed)
    return refused.value.reasons


def test_a_full_set_with_no_time_is_taken_now():
    vitals = parse(systolic="132", diastolic="84", heart_rate="78", spo2="97",
                   respiratory_rate="14")
    assert (vitals.systolic, vitals.diastolic, vitals.heart_rate, vitals.spo2,
            vitals.respiratory_rate) == (132, 84, 78, 97, 14)
    assert vitals.observed_at == NOW


def test_a_late_entry_takes_the_typed_time_today():
    vitals = parse(systolic="120", diastolic="80", time="08:40")
    assert vitals.observed_at == datetime(2026, 11, 23, 8, 40, tzinfo=UTC)


def test_a_partial_set_without_bp_is_fine():
    assert parse(heart_rate="80", spo2="96").systolic is None


@pytest.mark.parametrize(("typed", "field", "words"), [
    ({"systolic": "abc", "diastolic": "80"}, "systolic", "not a number"),
    ({"systolic": "400", "diastolic": "80"}, "systolic", "20–300"),
    ({"systolic": "120", "diastolic": "80", "spo2": "120"}, "spo2", "0–100"),
    ({"systolic": "120.5", "diastolic": "80"}, "systolic", "whole number"),
    ({"systolic": "120", "diastolic": "120"}, "diastolic", "below systolic"),
    ({"systolic": "120", "diastolic": "130"}, "diastolic", "below systolic"),
    ({"systolic": "120"}, "diastolic", "required with systolic"),
    ({"diastolic": "80"}, "systolic", "required with diastolic"),
    ({}, "systolic", "at least one"),
    ({"heart_rate": "80", "time": "09:05"}, "time", "future"),
    ({"heart_rate": "80", "time": "08:10"}, "time", "before the session began (08:15)"),
    ({"heart_rate": "80", "time": "25:00"}, "time", "not a time"),
    ({"heart_rate": "80", "time": "soon"}, "time", "HH:MM"),
])
def test_bad_input_is_refused_with_the_reason_beside_the_field(typed, field, words):
    assert words in reasons(**typed)[field]


def test_every_bad_field_is_reported_at_once():
    found = reasons(systolic="x", heart_rate="999", spo2="7")
    assert set(found) >= {"systolic", "heart_rate", "spo2"}


def test_the_minute_the_session_began_is_accepted():
    assert parse(heart_rate="80", time="08:15").observed_at < BEGAN


def test_a_time_typed_just_after_midnight_for_late_last_night_is_yesterday():
    now = datetime(2026, 11, 24, 0, 5, tzinfo=UTC)
    vitals = parse_vitals({"heart_rate": "70", "time": "23:50"}, now=now,
                          session_began=now - timedelta(hours=2), zone=UTC)
    assert vitals.observed_at == datetime(2026, 11, 23, 23, 50, tzinfo=UTC)
