"""Late entries judged in time order: a run that ended before anyone saw it is still raised
(and at once cleared, waiting for an acknowledgement), once; an old chart gets no flood."""

from __future__ import annotations

from datetime import UTC

from ketamonitor.core.alerts import AlertRecord, Priority, alert_conditions, reconcile
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.timeline import PhaseChange
from tests.core.alert_room import SCALES, Watched, kinds
from tests.core.builders import ChartBuilder, minutes


def watched() -> Watched:
    return Watched(ChartBuilder().phase(Phase.INFUSING, dose_at=10))


def test_a_late_stop_line_bp_with_a_normal_one_after_it_is_raised_and_waits():
    room = watched()
    room.reading(20, 150, 90)
    (late,) = room.reading(15, 186, 104, entered=25)
    assert late.kind == "bp_above_stop_line"
    assert late.message.startswith("BP 186/104 above the stop line")
    assert not late.is_active and late.needs_attention   # over, but someone must see it
    assert kinds(room.judge(26)) == []                   # raised once


def test_a_late_critical_reading_that_already_ended_is_raised_as_critical():
    room = watched()
    room.reading(20, spo2=97)
    (late,) = room.reading(15, spo2=78, entered=22)
    assert late.kind == "spo2_critical" and late.needs_attention


def test_a_late_reading_that_ends_a_raised_run_raises_nothing_more():
    room = watched()
    (high,) = room.reading(20, 186, 104)
    assert kinds(room.reading(25, 150, 90, entered=30)) == []
    assert room.active() == set() and high.key not in room.active()


def test_an_old_chart_raises_only_runs_never_raised():
    """A chart whose runs were all raised as they happened: judging it again raises
    nothing, however many runs it holds."""
    builder = ChartBuilder().phase(Phase.OBSERVATION, dose_at=10, end_at=50)
    for at in range(12, 60, 4):
        builder.reading(at, 186 if at % 8 == 0 else 150, 90)
    chart = builder.build()
    conditions = alert_conditions(chart, minutes(61), SCALES, UTC)
    records = [AlertRecord(n, 1, c.key, c.kind, c.priority, c.message, minutes(61))
               for n, c in enumerate(conditions)]
    assert len([r for r in records if not r.key.startswith("check:")]) == 6  # one per run
    again = alert_conditions(chart, minutes(62), SCALES, UTC, records)
    changes = reconcile(records, again)
    assert changes.to_raise == () and changes.raised_over == ()


def test_a_finished_session_raises_nothing_for_a_late_entry():
    room = watched()
    room.reading(20, 150, 90)
    room.builder.changes.append(PhaseChange(Action.END_SESSION_EARLY, Phase.STOPPED_EARLY,
                                            minutes(30), "declined"))
    assert room.reading(15, 186, 104, entered=40) == []


def test_a_late_predose_caution_after_the_dose_is_not_raised():
    room = Watched(ChartBuilder().phase(Phase.INFUSING, dose_at=10))
    room.reading(5, 120, 80)
    assert room.reading(3, 146, 92, entered=20) == []


def test_a_run_raised_before_the_critical_tier_is_not_raised_again_once_over():
    """A chart from before issue 16: its run of 228/132 was raised under the stop line's
    key; once the run is over, judging it again raises no critical alert for it."""
    builder = ChartBuilder().phase(Phase.INFUSING)
    builder.reading(20, 228, 132).reading(25, 150, 90)
    first = builder.vitals[0].id
    old = AlertRecord(1, 1, f"bp_above_stop_line:vitals:{first}", "bp_above_stop_line",
                      Priority.HIGH, "BP 228/132 above the stop line", minutes(20))
    conditions = alert_conditions(builder.build(), minutes(26), SCALES, UTC, [old])
    assert [c.kind for c in conditions if not c.kind.startswith("check")] == []
