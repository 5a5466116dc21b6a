"""The refusals the rules give carry their words: a reason per field for the form, and a
phase change's summary with what is missing, each also as the exception's text."""

from __future__ import annotations

from ketamonitor.core.errors import ChartSigned, PhaseChangeRefused, RuleError, ValidationError


def test_a_validation_error_keeps_a_reason_per_field_and_says_them_all():
    reasons = {"hr": "between 20 and 250", "spo2": "a whole number"}
    refused = ValidationError(reasons)
    reasons["hr"] = "changed after"
    assert refused.reasons == {"hr": "between 20 and 250", "spo2": "a whole number"}
    assert str(refused) == "hr: between 20 and 250; spo2: a whole number"


def test_a_refused_phase_change_says_what_is_missing_after_its_summary():
    refused = PhaseChangeRefused("Cannot discharge yet", ("Aldrete 9 or more", "a BP"))
    assert refused.missing == ("Aldrete 9 or more", "a BP")
    assert str(refused) == "Cannot discharge yet: Aldrete 9 or more; a BP"
    assert str(PhaseChangeRefused("Cannot start")) == "Cannot start"


def test_every_refusal_is_a_rule_error_never_a_bug():
    for refusal in (ValidationError({}), PhaseChangeRefused("x"), ChartSigned("signed")):
        assert isinstance(refusal, RuleError)
