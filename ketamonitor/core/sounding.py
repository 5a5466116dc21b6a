"""When the room sounds: a new "act now" alert once; a critical one again and again until
someone acknowledges it, so that it sounds different from every other alert.

The repeat is judged from the clock (the last sound and now), never by counting ticks: a
late or skipped tick neither hurries nor silences it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ketamonitor.core.alerts import AlertRecord, Priority

#: How often a critical alert sounds again while it waits for an acknowledgement. Not a
#: clinical line (no patient value depends on it): a constant, not a protocol number.
CRITICAL_REPEAT = timedelta(seconds=10)


def sounds_when_raised(raised: Iterable[AlertRecord]) -> bool:
    """A newly raised alert asks for a sound when a person must act now (high, critical)."""
    return any(record.priority.acts_now for record in raised)


def critical_waiting(records: Iterable[AlertRecord]) -> bool:
    """A critical alert no one has acknowledged yet (even one whose reading came back: it
    still waits for a person, and so does its sound)."""
    return any(record.priority is Priority.CRITICAL and record.needs_attention
               for record in records)


def sounds_again(records: Iterable[AlertRecord], last_sounded: datetime | None,
                 now: datetime) -> bool:
    """Whether to sound again now: a critical alert waits and the last sound is at least
    `CRITICAL_REPEAT` ago (or there was none)."""
    if not critical_waiting(records):
        return False
    return last_sounded is None or now - last_sounded >= CRITICAL_REPEAT
