"""core.text: names refuse every control character, free text keeps line breaks and tabs,
what is not text is said so, numbers must be finite numbers in range."""

from __future__ import annotations

import math

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.ranges import Range
from ketamonitor.core.text import (
    check_free_text,
    check_name,
    check_number,
    control_characters,
    shown,
)


def test_control_characters_are_named_once_each() -> None:
    assert control_characters("a\x1b[31m\x1b\t\x85\x7f", frozenset("\t")) == [
        "U+001B", "U+0085", "U+007F"]


def test_a_name_is_cleaned_and_refuses_controls() -> None:
    assert check_name("name", "  Ada   Obi ") == "Ada Obi"
    for bad in ("Ada\x1b[31m", "Ada\nObi", "", "x" * 81, "Ada\udcff", 3):
        with pytest.raises(ValidationError):
            check_name("name", bad)


def test_free_text_keeps_line_breaks_and_tabs() -> None:
    check_free_text("note", "one\n\ttwo")
    check_free_text("note", None)
    with pytest.raises(ValidationError):
        check_free_text("note", "bell\x07")


def test_numbers_are_finite_numbers_in_range() -> None:
    kg = Range(20, 350, "kg")
    assert check_number("w", 70.5, kg) == 70.5
    for bad in (math.inf, 1e308, math.nan, "70", True):
        with pytest.raises(ValidationError):
            check_number("w", bad, kg)


def test_bytes_that_are_not_utf8_are_shown_escaped() -> None:
    assert shown("caf\udce9") == "caf\\xe9"
    assert shown("plain") == "plain"
