"""One failing rule never stops the others: each rule, each scale and each side-effect
entry is judged on its own, and a clinic's own scale raises alerts of its own kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest

from ketamonitor.core import alerts
from ketamonitor.core.alerts import AlertKind, Priority, alert_conditions, reconcile
from ketamonitor.core.phases import Phase
from tests.core.alert_room import SCALES, clinic_builder, clinic_scales
from tests.core.builders import ChartBuilder, minutes


def boom(judging):
    raise ZeroDivisionError("a bug in one rule")


def conditions_of(builder: ChartBuilder, scales=SCALES, at: float = 20):
    return alert_conditions(builder.build(), minutes(at), scales, UTC)


def test_every_rule_has_a_name_and_plain_words():
    names = [rule.name for rule in alerts.RULES]
    assert len(names) == len(set(names))
    assert {"checks", "dosing", "bp_above_stop_line", "spo2_low", "deep_sedation",
            "scales", "side_effects"} <= set(names)
    assert all(rule.label.startswith("the ") for rule in alerts.RULES)


@pytest.mark.parametrize("failing", [rule.name for rule in alerts.RULES])
def test_a_rule_that_raises_is_reported_and_the_others_go_on(monkeypatch, failing):
    rules = tuple(replace(rule, judge=boom) if rule.name == failing else rule
                  for rule in alerts.RULES)
    monkeypatch.setattr(alerts, "RULES", rules)
    builder = (ChartBuilder().phase(Phase.INFUSING).reading(20, 186, 104, spo2=89)
               .score(20, "moaas", {"moaas": 2}).side_effect(20, "Nausea", "severe"))
    found = {c.kind: c for c in conditions_of(builder) if not c.kind.startswith("check")}
    owned = {"bp_above_stop_line": "bp_above_stop_line", "spo2_low": "spo2_low",
             "deep_sedation": "deep_sedation", "side_effects": "severe_side_effect"}
    assert set(found) - {AlertKind.RULE_FAILED} == set(owned.values()) - {owned.get(failing)}
    failed = found[AlertKind.RULE_FAILED]
    label = next(rule.label for rule in rules if rule.name == failing)
    assert failed.key == f"rule_failed:{failing}"
    assert failed.priority is Priority.HIGH
    assert failed.message == (f"Could not judge {label} for chair 1: tell the administrator; "
                              "watch this patient by the protocol")
    assert "ZeroDivisionError: a bug in one rule" in (failed.detail or "")


def test_a_failing_rule_is_one_alert_however_many_ticks():
    monkeypatch = pytest.MonkeyPatch()
    try:
        monkeypatch.setattr(alerts, "RULES", (*alerts.RULES, alerts.Rule("bad", "the bad", boom)))
        builder = ChartBuilder().phase(Phase.INFUSING)
        first = conditions_of(builder, at=20)
        changes = reconcile([], first)
        assert [c.key for c in changes.to_raise if c.kind == AlertKind.RULE_FAILED] == [
            "rule_failed:bad"]
        again = [c.key for c in conditions_of(builder, at=21)]
        assert again.count("rule_failed:bad") == 1
    finally:
        monkeypatch.undo()


def test_a_clinic_scale_raises_its_own_kind_and_a_broken_one_stops_no_other():
    items = {f"q{n}": 0 for n in range(1, 10)}
    builder = (clinic_builder().score(20, "phq9-clinic", items | {"q9": 1})
               .score(20, "broken", items | {"q1": 2}).score(20, "moaas", {"moaas": 1})
               .reading(20, 196, 118))
    found = {c.kind: c for c in conditions_of(builder, clinic_scales())}
    assert set(found) == {"phq9-clinic_q9", "rule_failed", "sedation_critical",
                          "bp_above_stop_line"}
    assert found["phq9-clinic_q9"].key.startswith("phq9-clinic_q9:score:")
    assert found["rule_failed"].key == "rule_failed:scale:broken"


def test_one_bad_side_effect_entry_stops_no_other(monkeypatch):
    calls = []

    def flags(label, severity):
        calls.append(label)
        if label == "Odd":
            raise ValueError("bad entry")
        return original(label, severity)

    original = alerts.side_effect_flags
    monkeypatch.setattr(alerts, "side_effect_flags", flags)
    builder = (ChartBuilder().phase(Phase.INFUSING).side_effect(20, "Odd", "severe")
               .side_effect(21, "Nausea", "severe"))
    found = [c.kind for c in conditions_of(builder) if not c.kind.startswith("check")]
    assert sorted(found) == ["rule_failed", "severe_side_effect"]
    assert calls == ["Odd", "Nausea"]
