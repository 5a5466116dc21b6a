"""Session phases and the actions that move a session between them.

pre-infusion → infusing ⇄ paused → observation → ready for discharge → discharged, or
stopped early with a reason from any phase before discharge. A phase change is always the
result of a named action, so the record says what happened ("infusion stopped early"), not
only where the session ended up.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketamonitor.core.errors import PhaseChangeRefused


class Phase(StrEnum):
    PRE_INFUSION = "pre_infusion"
    INFUSING = "infusing"
    PAUSED = "paused"
    OBSERVATION = "observation"
    READY_FOR_DISCHARGE = "ready_for_discharge"
    DISCHARGED = "discharged"
    STOPPED_EARLY = "stopped_early"

    @property
    def label(self) -> str:
        return _PHASE_LABELS[self]

    @property
    def is_finished(self) -> bool:
        return self in (Phase.DISCHARGED, Phase.STOPPED_EARLY)


_PHASE_LABELS = {
    Phase.PRE_INFUSION: "Pre-infusion (baseline)",
    Phase.INFUSING: "Infusing",
    Phase.PAUSED: "Paused",
    Phase.OBSERVATION: "Observation",
    Phase.READY_FOR_DISCHARGE: "Ready for discharge",
    Phase.DISCHARGED: "Discharged",
    Phase.STOPPED_EARLY: "Stopped early",
}


class Action(StrEnum):
    START_INFUSION = "start_infusion"
    PAUSE_INFUSION = "pause_infusion"
    RESUME_INFUSION = "resume_infusion"
    END_INFUSION = "end_infusion"
    STOP_INFUSION_EARLY = "stop_infusion_early"
    COMPLETE_OBSERVATION = "complete_observation"
    DISCHARGE = "discharge"
    END_SESSION_EARLY = "end_session_early"

    @property
    def label(self) -> str:
        return _RULES[self].label

    @property
    def needs_reason(self) -> bool:
        return _RULES[self].needs_reason


@dataclass(frozen=True)
class _Rule:
    label: str
    allowed_from: frozenset[Phase]
    to: Phase
    needs_reason: bool = False


_BEFORE_DISCHARGE = frozenset(
    {Phase.PRE_INFUSION, Phase.INFUSING, Phase.PAUSED, Phase.OBSERVATION,
     Phase.READY_FOR_DISCHARGE}
)

_RULES: dict[Action, _Rule] = {
    Action.START_INFUSION: _Rule("Start infusion", frozenset({Phase.PRE_INFUSION}),
                                 Phase.INFUSING),
    Action.PAUSE_INFUSION: _Rule("Pause infusion", frozenset({Phase.INFUSING}), Phase.PAUSED,
                                 needs_reason=True),
    Action.RESUME_INFUSION: _Rule("Resume infusion", frozenset({Phase.PAUSED}), Phase.INFUSING),
    Action.END_INFUSION: _Rule("Infusion complete", frozenset({Phase.INFUSING}),
                               Phase.OBSERVATION),
    Action.STOP_INFUSION_EARLY: _Rule("Stop infusion early",
                                      frozenset({Phase.INFUSING, Phase.PAUSED}),
                                      Phase.OBSERVATION, needs_reason=True),
    Action.COMPLETE_OBSERVATION: _Rule("Observation complete", frozenset({Phase.OBSERVATION}),
                                       Phase.READY_FOR_DISCHARGE),
    Action.DISCHARGE: _Rule("Discharge", frozenset({Phase.READY_FOR_DISCHARGE}),
                            Phase.DISCHARGED),
    Action.END_SESSION_EARLY: _Rule("End session early", _BEFORE_DISCHARGE,
                                    Phase.STOPPED_EARLY, needs_reason=True),
}

_WHY_NOT: dict[Action, str] = {
    Action.PAUSE_INFUSION: "the infusion is not running",
    Action.RESUME_INFUSION: "the infusion is not paused",
    Action.END_INFUSION: "the infusion is not running",
    Action.STOP_INFUSION_EARLY: "the infusion has not been started or has already ended",
    Action.START_INFUSION: "the infusion has already been started",
    Action.COMPLETE_OBSERVATION: "the session is not in observation",
    Action.DISCHARGE: "the session is not ready for discharge",
    Action.END_SESSION_EARLY: "the session is already finished",
}


def allowed_actions(phase: Phase) -> tuple[Action, ...]:
    """The actions a nurse may take from this phase, in the order the UI offers them."""
    return tuple(action for action, rule in _RULES.items() if phase in rule.allowed_from)


def next_phase(phase: Phase, action: Action, reason: str | None = None) -> Phase:
    """The phase `action` leads to from `phase`; refuses an illegal change, saying why."""
    rule = _RULES[action]
    if phase not in rule.allowed_from:
        raise PhaseChangeRefused(
            f"{rule.label} is not possible now: {_WHY_NOT[action]} (the session is in "
            f"{phase.label.lower()})"
        )
    if rule.needs_reason and not (reason and reason.strip()):
        raise PhaseChangeRefused(f"{rule.label} needs a reason", ("a reason",))
    return rule.to
