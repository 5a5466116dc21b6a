"""The REMS form's answers checked against the chart: one test per contradiction the chart
can show, each listed with the question, the answer and what the chart holds; an answer the
chart agrees with, or cannot disprove, is no contradiction."""

from __future__ import annotations

from datetime import UTC

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import ChecklistEntry
from ketamonitor.core.rems import rems_form
from ketamonitor.core.rems_checks import Contradiction, rems_contradictions
from ketamonitor.core.timeline import PhaseChange
from tests.core.builders import ChartBuilder, minutes

#: Every answer the chart below agrees with.
AGREED = {"sedation_occurred": "no", "dissociation_occurred": "no",
          "respiratory_depression_occurred": "no", "vitals_acceptable_before_dosing": "yes",
          "vitals_acceptable_before_end": "yes", "pulse_oximetry_monitored": "yes",
          "serious_adverse_event": "no"}


def esketamine() -> ChartBuilder:
    """Dosed at 10 min, dosing ended at 15, observation complete at 135; a calm chart:
    BP 124/80 before dosing and 128/82 at the end, SpO2 97-98 %, RR 14, MOAA/S 5."""
    builder = ChartBuilder("intranasal-esketamine").phase(Phase.OBSERVATION, dose_at=10,
                                                          end_at=15)
    builder.changes.append(PhaseChange(Action.COMPLETE_OBSERVATION,
                                       Phase.READY_FOR_DISCHARGE, minutes(135), "done"))
    builder.reading(5, 124, 80, spo2=98, respiratory_rate=14)
    builder.reading(50, 140, 88, spo2=97, respiratory_rate=14)
    builder.reading(130, 128, 82, spo2=98, respiratory_rate=14)
    builder.score(130, "moaas", {"moaas": 5})
    return builder


def dissociation(builder: ChartBuilder, at: float, value: str) -> None:
    builder.entries.append(ChecklistEntry(len(builder.entries) + 900, 1, "dissociation",
                                          "unreal", "Things look unreal, distorted or dreamlike",
                                          value, minutes(at), minutes(at), "ana"))


def found(builder: ChartBuilder, answers: dict[str, str] | None = None,
          alerts: tuple[AlertRecord, ...] = ()) -> tuple[Contradiction, ...]:
    library = builder.library
    return rems_contradictions(builder.build(), {**AGREED, **(answers or {})},
                               library.checklist("rems"), UTC, scales=library.scales,
                               alerts=alerts)


def test_answers_the_chart_agrees_with_are_no_contradiction():
    builder = esketamine()
    dissociation(builder, 50, "absent")
    assert found(builder) == ()


def test_sedation_no_beside_a_moaas_in_the_sedated_band():
    builder = esketamine()
    builder.score(45, "moaas", {"moaas": 2})
    assert found(builder) == (Contradiction(
        "sedation_occurred", "Sedation occurred: answered “no”, but Sedation (MOAA/S) 2 "
                             "(sedated) was charted at 08:45"),)
    # 4 (lethargic) is not in the sedated band: the scale's band says so, not a number
    lethargic = esketamine()
    lethargic.score(45, "moaas", {"moaas": 4})
    assert found(lethargic) == ()
    assert found(builder, {"sedation_occurred": "yes"}) == ()


def test_dissociation_no_beside_an_assessment_with_an_item_present():
    builder = esketamine()
    dissociation(builder, 50, "present")
    [contradiction] = found(builder)
    assert contradiction.field == "dissociation_occurred"
    assert contradiction.words == (
        "Dissociation occurred: answered “no”, but dissociation was charted present at 08:50 "
        "(Things look unreal, distorted or dreamlike)")


