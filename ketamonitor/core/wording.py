"""The words and actions each route uses: an IV infusion runs and pauses, intranasal
esketamine is given device by device, an IM injection is given at once.

How an event of the chart is worded is here too (`event_label`, `event_words`): the Notes
tab, the chart's marks and every export call them, so an intranasal session says "First
device given / Dosing complete" everywhere and no event kind is ever shown raw."""

from __future__ import annotations

from ketamonitor.core.monitor_words import MONITOR, NOT_VALIDATED
from ketamonitor.core.phases import Action, Phase, allowed_actions
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import EarlyEndOutcome, Event, EventKind

_ACTION_WORDS = {
    Route.INTRANASAL: {
        Action.START_INFUSION: "First device given",
        Action.END_INFUSION: "Dosing complete",
        Action.STOP_INFUSION_EARLY: "Stop dosing early",
    },
    Route.IM: {
        Action.START_INFUSION: "Injection given",
        Action.END_INFUSION: "Injection complete",
        Action.STOP_INFUSION_EARLY: "Stop early",
    },
}
_PHASE_WORDS = {
    Route.INTRANASAL: {Phase.INFUSING: "Dosing", Phase.PRE_INFUSION: "Pre-dose (baseline)"},
    Route.IM: {Phase.INFUSING: "Injecting", Phase.PRE_INFUSION: "Pre-dose (baseline)"},
}
#: Actions a route's page does not offer as buttons: intranasal devices start and end
#: dosing as they are charted; an injection cannot be paused and ends as it is given.
_NOT_OFFERED = {
    Route.INTRANASAL: {Action.START_INFUSION, Action.PAUSE_INFUSION, Action.RESUME_INFUSION,
                       Action.END_INFUSION},
    Route.IM: {Action.PAUSE_INFUSION, Action.RESUME_INFUSION, Action.END_INFUSION,
               Action.STOP_INFUSION_EARLY},
}
#: What the dosing-time timer is called.
DOSING_WORDS = {Route.IV: "Infusion", Route.INTRANASAL: "Dosing", Route.IM: "Dosing"}


def action_label(action: Action, route: Route) -> str:
    return _ACTION_WORDS.get(route, {}).get(action, action.label)


def phase_label(phase: Phase, route: Route) -> str:
    return _PHASE_WORDS.get(route, {}).get(phase, phase.label)


def session_outcome(ended: Phase | None, route: Route,
                    early_end: EarlyEndOutcome | None = None) -> str:
    """How a session ended, as a log's `outcome` column says it: "Discharged", or "Stopped
    early: Transferred to emergency care" with the early end's outcome when one was
    recorded; empty while the session has not ended."""
    if ended is None:
        return ""
    words = phase_label(ended, route)
    if ended is Phase.STOPPED_EARLY and early_end is not None:
        words += f": {early_end.label}"
    return words


def offered_actions(phase: Phase, route: Route) -> tuple[Action, ...]:
    """The phase's actions offered as buttons on this route's session page."""
    hidden = _NOT_OFFERED.get(route, set())
    return tuple(action for action in allowed_actions(phase) if action not in hidden)

_EVENT_WORDS = {
    EventKind.NOTE: "Note",
    EventKind.INTERVENTION: "Intervention",
    EventKind.READY_WITHOUT_MINIMUM: "Would have been ready to leave without the 2-hour "
                                     "minimum",
}
#: Every kind an event of the chart may have: the phase changes' actions and the others.
EVENT_KINDS: tuple[str, ...] = (*(action.value for action in Action), *_EVENT_WORDS)


def event_label(kind: str, route: Route) -> str:
    """What an event was, in the words of the session's route (a kind this version does not
    know, from a newer record, is said in words rather than as its code)."""
    try:
        return action_label(Action(kind), route)
    except ValueError:
        return _EVENT_WORDS.get(kind, kind.replace("_", " ").capitalize())


def is_phase_change(kind: str) -> bool:
    """Whether an event is a phase change (its kind an action's value)."""
    return kind in Action._value2member_map_


def event_words(kind: str, text: str | None, route: Route) -> str:
    """An event in one line: its label, then what was written with it."""
    label = event_label(kind, route)
    return f"{label}: {text}" if text else label


def listed_event(event: Event, route: Route) -> str:
    """An event as a list of the chart's events shows it (the session page's Notes tab):
    worded as everywhere else, a struck one saying so."""
    text = event_words(event.kind, event.text, route)
    return text + ("  (entered in error)" if event.in_error else "")


#: What is said of a monitor's reading no nurse has validated yet, wherever it speaks.
NOT_YET_VALIDATED = f"{MONITOR.lower()}, {NOT_VALIDATED}"


def not_yet_validated(words: str) -> str:
    """Words about a monitor's reading not yet validated (an alert raised from it), saying
    so: "BP 190/110 above the stop line …: … (monitor, not validated)"."""
    return f"{words} ({NOT_YET_VALIDATED})"
