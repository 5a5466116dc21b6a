"""The discharge gate judged on the chart (issue 17): each case named in the issue is one
row, judged on an in-memory chart that is otherwise ready to go home."""

from __future__ import annotations

import pytest

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.gates import discharge_gaps
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import ChecklistEntry
from ketamonitor.core.timeline import PhaseChange
from tests.core.builders import ChartBuilder, minutes

ALDRETE_10 = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2,
              "oxygen_saturation": 2}
DISCHARGE_ITEMS = ("escort_present", "alert_oriented", "tolerating_fluids", "minimal_nausea",
                   "instructions_given")
#: Dose 10-50 min, ready for discharge at observation's end, discharged at 120 min.
DOSE_AT, END_AT, AT = 10, 50, 120


class Ready(ChartBuilder):
    """A session past observation with every discharge entry charted, unless a case says
    otherwise."""

    def __init__(self, protocol_id: str = "iv-racemic-ketamine") -> None:
        super().__init__(protocol_id)
        self.phase(Phase.OBSERVATION, dose_at=DOSE_AT, end_at=END_AT)
        ready = END_AT + self.protocol.observation_minutes
        self.changes.append(PhaseChange(Action.COMPLETE_OBSERVATION,
                                        Phase.READY_FOR_DISCHARGE, minutes(ready)))
        self.reading(5, 124, 80, heart_rate=76, spo2=98, respiratory_rate=14)

    def answer(self, at: float, item: str, value: str = "yes") -> Ready:
        self.entries.append(ChecklistEntry(len(self.entries) + 900, 1, "discharge", item, item,
                                           value, minutes(at), minutes(at), "ana"))
        return self

    def usual(self, *, vitals: bool = True, moaas: bool = True, aldrete: bool = True,
              answers: bool = True) -> Ready:
        if vitals:
            self.reading(112, 126, 80, heart_rate=78, spo2=97, respiratory_rate=14)
        if moaas:
            self.score(113, "moaas", {"moaas": 5})
        if aldrete:
            self.score(114, "modified_aldrete", ALDRETE_10)
        if answers:
            for item in DISCHARGE_ITEMS:
                self.answer(115, item)
        return self


def gaps(chart: SessionChart, at: float = AT) -> tuple[str, ...]:
    return discharge_gaps(chart, ChartBuilder().library, minutes(at))


def test_a_chart_ready_to_go_home_has_no_gaps() -> None:
    assert gaps(Ready().usual().build()) == ()


def _last_set(**values: int) -> Ready:
    """A ready chart whose last set (116 min) is `values` over the usual ones."""
    usual = {"heart_rate": 78, "spo2": 97, "respiratory_rate": 14}
    builder = Ready().usual()
    return builder.reading(116, 126, 80, **{**usual, **values})


def _baseline_172_last_200() -> Ready:
    builder = Ready()
    builder.vitals.clear()
    builder.reading(5, 172, 104, heart_rate=76, spo2=98, respiratory_rate=14)
    return builder.usual(vitals=False).reading(116, 200, 122, heart_rate=80, spo2=97,
                                               respiratory_rate=14)


def _moaas_1_with_aldrete_10() -> Ready:
    return Ready().usual().score(116, "moaas", {"moaas": 1})


def _escort_on_arrival() -> Ready:
    builder = Ready().usual(answers=False)
    builder.answer(3, "escort_present")
    for item in DISCHARGE_ITEMS[1:]:
        builder.answer(115, item)
    return builder


def _aldrete_on_arrival() -> Ready:
    return Ready().usual(aldrete=False).score(3, "modified_aldrete", ALDRETE_10)


def _aldrete_spo2_2_beside_86() -> Ready:
    builder = Ready().usual(aldrete=False)
    builder.reading(113, 126, 80, heart_rate=78, spo2=86, respiratory_rate=14)
    return builder.score(114, "modified_aldrete", ALDRETE_10)


def _severe_psychosis_never_resolved() -> Ready:
    return Ready().usual().side_effect(60, "Psychotic symptoms or mania", "severe")


