"""What may be charted as text and as a number, whatever sent it: the form, a script calling
the store, or the command line.

A name shown on a chart, a signature or an audit listing must print as what it says: a
control character (an ANSI escape colouring a terminal, a NUL cutting a C string, a
carriage return overprinting a line) can make a record read differently on a screen, in a
PDF and in `ketamonitor audit`. Names refuse every control character; free text (notes,
reasons) keeps only line breaks and tabs. A str holding a lone surrogate (what Python makes
of bytes that are not UTF-8) is not text at all and cannot be stored. Numbers must be
numbers, finite, and in the range the form allows.
"""

from __future__ import annotations

import math
import re

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.ranges import Range

#: The longest name a form takes (a person's, a patient's family or given name).
NAME_MAX_CHARACTERS = 80
#: Any one text value the record holds: far above every form's own cap (a note is 4,000;
#: a protocol's whole TOML text a few thousand), so only what no person typed meets it.
TEXT_MAX_CHARACTERS = 100_000
#: What free text keeps of the control characters: the line break and the tab.
FREE_TEXT_CONTROLS = frozenset("\n\t")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def not_text(text: str) -> bool:
    """Whether `text` cannot be written as UTF-8 (a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown(text: str) -> str:
    """`text` to print: the bytes that were not UTF-8 (held as surrogate escapes) shown as
    \\xNN, as the person would recognise them; any other lone surrogate as \\udNNN."""
    if not not_text(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def control_characters(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The control characters in `text` other than `allowed` (C0, DEL, C1: Unicode's
    category Cc, U+0000-001F and U+007F-009F), each as U+XXXX, in the order met, once
    each."""
    found: list[str] = []
    for match in _CONTROL.finditer(text):
        character = match.group()
        code = f"U+{ord(character):04X}"
        if character not in allowed and code not in found:
            found.append(code)
    return found


def text_problem(text: object, *, allowed: frozenset[str] = FREE_TEXT_CONTROLS,
                 cap: int = TEXT_MAX_CHARACTERS) -> str | None:
    """Why `text` cannot be stored as text, in the words a form shows; None when it can."""
    if not isinstance(text, str):
        return f"must be text, not {type(text).__name__}"
    if len(text) > cap:
        return f"at most {cap:,} characters ({len(text):,} given)"
    if not_text(text):
        return "holds characters that are not text (bytes in another encoding than UTF-8)"
    controls = control_characters(text, allowed)
    if controls:
        what = "line breaks, tabs or other control" if not allowed else "control"
        return (f"holds {what} characters ({', '.join(controls[:3])}), which could make it "
                "read differently on screen, on paper and in the audit trail")
    return None


def check_name(field: str, text: object, cap: int = NAME_MAX_CHARACTERS) -> str:
    """A name as it will be shown (runs of spaces made one); ValidationError naming
    `field` if it is empty, too long, or holds a control character or no text."""
    if isinstance(text, str) and len(text) > TEXT_MAX_CHARACTERS:
        raise ValidationError({field: f"at most {cap} characters"})
    problem = text_problem(text, allowed=frozenset())
    if problem:
        raise ValidationError({field: problem})
    assert isinstance(text, str)
    cleaned = _SPACES.sub(" ", text).strip()
    if not cleaned:
        raise ValidationError({field: "required"})
    if len(cleaned) > cap:
        raise ValidationError({field: f"at most {cap} characters"})
    return cleaned


def check_free_text(field: str, text: object, cap: int = TEXT_MAX_CHARACTERS) -> None:
    """Free text (a note, a reason): ValidationError naming `field` if it is longer than
    `cap` or holds a control character other than a line break or a tab, or no text."""
    if text is None:
        return
    problem = text_problem(text, cap=cap)
    if problem:
        raise ValidationError({field: problem})


def check_number(field: str, value: object, allowed: Range, *,
                 whole: bool = False) -> float:
    """A number the store is given (never a str, a bool, NaN or infinity), within
    `allowed`; ValidationError naming `field` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError({field: f"must be a number, not {type(value).__name__}"})
    if whole and not isinstance(value, int):
        raise ValidationError({field: "must be a whole number"})
    if not math.isfinite(value) or value not in allowed:
        raise ValidationError({field: f"must be {allowed.describe()}"})
    return value

