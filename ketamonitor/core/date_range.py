"""A range of calendar days typed for a log or report: both ends included."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from ketamonitor.core.errors import ValidationError

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date_range(from_text: str, to_text: str) -> tuple[date, date]:
    """The first and last day (YYYY-MM-DD, both included), or a ValidationError with a reason
    for each field at fault ("from", "to"; "to" too when the range runs backwards)."""
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
                days[field] = date.fromisoformat(cleaned)
            except ValueError:
                reasons[field] = f"{cleaned} is not a day of the calendar"
    if not reasons and days["from"] > days["to"]:
        reasons["to"] = (f"{days['to']} is before the first day {days['from']}: the range "
                         "runs from --from to --to, both included")
    if reasons:
        raise ValidationError(reasons)
    return days["from"], days["to"]


def local_day_bounds(since: date, until: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The moments [start, end) that the local days `since`..`until` (both included) cover
    in `zone`: from the first day's midnight to the midnight after the last day."""
    start = datetime.combine(since, time(0), tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=zone)
    return start, end
