"""Unsigned rows: allowed only for actions that grant nothing."""

from ketamonitor.core.keys import unsigned_row_problem


def test_a_failed_login_may_stand_unsigned() -> None:
    assert unsigned_row_problem(3, "login.failed") is None


def test_an_unsigned_account_creation_is_named_as_a_problem() -> None:
    problem = unsigned_row_problem(9, "accounts.created")
    assert problem is not None and "audit row 9" in problem and "accounts.created" in problem
