"""The idle lock: a workstation left with no input for the clinic's set time locks its screen
behind a login, while the room's sessions, timers and alerts go on underneath."""

from __future__ import annotations

from datetime import datetime, timedelta

from ketamonitor.core.settings import IDLE_LOCK_MINUTES


def idle_limit(setting_value: str) -> timedelta:
    """The clinic's idle time as a duration (the default if the stored value is unusable:
    a lock that never comes is worse than one at the default)."""
    try:
        minutes = int(setting_value)
    except ValueError:
        minutes = int(IDLE_LOCK_MINUTES.default)
    return timedelta(minutes=minutes if minutes > 0 else int(IDLE_LOCK_MINUTES.default))


def lock_due(last_input: datetime, now: datetime, limit: timedelta) -> bool:
    """Locked once `limit` has passed since the last key press or click. A clock that went
    backwards (now before the last input) counts as no time passed."""
    return now - last_input >= limit
