"""`Store` is the store its users are written against (store.interface): checked by mypy
(`make lint` type-checks this module) and member by member at run time; and its parts
declare what they use of each other (store.parts)."""

from __future__ import annotations

import inspect
from pathlib import Path

from ketamonitor.core.clock import FakeClock
from ketamonitor.store import interface
from ketamonitor.store.base import StoreBase
from ketamonitor.store.connection import open_database
from ketamonitor.store.interface import StoreApi
from ketamonitor.store.parts import StoreCore
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database

_PROTOCOLS = [value for value in vars(interface).values()
              if isinstance(value, type) and getattr(value, "_is_protocol", False)
              and value.__module__ == interface.__name__]


def as_api(store: Store) -> StoreApi:
    """mypy refuses this assignment if Store lacks a member of StoreApi or types it
    otherwise."""
    api: StoreApi = store
    return api


def _members(protocol: type) -> set[str]:
    """The public names a Protocol of store.interface declares, with those it inherits."""
    names: set[str] = set()
    for part in protocol.__mro__:
        if part.__module__ == interface.__name__:
            names |= set(vars(part).get("__annotations__", {}))
            names |= {name for name, value in vars(part).items()
                      if inspect.isfunction(value) or isinstance(value, property)}
    return {name for name in names if not name.startswith("_")}


def test_every_member_of_the_api_is_on_the_store(store: Store) -> None:
    api = as_api(store)
    members = _members(StoreApi)
    assert {"chart", "record_vitals", "login", "backup", "clock", "library",
            "item9_marks"} <= members
    assert [name for name in sorted(members) if not hasattr(api, name)] == []


def test_every_part_of_the_api_is_in_the_whole() -> None:
    assert len(_PROTOCOLS) == 9
    assert all(protocol in StoreApi.__mro__ for protocol in _PROTOCOLS)
    assert set().union(*(_members(protocol) for protocol in _PROTOCOLS)) == _members(StoreApi)


def test_every_borrowing_the_parts_declare_is_implemented_by_one() -> None:
    declared = [name for name, value in vars(StoreCore).items() if inspect.isfunction(value)]
    assert "chart" in declared and "setting" in declared
    assert [name for name in declared if getattr(Store, name) is vars(StoreCore)[name]] == []


def test_the_core_alone_opens_a_file_and_writes_an_audit_row(db_path: Path,
                                                             clock: FakeClock) -> None:
    db, _ = open_database(db_path, clock=clock, create=True)
    core = StoreBase(db, db_path, clock)
    try:
        with core.batch():
            core._audit("test.core_alone", "database", None, user="ketamonitor")
        assert core.library.protocols  # the shipped library, no clinic part needed
    finally:
        core.close()
    # the row chained onto the trail, unsigned: only a logged-in person's rows are signed
    assert verify_database(db_path) == [
        ("audit row 1: 'test.core_alone' is signed by no one, but only a logged-in person can "
        "do it")]
