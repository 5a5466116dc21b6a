"""Checks on checklist answers, scale scores and notes before they are charted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from ketamonitor.core.checklists import Answer, Checklist, ChecklistKind, Scale
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import (
    FieldProblem,
    calendar_date,
    entry_time_problem,
    floor_minute,
    local_moment,
)
from ketamonitor.core.phases import Phase
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges
from ketamonitor.core.times import format_local
from ketamonitor.core.vitals import ConfirmationNeeded, Vitals, check_vitals, parse_vitals

#: The longest note (and any other free text charted on a session: a side effect's note, a
#: reason for a phase change or a correction). 4,000 characters is about a printed page, more
#: than a nurse's longest note; the form refuses more as it is typed and the store re-checks
#: (`check_free_text`), so every export of a chart stays fast and readable.
NOTE_MAX_CHARACTERS = 4000

_ANSWERS = {
    ChecklistKind.YES_NO: (Answer.YES, Answer.NO),
    ChecklistKind.PRESENCE: (Answer.PRESENT, Answer.ABSENT),
    ChecklistKind.SIDE_EFFECTS: (Answer.PRESENT, Answer.RESOLVED),
}


@dataclass(frozen=True)
class ChecklistAnswer:
    checklist: str
    item: str
    label: str
    value: str
    observed_at: datetime
    severity: str | None = None
    intervention: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ScaleAnswer:
    scale: str
    timepoint: str | None
    total: int
    item_scores: dict[str, int]
    observed_at: datetime


@dataclass(frozen=True)
class NoteDraft:
    text: str
    occurred_at: datetime


def check_entry_time(
    moment: datetime, *, now: datetime, session_began: datetime, zone: tzinfo, field: str = "time"
) -> None:
    """An entry's time may be set back for a late entry, but not before the session began and
    not into the future."""
    problem = entry_time_problem(moment, now=now, session_began=session_began, zone=zone)
    if problem:
        raise ValidationError({field: problem})


def checklist_answer(
    checklist: Checklist,
    item_key: str,
    value: str,
    observed_at: datetime,
    *,
    severity: str | None = None,
    intervention: str | None = None,
    note: str | None = None,
) -> ChecklistAnswer:
    """One answer to one checklist item, refused if the item, answer or severity is not the
    checklist's own."""
    reasons: dict[str, str] = {}
    if not item_key:
        raise ValidationError({"item": "choose one"})
    try:
        item = checklist.item(item_key)
    except KeyError:
        raise ValidationError({"item": f"not an item of the {checklist.title}"}) from None
    if value not in _ANSWERS[checklist.kind]:
        reasons["value"] = "choose " + " or ".join(a.value for a in _ANSWERS[checklist.kind])
    resolving = checklist.kind is ChecklistKind.SIDE_EFFECTS and value == Answer.RESOLVED
    if resolving:
        if severity:
            reasons["severity"] = "a resolved side effect keeps the severity charted at onset"
    elif checklist.kind is ChecklistKind.SIDE_EFFECTS:
        if severity not in checklist.severities:
            reasons["severity"] = "choose " + ", ".join(checklist.severities)
        if intervention and intervention not in {c.key for c in checklist.interventions}:
            reasons["intervention"] = "not one of the listed interventions"
    elif severity or intervention:
        reasons["severity"] = "only side effects have a severity or intervention"
    cleaned_note = (note or "").strip() or None
    too_long = note_length_problem(note or "")
    if too_long:
        reasons["note"] = too_long
    if reasons:
        raise ValidationError(reasons)
    return ChecklistAnswer(
        checklist=checklist.id,
        item=item.key,
        label=item.label,
        value=value,
        observed_at=observed_at,
        severity=severity if checklist.kind is ChecklistKind.SIDE_EFFECTS else None,
        intervention=intervention or None,
        note=cleaned_note,
    )


def scale_answer(
    scale: Scale,
    scores: Mapping[str, int | None],
    observed_at: datetime,
    timepoint: str | None = None,
) -> ScaleAnswer:
    """A scored scale; every item must be scored with one of its own options."""
    reasons: dict[str, str] = {}
    item_scores: dict[str, int] = {}
    for item in scale.items:
        score = scores.get(item.key)
        if score is None:
            reasons[item.key] = "not scored"
        elif score not in {option.score for option in item.options}:
            reasons[item.key] = "not one of the item's scores"
        else:
            item_scores[item.key] = score
    if scale.timepoints and timepoint not in scale.timepoints:
        reasons["timepoint"] = "choose " + " or ".join(scale.timepoints)
    if reasons:
        raise ValidationError(reasons)
    return ScaleAnswer(
        scale=scale.id,
        timepoint=timepoint if scale.timepoints else None,
        total=sum(item_scores.values()),
        item_scores=item_scores,
        observed_at=observed_at,
    )


def note_length_problem(text: str) -> str | None:
    """Why a note is too long, or None: asked as the nurse types, so a 10,000-character
    paste is refused before Add, and the reason goes once the text is short enough."""
    length = len(text.strip())
    if length <= NOTE_MAX_CHARACTERS:
        return None
    return f"at most {NOTE_MAX_CHARACTERS} characters ({length} typed)"


def check_free_text(field: str, text: str | None, cap: int = NOTE_MAX_CHARACTERS) -> None:
    """The store's re-check of free text charted on a session: ValidationError naming the
    field and the cap when `text` is longer (a script or an old client is not the form)."""
    length = len((text or "").strip())
    if length > cap:
        raise ValidationError({field: f"at most {cap} characters ({length} typed)"})


