from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.wording import action_label, offered_actions, phase_label


def test_each_route_says_it_its_own_way():
    assert action_label(Action.START_INFUSION, Route.IV) == "Start infusion"
    assert action_label(Action.START_INFUSION, Route.IM) == "Injection given"
    assert action_label(Action.END_INFUSION, Route.INTRANASAL) == "Dosing complete"
    assert phase_label(Phase.INFUSING, Route.INTRANASAL) == "Dosing"
    assert phase_label(Phase.OBSERVATION, Route.IM) == "Observation"


def test_devices_start_and_end_intranasal_dosing_so_no_buttons_do():
    assert offered_actions(Phase.PRE_INFUSION, Route.INTRANASAL) == (Action.END_SESSION_EARLY,)
    assert offered_actions(Phase.INFUSING, Route.INTRANASAL) == (
        Action.STOP_INFUSION_EARLY, Action.END_SESSION_EARLY)


def test_an_injection_is_not_paused():
    assert Action.PAUSE_INFUSION not in offered_actions(Phase.INFUSING, Route.IM)
    assert offered_actions(Phase.PRE_INFUSION, Route.IM) == (Action.START_INFUSION,
                                                             Action.END_SESSION_EARLY)
    assert offered_actions(Phase.INFUSING, Route.IV) == (
        Action.PAUSE_INFUSION, Action.END_INFUSION, Action.STOP_INFUSION_EARLY,
        Action.END_SESSION_EARLY)
