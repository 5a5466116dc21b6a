"""What a login costs: from the typed username and password to the nurse logged in.

ours:     `Store.login` on a database with a few accounts, with the app's password hashing
          (argon2-cffi's default Argon2id profile, as when `Store.open` is given no hasher):
          the lockout state read from the audit trail, the account and its latest password
          hash read, the Argon2id verify, and the login's audit row committed with fsync;
baseline: a bare `argon2.PasswordHasher().verify(hash, password)` of the same stored hash:
          the least a login with this password profile can cost. Argon2id is slow on purpose,
          so it is most of the figure, and the ratio shows what the store adds to it.

Logged out (not timed) before each login; both sides alternate rounds after a warm-up, so
the noise of a busy machine falls on both alike; the figures are medians.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from argon2 import PasswordHasher

from benchmarks.people import NURSE, PASSWORD, add_nurse
from ketamonitor.core.accounts import Role
from ketamonitor.core.clock import SystemClock
from ketamonitor.store.store import Store

WARM_UP = 1
ROUNDS = 5
PER_ROUND = 3
#: A few more accounts beside the administrator and the nurse who logs in.
OTHERS = (("dr.obi", "Dr Ada Obi", Role.PHYSICIAN), ("nurse.kemi", "Kemi Adeyemi", Role.NURSE))


def _stored_hash(path: Path, username: str) -> str:
    """The account's password hash as the file holds it (its latest password change)."""
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        found = connection.execute(
            "SELECT value FROM user_changes WHERE field = 'password_hash' AND user_id = "
            "(SELECT id FROM users WHERE username = ?) ORDER BY id DESC LIMIT 1",
            [username]).fetchone()
    finally:
        connection.close()
    assert found is not None, username
    return found[0]


def _open(path: Path) -> Store:
    store = Store.open(path, SystemClock(), create=True)  # no hasher: the app's default profile
    add_nurse(store)
    store.logout()
    store.login("bench.admin", PASSWORD)
    for username, name, role in OTHERS:
        store.add_account(username, name, frozenset({role}), PASSWORD)
    store.logout()
    return store


def _timed(action: Callable[[], None], before: Callable[[], None], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        before()
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def run() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-") as name:
        path = Path(name) / "ketamonitor.db"
        store = _open(path)
        try:
            secret = _stored_hash(path, NURSE)
            hasher = PasswordHasher()

            def ours() -> None:
                store.login(NURSE, PASSWORD)

            def baseline() -> None:
                hasher.verify(secret, PASSWORD)

            actions = {"baseline": (baseline, lambda: None), "ours": (ours, store.logout)}
            for action, before in actions.values():
                _timed(action, before, WARM_UP)
            samples: dict[str, list[float]] = {"baseline": [], "ours": []}
            for round_number in range(ROUNDS):
                order = ("baseline", "ours") if round_number % 2 == 0 else ("ours", "baseline")
                for kind in order:
                    samples[kind] += _timed(*actions[kind], PER_ROUND)
            assert store.account is not None and store.account.username == NURSE
        finally:
            store.close()
    ours_s = statistics.median(samples["ours"])
    baseline_s = statistics.median(samples["baseline"])
    return [
        f"bench login_s: {ours_s:.3f} s",
        f"bench login_baseline_s: {baseline_s:.3f} s",
        f"bench login_ratio: {ours_s / baseline_s:.2f} x",
    ]