def note_draft(text: str, occurred_at: datetime) -> NoteDraft:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError({"note": "write the note first"})
    too_long = note_length_problem(text)
    if too_long:
        raise ValidationError({"note": too_long})
    return NoteDraft(cleaned, occurred_at)


# -- a finished chart, and the late entry ------------------------------------------------


def finished_chart_problem(phase: Phase | None, since: datetime | None,
                           zone: tzinfo) -> str | None:
    """Why a finished chart takes no entry as it happens, and what to do instead: an
    entry stamped now on a chart discharged last month would read as charted during it."""
    if phase is None or since is None or not phase.is_finished:
        return None
    ended = "was discharged" if phase is Phase.DISCHARGED else "was stopped early"
    return (f"This session {ended} at {format_local(since, zone)}: its chart takes no "
            "more entries as they happen. An observation made during the session and not "
            "charted goes in as a late entry, with the date and time it was made and why "
            "it is late.")


def check_chart_open_for_entries(phase: Phase | None, since: datetime | None,
                                 zone: tzinfo) -> None:
    problem = finished_chart_problem(phase, since, zone)
    if problem:
        raise ValidationError({"session": problem})


@dataclass(frozen=True)
class LateVitals:
    """A set observed during a finished session and charted after it ended, with why."""

    vitals: Vitals
    reason: str


def late_time_problem(moment: datetime, *, now: datetime, session_began: datetime,
                      session_ended: datetime, zone: tzinfo) -> str | None:
    """A late entry's time must fall within the session it is charted on (from its start to
    its end; no protocol or setting gives a margin beyond) and not in the future."""
    if moment > now:
        return "is in the future"
    if moment < floor_minute(session_began):
        return f"is before the session began ({format_local(session_began, zone)})"
    if moment > session_ended:
        return f"is after the session ended ({format_local(session_ended, zone)})"
    return None


def _late_reason_problem(reason: str) -> str | None:
    if not reason.strip():
        return "say why this is charted late"
    if len(reason.strip()) > NOTE_MAX_CHARACTERS:
        return f"at most {NOTE_MAX_CHARACTERS} characters"
    return None


def parse_late_vitals(typed: Mapping[str, str], *, now: datetime, session_began: datetime,
                      session_ended: datetime, zone: tzinfo,
                      ranges: PlausibleRanges = DEFAULT_RANGES,
                      confirmed: frozenset[str] = frozenset()) -> LateVitals:
    """A late set from a dialog's text: the date and time both typed (never guessed), the
    measurements as on the page's form, and the reason; every reason to refuse at once,
    the questions about extreme readings not yet `confirmed` among them."""
    reasons: dict[str, str] = {}
    questions: dict[str, str] = {}
    measured = {name: text for name, text in typed.items() if name not in
                ("date", "time", "reason")}
    vitals: Vitals | None = None
    try:
        vitals = parse_vitals(measured, now=now, session_began=session_began, zone=zone,
                              ranges=ranges, confirmed=confirmed)
    except ValidationError as refused:
        reasons.update(refused.reasons)
        questions = getattr(refused, "questions", {})
    observed_at = now
    try:
        calendar_date(typed.get("date", ""))
        try:
            observed_at = local_moment(typed.get("date", ""), typed.get("time", ""), zone)
            problem = late_time_problem(observed_at, now=now, session_began=session_began,
                                        session_ended=session_ended, zone=zone)
            if problem:
                reasons["time"] = problem  # with the others: one click shows them all
        except FieldProblem as problem:
            reasons["time"] = str(problem)
    except FieldProblem as problem:
        reasons["date"] = str(problem)
    reason_problem = _late_reason_problem(typed.get("reason", ""))
    if reason_problem:
        reasons["reason"] = reason_problem
    if questions:
        raise ConfirmationNeeded(reasons, questions)
    if reasons or vitals is None:
        raise ValidationError(reasons)
    late = LateVitals(replace(vitals, observed_at=observed_at), typed["reason"].strip())
    check_late_vitals(late, now=now, session_began=session_began,
                      session_ended=session_ended, zone=zone, ranges=ranges,
                      confirmed=confirmed)
    return late


def check_late_vitals(late: LateVitals, *, now: datetime, session_began: datetime,
                      session_ended: datetime, zone: tzinfo,
                      ranges: PlausibleRanges = DEFAULT_RANGES,
                      confirmed: frozenset[str] = frozenset()) -> None:
    """Refuse a late set that must not be charted, whatever the path (dialog or script),
    an extreme reading not `confirmed` among the reasons."""
    reasons: dict[str, str] = {}
    questions: dict[str, str] = {}
    try:
        check_vitals(late.vitals, now=now, session_began=session_began, zone=zone,
                     ranges=ranges, confirmed=confirmed)
    except ValidationError as refused:
        reasons.update(refused.reasons)
        questions = getattr(refused, "questions", {})
    reasons.pop("time", None)  # judged below, against the whole session
    problem = late_time_problem(late.vitals.observed_at, now=now,
                                session_began=session_began, session_ended=session_ended,
                                zone=zone)
    if problem:
        reasons["time"] = problem
    reason_problem = _late_reason_problem(late.reason)
    if reason_problem:
        reasons["reason"] = reason_problem
    if questions:
        raise ConfirmationNeeded(reasons, questions)
    if reasons:
        raise ValidationError(reasons)


def late_entry_words(observed_at: datetime, entered_at: datetime, entered_by: str,
                     reason: str, zone: tzinfo) -> str:
    """How a late set is marked wherever it is shown (the page, the PDF, FHIR): when it was
    taken, when and by whom it was charted, and why late."""
    return (f"Late entry: taken {format_local(observed_at, zone)}, charted "
            f"{format_local(entered_at, zone)} by {entered_by}. Why late: {reason}")
