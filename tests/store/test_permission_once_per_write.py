"""The roles are looked up once per write, not once per check; a role taken at another
workstation still counts at this one's next write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import ADMIN, FAST_HASHER, NURSE, audit_of, login_as
from tests.store.steps import running

ROLES_LOOKUP = "FROM user_changes"


def statements(store: Store, action: Callable[[], object]) -> list[str]:
    """The SQL statements `action` runs on the store's connection, in order."""
    seen: list[str] = []
    store._db.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store._db.conn.set_trace_callback(None)
    return seen


def lookups(seen: list[str]) -> int:
    return sum("SELECT max(id) FROM user_changes" in sql for sql in seen)


def test_one_vitals_entry_looks_the_roles_up_once(store: Store, charting: Charting) -> None:
    session_id, _ = running(charting)
    seen = statements(store, lambda: store.record_vitals(
        session_id, Vitals(observed_at=store.clock.now(), systolic=120, diastolic=80)))
    assert lookups(seen) == 1


def test_a_save_and_its_reads_look_the_roles_up_once_per_write(store: Store,
                                                               charting: Charting) -> None:
    session_id, _ = running(charting)

    def save_and_read_back() -> None:
        charting.bp(session_id, 120, 80)
        store.chart(session_id)
        store.chart(session_id)

    seen = statements(store, save_and_read_back)
    writes = sum(sql.startswith("BEGIN") for sql in seen)
    assert lookups(seen) == writes  # before: 2 more for each chart read


def test_a_role_taken_at_another_workstation_counts_at_the_next_write(
        store: Store, charting: Charting, db_path: Path, clock: FakeClock) -> None:
    session_id, _ = running(charting)
    store.chart(session_id)  # the roles just looked at
    with Store.open(db_path, clock, lock=False, hasher=FAST_HASHER, create=True) as office:
        login_as(office, ADMIN)
        office.set_roles(NURSE, frozenset({Role.ADMINISTRATOR}))
    with pytest.raises(PermissionDenied):
        charting.bp(session_id, 124, 82)
    assert store.account is not None and store.account.roles == {Role.ADMINISTRATOR}
    assert audit_of(store)[-1]["action"].endswith("refused")


def test_an_account_changed_for_someone_else_refuses_nothing(
        store: Store, charting: Charting, db_path: Path, clock: FakeClock) -> None:
    session_id, _ = running(charting)
    with Store.open(db_path, clock, lock=False, hasher=FAST_HASHER, create=True) as office:
        login_as(office, ADMIN)
        office.set_roles(ADMIN, frozenset({Role.ADMINISTRATOR, Role.PHYSICIAN}))
    charting.bp(session_id, 124, 82)
