"""PHQ-9 item 9 (thoughts of self-harm) and the physician's risk assessment it calls for.

The flag is read from the chart itself, whenever the item was scored (during the session or
after discharge, until the chart is signed), not from the room's alert: the room judges open
sessions only, and an answer given at the desk after discharge must count the same.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import resource_text
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome, RiskAssessment, ScaleScore

PHQ9 = "phq9"
ITEM_9 = "q9"
#: Scales that may still be scored on a finished, unsigned chart: the PHQ-9 "after session"
#: is often answered at the desk once the patient has left the chair.
SCORED_AFTER_FINISH = frozenset({PHQ9})
#: The longest free text beside an assessment or an early end's destination and physician.
MAX_TEXT = 500


def item9_positive(chart: SessionChart) -> ScaleScore | None:
    """The latest PHQ-9 on the chart whose item 9 is 1 or more (entered in error excluded)."""
    positive = [s for s in chart.scale_scores
                if s.scale == PHQ9 and not s.in_error and s.item_scores.get(ITEM_9, 0) >= 1]
    return max(positive, key=lambda s: (s.entered_at, s.id)) if positive else None


def item9_assessed(chart: SessionChart) -> bool:
    """A physician's assessment entered after the latest positive answer was charted (a new
    positive answer after an assessment needs a new one)."""
    positive = item9_positive(chart)
    if positive is None:
        return True
    return any(a.entered_at >= positive.entered_at for a in chart.risk_assessments)


def risk_gaps(chart: SessionChart, before: str = "discharge") -> list[str]:
    """The gate's line while item 9 is positive and not yet assessed."""
    positive = item9_positive(chart)
    if positive is None or item9_assessed(chart):
        return []
    return [(f"PHQ-9 item 9 answered {positive.item_scores[ITEM_9]}: a physician's risk "
            f"assessment is needed before {before}")]


def item9_mark(chart: SessionChart) -> str | None:
    """The short words shown on the tile, the patients page and the review queue."""
    positive = item9_positive(chart)
    if positive is None:
        return None
    state = "assessed" if item9_assessed(chart) else "assessment needed"
    return f"Item 9: {positive.item_scores[ITEM_9]} — {state}"


def item9_words(chart: SessionChart) -> str | None:
    """The first line of the item 9 banner, as the session page, the PDF and the JSON say
    it ("PHQ-9 Item 9: 2 — assessment needed"); None when item 9 is not positive."""
    mark = item9_mark(chart)
    return None if mark is None else f"PHQ-9 {mark}"


def assessment_words(assessment: RiskAssessment, shown: Callable[[datetime], str]) -> str:
    """A physician's risk assessment in one line, as the banner and every export say it;
    `shown` words its time."""
    return (f"Risk assessment by {assessment.physician} at {shown(assessment.entered_at)}: "
            f"{assessment.outcome}. Plan: {assessment.plan}."
            + (f" {assessment.note}" if assessment.note else ""))


@dataclass(frozen=True)
class RiskWording:
    """The outcomes and plans a physician chooses from: the clinic's own words."""

    outcomes: tuple[str, ...]
    plans: tuple[str, ...]


@cache
def risk_wording() -> RiskWording:
    data = tomllib.loads(resource_text("risk_assessment.toml"))
    return RiskWording(tuple(data["outcomes"]), tuple(data["plans"]))


@dataclass(frozen=True)
class RiskAssessmentDraft:
    outcome: str
    plan: str
    note: str | None = None


def check_risk_assessment(draft: RiskAssessmentDraft, wording: RiskWording) -> None:
    """Outcome and plan from the clinic's lists; the note optional and bounded."""
    errors = {}
    if draft.outcome not in wording.outcomes:
        errors["outcome"] = "choose an outcome from the clinic's list"
    if draft.plan not in wording.plans:
        errors["plan"] = "choose a plan from the clinic's list"
    if draft.note is not None and len(draft.note) > MAX_TEXT:
        errors["note"] = f"at most {MAX_TEXT} characters"
    if errors:
        raise ValidationError(errors)


def early_end_gaps(early_end: EarlyEnd | None) -> tuple[str, ...]:
    """What "End session early" still needs: the outcome, the destination of a transfer and
    the physician informed."""
    if early_end is None:
        return (("the outcome (transferred, left against advice, patient's request or "
                "clinical stop) and the physician informed"),)
    gaps = []
    destination = (early_end.destination or "").strip()
    if early_end.outcome is EarlyEndOutcome.TRANSFERRED and not destination:
        gaps.append("the destination of the transfer")
    if len(destination) > MAX_TEXT:
        gaps.append(f"a destination of at most {MAX_TEXT} characters")
    physician = early_end.physician.strip()
    if not physician:
        gaps.append("the physician informed (name)")
    elif len(physician) > MAX_TEXT:
        gaps.append(f"a physician's name of at most {MAX_TEXT} characters")
    return tuple(gaps)
