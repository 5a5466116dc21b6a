"""Fixtures shared by every layer's tests: a fake clock and a fresh database each."""

from __future__ import annotations

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock, SystemClock
from ketamonitor.core.library import Library, shipped_library
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import FAST_HASHER, add_people

#: A Monday morning in the infusion room.
START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clinic_protocol_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The clinic's own protocol folder, empty and private to the test: no test reads the
    workstation's real one."""
    folder = tmp_path / "clinic-protocols"
    monkeypatch.setenv("KETAMONITOR_PROTOCOLS", str(folder))
    return folder


@pytest.fixture(autouse=True)
def logging_as_found() -> Iterator[None]:
    """The root logger's handlers and level as they were before the test: a test that runs
    the command line in process (`cli.main` sets logging up) leaves no handler writing to a
    stream pytest has since closed ("--- Logging error ---" in a later test's output)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def library() -> Library:
    return shipped_library()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ketamonitor.db"


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> Iterator[Store]:
    opened = Store.open(db_path, clock, hasher=FAST_HASHER, create=True)  # a new clinic
    add_people(opened)
    yield opened
    opened.close()


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """A database file with an administrator, a nurse and a physician (tests/people.py),
    closed: what the command line's tests open as another process would. The real clock:
    the command line keeps its own."""
    path = tmp_path / "clinic.db"
    with Store.open(path, SystemClock(), hasher=FAST_HASHER, create=True) as store:
        add_people(store)
    return path


@pytest.fixture
def charting(store: Store, clock: FakeClock) -> Charting:
    return Charting(store, clock)
