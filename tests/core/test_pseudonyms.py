"""A patient's pseudonym in de-identified exports: the same for the same patient and key,
different for another patient or another database's key, and never made from a short key."""

from __future__ import annotations

import re

import pytest

from ketamonitor.core.pseudonyms import (
    KEY_BYTES,
    MOST_DAYS_SHIFTED,
    REMOVED,
    date_shift_days,
    new_key,
    pseudonym,
    staff_pseudonym,
    without_free_text,
)

KEY = bytes(range(KEY_BYTES))


def test_a_pseudonym_is_p_and_sixteen_hex_digits_the_same_each_time():
    first = pseudonym(KEY, 7)
    assert re.fullmatch(r"P-[0-9a-f]{16}", first)
    assert pseudonym(KEY, 7) == first


def test_another_patient_or_another_databases_key_gives_another_pseudonym():
    assert pseudonym(KEY, 7) != pseudonym(KEY, 8)
    assert pseudonym(KEY, 7) != pseudonym(bytes(reversed(KEY)), 7)


@pytest.mark.parametrize("length", [0, 1, KEY_BYTES - 1])
def test_a_key_shorter_than_32_bytes_is_refused(length):
    with pytest.raises(ValueError, match="32 random bytes"):
        pseudonym(bytes(length), 1)


def test_each_new_key_is_32_fresh_random_bytes():
    key = new_key()
    assert len(key) == KEY_BYTES
    assert new_key() != key
    assert pseudonym(key, 1) == pseudonym(key, 1)


@pytest.mark.parametrize(("values", "left"), [
    ({"text": "Ana Rivera asked for her sister"}, {"text": REMOVED}),
    ({"reason": "slow"}, {"reason": REMOVED}),            # a reason, even one code-like word
    ({"mrn": "1001", "birth_date": "1984-05-06"}, {"mrn": REMOVED, "birth_date": REMOVED}),
    ({"field": "systolic", "old_value": "186", "new_value": "168"},
     {"field": "systolic", "old_value": REMOVED, "new_value": REMOVED}),
    ({"kind": "start_infusion", "phase": "infusing", "session_id": 3, "spo2": 97.5,
      "confirmed": True, "note": None, "at": "2026-11-23T07:32:00.000Z"},
     {"kind": "start_infusion", "phase": "infusing", "session_id": 3, "spo2": 97.5,
      "confirmed": True, "note": None, "at": "2026-11-23T07:32:00.000Z"}),
    ({"label": "Felt like Rivera's mother"}, {"label": REMOVED}),  # words in any key
    ({"items": [{"item": "nausea", "value": "present"}, "Rivera"]},
     {"items": [{"item": "nausea", "value": "present"}, REMOVED]}),
])
def test_what_a_person_typed_is_removed_and_the_apps_codes_stay(values, left):
    assert without_free_text(values) == left


def test_staff_have_their_own_stable_pseudonym():
    assert re.fullmatch(r"S-[0-9a-f]{16}", staff_pseudonym(KEY, "nurse.ana"))
    assert staff_pseudonym(KEY, "nurse.ana") == staff_pseudonym(KEY, "nurse.ana")
    assert staff_pseudonym(KEY, "nurse.ana") != staff_pseudonym(KEY, "nurse.ben")
    assert staff_pseudonym(KEY, "nurse.ana") != staff_pseudonym(bytes(reversed(KEY)),
                                                                "nurse.ana")


def test_a_patients_date_shift_is_stable_never_zero_and_within_a_year():
    shifts = [date_shift_days(KEY, patient_id) for patient_id in range(1, 2001)]
    assert shifts == [date_shift_days(KEY, patient_id) for patient_id in range(1, 2001)]
    assert all(0 < abs(days) <= MOST_DAYS_SHIFTED for days in shifts)
    assert min(shifts) < -300 and max(shifts) > 300  # spread over the whole range
    assert len(set(shifts)) > 500
    assert date_shift_days(KEY, 1) != date_shift_days(bytes(reversed(KEY)), 1) or \
        date_shift_days(KEY, 2) != date_shift_days(bytes(reversed(KEY)), 2)


def test_a_date_shift_needs_a_whole_key():
    with pytest.raises(ValueError, match="32 random bytes"):
        date_shift_days(bytes(8), 1)
