"""A range of calendar days typed for a log or report: both ends included.

The rule is worded here once, for every place that asks for a range; each caller says what
the person sees the two ends called (the window's field captions, the command line's flags),
so a reason never names a field that is not on the screen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ketamonitor.core.errors import ValidationError

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The days a range may start and end on: its moments run from the first day's midnight to
#: the midnight after the last, in any zone, so the calendar's own first and last days
#: (whose midnights before or after cannot be counted) are out.
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


@dataclass(frozen=True)
class RangeEnds:
    """What the first and the last day of a range are called where the person types them."""

    first: str = "the first day"
    last: str = "the last day"


#: For a caller whose fields have no names of their own.
PLAIN_ENDS = RangeEnds()


def parse_date_range(from_text: str, to_text: str,
                     ends: RangeEnds = PLAIN_ENDS) -> tuple[date, date]:
    """The first and last day (YYYY-MM-DD, both included), or a ValidationError with a reason
    for each field at fault ("from", "to"; "to" too when the range runs backwards), worded
    with the names in `ends`."""
    reasons: dict[str, str] = {}
    days: dict[str, date] = {}
    for field, text in (("from", from_text), ("to", to_text)):
        cleaned = (text or "").strip()
        if not cleaned:
            reasons[field] = "required: a date as YYYY-MM-DD"
        elif not _DAY.match(cleaned):
            reasons[field] = f"{cleaned!r} is not a date: use YYYY-MM-DD (e.g. 2026-03-31)"
        else:
            try:
                day = date.fromisoformat(cleaned)
            except ValueError:
                reasons[field] = f"{cleaned} is not a day of the calendar"
            else:
                if FIRST_DAY <= day <= LAST_DAY:
                    days[field] = day
                else:
                    reasons[field] = (f"{cleaned} is beyond the days a range can hold: "
                                      f"use a day from {FIRST_DAY} to {LAST_DAY}")
    backwards = None if reasons else out_of_order(days["from"], days["to"], ends)
    if backwards:
        reasons["to"] = backwards
    if reasons:
        raise ValidationError(reasons)
    return days["from"], days["to"]


def out_of_order(since: date, until: date, ends: RangeEnds = PLAIN_ENDS) -> str | None:
    """Why a range whose last day comes before its first is refused (for the last day's
    field), or None when the days are in order; the one wording of the rule."""
    if since <= until:
        return None
    return (f"{until} is before the first day {since}: set {ends.last} on or after "
            f"{ends.first} (both days are included)")


def local_day_bounds(since: date, until: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The moments [start, end) that the local days `since`..`until` (both included) cover
    in `zone`: from the first day's midnight to the midnight after the last day."""
    start = datetime.combine(since, time(0), tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=zone)
    return start, end
