"""Fixtures shared by every layer's tests: a fake clock and a fresh database each."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from ketamonitor.core.clock import FakeClock  # noqa: E402
from ketamonitor.core.library import Library, shipped_library  # noqa: E402
from ketamonitor.store.store import Store  # noqa: E402

from tests.charting import Charting  # noqa: E402

#: A Monday morning in the infusion room.
START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


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
    opened = Store.open(db_path, clock, user="nurse.ana")
    yield opened
    opened.close()


@pytest.fixture
def charting(store: Store, clock: FakeClock) -> Charting:
    return Charting(store, clock)
