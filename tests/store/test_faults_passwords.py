"""Every password check is throttled and audited, however it is reached and however many
arrive at once; a name that is no account leaves nothing of itself in the trail (issue 20,
item 5)."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.store import Store
from tests.people import FAST_HASHER, NURSE, PASSWORD, audit_of

WRONG = "Wrong username or password"


def test_a_name_that_is_no_account_is_audited_by_its_length_alone(store: Store) -> None:
    """A password typed into the username field: not even a few bits of its hash stay."""
    store.logout()
    typed = "my-secret-password-typed-here"
    with pytest.raises(LoginRefused, match=WRONG):
        store.login(typed, PASSWORD)
    last = audit_of(store)[-1]
    assert (last["action"], last["user"]) == ("login.failed", f"unknown: {len(typed)} characters")
    trail = " ".join(str(value) for row in audit_of(store) for value in row.values())
    digest = hashlib.sha256(typed.encode()).hexdigest()
    assert digest[:5] not in trail and "secret" not in trail


def test_a_direct_password_check_is_throttled_audited_and_counted(store: Store,
                                                                   clock: FakeClock) -> None:
    """`_password_matches` is the one place a password is checked: called straight, it is
    no way round the wait, the audit trail or the lock."""
    account = store._account(NURSE)
    assert account is not None
    assert store._password_matches(account, "a-guess") is False
    assert audit_of(store)[-1]["action"] == "login.failed"
    with pytest.raises(LoginRefused, match="Wait 1 s"):
        store._password_matches(account, "another-guess")
    assert audit_of(store)[-1]["action"] == "login.refused"
    for wait in (1, 2, 4, 8):
        clock.advance(seconds=wait)
        if wait < 8:
            assert store._password_matches(account, f"guess-{wait}") is False
    assert store._password_matches(account, "the-fifth-guess") is False
    assert audit_of(store)[-1]["action"] == "accounts.locked"
    with pytest.raises(LoginRefused, match="locked"):
        store._password_matches(account, PASSWORD)


def test_ten_logins_at_once_are_all_audited_and_the_wait_holds(db_path: Path,
                                                              store: Store) -> None:
    """Ten workstations (one Store each on the one file) try the nurse's name with a wrong
    password at the same instant: each try leaves its audit row, and only the first is
    checked (the others come within the wait the first failure set)."""
    store.logout()
    before = len(audit_of(store))
    clock = FakeClock(store.clock.now())
    ready = threading.Barrier(10)
    answers: list[str] = []

    def try_once() -> None:
        with Store.open(db_path, clock, lock=False, hasher=FAST_HASHER) as other:
            ready.wait()
            try:
                other.login(NURSE, "a-wrong-password")
                answers.append("logged in")
            except LoginRefused as refused:
                answers.append(str(refused))

    threads = [threading.Thread(target=try_once) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = audit_of(store)[before:]
    assert len(answers) == 10
    assert Counter(row["action"] for row in rows) == {"login.failed": 1, "login.refused": 9}
    assert all(row["user"] == NURSE for row in rows)
