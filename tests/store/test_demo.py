"""The demo clinic: believable charts written through the store's rules, clearly marked as
demo data, the same for the same seed, and never mixed into a real record."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from ketamonitor.core.administration import charts_drug_lots, drug_lots
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.patient import PatientDetails
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Route
from ketamonitor.demo import DEMO_PASSWORD, DemoRefused, DemoSummary, fill_demo_clinic
from ketamonitor.store.store import Store
from tests.people import FAST_HASHER, NURSE, add_people, audit_of, login_as

SEED = 5
DAYS = 14
#: The demo's `now`: a fixed Monday late morning in the past, so the clinic (which follows
#: the calendar) is the same at every run and nothing lies in the future.
NOW = datetime(2025, 3, 3, 11, 40, tzinfo=UTC)


def _fill(path: Path, seed: int = SEED, days: int = DAYS) -> DemoSummary:
    return fill_demo_clinic(path, seed=seed, days=days, hasher=FAST_HASHER, now=NOW, zone=UTC)


def _open(path: Path) -> Store:
    store = Store.open(path, FakeClock(NOW), hasher=FAST_HASHER, create=True)
    store.login("nurse", DEMO_PASSWORD)
    return store


@dataclass(frozen=True)
class Clinic:
    path: Path
    summary: DemoSummary
    charts: tuple[SessionChart, ...]


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = _fill(path)
    with _open(path) as store:
        listings = store.sessions_between(NOW - timedelta(days=DAYS + 2), NOW + timedelta(1))
        charts = tuple(store.chart(listing.session_id) for listing in listings)
    return Clinic(path, summary, charts)


@pytest.fixture
def demo_store(clinic: Clinic) -> Iterator[Store]:
    with _open(clinic.path) as store:
        yield store


def _finished(clinic: Clinic) -> list[SessionChart]:
    return [chart for chart in clinic.charts if chart.phase.is_finished]


def _actions(chart: SessionChart) -> list[Action]:
    return [change.action for change in chart.timeline.changes]


def test_every_patient_is_marked_as_demo_data(demo_store: Store) -> None:
    patients = demo_store.find_patients("")
    assert len(patients) >= 10
    assert all(patient.details.is_demo for patient in patients)
    mrns = sorted(patient.mrn for patient in patients)
    assert mrns == [f"DEMO-{number:04d}" for number in range(1, len(patients) + 1)]


def test_patients_come_for_courses_of_several_sessions(clinic: Clinic) -> None:
    per_patient: dict[int, int] = {}
    for chart in clinic.charts:
        per_patient[chart.patient.id] = per_patient.get(chart.patient.id, 0) + 1
    assert max(per_patient.values()) >= 3
    assert {chart.protocol.route for chart in clinic.charts} == {Route.IV, Route.INTRANASAL}


def test_bp_rises_above_baseline_during_iv_infusions(clinic: Clinic) -> None:
    rises_systolic, rises_diastolic = [], []
    for chart in clinic.charts:
        baseline = chart.baseline_bp()
        if chart.protocol.route is not Route.IV or baseline is None:
            continue
        during = [flagged.entry.current for flagged in chart.flagged_vitals
                  if flagged.phase is Phase.INFUSING and flagged.entry.current.has_bp]
        if during:
            rises_systolic.append(statistics.mean(v.systolic or 0 for v in during)
                                  - (baseline.current.systolic or 0))
            rises_diastolic.append(statistics.mean(v.diastolic or 0 for v in during)
                                   - (baseline.current.diastolic or 0))
    assert len(rises_systolic) >= 5
    assert statistics.mean(rises_systolic) > 5
    assert statistics.mean(rises_diastolic) > 3


def test_vitals_follow_the_protocols_cadence(clinic: Clinic) -> None:
    """From the first dose to discharge, no BP is later than the protocol's interval for
    its phase (plus grace) after the last BP, or after the dose start or infusion end that
    restarts the phase's cadence."""
    for chart in _finished(clinic):
        protocol, timeline = chart.protocol, chart.timeline
        started, ended = timeline.dose_started_at, timeline.infusion_ended_at
        assert started is not None and ended is not None
        moments = sorted({started, ended} | {entry.current.observed_at for entry
                                             in chart.bp_sets()
                                             if entry.current.observed_at > started})
        grace = timedelta(minutes=protocol.overdue_grace_minutes)
        for earlier, later in pairwise(moments):
            interval = protocol.vitals_interval(timeline.phase_at(later - timedelta(seconds=1)))
            if interval is not None:  # periodic checks (IV); esketamine's are fixed, below
                assert later - earlier <= interval + grace, (chart.session.id, earlier, later)
        for minutes in protocol.checks.after_dose_minutes:
            due = started + timedelta(minutes=minutes)
            assert any(abs(moment - due) <= grace for moment in moments), (chart.session.id,
                                                                           minutes)


def test_some_values_cross_the_protocols_lines(clinic: Clinic) -> None:
    codes = {flag.code for chart in clinic.charts for flagged in chart.flagged_vitals
             for flag in flagged.flags}
    assert "bp_above_stop_line" in codes
    assert "spo2_low" in codes


def test_side_effects_are_charted_with_severities_and_interventions(clinic: Clinic) -> None:
    effects = [entry for chart in clinic.charts for entry in chart.entries_of("side_effects")]
    assert len({entry.session_id for entry in effects}) >= 5
    assert {entry.severity for entry in effects} >= {"mild", "moderate"}
    assert any(entry.intervention for entry in effects)


def test_a_few_sessions_have_notes(clinic: Clinic) -> None:
    noted = [chart for chart in clinic.charts
             if any(event.kind == "note" and event.text for event in chart.events)]
    assert 0 < len(noted) < len(clinic.charts)


