"""Turning what was typed into numbers and times, with a reason when it cannot be done."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

from ketamonitor.core.ranges import Range

_CLOCK_TIME = re.compile(r"^\s*(\d{1,2})[:.h]?(\d{2})\s*$")


class FieldProblem(ValueError):
    """One field's reason, gathered by the caller into a ValidationError."""


def typed_decimal(text: str) -> float:
    """A number as typed, a comma taken for the decimal point ("72,5" is 72.5, as a nurse
    on a European keyboard types it); ValueError when it is not a number at all."""
    return float(text.strip().replace(",", "."))


def whole_number(text: str, allowed: Range) -> int:
    cleaned = text.strip()
    if not cleaned:
        raise FieldProblem("required")
    try:
        number = typed_decimal(cleaned)
    except ValueError:
        raise FieldProblem("not a number") from None
    if not number.is_integer():
        raise FieldProblem("must be a whole number")
    if number not in allowed:
        raise FieldProblem(f"must be {allowed.describe()}")
    return int(number)


def decimal_number(text: str, allowed: Range) -> float:
    cleaned = text.strip()
    if not cleaned:
        raise FieldProblem("required")
    try:
        number = typed_decimal(cleaned)
    except ValueError:
        raise FieldProblem("not a number") from None
    if number != number or number not in allowed:  # NaN compares unequal to itself
        raise FieldProblem(f"must be {allowed.describe()}")
    return number


def clock_time_in_session(text: str, now: datetime, zone: tzinfo,
                          session_began: datetime) -> datetime:
    """A typed wall-clock time (HH:MM) taken as the most recent such time not in the future
    that falls within the session: 23:30 typed at 00:10 for a session begun at 23:00 means
    last night. When no such time is within the session, today's is kept, so the refusal
    names what is wrong with it ("in the future") rather than a day nobody typed.

    Empty text means now: the common case of charting as it happens costs no keystrokes.
    """
    if not text.strip():
        return now
    local_now = now.astimezone(zone)
    local = _typed_clock(text, local_now)
    if local > local_now:
        earlier = local - timedelta(days=1)  # the same wall-clock time, the day before
        if earlier >= floor_minute(session_began):
            local = earlier
    return local.astimezone(now.tzinfo)


def _typed_clock(text: str, local_now: datetime) -> datetime:
    """HH:MM on the local day of `local_now`, or why the text is not a time of day."""
    match = _CLOCK_TIME.match(text)
    if not match:
        raise FieldProblem("use HH:MM, or leave empty for now")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise FieldProblem("not a time of day")
    return local_now.replace(hour=hours, minute=minutes, second=0, microsecond=0)


def local_moment(date_text: str, time_text: str, zone: tzinfo) -> datetime:
    """A date (YYYY-MM-DD) and a time (HH:MM) typed apart, both required, as an aware
    moment in the room's zone: a late entry names its day, never leaves it to be guessed."""
    day = calendar_date(date_text)
    if not time_text.strip():
        raise FieldProblem("required (HH:MM)")
    return _typed_clock(time_text, datetime(day.year, day.month, day.day, tzinfo=zone))


def calendar_date(text: str) -> date:
    cleaned = text.strip()
    if not cleaned:
        raise FieldProblem("required")
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise FieldProblem("use YYYY-MM-DD") from None


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def entry_time_problem(
    moment: datetime, *, now: datetime, session_began: datetime, zone: tzinfo
) -> str | None:
    """Why an entry's time cannot be charted, if it cannot: a late entry may be set back,
    but not before the session began, and nothing is charted in the future."""
    if moment > now:
        return "is in the future"
    if moment < floor_minute(session_began):
        began = session_began.astimezone(zone).strftime("%H:%M")
        return f"is before the session began ({began})"
    return None
