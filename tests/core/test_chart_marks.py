"""What the chart marks and says: phase spans, happenings in words, a reading's readout."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta, timezone

from ketamonitor.core.alerts import AlertKind, AlertRecord, Priority
from ketamonitor.core.amendments import ENTERED_IN_ERROR, Amendment
from ketamonitor.core.chart_marks import (
    MarkKind,
    alert_marks,
    chart_marks,
    mean_arterial_pressure,
    phase_spans,
    reading_words,
    span_label,
)
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import Administration, Event, EventKind, MedicationGiven
from ketamonitor.core.timeline import PhaseChange, Timeline
from tests.core.builders import T0, ChartBuilder, minutes


def test_phases_follow_each_other_from_arrival_and_the_current_one_is_open():
    timeline = Timeline(T0, (
        PhaseChange(Action.START_INFUSION, Phase.INFUSING, minutes(10)),
        PhaseChange(Action.PAUSE_INFUSION, Phase.PAUSED, minutes(25), "nausea"),
        PhaseChange(Action.RESUME_INFUSION, Phase.INFUSING, minutes(30)),
    ))
    assert [(s.phase, s.start, s.end) for s in phase_spans(timeline)] == [
        (Phase.PRE_INFUSION, T0, minutes(10)),
        (Phase.INFUSING, minutes(10), minutes(25)),
        (Phase.PAUSED, minutes(25), minutes(30)),
        (Phase.INFUSING, minutes(30), None),
    ]


def test_a_finished_sessions_last_phase_is_a_moment_not_a_span():
    timeline = Timeline(T0, (
        PhaseChange(Action.START_INFUSION, Phase.INFUSING, minutes(10)),
        PhaseChange(Action.END_SESSION_EARLY, Phase.STOPPED_EARLY, minutes(20), "unwell"),
    ))
    spans = phase_spans(timeline)
    assert [s.phase for s in spans] == [Phase.PRE_INFUSION, Phase.INFUSING]
    assert spans[-1].end == minutes(20)


def test_spans_are_named_in_a_word_in_each_routes_words():
    assert span_label(Phase.PRE_INFUSION, Route.IV) == "Baseline"
    assert span_label(Phase.INFUSING, Route.IV) == "Infusing"
    assert span_label(Phase.INFUSING, Route.INTRANASAL) == "Dosing"
    assert span_label(Phase.PAUSED, Route.IV) == "Paused"


def event(at: float, kind: str, text: str | None = None, struck: bool = False) -> Event:
    amendments = (Amendment(1, "events", 1, "status", None, ENTERED_IN_ERROR, "wrong",
                            minutes(at), "ana"),) if struck else ()
    return Event(1, 1, kind, minutes(at), minutes(at), "ana", text=text, amendments=amendments)


def test_happenings_are_marked_in_time_order_with_their_words(library):
    chart = (ChartBuilder().phase(Phase.INFUSING)
             .side_effect(22, "Nausea", "moderate")
             .score(30, "moaas", {"moaas": 3})
             .score(5, "phq9", {}, timepoint="before session")
             .build())
    chart = replace(chart, events=(
        event(10, Action.START_INFUSION.value),
        event(21, Action.PAUSE_INFUSION.value, "BP above the stop line"),
        event(25, EventKind.NOTE, "Calm"),
        event(26, EventKind.NOTE, "typed in the wrong chart", struck=True),
    ), checklist_entries=(replace(chart.checklist_entries[0], intervention="ondansetron"),))
    marks = chart_marks(chart, library)
    assert [(m.at, m.kind, m.text) for m in marks] == [
        (minutes(5), MarkKind.SCORE, "PHQ-9 (before session): 0"),
        (minutes(10), MarkKind.PHASE, "Start infusion"),
        (minutes(21), MarkKind.PHASE, "Pause infusion: BP above the stop line"),
        (minutes(22), MarkKind.SIDE_EFFECT, "Nausea (moderate); given: Ondansetron"),
        (minutes(25), MarkKind.NOTE, "Note: Calm"),
        (minutes(30), MarkKind.SCORE, "Sedation (MOAA/S): 3"),
    ]


def test_without_the_library_the_keys_are_shown():
    chart = ChartBuilder().side_effect(22, "Nausea", "mild").build()
    chart = replace(chart, checklist_entries=(
        replace(chart.checklist_entries[0], intervention="infusion_slowed"),))
    assert chart_marks(chart)[0].text == "Nausea (mild); given: infusion slowed"


def test_intranasal_devices_and_dosing_are_marked_in_its_words():
    chart = ChartBuilder("intranasal-esketamine").phase(Phase.INFUSING).build()
    chart = replace(chart, events=(event(10, Action.START_INFUSION.value),),
                    administrations=(Administration(1, 1, "device", 1, 28, "LOT-7", minutes(10),
                                                    minutes(10), "ana"),))
    assert [m.text for m in chart_marks(chart)] == ["First device given",
                                                    "Device 1: 28 mg, lot LOT-7"]


def test_an_iv_bags_lot_is_no_dose_mark_of_its_own():
    chart = ChartBuilder().phase(Phase.INFUSING).build()
    chart = replace(chart, events=(event(10, Action.START_INFUSION.value),),
                    administrations=(Administration(1, 1, "infusion", 1, 36, "KET-1", minutes(4),
                                                    minutes(4), "ana"),))
    assert [m.kind for m in chart_marks(chart)] == [MarkKind.PHASE]


def test_alerts_are_marked_with_what_was_done():
    record = AlertRecord(1, 1, "bp", AlertKind.BP_ABOVE_STOP_LINE, Priority.HIGH,
                         "BP 186/112 above the stop line", minutes(20),
                         acknowledged_at=minutes(21), acknowledged_by="ana",
                         action="Infusion paused")
    due = AlertRecord(2, 1, "due", AlertKind.CHECK_DUE, Priority.LOW, "BP check due",
                      minutes(10))
    mark, reminder = alert_marks([record, due])[::-1]
    assert mark.kind is MarkKind.ALERT and mark.at == minutes(20)
    assert mark.text == ("Alert (act now): BP 186/112 above the stop line; acknowledged by ana: "
                         "Infusion paused")
    assert reminder.kind is MarkKind.REMINDER and reminder.text == "Alert (reminder): BP check due"


def test_a_readings_words_say_everything_about_it():
    chart = (ChartBuilder().phase(Phase.INFUSING)
             .reading(20.5, 186, 112, heart_rate=88, spo2=97, respiratory_rate=16).build())
    (flagged,) = chart.flagged_vitals
    zone = timezone(timedelta(hours=1))
    words = reading_words(flagged, minutes(10), dosed=True, zone=zone)
    assert words.splitlines() == [
        "09:20:30 · 10 min after dose start",
        "BP 186/112 (MAP 137)  HR 88/min  SpO2 97 %  RR 16/min",
        ("⚠ BP 186/112 above the stop line: systolic 186 above 180, diastolic 112 above 110; "
         "hold the infusion and call the physician"),
        "entered by ana at 09:20",
    ]
    before = reading_words(flagged, minutes(30), dosed=True, zone=UTC).splitlines()[0]
    assert before == "08:20:30 · 10 min before the dose"
    assert reading_words(flagged, T0, dosed=False, zone=UTC).startswith(
        "08:20:30 · 20 min after arrival")


def test_a_corrected_reading_says_so():
    chart = ChartBuilder().reading(5, 130, 80).build()
    entry = chart.vitals[0]
    corrected = replace(entry, amendments=(Amendment(1, "vitals", entry.id, "systolic", "130",
                                                     "128", "misread", minutes(6), "ana"),))
    flagged = replace(chart.flagged_vitals[0], entry=corrected)
    assert reading_words(flagged, T0, False, UTC).endswith(
        "entered by ana at 08:05 · corrected")
    assert "BP 128/80" in reading_words(flagged, T0, False, UTC)


def test_mean_arterial_pressure():
    assert mean_arterial_pressure(120, 80) == 93
    assert mean_arterial_pressure(186, 112) == 137


def test_a_late_readings_words_date_its_entry_and_say_why_late():
    chart = ChartBuilder().phase(Phase.INFUSING).reading(20, 130, 80).build()
    (flagged,) = chart.flagged_vitals
    late = replace(flagged.entry, entered_at=flagged.entry.entered_at + timedelta(days=3),
                   late_reason="on paper")
    words = reading_words(replace(flagged, entry=late), T0, dosed=False, zone=UTC)
    assert words.splitlines()[-2:] == ["entered by ana at 08:20 on Thu 26 Nov 2026",
                                       "late entry: on paper"]


def medicine_given(at: float, label: str, dose: float, unit: str, route: str,
                   struck: bool = False) -> MedicationGiven:
    amendments = (Amendment(1, "medications", 1, "status", None, ENTERED_IN_ERROR, "wrong",
                            minutes(at), "ana"),) if struck else ()
    return MedicationGiven(1, 1, label.lower(), label, "other", dose, unit, route, minutes(at),
                           "Dr Ada Obi", "Ana Ruiz", minutes(at), "ana", amendments=amendments)


def test_medicines_given_are_marked_with_their_label_dose_and_who_struck_ones_left_out():
    chart = replace(ChartBuilder().phase(Phase.INFUSING).build(), events=(
        event(10, Action.START_INFUSION.value),), medications=(
        medicine_given(12, "Ondansetron", 4, "mg", "IV"),
        medicine_given(14, "Labetalol", 10, "mg", "IV", struck=True),
        medicine_given(30, "Oxygen", 2, "L/min", "inhaled")))
    assert [(m.at, m.kind, m.text) for m in chart_marks(chart)] == [
        (minutes(10), MarkKind.PHASE, "Start infusion"),
        (minutes(12), MarkKind.MEDICATION,
         "Given: Ondansetron 4 mg IV; ordered by Dr Ada Obi, given by Ana Ruiz"),
        (minutes(30), MarkKind.MEDICATION,
         "Given: Oxygen 2 L/min inhaled; ordered by Dr Ada Obi, given by Ana Ruiz"),
    ]
