from datetime import UTC, datetime, timedelta

from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.timeline import PhaseChange, Timeline

T0 = datetime(2026, 11, 23, 8, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


TIMELINE = Timeline(T0, (
    PhaseChange(Action.START_INFUSION, Phase.INFUSING, at(10)),
    PhaseChange(Action.PAUSE_INFUSION, Phase.PAUSED, at(25), "nausea"),
    PhaseChange(Action.RESUME_INFUSION, Phase.INFUSING, at(30)),
    PhaseChange(Action.END_INFUSION, Phase.OBSERVATION, at(55)),
))


def test_infusing_time_leaves_out_the_pause():
    assert TIMELINE.time_in(Phase.INFUSING, at(60)) == timedelta(minutes=40)
    assert TIMELINE.time_in(Phase.PAUSED, at(60)) == timedelta(minutes=5)
    assert TIMELINE.time_in(Phase.INFUSING, at(27)) == timedelta(minutes=15)


def test_phase_at_any_moment_and_the_key_moments():
    assert TIMELINE.phase_at(at(5)) is Phase.PRE_INFUSION
    assert TIMELINE.phase_at(at(26)) is Phase.PAUSED
    assert TIMELINE.phase is Phase.OBSERVATION
    assert TIMELINE.dose_started_at == at(10)
    assert TIMELINE.infusion_ended_at == at(55)
    assert TIMELINE.phase_since == at(55)


def test_a_new_session_is_in_baseline_since_it_began():
    fresh = Timeline(T0)
    assert fresh.phase is Phase.PRE_INFUSION
    assert fresh.phase_since == T0
    assert fresh.dose_started_at is None
