"""One demo clinic for the demo's tests, filled once: a fixed seed, `now` and zone, so the
clinic is the same at every run and nothing lies in the future."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.clock import FakeClock
from ketamonitor.demo import DEMO_PASSWORD, DemoSummary, fill_demo_clinic
from ketamonitor.store.store import Store
from tests.people import FAST_HASHER

SEED = 5
DAYS = 14
#: A Monday late morning in the past: four sessions still in the room.
NOW = datetime(2025, 3, 3, 11, 40, tzinfo=UTC)


@dataclass(frozen=True)
class DemoClinic:
    """The demo's file, every session's chart and every session's alerts as written."""

    path: Path
    charts: tuple[SessionChart, ...]
    alerts: dict[int, list[AlertRecord]]
    summary: DemoSummary | None = None

    def finished(self) -> list[SessionChart]:
        return [chart for chart in self.charts if chart.phase.is_finished]


def fill(path: Path, *, seed: int = SEED, days: int = DAYS) -> DemoSummary:
    return fill_demo_clinic(path, seed=seed, days=days, hasher=FAST_HASHER, now=NOW, zone=UTC)


def open_demo(path: Path, username: str = "nurse") -> Store:
    store = Store.open(path, FakeClock(NOW, local_zone=UTC), hasher=FAST_HASHER, create=True)
    store.login(username, DEMO_PASSWORD)
    return store


def read_clinic(path: Path, summary: DemoSummary | None = None) -> DemoClinic:
    with open_demo(path) as store:
        listings = store.sessions_between(NOW - timedelta(days=DAYS + 2), NOW + timedelta(1))
        ids = [listing.session_id for listing in listings]
        return DemoClinic(path, tuple(store.chart(i) for i in ids), store.alerts(ids), summary)


@pytest.fixture(scope="session")
def demo_clinic(tmp_path_factory: pytest.TempPathFactory) -> DemoClinic:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return read_clinic(path, fill(path))
