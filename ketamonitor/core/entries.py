"""Checks on checklist answers, scale scores and notes before they are charted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ketamonitor.core.checklists import Answer, Checklist, ChecklistKind, Scale
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import entry_time_problem

NOTE_MAX_CHARACTERS = 4000

_ANSWERS = {
    ChecklistKind.YES_NO: (Answer.YES, Answer.NO),
    ChecklistKind.PRESENCE: (Answer.PRESENT, Answer.ABSENT),
    ChecklistKind.SIDE_EFFECTS: (Answer.PRESENT,),
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
    if checklist.kind is ChecklistKind.SIDE_EFFECTS:
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


def note_draft(text: str, occurred_at: datetime) -> NoteDraft:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError({"note": "write the note first"})
    too_long = note_length_problem(text)
    if too_long:
        raise ValidationError({"note": too_long})
    return NoteDraft(cleaned, occurred_at)
