"""What was done about a high or critical alert: the escalation a reviewer expects to find.

CLINICAL.md ("Escalation record"): for each high or critical alert, what was done, whether
and when the physician was called and by whom, and what was ordered. A low or medium alert
keeps its one-line acknowledgement; a high or critical one is acknowledged with this record,
and the store refuses it without one (a script is a path in too).

A physician sees every high and critical alert of a chart: either by acknowledging it, or by
acknowledging at signing that they have seen the ones nobody in their role had.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import FieldProblem, clock_time_in_session, floor_minute

if TYPE_CHECKING:
    from ketamonitor.core.alerts import AlertRecord

#: The longest text of an escalation (each action, the note, the physician, the orders).
MAX_CHARACTERS = 500
#: Where the clinic's list of actions lives in resources/reasons.toml.
DONE_CHOICES = "escalation_done"
#: What was ordered when the physician had nothing to add (offered as a choice).
NO_NEW_ORDERS = "No new orders"


@dataclass(frozen=True)
class Escalation:
    """What was done about one alert, who was called and what they ordered.

    `entered_at` / `entered_by` are the store's (the moment and account of the
    acknowledgement) and are None on an escalation not yet recorded."""

    done: tuple[str, ...] = ()
    note: str | None = None
    physician_called: bool = False
    physician: str | None = None
    called_at: datetime | None = None
    ordered: str | None = None
    entered_at: datetime | None = None
    entered_by: str | None = None

    def action_text(self) -> str:
        """The acknowledgement's one line (what every alert's acknowledgement carries):
        the actions ticked and the note, cut to the acknowledgement's length."""
        words = "; ".join((*self.done, *([self.note] if self.note else [])))
        if len(words) > MAX_CHARACTERS:
            words = words[:MAX_CHARACTERS - 1] + "…"
        return words


def _clean(text: str | None) -> str | None:
    """Text as kept: runs of white space made one, None when nothing is left."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned or None


def check_escalation(escalation: Escalation, *, raised_at: datetime,
                     now: datetime) -> Escalation:
    """The escalation as recorded (texts tidied), or a ValidationError with a reason per
    field: something done (an action ticked or written), a physician called named and timed
    between the alert and now, every text at most MAX_CHARACTERS."""
    reasons: dict[str, str] = {}
    done = tuple(dict.fromkeys(item for item in map(_clean, escalation.done) if item))
    note = _clean(escalation.note)
    ordered = _clean(escalation.ordered)
    physician = _clean(escalation.physician)
    if any(len(item) > MAX_CHARACTERS for item in done):
        reasons["done"] = f"each action at most {MAX_CHARACTERS} characters"
    elif not done and not note:
        reasons["done"] = "say what was done: tick an action or write it"
    for field, text in (("note", note), ("ordered", ordered), ("physician", physician)):
        if text is not None and len(text) > MAX_CHARACTERS:
            reasons[field] = f"at most {MAX_CHARACTERS} characters"
    called_at = escalation.called_at
    if escalation.physician_called:
        if physician is None:
            reasons["physician"] = "say which physician was called"
        problem = _call_time_problem(called_at, raised_at=raised_at, now=now)
        if problem:
            reasons["called_at"] = problem
    elif physician is not None or called_at is not None:
        reasons["physician_called"] = ("a physician or a call time is given: tick "
                                       "“Physician called”, or leave them empty")
    if reasons:
        raise ValidationError(reasons)
    return replace(escalation, done=done, note=note, ordered=ordered, physician=physician,
                   called_at=called_at if escalation.physician_called else None)


def _call_time_problem(called_at: datetime | None, *, raised_at: datetime,
                       now: datetime) -> str | None:
    if called_at is None:
        return "say when the physician was called"
    if called_at > now:
        return "is in the future"
    if called_at < floor_minute(raised_at):
        return "is before the alert was raised"
    return None


def escalation_from_form(*, done: Sequence[str], note: str, physician_called: bool,
                         physician: str, called_at: str, ordered: str, raised_at: datetime,
                         now: datetime, zone: tzinfo) -> Escalation:
    """An escalation from the dialog's fields as typed: the call time as HH:MM in the
    room's zone (empty means now), the latest such time not after now, as in the vitals
    form. Refused with a reason per field, the typed values left to the form."""
    when = None
    if physician_called:
        try:
            when = clock_time_in_session(called_at, now, zone, raised_at)
        except FieldProblem as problem:
            reasons = {"called_at": str(problem)}
            try:
                check_escalation(Escalation(tuple(done), note, True, physician, now, ordered),
                                 raised_at=raised_at, now=now)
            except ValidationError as others:
                reasons = {**others.reasons, **reasons}
            raise ValidationError(reasons) from None
    return check_escalation(
        Escalation(tuple(done), note, physician_called, physician if physician_called else
                   None, when, ordered), raised_at=raised_at, now=now)


def physician_choices(prescriber: str | None, physicians: Iterable[str]) -> list[str]:
    """Who may have been called, as offered: the session's prescriber first, then the
    clinic's physicians by printed name, each once."""
    names = [name for name in (prescriber, *physicians) if name and name.strip()]
    return list(dict.fromkeys(name.strip() for name in names))


# -- wording: one for the page, the summary and the printout -----------------------------

Shown = Callable[[datetime], str]


def done_text(alert: AlertRecord) -> str:
    """What was done about an alert: the escalation's actions and note, else the
    acknowledgement's words; empty while nobody has acknowledged it."""
    escalation = alert.escalation
    if escalation is None:
        return alert.action or ""
    return "; ".join((*escalation.done, *([escalation.note] if escalation.note else [])))


def physician_text(alert: AlertRecord, shown: Shown) -> str:
    """Whether a physician was called about the alert, who and when; empty where no
    escalation was recorded (a low or medium alert, or one not yet acknowledged)."""
    escalation = alert.escalation
    if escalation is None:
        return ""
    if not escalation.physician_called or escalation.called_at is None:
        return "not called"
    return f"{escalation.physician} at {shown(escalation.called_at)}"


def ordered_text(alert: AlertRecord) -> str:
    escalation = alert.escalation
    if escalation is None:
        return ""
    return escalation.ordered or ("—" if escalation.physician_called else "")


#: What `seen_text` says of a high or critical alert no physician has seen yet.
NOT_SEEN = "not yet"


def seen_text(alert: AlertRecord) -> str:
    """Which physician has seen a high or critical alert (NOT_SEEN while none has); empty
    for a lower one: the session page's column and every export say it so."""
    if not alert.priority.acts_now:
        return ""
    return alert.seen_by_physician or NOT_SEEN


def escalation_text(alert: AlertRecord, shown: Shown) -> str:
    """The escalation in one paragraph, as the summary prints it beside the alert."""
    if alert.escalation is None:
        return ""
    parts = [f"Done: {done_text(alert)}.",
             f"Physician: {physician_text(alert, shown)}."]
    if ordered := alert.escalation.ordered:
        parts.append(f"Ordered: {ordered}.")
    if alert.seen_by_physician:
        parts.append(f"Seen by physician: {alert.seen_by_physician}.")
    return " ".join(parts)


def alerts_for_physician(records: Iterable[AlertRecord]) -> list[AlertRecord]:
    """The high and critical alerts no physician has seen yet (none acknowledged them, and
    none has signed them as seen), the oldest first: what signing lists."""
    return sorted((record for record in records
                   if record.priority.acts_now and record.seen_by_physician is None),
                  key=lambda record: (record.raised_at, record.id))
