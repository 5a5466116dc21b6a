"""What one entry changed, as the room read it back: drawn by the page and the tile in one
pass, with no second read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.store.errors import StoreError

Result = TypeVar("Result")


@dataclass(frozen=True)
class ChartChange(Generic[Result]):
    """One write's outcome: what the store returned for it (the new row's id, the phase
    change, the signature), the chart read once after it, the session's alerts after
    judging, the ones it raised, and the file's refusal to take the alerts, if any (the
    entry stands even then)."""

    result: Result
    chart: SessionChart
    alerts: list[AlertRecord]
    raised: list[AlertRecord]
    alert_problem: StoreError | None = None
