"""A patient's pseudonym in de-identified exports: the same for the same patient and key,
different for another patient or another database's key, and never made from a short key."""

from __future__ import annotations

import re

import pytest

from ketamonitor.core.pseudonyms import KEY_BYTES, REMOVED, new_key, pseudonym, without_free_text

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
