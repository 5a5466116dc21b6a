"""The words and actions each route uses: an IV infusion runs and pauses, intranasal
esketamine is given device by device, an IM injection is given at once."""

from __future__ import annotations

from ketamonitor.core.phases import Action, Phase, allowed_actions
from ketamonitor.core.protocol import Route

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


def offered_actions(phase: Phase, route: Route) -> tuple[Action, ...]:
    """The phase's actions offered as buttons on this route's session page."""
    hidden = _NOT_OFFERED.get(route, set())
    return tuple(action for action in allowed_actions(phase) if action not in hidden)
