"""Handing a session over to another nurse: the explicit, recorded act that changes who the
session's nurse is. The nurse is otherwise always the person logged in when the session was
started; no form field and no earlier login decides it."""

from __future__ import annotations

from collections.abc import Iterable

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.phases import Phase

#: The event kind of a handover; its text is the username of the nurse who takes over.
HANDOVER = "handover"


def may_take_over(account: Account, current_nurse: str) -> bool:
    """An enabled nurse's account, not the session's nurse already."""
    return (not account.disabled and Role.NURSE in account.roles
            and account.username != current_nurse)


def handover_choices(accounts: Iterable[Account], current_nurse: str) -> list[Account]:
    """The accounts a session may be handed over to, by display name."""
    return sorted((a for a in accounts if may_take_over(a, current_nurse)),
                  key=lambda a: (a.display_name.lower(), a.username))


def check_handover(to: Account | None, typed: str, current_nurse: str, phase: Phase) -> Account:
    """The account taking over, or why the handover cannot be recorded."""
    if phase.is_finished:
        raise ValidationError({"nurse": "the session is finished: there is nothing to hand "
                                        "over"})
    if to is None:
        raise ValidationError({"nurse": f"there is no account {typed!r}"})
    if to.username == current_nurse:
        raise ValidationError({"nurse": f"{to.username} is already this session's nurse"})
    if not may_take_over(to, current_nurse):
        raise ValidationError({"nurse": f"{to.username} is not an active nurse's account"})
    return to