def test_respiratory_depression_no_beside_a_low_spo2_or_a_slow_breathing_rate():
    low_spo2 = esketamine().reading(60, spo2=89, respiratory_rate=14)
    [contradiction] = found(low_spo2)
    assert contradiction.field == "respiratory_depression_occurred"
    assert "SpO2 89 % was charted at 09:00, under the protocol's line of 92 %" in (
        contradiction.words)
    slow = esketamine().reading(60, spo2=96, respiratory_rate=8)
    [contradiction] = found(slow)
    assert ("a respiratory rate of 8 /min was charted at 09:00, under the protocol's line of "
            "10 /min") in contradiction.words


def test_vitals_acceptable_before_the_end_yes_beside_a_last_bp_over_the_stop_line():
    builder = esketamine().reading(132, 184, 114, spo2=98)
    [contradiction] = found(builder)
    assert contradiction == Contradiction(
        "vitals_acceptable_before_end",
        "Vital signs in an acceptable range before the end of monitoring: answered “yes”, but "
        "the last BP before the end of monitoring was 184/114 at 10:12, over the stop line "
        "(180/110)")


def test_vitals_acceptable_before_dosing_yes_beside_a_bp_over_the_pre_dose_line():
    builder = esketamine().reading(8, 150, 102, spo2=98)
    [contradiction] = found(builder)
    assert contradiction.field == "vitals_acceptable_before_dosing"
    assert "the BP before dosing was 150/102 at 08:08, over the protocol's pre-dose line" in (
        contradiction.words)


def test_pulse_oximetry_no_beside_charted_spo2():
    [contradiction] = found(esketamine(), {"pulse_oximetry_monitored": "no"})
    assert contradiction == Contradiction(
        "pulse_oximetry_monitored",
        "Pulse oximetry was monitored: answered “no”, but 3 SpO2 readings were charted")


def test_no_serious_adverse_event_beside_a_critical_reading_or_an_escalated_alert():
    critical = esketamine().reading(60, spo2=82, respiratory_rate=14)
    contradictions = found(critical, {"respiratory_depression_occurred": "yes"})
    assert [c.field for c in contradictions] == ["serious_adverse_event"]
    assert "a critical reading was charted (SpO2 82 %" in contradictions[0].words
    escalated = AlertRecord(7, 1, "bp_high", "bp_high", Priority.HIGH,
                            "BP 186/112 above the stop line", minutes(50),
                            escalation=Escalation(done=("Infusion paused",)))
    [contradiction] = found(esketamine(), alerts=(escalated,))
    assert contradiction.words == (
        "A serious adverse event occurred: answered “no”, but an alert was escalated at 08:50 "
        "(BP 186/112 above the stop line)")
    quiet = AlertRecord(8, 1, "vitals_due", "vitals_due", Priority.LOW, "Vitals due",
                        minutes(50))
    assert found(esketamine(), alerts=(quiet,)) == ()


def test_the_form_carries_its_contradictions_and_lists_them_among_its_gaps():
    builder = esketamine()
    builder.score(45, "moaas", {"moaas": 1})
    chart = builder.build()
    library = builder.library
    form = rems_form(chart, library.checklist("rems"), "Harbour", UTC, scales=library.scales)
    assert [c.field for c in form.contradictions] == []  # nothing answered: nothing to check
    assert form.answers["pulse_oximetry_monitored"] == "yes"  # SpO2 charted: the record says
    assert "REMS monitoring form: Pulse oximetry was monitored" not in " ".join(form.missing)
    assert form.spo2_readings == 3
    assert all(gap.startswith("Missing: ") for gap in form.gaps)
    builder.entries.append(ChecklistEntry(990, 1, "rems", "sedation_occurred",
                                          "Sedation occurred", "no", minutes(140),
                                          minutes(140), "ana"))
    form = rems_form(builder.build(), library.checklist("rems"), "Harbour", UTC,
                     scales=library.scales)
    assert [c.field for c in form.contradictions] == ["sedation_occurred"]
    assert form.gaps[-1] == ("Contradiction: Sedation occurred: answered “no”, but Sedation "
                             "(MOAA/S) 1 (sedated) was charted at 08:45")