@pytest.mark.parametrize(("case", "build", "expected"), [
    ("baseline 172/104, last BP 200/122", _baseline_172_last_200, "Last BP is outside its line"),
    ("last SpO2 86 %", lambda: _last_set(spo2=86), "Last SpO2 86 % is below 92 %: recheck"),
    ("last RR 8", lambda: _last_set(respiratory_rate=8), "Last respiratory rate is outside"),
    ("last HR 132", lambda: _last_set(heart_rate=132), "Last heart rate is outside its line"),
    ("last MOAA/S 1 with Aldrete 10", _moaas_1_with_aldrete_10,
     "MOAA/S must be 5 after the last lower score (last: 1"),
    ("Aldrete SpO2 item 2 beside a charted 86 %", _aldrete_spo2_2_beside_86,
     "Modified Aldrete oxygen saturation scored 2 but the chart gives 0"),
    ("escort present = yes charted on arrival", _escort_on_arrival,
     "Discharge checklist: Escort / ride home present (answer it after dosing ended)"),
    ("an Aldrete of 10 charted on arrival", _aldrete_on_arrival,
     "Modified Aldrete score after dosing ended"),
    ("severe psychotic symptoms never resolved", _severe_psychosis_never_resolved,
     "Side effect still present: Psychotic symptoms or mania (severe) for 60 min"),
])
def test_each_case_of_the_issue_is_a_gap(case: str, build, expected: str) -> None:
    found = gaps(build().build())
    assert any(expected in gap for gap in found), (case, found)


def test_a_discharge_typed_before_the_entries_that_satisfied_it_lists_them_missing() -> None:
    chart = Ready().usual().build()
    found = gaps(chart, at=111)  # every discharge entry is charted at 112-115
    assert any("Modified Aldrete score after dosing ended" in gap for gap in found)
    assert any("MOAA/S must be 5" in gap for gap in found)
    assert any("Escort / ride home present" in gap for gap in found)


@pytest.mark.parametrize(("severity", "resolved", "is_gap"), [
    ("mild", False, False),
    ("moderate", False, True),
    ("severe", False, True),
    ("severe", True, False),
])
def test_moderate_or_severe_side_effects_must_be_resolved(severity: str, resolved: bool,
                                                          is_gap: bool) -> None:
    builder = Ready().usual().side_effect(60, "Nausea", severity)
    if resolved:
        builder.entries.append(ChecklistEntry(999, 1, "side_effects", "nausea", "Nausea",
                                              "resolved", minutes(90), minutes(90), "ana"))
    found = gaps(builder.build())
    assert any("Side effect still present: Nausea" in gap for gap in found) is is_gap


@pytest.mark.parametrize(("age", "is_gap"), [(14, False), (15, False), (16, True)])
def test_the_last_vitals_must_lie_within_the_protocols_window(age: int, is_gap: bool) -> None:
    builder = Ready().usual(vitals=False).reading(AT - age, 126, 80, heart_rate=78, spo2=97,
                                                  respiratory_rate=14)
    found = gaps(builder.build())
    assert any("more than 15 min old" in gap for gap in found) is is_gap


@pytest.mark.parametrize(("systolic", "is_gap"), [(148, False), (149, True), (100, False),
                                                  (99, True)])
def test_the_last_bp_within_twenty_percent_of_baseline(systolic: int, is_gap: bool) -> None:
    # baseline 124/80: 20 % is 148.8 above and 99.2 below
    builder = Ready().usual(vitals=False).reading(112, systolic, 80, heart_rate=78, spo2=97,
                                                  respiratory_rate=14)
    found = gaps(builder.build())
    assert any("BP back near baseline" in gap for gap in found) is is_gap


def test_vitals_charted_after_the_discharge_time_do_not_count() -> None:
    builder = Ready().usual().reading(125, 126, 80, heart_rate=78, spo2=86,
                                      respiratory_rate=14)
    assert gaps(builder.build()) == ()


def test_the_gate_holds_for_intranasal_and_im_too() -> None:
    for protocol in ("intranasal-esketamine", "im-racemic-ketamine"):
        assert any("Last SpO2 86 %" in gap for gap in gaps(
            Ready(protocol).usual().reading(116, 126, 80, heart_rate=78, spo2=86,
                                            respiratory_rate=14).build())), protocol
