"""Failed logins: each makes the next attempt wait a little longer, and five in a row lock
the account for a while (an administrator can unlock it sooner)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

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