def test_every_started_iv_or_im_dose_has_its_lot_charted_before_it(clinic: Clinic) -> None:
    started = [chart for chart in clinic.charts if charts_drug_lots(chart.protocol)
               and chart.timeline.dose_started_at is not None]
    assert started
    for chart in started:
        (lot,) = drug_lots(chart)
        assert lot.lot.startswith("KET") and lot.given_at < chart.timeline.dose_started_at


def test_scales_and_checklists_are_charted(clinic: Clinic) -> None:
    for chart in _finished(clinic):
        assert chart.latest_score("phq9", "before session") is not None
        assert chart.latest_score("moaas") is not None
        assert chart.entries_of("dissociation")


def test_some_infusions_are_paused_and_some_stopped_early(clinic: Clinic) -> None:
    paused = [chart for chart in clinic.charts if Action.PAUSE_INFUSION in _actions(chart)]
    stopped = [chart for chart in clinic.charts if chart.timeline.stopped_early is not None]
    assert paused and stopped
    assert all(Action.RESUME_INFUSION in _actions(chart)
               or Action.STOP_INFUSION_EARLY in _actions(chart) for chart in paused)
    pauses = [c for chart in paused for c in chart.timeline.changes
              if c.action is Action.PAUSE_INFUSION]
    assert all(change.reason for change in pauses)
    assert all(change.reason for chart in stopped for change in chart.timeline.changes
               if change.action is Action.STOP_INFUSION_EARLY)


def test_finished_sessions_were_discharged_through_the_gate(clinic: Clinic) -> None:
    finished = _finished(clinic)
    assert len(finished) >= 10
    for chart in finished:
        assert chart.phase is Phase.DISCHARGED
        aldrete = chart.latest_score("modified_aldrete")
        assert aldrete is not None and aldrete.total >= 9
        assert all(entry.value == "yes" for entry in chart.answers("discharge").values())


def test_the_room_is_alive_at_now(demo_store: Store) -> None:
    in_room = demo_store.unfinished_sessions()
    assert {listing.phase for listing in in_room} == {
        Phase.PRE_INFUSION, Phase.INFUSING, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE}
    assert all(listing.began_at.date() == NOW.date() and listing.began_at <= NOW
               for listing in in_room)
    assert len({listing.chair for listing in in_room}) == len(in_room)


def test_nothing_is_charted_in_the_future(clinic: Clinic) -> None:
    for chart in clinic.charts:
        entries = [*chart.vitals, *chart.checklist_entries, *chart.scale_scores, *chart.events]
        assert all(entry.entered_at <= NOW for entry in entries)


def test_phq9_falls_over_the_course_for_most_patients(clinic: Clinic) -> None:
    totals: dict[int, list[int]] = {}
    for chart in sorted(clinic.charts, key=lambda c: c.session.began_at):
        score = chart.latest_score("phq9", "before session")
        if score is not None:
            totals.setdefault(chart.patient.id, []).append(score.total)
    changes = [scores[-1] - scores[0] for scores in totals.values() if len(scores) >= 3]
    assert len(changes) >= 5
    assert sum(change < 0 for change in changes) > len(changes) / 2
    assert statistics.mean(changes) <= -1


def test_every_entry_has_an_audit_row(demo_store: Store, clinic: Clinic) -> None:
    audited = {(row["entity"], row["entity_id"]) for row in audit_of(demo_store)}
    for chart in clinic.charts:
        assert ("sessions", chart.session.id) in audited
        assert ("patients", chart.patient.id) in audited
        for table, entries in (("vitals", chart.vitals),
                               ("checklist_entries", chart.checklist_entries),
                               ("scale_scores", chart.scale_scores), ("events", chart.events)):
            assert all((table, entry.id) in audited for entry in entries), table


def test_the_summary_says_what_was_written(clinic: Clinic) -> None:
    text = str(clinic.summary)
    assert f"{len({chart.patient.id for chart in clinic.charts})} demo patients" in text
    assert f"{len(clinic.charts)} sessions" in text
    assert str(clinic.path) in text


def _patients(path: Path) -> list[tuple[str, str, str, date, float]]:
    with _open(path) as store:
        return sorted((p.mrn, p.details.family_name, p.details.given_name, p.details.birth_date,
                       p.details.weight_kg) for p in store.find_patients(""))


def test_the_same_seed_gives_the_same_clinic(clinic: Clinic, tmp_path: Path) -> None:
    _fill(tmp_path / "again.db")
    _fill(tmp_path / "other.db", seed=SEED + 1)
    assert _patients(tmp_path / "again.db") == _patients(clinic.path)
    assert _patients(tmp_path / "other.db") != _patients(clinic.path)


def test_a_record_with_real_patients_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    with Store.open(path, FakeClock(NOW), hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        store.register_patient(PatientDetails("MRN-1001", "Rivera", "Ana", date(1984, 5, 6), 72))
        audit_before = audit_of(store)
    with pytest.raises(DemoRefused, match="real patients"):
        _fill(path, days=1)
    with Store.open(path, FakeClock(NOW), hasher=FAST_HASHER, create=True) as store:
        assert audit_of(store) == audit_before
        login_as(store, NURSE)  # reading needs an account
        assert [p.mrn for p in store.find_patients("")] == ["MRN-1001"]


def test_a_second_demo_in_the_same_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    _fill(path, days=1)
    with Store.open(path, FakeClock(NOW), hasher=FAST_HASHER, create=True) as store:
        audit_before = audit_of(store)
    with pytest.raises(DemoRefused, match="already holds demo data"):
        _fill(path, days=1)
    with Store.open(path, FakeClock(NOW), hasher=FAST_HASHER, create=True) as store:
        assert audit_of(store) == audit_before
