"""One canonical text form for every stored time.

Times are stored as UTC in a fixed-width ISO-8601 form with milliseconds and a `Z`, so
that text order is time order in SQL and two writers can never disagree on a format.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

CANONICAL_LENGTH = 24  # "2026-11-23T07:05:09.123Z"


def to_stored(moment: datetime) -> str:
    """The canonical stored text of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


#: Where the canonical form has its separators: with the length and the digits between
#: them, the shape `fromisoformat` is allowed to read (it reads other shapes too).
_SEPARATORS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z"))


def from_stored(text: str) -> datetime:
    """Parse the canonical stored text back into an aware UTC datetime.

    Every chart read and log row parses many of these, so the shape is checked by hand and
    the parse is `fromisoformat` (a tenth of `strptime`'s cost)."""
    if (len(text) != CANONICAL_LENGTH
            or any(text[at] != separator for at, separator in _SEPARATORS)
            or not text[:4].isdigit() or not text[20:23].isdigit()):
        raise ValueError(f"not a canonical stored time: {text!r}")
    try:
        return datetime.fromisoformat(text[:23]).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"not a canonical stored time: {text!r}") from None


def truncate_to_millis(moment: datetime) -> datetime:
    """The moment as it will read back from the store (milliseconds kept)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def format_clock(moment: datetime, tz: tzinfo) -> str:
    """Wall-clock time for the nurse, in the room's time zone."""
    return moment.astimezone(tz).strftime("%H:%M")


def format_moment(moment: datetime, tz: tzinfo, now: datetime) -> str:
    """The local clock time, with the day when it was not today ("12:35 on Mon 16 Nov"):
    a chart reviewed days later must not read as if it ended this morning."""
    return format_on_day(moment, tz, local_day(now, tz))


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The room's calendar day of a moment (a session's day is that of its start)."""
    return moment.astimezone(tz).date()


def format_on_day(moment: datetime, tz: tzinfo, day: date, *, short: bool = False) -> str:
    """The local clock time alone when it falls on `day` (the session's, or today), else
    with its date: "06:57" on a chart of 5 Dec read on 5 Jan is not this morning's 06:57.
    The one rule for the screen's tables and every export; `short` ("05 Jan 06:57") for a
    printed table's narrow column."""
    local = moment.astimezone(tz)
    if local.date() == day:
        return format_clock(moment, tz)
    if short:
        return f"{local:%d %b} {format_clock(moment, tz)}"
    return f"{format_clock(moment, tz)} on {local:%a %d %b %Y}"


def format_local(moment: datetime, tz: tzinfo) -> str:
    """Date and time, always both, as a late entry's dialog and mark show them."""
    return f"{moment.astimezone(tz):%a %d %b %Y} {format_clock(moment, tz)}"


def format_duration(span: timedelta) -> str:
    """A span as H:MM:SS (or MM:SS under an hour); negative spans get a leading minus."""
    total = int(span.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{seconds:02d}"
    return f"{sign}{minutes:02d}:{seconds:02d}"
