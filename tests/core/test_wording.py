import pytest

from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import EarlyEndOutcome
from ketamonitor.core.wording import action_label, offered_actions, phase_label, session_outcome


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


@pytest.mark.parametrize(("ended", "early_end", "words"), [
    (None, None, ""),
    (Phase.DISCHARGED, None, "Discharged"),
    (Phase.STOPPED_EARLY, None, "Stopped early"),
    (Phase.STOPPED_EARLY, EarlyEndOutcome.TRANSFERRED,
     "Stopped early: Transferred to emergency care"),
    (Phase.STOPPED_EARLY, EarlyEndOutcome.AGAINST_ADVICE, "Stopped early: Left against advice"),
])
def test_a_sessions_outcome_in_the_words_of_every_export(ended, early_end, words):
    assert session_outcome(ended, Route.IV, early_end) == words
