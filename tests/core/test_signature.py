"""What a signature signs: the chart's content hashed the same way every time, changed by
any charted value or an addendum's text; a signature matches only the content it signed; an
addendum's text within its bounds; the signature in words."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.signature import (
    ADDENDUM_MAX_CHARACTERS,
    MEANING,
    Signature,
    SignatureKind,
    addendum_text,
    content_hash,
    matches,
)
from tests.core.builders import ChartBuilder, with_reading

AT = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)


def _chart():
    return ChartBuilder().reading(5, 124, 80, heart_rate=76, spo2=98).build()


def _signed(chart, addendum: str | None = None) -> Signature:
    kind = SignatureKind.SIGNATURE if addendum is None else SignatureKind.ADDENDUM
    return Signature(1, 1, kind, "dr.obi", "Dr Ada Obi", MEANING,
                     content_hash(chart, addendum), AT, addendum)


def test_the_hash_is_sha256_of_the_content_the_same_each_time():
    chart = _chart()
    first = content_hash(chart)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", first)
    assert content_hash(replace(chart)) == first


def test_any_charted_value_or_an_addendums_text_changes_the_hash():
    chart = _chart()
    assert content_hash(with_reading(chart, 6, 124, 80)) != content_hash(chart)
    assert content_hash(replace(chart, session=replace(chart.session, chair="9"))) != (
        content_hash(chart))
    assert content_hash(chart, "late note") != content_hash(chart)
    assert content_hash(chart, "late note") != content_hash(chart, "other note")


def test_a_signature_matches_only_the_content_it_signed():
    chart = _chart()
    assert matches(_signed(chart), chart)
    assert not matches(_signed(chart), with_reading(chart, 6, 124, 80))
    assert matches(_signed(chart, "late note"), chart)
    assert not matches(replace(_signed(chart, "late note"), text="changed"), chart)


@pytest.mark.parametrize(("typed", "kept"), [
    ("  seen again at 15:00  ", "seen again at 15:00"),
    ("x" * ADDENDUM_MAX_CHARACTERS, "x" * ADDENDUM_MAX_CHARACTERS),
])
def test_an_addendum_is_kept_trimmed_up_to_its_limit(typed, kept):
    assert addendum_text(typed) == kept


@pytest.mark.parametrize(("typed", "words"), [
    ("   ", "write the addendum first"),
    ("x" * (ADDENDUM_MAX_CHARACTERS + 1), f"at most {ADDENDUM_MAX_CHARACTERS} characters"),
])
def test_an_empty_or_too_long_addendum_is_refused(typed, words):
    with pytest.raises(ValidationError) as refused:
        addendum_text(typed)
    assert refused.value.reasons == {"addendum": words}


def test_a_signature_and_an_addendum_in_words():
    chart = _chart()
    assert _signed(chart).manifestation() == (
        f"Signed by Dr Ada Obi (dr.obi) on 2026-11-23 14:05 UTC — {MEANING}")
    assert _signed(chart, "note").manifestation().startswith("Addendum signed by Dr Ada Obi")
