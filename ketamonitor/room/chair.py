"""One session as the room holds it: the chart and the alerts as last read, the one copy
the tile, the session's page and the rules all look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ketamonitor.core.alerts import AlertRecord, attention_order
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.records import SessionListing
from ketamonitor.core.signature import Signature
from ketamonitor.core.timers import SessionTimers, session_timers


@dataclass
class ChairState:
    """One session in the room: its chart and its alerts as last read; its signatures
    once someone asked for them (`Room.signatures`)."""

    listing: SessionListing
    chart: SessionChart
    alerts: list[AlertRecord]
    signatures: list[Signature] | None = field(default=None)

    @property
    def session_id(self) -> int:
        return self.listing.session_id

    def timers(self, now: datetime) -> SessionTimers:
        return session_timers(self.chart, now)

    def waiting(self) -> list[AlertRecord]:
        """Alerts waiting for someone, the most urgent first."""
        return attention_order(self.alerts)

    def listing_outdated(self) -> bool:
        """Whether the chart moved on from the listing (a phase changed, a handover): the
        listing is re-read only then, not after every entry."""
        chart, listing = self.chart, self.listing
        return (chart.phase is not listing.phase
                or chart.timeline.phase_since != listing.phase_since
                or chart.session.nurse != listing.nurse)
