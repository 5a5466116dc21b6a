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
import secrets

KEY_BYTES = 32
#: The patient fields that identify a person: never in a de-identified export.
IDENTIFYING_FIELDS = frozenset({"mrn", "family_name", "given_name", "birth_date"})
#: What stands in for an identifying value that was removed.
REMOVED = "[removed]"


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def pseudonym(key: bytes, patient_id: int) -> str:
    """"P-" and 16 hex digits (64 bits: no two of a clinic's patients share one)."""
    if len(key) < KEY_BYTES:
        raise ValueError("a pseudonym key has 32 random bytes")
    digest = hmac.new(key, f"patient:{patient_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:16]}"
