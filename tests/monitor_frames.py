"""What the listener does with a frame a monitor sent, for tests and tools that need a
monitor's readings in a store without a socket: journal it (answered AA) and read it."""

from __future__ import annotations

from ketamonitor.core.monitor_feed import FrameOutcome, JournaledFrame, JournalEntry
from ketamonitor.core.monitor_message import MessageHeader, read_header
from ketamonitor.core.monitor_readings import FrameRead
from ketamonitor.store.interface import StoreApi


def journal_and_read(store: StoreApi, raw: bytes,
                     peer: str = "127.0.0.1:4100") -> tuple[JournalEntry, FrameRead]:
    """The frame journaled as the listener journals one whose header it took, then read
    (`chart_frame`): its journal entry and what reading it gave."""
    header = read_header(raw, store.clock.local_zone, store.clock.now())
    assert isinstance(header, MessageHeader), header
    entry = store.journal_frame(JournaledFrame(
        peer=peer, raw=raw, outcome=FrameOutcome.ACCEPTED,
        sending_application=header.sending_application,
        sending_facility=header.sending_facility, control_id=header.control_id,
        message_type=header.message_type))
    return entry, store.chart_frame(entry.id)
