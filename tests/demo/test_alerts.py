"""The demo's alerts: the ones the room's rules raise from each chart as it was charted,
each acknowledged by the nurse before the patient left, with the escalation a high alert
asks for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ketamonitor.core.alerts import RESOLVED_BY_CHARTING, AlertRecord, Priority
from ketamonitor.core.chart import SessionChart
from ketamonitor.demo.alerts import acknowledged_at
from tests.demo.conftest import DemoClinic, fill, read_clinic

STOP_LINE = ("bp_above_stop_line", "bp_critical")


def _stop_line_readings(chart: SessionChart) -> list[tuple[int, str]]:
    return [(flagged.entry.id, flag.code) for flagged in chart.flagged_vitals
            for flag in flagged.flags if flag.code in STOP_LINE]


def _left_at(chart: SessionChart) -> datetime:
    finished = chart.timeline.changes[-1]
    assert finished.phase.is_finished
    return finished.at


def test_a_finished_session_with_a_stop_line_bp_has_its_alert_acknowledged(
        demo_clinic: DemoClinic) -> None:
    crossed = [chart for chart in demo_clinic.finished() if _stop_line_readings(chart)]
    assert crossed, "the demo shows a BP over the stop line"
    for chart in crossed:
        keys = {alert.key: alert for alert in demo_clinic.alerts[chart.session.id]}
        first_id, code = _stop_line_readings(chart)[0]
        alert = keys[f"{code}:vitals:{first_id}"]  # the run's alert, keyed by its first
        assert alert.acknowledged_at is not None
        assert alert.escalation is not None and alert.escalation.physician_called
        assert alert.escalation.physician == chart.session.prescriber
        assert "BP rechecked" in alert.escalation.done


def test_every_alert_that_asks_for_it_is_acknowledged_before_the_patient_leaves(
        demo_clinic: DemoClinic) -> None:
    asked = 0
    for chart in demo_clinic.finished():
        for alert in demo_clinic.alerts[chart.session.id]:
            assert not alert.needs_attention, alert
            assert not alert.is_active, "a finished session's alerts have cleared"
            if alert.kind not in RESOLVED_BY_CHARTING:
                asked += 1
                assert alert.acknowledged_at is not None
                assert alert.raised_at < alert.acknowledged_at <= _left_at(chart)
    assert asked >= 10


def test_a_high_alert_is_acknowledged_with_its_escalation(demo_clinic: DemoClinic) -> None:
    high = [alert for alerts in demo_clinic.alerts.values() for alert in alerts
            if alert.priority.acts_now and alert.acknowledged_at is not None]
    assert {alert.kind for alert in high} >= {"bp_above_stop_line", "phq9_q9"}
    for alert in high:
        assert alert.escalation is not None
        assert alert.escalation.done and alert.escalation.physician_called
        assert alert.action == alert.escalation.action_text()


def test_alerts_are_raised_when_the_reading_is_charted(demo_clinic: DemoClinic) -> None:
    """The room judges as each entry is saved: a stop-line alert is raised at the moment
    its reading was entered."""
    for chart in demo_clinic.charts:
        entered = {entry.id: entry.entered_at for entry in chart.vitals}
        for alert in demo_clinic.alerts[chart.session.id]:
            if alert.kind in STOP_LINE:
                reading = int(alert.key.split(":")[-1])  # a worse one's: its own reading
                assert alert.raised_at == entered[reading]


def test_the_room_shows_only_todays_last_alerts_waiting(demo_clinic: DemoClinic) -> None:
    waiting = [alert for chart in demo_clinic.charts if not chart.phase.is_finished
               for alert in demo_clinic.alerts[chart.session.id] if alert.needs_attention]
    assert all(alert.raised_at >= datetime(2025, 3, 3, 11, 37, tzinfo=UTC)
               for alert in waiting), "older than a few minutes: the nurse would have seen it"


def test_an_acknowledgement_comes_one_to_three_minutes_later_before_the_patient_leaves(
        ) -> None:
    raised = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    record = AlertRecord(7, 1, "k", "bp_above_stop_line", Priority.HIGH, "BP", raised)
    assert acknowledged_at(record, raised + timedelta(hours=1)) == raised + timedelta(minutes=2)
    assert acknowledged_at(record, raised + timedelta(minutes=1)) == raised + timedelta(minutes=1)
    times = {acknowledged_at(AlertRecord(n, 1, "k", "x", Priority.LOW, "m", raised),
                             raised + timedelta(hours=1)) - raised for n in range(6)}
    assert times == {timedelta(minutes=minutes) for minutes in (1, 2, 3)}


def _alert_rows(clinic: DemoClinic) -> list[tuple[object, ...]]:
    return [(a.session_id, a.key, a.raised_at, a.acknowledged_at, a.action, a.cleared_at)
            for alerts in clinic.alerts.values() for a in alerts]


def test_the_same_seed_gives_the_same_alerts(tmp_path: Path) -> None:
    fill(tmp_path / "one.db", days=3)
    fill(tmp_path / "two.db", days=3)
    one, two = read_clinic(tmp_path / "one.db"), read_clinic(tmp_path / "two.db")
    assert _alert_rows(one) == _alert_rows(two) and _alert_rows(one)


def test_no_alert_is_left_on_a_reading_within_the_lines(demo_clinic: DemoClinic) -> None:
    """Every vitals alert names a reading that crossed its line (the rules', not made up)."""
    for chart in demo_clinic.charts:
        flagged = {(f.entry.id, flag.code) for f in chart.flagged_vitals for flag in f.flags}
        for alert in demo_clinic.alerts[chart.session.id]:
            parts = alert.key.split(":")
            if len(parts) >= 3 and parts[1] == "vitals":
                assert (int(parts[2]), parts[0]) in flagged, alert


def test_the_demos_summary_counts_the_alerts_and_their_acknowledgements(
        demo_clinic: DemoClinic) -> None:
    asked = [alert for alerts in demo_clinic.alerts.values() for alert in alerts
             if alert.kind not in RESOLVED_BY_CHARTING]
    done = [alert for alert in asked if alert.acknowledged_at is not None]
    assert demo_clinic.summary is not None
    assert (f"Alerts asking for an acknowledgement: {len(asked)}, {len(done)} acknowledged"
            in str(demo_clinic.summary))
