"""Failed logins: each makes the next attempt wait a little longer, and five in a row lock
the account for a while (an administrator can unlock it sooner)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import NamedTuple

from ketamonitor.core.accounts import Account
from ketamonitor.core.times import format_clock

MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
#: The wait before the next try grows with each failure: 1, 2, 4, 8 seconds.
FIRST_WAIT = timedelta(seconds=1)


class LoginEvent(StrEnum):
    SUCCEEDED = "login"
    FAILED = "login.failed"
    #: The password asked again before a signature, wrong: recorded as what it is, and
    #: counted towards the lock like a failed login (the prompt is no way round it).
    SIGNATURE_PASSWORD_WRONG = "signature.password_wrong"
    LOCKED = "accounts.locked"
    UNLOCKED = "accounts.unlocked"


@dataclass(frozen=True)
class LoginState:
    failures: int
    next_try_at: datetime | None
    locked_until: datetime | None

    def refusal(self, now: datetime) -> str | None:
        """Why a login cannot be tried now, if it cannot."""
        if self.locked_until is not None and now < self.locked_until:
            return (f"this account is locked after {MAX_FAILURES} failed logins; try again "
                    f"after {self.locked_until:%H:%M} UTC or ask an administrator to unlock it")
        if self.next_try_at is not None and now < self.next_try_at:
            seconds = max(1, round((self.next_try_at - now).total_seconds()))
            return f"wait {seconds} s before trying again"
        return None

    @property
    def locks_now(self) -> bool:
        """The failure just recorded is the one that locks the account."""
        return self.failures == MAX_FAILURES


def login_state(events: Iterable[tuple[LoginEvent, datetime]]) -> LoginState:
    """The state after a username's login events (oldest first)."""
    failures, last_failure, locked_until = 0, None, None
    for event, at in events:
        if event in (LoginEvent.SUCCEEDED, LoginEvent.UNLOCKED):
            failures, last_failure, locked_until = 0, None, None
        elif event in (LoginEvent.FAILED, LoginEvent.SIGNATURE_PASSWORD_WRONG):
            if locked_until is not None and at >= locked_until:
                failures, locked_until = 0, None  # the lock ran out: a fresh count
            failures += 1
            last_failure = at
        elif event is LoginEvent.LOCKED:
            locked_until = at + LOCK_TIME
    next_try = None
    if failures and last_failure is not None:
        next_try = last_failure + FIRST_WAIT * 2 ** min(failures - 1, 5)
    return LoginState(failures, next_try, locked_until)


def lock_ends(until: datetime, zone: tzinfo) -> str:
    """When a lock runs out, to the minute, rounded up: "until 10:45" is never too early."""
    rounded = until + (timedelta(minutes=1) - timedelta(seconds=until.second,
                                                        microseconds=until.microsecond)
                       if until.second or until.microsecond else timedelta())
    return format_clock(rounded, zone)


class AccountState(NamedTuple):
    """An account with when its lock after failed logins runs out. A disabled account is
    not "locked": disabling already keeps its owner out, and unlocking would change
    nothing."""

    account: Account
    locked_until: datetime | None = None

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and not self.account.disabled

    def status(self, zone: tzinfo) -> str:
        """The account's state in a few words: its lock's end, else its activity."""
        if self.locked_until is not None and not self.account.disabled:
            return f"locked until {lock_ends(self.locked_until, zone)}"
        return self.account.activity
