"""The words an administrator's screen says, worked out by the rules and not the widgets: who
may do what when someone else is refused, and when a lock after failed logins runs out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.errors import RuleError
from ketamonitor.core.lockout import AccountState, lock_ends
from ketamonitor.core.permissions import Permission, PermissionDenied, refusal_words

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def account(*roles: Role, disabled: bool = False, first_login: bool = False) -> Account:
    return Account(1, "sam.lee", "Sam Lee", frozenset(roles), disabled, AT,
                   must_choose_password=first_login)


@pytest.mark.parametrize(("roles", "permission", "doing", "words"), [
    ((Role.NURSE,), Permission.MANAGE_ACCOUNTS, "manage accounts",
     ("Only administrators can manage accounts. You are logged in as sam.lee (nurse): "
     "ask an administrator.")),
    ((Role.NURSE, Role.PHYSICIAN), Permission.VIEW_AUDIT, "see the audit trail",
     ("Only administrators can see the audit trail. You are logged in as sam.lee "
     "(nurse, physician): ask an administrator.")),
    ((Role.NURSE,), Permission.EXPORT, "export",
     ("Only physicians and administrators can export. You are logged in as sam.lee "
     "(nurse): ask an administrator.")),
    ((), Permission.MANAGE_SETTINGS, "change the settings",
     ("Only administrators can change the settings. You are logged in as sam.lee "
     "(no role): ask an administrator.")),
])
def test_a_refused_person_is_told_who_may(roles, permission, doing, words):
    who = account(*roles)
    assert refusal_words(PermissionDenied(who, permission), who, doing) == words


def test_any_other_refusal_is_its_own_message_with_a_capital():
    assert refusal_words(RuleError("the file is read-only"), account(Role.ADMINISTRATOR),
                         "manage accounts") == "The file is read-only"
    # no one logged in: the refusal's own words, not a sentence about nobody
    denied = PermissionDenied(account(Role.NURSE), Permission.MANAGE_ACCOUNTS)
    assert refusal_words(denied, None, "manage accounts") == str(denied)[:1].upper() + str(
        denied)[1:]


PLUS_ONE = timezone(timedelta(hours=1))


@pytest.mark.parametrize(("until", "zone", "words"), [
    (datetime(2026, 11, 23, 10, 45, tzinfo=UTC), UTC, "10:45"),  # on the minute: as is
    (datetime(2026, 11, 23, 10, 44, 1, tzinfo=UTC), UTC, "10:45"),  # rounded up, never early
    (datetime(2026, 11, 23, 10, 44, 0, 1, tzinfo=UTC), UTC, "10:45"),
    (datetime(2026, 11, 23, 10, 59, 30, tzinfo=UTC), PLUS_ONE, "12:00"),  # the room's clock
])
def test_a_lock_ends_at_the_next_whole_minute_on_the_rooms_clock(until, zone, words):
    assert lock_ends(until, zone) == words


LOCK = datetime(2026, 11, 23, 7, 49, 30, tzinfo=UTC)


@pytest.mark.parametrize(("state", "locked", "status"), [
    (AccountState(account(Role.NURSE)), False, "active"),
    (AccountState(account(Role.NURSE, first_login=True)), False, "active, first login due"),
    (AccountState(account(Role.NURSE), LOCK), True, "locked until 07:50"),
    (AccountState(account(Role.NURSE, disabled=True)), False, "disabled"),
    # disabling already keeps its owner out: not shown as locked, nothing to unlock
    (AccountState(account(Role.NURSE, disabled=True), LOCK), False, "disabled"),
])
def test_an_accounts_status_and_whether_it_can_be_unlocked(state, locked, status):
    assert state.is_locked is locked
    assert state.status(UTC) == status
