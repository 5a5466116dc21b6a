from datetime import UTC, datetime

import pytest

from ketamonitor.core.entries import NOTE_MAX_CHARACTERS, note_draft, note_length_problem
from ketamonitor.core.errors import ValidationError


def test_the_note_limit_is_one_rule_asked_while_typing_and_at_charting():
    assert note_length_problem("x" * NOTE_MAX_CHARACTERS) is None
    assert note_length_problem("  short  ") is None
    too_long = "x" * 10_000
    problem = note_length_problem(too_long)
    assert problem == f"at most {NOTE_MAX_CHARACTERS} characters (10000 typed)"
    with pytest.raises(ValidationError) as refused:
        note_draft(too_long, datetime(2026, 12, 5, 9, tzinfo=UTC))
    assert refused.value.reasons == {"note": problem}
