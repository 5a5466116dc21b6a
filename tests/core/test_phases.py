import pytest

from ketamonitor.core.errors import PhaseChangeRefused
from ketamonitor.core.phases import Action, Phase, allowed_actions, next_phase


def test_the_path_from_baseline_to_discharge():
    phase = Phase.PRE_INFUSION
    for action, expected in [
        (Action.START_INFUSION, Phase.INFUSING),
        (Action.PAUSE_INFUSION, Phase.PAUSED),
        (Action.RESUME_INFUSION, Phase.INFUSING),
        (Action.END_INFUSION, Phase.OBSERVATION),
        (Action.COMPLETE_OBSERVATION, Phase.READY_FOR_DISCHARGE),
        (Action.DISCHARGE, Phase.DISCHARGED),
    ]:
        phase = next_phase(phase, action, reason="nausea")
        assert phase is expected


def test_stopping_an_infusion_never_started_is_refused_with_the_reason():
    with pytest.raises(PhaseChangeRefused) as refused:
        next_phase(Phase.PRE_INFUSION, Action.STOP_INFUSION_EARLY, reason="BP")
    assert "has not been started" in str(refused.value)
    assert "pre-infusion" in str(refused.value)


@pytest.mark.parametrize("action", [Action.PAUSE_INFUSION, Action.STOP_INFUSION_EARLY,
                                    Action.END_SESSION_EARLY])
def test_actions_that_need_a_reason_refuse_without_one(action):
    phase = Phase.INFUSING
    with pytest.raises(PhaseChangeRefused, match="needs a reason"):
        next_phase(phase, action, reason="  ")


def test_a_stopped_infusion_still_goes_to_observation():
    assert next_phase(Phase.PAUSED, Action.STOP_INFUSION_EARLY, "BP 190/112") is Phase.OBSERVATION


def test_finished_sessions_allow_nothing():
    assert allowed_actions(Phase.DISCHARGED) == ()
    assert allowed_actions(Phase.STOPPED_EARLY) == ()


def test_every_unfinished_phase_can_be_ended_early():
    for phase in Phase:
        assert (Action.END_SESSION_EARLY in allowed_actions(phase)) is (not phase.is_finished)
