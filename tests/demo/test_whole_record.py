"""The demo's finished sessions carry what a clinic's record carries: the prescriber, the
lots of what was given, the medicines given for side effects, a held start overridden by a
physician, and the alerts in every export of the chart (issue 19, item 7)."""

from __future__ import annotations

import json
from pathlib import Path

from ketamonitor.core.administration import charts_drug_lots, devices_given, drug_lots
from ketamonitor.core.holds import start_holds
from ketamonitor.core.oru_build import DEFAULT_SENDERS, Flavour, default_bed, default_sender
from ketamonitor.core.phases import Action
from ketamonitor.core.protocol import Route
from ketamonitor.demo.charting import PRESCRIBERS
from ketamonitor.export.summary import export_summary
from tests.demo.conftest import DemoClinic, open_demo


def test_every_session_has_a_demo_physician_as_prescriber(demo_clinic: DemoClinic) -> None:
    prescribers = {chart.session.prescriber for chart in demo_clinic.charts}
    assert prescribers <= set(PRESCRIBERS) and len(prescribers) > 1


def test_every_esketamine_dose_has_its_devices_and_their_lots(demo_clinic: DemoClinic) -> None:
    nasal = [chart for chart in demo_clinic.finished()
             if chart.protocol.route is Route.INTRANASAL]
    assert nasal
    for chart in nasal:
        devices = devices_given(chart)
        assert len(devices) == chart.session.dose.devices
        assert all(device.lot.startswith("ESK") for device in devices)
        assert devices[0].given_at == chart.timeline.dose_started_at
        assert Action.END_INFUSION in [change.action for change in chart.timeline.changes]


def test_every_iv_dose_has_its_vial_lot(demo_clinic: DemoClinic) -> None:
    iv = [chart for chart in demo_clinic.finished() if chart.protocol.route is Route.IV]
    assert iv
    for chart in iv:
        assert charts_drug_lots(chart.protocol)
        (lot,) = drug_lots(chart)
        assert lot.lot.startswith("KET")


def test_medicines_are_given_for_the_side_effects_that_call_for_one(
        demo_clinic: DemoClinic) -> None:
    given = [(chart, medicine) for chart in demo_clinic.charts
             for medicine in chart.medications]
    assert {medicine.drug for _, medicine in given} >= {"ondansetron", "clonidine"}
    for chart, medicine in given:
        assert medicine.ordered_by == chart.session.prescriber
        assert medicine.given_by == chart.session.nurse
        treated = {entry.intervention for entry in chart.entries_of("side_effects")}
        assert medicine.drug in treated
    clonidine = [(chart, m) for chart, m in given if m.drug == "clonidine"]
    for chart, medicine in clonidine:  # given for the BP over the stop line, and linked to it
        alerts = {alert.id: alert for alert in demo_clinic.alerts[chart.session.id]}
        if medicine.alert_id is not None:
            assert alerts[medicine.alert_id].kind in ("bp_above_stop_line", "bp_critical")
    assert any(m.alert_id is not None for _, m in clonidine)


def test_a_held_start_goes_ahead_on_a_physicians_override(demo_clinic: DemoClinic) -> None:
    with open_demo(demo_clinic.path) as store:
        library = store.library
    overridden = [chart for chart in demo_clinic.finished()
                  if any(o.action == Action.START_INFUSION.value for o in chart.overrides)]
    assert overridden
    for chart in overridden:
        (override,) = chart.overrides
        assert override.items == start_holds(chart, library)
        assert override.physician == "physician"
        for hold, why in (("Fasting", "Light breakfast"), ("Baseline BP", "Pre-dose BP")):
            assert any(item.startswith(hold) for item in override.items) == (
                why in override.reason), "the reason answers the holds it overrides"
        assert chart.timeline.dose_started_at is not None


def test_a_sessions_summary_lists_its_stop_line_alert_acknowledged(
        demo_clinic: DemoClinic, tmp_path: Path) -> None:
    chart = next(chart for chart in demo_clinic.finished()
                 if any(alert.kind == "bp_above_stop_line"
                        for alert in demo_clinic.alerts[chart.session.id]))
    with open_demo(demo_clinic.path, "physician") as store:
        out = export_summary(store, chart.session.id, "json", tmp_path / "summary.json")
    alerts = json.loads(out.read_text(encoding="utf-8"))["alerts"]
    (stop_line,) = [alert for alert in alerts if alert["kind"] == "bp_above_stop_line"]
    assert stop_line["acknowledged_at"] and stop_line["escalation"]["physician_called"]


def test_the_simulators_beds_are_on_the_demos_chairs_in_either_flavour(
        demo_clinic: DemoClinic) -> None:
    """`ketamonitor monitor-sim` against a demo clinic charts for the sessions in its room."""
    with open_demo(demo_clinic.path) as store:
        for number in (1, 4):
            for flavour in Flavour:
                assert store.chair_for(default_sender(flavour, number),
                                       DEFAULT_SENDERS[flavour][1],
                                       default_bed(number)) == str(number)
        assert store.chair_for(default_sender(Flavour.GE, 5), "INFUSION", default_bed(5)) is None
        assert store.setting("monitor_listen_enabled") == "on"  # the window listens
        assert store.setting("monitor_listen_address") == "127.0.0.1"
