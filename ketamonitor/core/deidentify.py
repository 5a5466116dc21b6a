"""What a de-identified export keeps of dates, ages and staff (HIPAA Safe Harbor).

Safe Harbor (45 CFR 164.514(b)(2)) allows of a patient's dates only the year, and of ages
only those up to 89 (older ones grouped as 90 or over). So a de-identified log reduces every
date and time to its year, or, on request, moves all of one patient's dates by the same
stable number of days (`core.pseudonyms.date_shift_days`), which keeps the intervals between
a patient's sessions and within a session, and never says the shift. Times that belong to no
patient (an account's login) are reduced to the year either way.

Staff are not the patient, but a nurse's name beside a session places the patient with that
nurse, and the staff of a small clinic are few: a de-identified log names staff by a stable
pseudonym too ("S-" and 16 hex digits), so who did how much can still be counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ketamonitor.core.pseudonyms import REMOVED, without_free_text

#: Ages above this are shown as OLDEST (Safe Harbor: ages over 89 are grouped).
OLDEST_AGE_SHOWN = 89
OLDEST = "90+"

#: A day-precise date as the app writes one, alone or inside a value: an ISO-8601 date,
#: optionally with a time, fractions and a "Z" or an offset.
DAY_PRECISE = re.compile(
    r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:?\d\d)?)?")

#: Keys of a recorded row whose value is a member of staff (a username or a name).
STAFF_KEYS = frozenset({"user", "username", "nurse", "physician", "signer", "printed_name"})

#: One date or time's de-identified text (the year, or the date shifted).
DateRule = Callable[[str], str]


def age_shown(age: int) -> int | str:
    """An age as a de-identified export shows it: over 89, "90+"."""
    return OLDEST if age > OLDEST_AGE_SHOWN else age


def year_only(text: str) -> str:
    """A date or time ("2025-02-17", "2025-02-17T07:22:00.000Z") reduced to its year."""
    return text[:4]


def shifted_by(days: int) -> DateRule:
    """A rule moving a date or time by whole days, keeping its form ("...T07:22:00.000Z"
    stays a UTC time of the same shape; the time of day and any offset are kept)."""
    step = timedelta(days=days)

    def shift(text: str) -> str:
        return (date.fromisoformat(text[:10]) + step).isoformat() + text[10:]

    return shift


def dates_changed(text: str, rule: DateRule) -> str:
    """Text with every day-precise date in it changed by the rule."""
    return DAY_PRECISE.sub(lambda found: rule(found.group()), text)


@dataclass(frozen=True)
class Hiding:
    """How a de-identified export names what it keeps: dates by `dates`, staff by `staff`,
    a patient's row id by `patient` (the pseudonym: the row id is a number that could be
    looked up in the clinic's file)."""

    dates: DateRule
    staff: Callable[[str], str]
    patient: Callable[[int], str]


def deidentified_values(values: Any, hiding: Hiding) -> Any:
    """A recorded row's values as a de-identified export keeps them: what a person typed
    removed (`without_free_text`), every date left changed by `hiding.dates`, staff (keys
    ending in "_by" and STAFF_KEYS) and patients' row ids ("patient_id", or the "entity_id"
    beside "entity": "patients") by their pseudonyms."""
    return _dated(without_free_text(values), hiding)


def _dated(values: Any, hiding: Hiding) -> Any:
    if isinstance(values, dict):
        return {key: _hidden(key, value, values, hiding) for key, value in values.items()}
    if isinstance(values, list):
        return [_dated(value, hiding) for value in values]
    if isinstance(values, str):
        return dates_changed(values, hiding.dates)
    return values


def _hidden(key: str, value: Any, beside: dict[str, Any], hiding: Hiding) -> Any:
    if _is_staff(key, value):
        return hiding.staff(value)
    if isinstance(value, int) and not isinstance(value, bool) and (
            key == "patient_id" or (key == "entity_id" and beside.get("entity") == "patients")):
        return hiding.patient(value)
    return _dated(value, hiding)


def _is_staff(key: str, value: Any) -> bool:
    return (key in STAFF_KEYS or key.endswith("_by")) and isinstance(value, str) and value != ""


def what_was_done(*, shifted: bool) -> dict[str, str]:
    """The de-identification a file holds, for its header (the README says the same); no
    commas or quotes, so a CSV's "#" line stays one cell."""
    return {
        "standard": "HIPAA Safe Harbor (45 CFR 164.514(b)(2)) for what the record holds",
        "patients": "a stable pseudonym (P-...) in place of name and MRN and date of birth",
        "dates": ("each patient's dates and times moved by that patient's own stable number "
                  "of days (within 365; not given); times of no patient reduced to the year"
                  if shifted else "every date and time reduced to its year"),
        "ages": f"ages over {OLDEST_AGE_SHOWN} shown as {OLDEST}",
        "free_text": f"notes / reasons / addenda / corrected values shown as {REMOVED}",
        "staff": "a stable pseudonym (S-...) in place of usernames and names",
    }
