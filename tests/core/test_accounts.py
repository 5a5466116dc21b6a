"""What a username, a display name, a password and a set of roles must be, each refusal
naming its field, and how an account stands in words. (The words of a refusal by role are
in core/test_account_words.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.accounts import (
    Account,
    Role,
    check_display_name,
    check_password,
    check_roles,
    check_username,
    password_is_temporary,
)
from ketamonitor.core.errors import ValidationError

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def _reason(check, text, field):
    with pytest.raises(ValidationError) as refused:
        check(text)
    return refused.value.reasons[field]


@pytest.mark.parametrize(("typed", "kept"), [
    (" Nurse.Ana ", "nurse.ana"), ("abc", "abc"), ("a" * 32, "a" * 32), ("9_lives-x", "9_lives-x"),
])
def test_a_username_is_kept_lowercase_and_trimmed(typed, kept):
    assert check_username(typed) == kept


@pytest.mark.parametrize(("typed", "words"), [
    ("", "required"), ("   ", "required"), ("ab", "3-32 lowercase"), ("a" * 33, "3-32"),
    (".ana", "starting with a letter or digit"), ("ana lee", "3-32"), ("ana@x", "3-32"),
])
def test_a_username_out_of_its_pattern_is_refused(typed, words):
    assert words in _reason(check_username, typed, "username")


def test_a_display_name_is_tidied_and_at_most_80_characters():
    assert check_display_name("  Dr   Ada  Obi ") == "Dr Ada Obi"
    assert check_display_name("x" * 80) == "x" * 80
    assert "at most 80" in _reason(check_display_name, "x" * 81, "display_name")
    assert "required" in _reason(check_display_name, "  ", "display_name")


@pytest.mark.parametrize(("length", "words"), [
    (11, "at least 12 characters"), (257, "at most 256 characters"),
])
def test_a_password_outside_12_to_256_characters_is_refused(length, words):
    assert _reason(check_password, "p" * length, "password") == words


@pytest.mark.parametrize("length", [12, 256])
def test_a_password_at_its_bounds_is_kept_as_typed(length):
    assert check_password(" " + "p" * (length - 1)) == " " + "p" * (length - 1)


def test_a_password_is_the_persons_own_only_when_they_set_it():
    assert not password_is_temporary("nurse.ana", "nurse.ana")
    assert password_is_temporary("nurse.ana", "admin")


def test_roles_are_read_by_name_and_at_least_one_is_needed():
    assert check_roles([" Nurse", "physician", "nurse"]) == {Role.NURSE, Role.PHYSICIAN}
    assert "'cook' is not a role" in _reason(check_roles, ["nurse", "cook"], "roles")
    assert _reason(check_roles, [], "roles") == "choose at least one role"


@pytest.mark.parametrize(("disabled", "first_login", "activity"), [
    (False, False, "active"), (False, True, "active, first login due"),
    (True, False, "disabled"), (True, True, "disabled"),
])
def test_how_an_account_stands_in_words(disabled, first_login, activity):
    account = Account(1, "ana", "Ana", frozenset({Role.ADMINISTRATOR, Role.NURSE}), disabled, AT,
                      must_choose_password=first_login)
    assert account.activity == activity
    assert account.roles_label == "Nurse, Administrator"


@pytest.mark.parametrize("typed", ["room", "Monitor", " ketamonitor "])
def test_the_names_the_app_records_for_no_person_are_refused(typed):
    """An account named `room` would pass a person's rows off as the room's (verify lets the
    room's rows stand signed by whoever is logged in), and its own as theirs."""
    with pytest.raises(ValidationError) as refused:
        check_username(typed)
    assert "no person did" in refused.value.reasons["username"]
