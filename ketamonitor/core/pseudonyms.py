"""Stable pseudonyms for de-identified exports.

A patient's pseudonym is an HMAC-SHA256 of the patient's id under the database's own secret
key (random, 32 bytes, made once per database): the same patient gets the same pseudonym in
every export from that database, so rows can be followed across logs, yet without the key no
one can work back from a pseudonym to the patient, nor tell two databases' patients apart by
it. The key never leaves the database in an export.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

KEY_BYTES = 32
#: The patient fields that identify a person: never in a de-identified export.
IDENTIFYING_FIELDS = frozenset({"mrn", "family_name", "given_name", "birth_date"})
#: What stands in for an identifying value that was removed.
REMOVED = "[removed]"


#: Keys whose values are what a person typed (a note, a reason, a corrected value, where a
#: patient was transferred to): removed from a de-identified export whatever they hold.
FREE_TEXT_KEYS = frozenset({"text", "reason", "note", "destination", "old_value", "new_value",
                            "comment", "reference"})
#: A value that is a code the app wrote (an entity, a kind, a phase, an answer, a stored
#: time), not words a person typed: lower-case letters, digits and a few marks, or the
#: canonical stored time. Anything else in a de-identified record is removed.
_CODE = re.compile(r"[a-z0-9_.:+-]{1,64}|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def without_free_text(values: Any) -> Any:
    """A record's values with everything a person typed replaced by REMOVED (HIPAA Safe
    Harbor: free text may name the patient, as a note "Ana Rivera, MRN 1001" did): the
    identifying fields and the free-text keys always, any other text unless it is a code
    the app wrote. Numbers, true/false and empty values stay; lists and objects are
    walked."""
    if isinstance(values, dict):
        return {key: (REMOVED if (key in IDENTIFYING_FIELDS or key in FREE_TEXT_KEYS)
                      and value not in (None, "") else without_free_text(value))
                for key, value in values.items()}
    if isinstance(values, list):
        return [without_free_text(value) for value in values]
    if isinstance(values, str) and values and _CODE.fullmatch(values) is None:
        return REMOVED
    return values


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def pseudonym(key: bytes, patient_id: int) -> str:
    """"P-" and 16 hex digits (64 bits: no two of a clinic's patients share one)."""
    if len(key) < KEY_BYTES:
        raise ValueError("a pseudonym key has 32 random bytes")
    digest = hmac.new(key, f"patient:{patient_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:16]}"


def staff_pseudonym(key: bytes, name: str) -> str:
    """A member of staff as a de-identified export names them: "S-" and 16 hex digits, the
    same for the same name (username or name as shown) and key."""
    if len(key) < KEY_BYTES:
        raise ValueError("a pseudonym key has 32 random bytes")
    digest = hmac.new(key, f"staff:{name}".encode(), hashlib.sha256).hexdigest()
    return f"S-{digest[:16]}"


#: The most a patient's dates are moved under --date-shift, in days either way.
MOST_DAYS_SHIFTED = 365


def date_shift_days(key: bytes, patient_id: int) -> int:
    """How many days all of one patient's dates move under --date-shift: from the same
    keyed hash as the pseudonym (so the same each export, another for another patient, and
    not to be worked out without the database's key), never 0, within +-MOST_DAYS_SHIFTED."""
    if len(key) < KEY_BYTES:
        raise ValueError("a pseudonym key has 32 random bytes")
    digest = hmac.new(key, f"date-shift:{patient_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    days = 1 + (number >> 1) % MOST_DAYS_SHIFTED
    return days if number & 1 else -days
