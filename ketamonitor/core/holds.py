"""Holds on the start, and the physician's override that alone lets a held start (or a
discharge with gaps) go ahead.

A hold is an answer that contraindicates the dose (the checklist item's `hold` answer in its
TOML) or a baseline BP above the protocol's pre-dose line. Unlike a gap (an item not yet
answered), charting more cannot clear it: only a physician can decide to go ahead, and the
chart keeps which holds they saw when they did.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import Library
from ketamonitor.core.phases import Action
from ketamonitor.core.records import Override

#: The actions a physician's override can let go ahead.
OVERRIDABLE = (Action.START_INFUSION, Action.DISCHARGE)

#: The longest reason an override keeps (a sentence or two, like an escalation's note).
REASON_MAX_CHARACTERS = 500


def start_holds(chart: SessionChart, library: Library) -> tuple[str, ...]:
    """Each hold on the start in words: the answers that hold, then a baseline BP above the
    pre-dose line ("Baseline BP 196/118 above the pre-dose line 140/90")."""
    checklist = library.checklist(chart.protocol.checklists.pre_session)
    answers = chart.answers(checklist.id)
    holds = [f"{item.label}: {answers[item.key].value}"
             for item in checklist.items_for(chart.protocol.route)
             if item.hold is not None and item.key in answers
             and answers[item.key].value == item.hold]
    baseline = chart.baseline_bp()
    if baseline is not None:
        limits = chart.protocol.thresholds
        bp = baseline.current
        if ((bp.systolic or 0) > limits.predose_systolic_above
                or (bp.diastolic or 0) > limits.predose_diastolic_above):
            holds.append(f"Baseline BP {bp.systolic}/{bp.diastolic} above the pre-dose line "
                         f"{limits.predose_systolic_above}/{limits.predose_diastolic_above}")
    return tuple(holds)


def latest_override(overrides: Iterable[Override], action: Action) -> Override | None:
    """The newest override given for `action`: the one that stands."""
    found = [override for override in overrides if override.action == action.value]
    return max(found, key=lambda o: o.id) if found else None


def covered(chart: SessionChart, action: Action, items: tuple[str, ...]) -> bool:
    """Whether the latest override for `action` covers every one of `items` (a hold or gap
    it did not list, one that appeared after it, is not covered)."""
    override = latest_override(chart.overrides, action)
    return override is not None and set(items) <= set(override.items)


def check_override(action: Action, items: tuple[str, ...], reason: str) -> str:
    """An override's reason, tidied; refused when there is nothing to override or no
    reason."""
    if action not in OVERRIDABLE:
        raise ValidationError({"action": f"“{action.label}” is not overridden by a physician"})
    if not items:
        raise ValidationError({"items": f"nothing holds “{action.label}” now: there is "
                                        "nothing to override"})
    why = " ".join(reason.split())
    if not why:
        raise ValidationError({"reason": "say why the physician goes ahead"})
    if len(why) > REASON_MAX_CHARACTERS:
        raise ValidationError({"reason": f"at most {REASON_MAX_CHARACTERS} characters"})
    return why


def override_words(override: Override) -> str:
    """An override in one line, as the chart, the PDF and the review say it."""
    what = "the start" if override.action == Action.START_INFUSION.value else "discharge"
    return (f"Physician override of {what} by {override.physician_name}: "
            f"{'; '.join(override.items)}. Reason: {override.reason}")


def held_words(action_words: str) -> str:
    """What heads the holds standing on an action, as the session page and the summary say
    it: "“Start infusion” is held until a physician overrides:"."""
    return f"“{action_words}” is held until a physician overrides:"
