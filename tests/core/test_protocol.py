import re

import pytest

from ketamonitor.core.library import resource_text, shipped_library
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import ObservationStart, ProtocolError, Route, parse_protocol


def test_iv_defaults_come_from_the_protocol_file(library):
    iv = library.protocol("iv-racemic-ketamine")
    assert iv.route is Route.IV
    assert iv.dosing.default_mg_per_kg == 0.5
    assert iv.dosing.infusion_minutes == 40
    assert iv.vitals_every_minutes[Phase.INFUSING] == 10
    assert iv.vitals_every_minutes[Phase.OBSERVATION] == 15
    assert (iv.thresholds.stop_systolic_above, iv.thresholds.stop_diastolic_above) == (180, 110)
    assert iv.observation_starts_at is ObservationStart.INFUSION_END


def test_esketamine_observes_two_hours_from_the_first_device(library):
    nasal = library.protocol("intranasal-esketamine")
    assert nasal.observation_minutes == 120
    assert nasal.observation_starts_at is ObservationStart.DOSE_START
    assert nasal.dosing.allowed_devices == (2, 3)
    assert nasal.dosing.mg_per_device == 28


def test_every_shipped_checklist_and_scale_named_by_a_protocol_exists():
    library = shipped_library()
    for protocol in library.protocols.values():
        assert protocol.checklists.pre_session in library.checklists
        assert all(scale in library.scales for scale in protocol.checklists.scales)


def _iv_text() -> str:
    return resource_text("protocols", "iv-racemic-ketamine.toml")


@pytest.mark.parametrize(("old", "new", "named"), [
    ("infusion_minutes = 40", "infusion_minutes = 0", "dose.infusion_minutes"),
    ("default_mg_per_kg = 0.5", "default_mg_per_kg = 2.0", "default_mg_per_kg"),
    ('route = "iv"', 'route = "oral"', "route"),
    ("spo2_below = 92", "", "thresholds.spo2_below"),
    ("spo2_below = 92", 'spo2_below = "low"', "thresholds.spo2_below"),
])
def test_a_broken_protocol_names_the_key_that_is_wrong(old, new, named):
    text = _iv_text()
    assert old in text
    with pytest.raises(ProtocolError, match=named.replace(".", r"\.")):
        parse_protocol(text.replace(old, new))


def test_a_protocol_that_is_not_toml_is_refused():
    with pytest.raises(ProtocolError, match="not valid TOML"):
        parse_protocol("id = ")


def _text(name: str) -> str:
    return resource_text("protocols", f"{name}.toml")


IV, NASAL, IM = "iv-racemic-ketamine", "intranasal-esketamine", "im-racemic-ketamine"

#: (file, text replaced, replacement, key named, problem stated)
IMPOSSIBLE = [
    (IV, "infusion_minutes = 40", "infusion_minutes = -5", "dose.infusion_minutes",
     "must be above 0"),
    (IV, "infusion_minutes = 40", "infusion_minutes = inf", "dose.infusion_minutes",
     "must be a finite number"),
    (IM, "infusion_minutes = 0", "infusion_minutes = -1", "dose.infusion_minutes",
     "must not be negative"),
    (IV, "end_tolerance_minutes = 1", "end_tolerance_minutes = -1",
     "dose.end_tolerance_minutes", "must not be negative"),
    (IV, "minimum_minutes = 60", "minimum_minutes = -60", "observation.minimum_minutes",
     "must be above 0"),
    (IV, "infusing = 10", "infusing = -10", "vitals_every_minutes.infusing",
     "must not be negative"),
    (IV, "infusing = 10", "infusing = 0", "vitals_every_minutes.infusing",
     "must be above 0 (or give vitals_checks.after_dose_minutes)"),
    (NASAL, "after_dose_minutes = [40]", "after_dose_minutes = [-40]",
     "vitals_checks.after_dose_minutes", "must be minutes above 0 and within a day"),
    (NASAL, "until_resolved = [", "until_resolved = [\"fatigue\", ",
     "observation.until_resolved", "must list only sedation, dissociation"),
    (IV, "overdue_grace_minutes = 5", "overdue_grace_minutes = -5",
     "vitals_every_minutes.overdue_grace_minutes", "must not be negative"),
    (NASAL, "minutes_between_devices = 5", "minutes_between_devices = -5",
     "dose.minutes_between_devices", "must be above 0"),
    (IV, "heart_rate_below = 50", "heart_rate_below = 130", "thresholds.heart_rate_below",
     "must be below thresholds.heart_rate_above (120)"),
    (IV, "heart_rate_below = 50", "heart_rate_below = 120", "thresholds.heart_rate_below",
     "must be below thresholds.heart_rate_above (120)"),
    (IV, "respiratory_rate_below = 10", "respiratory_rate_below = 25",
     "thresholds.respiratory_rate_below", "must be below thresholds.respiratory_rate_above"),
    (IV, "predose_systolic_above = 140", "predose_systolic_above = 190",
     "thresholds.predose_systolic_above", "must be below thresholds.stop_systolic_above (180)"),
    (IV, "predose_diastolic_above = 90", "predose_diastolic_above = 110",
     "thresholds.predose_diastolic_above", "must be below thresholds.stop_diastolic_above"),
    (IV, "spo2_below = 92", "spo2_below = 101", "thresholds.spo2_below", "must be 50–100 %"),
    (IV, "spo2_below = 92", "spo2_below = 92.5", "thresholds.spo2_below",
     "must be a whole number"),
    (IV, "stop_systolic_above = 180", "stop_systolic_above = 1800",
     "thresholds.stop_systolic_above", "must be 40–300 mmHg"),
    (IV, "heart_rate_above = 120", "heart_rate_above = -120", "thresholds.heart_rate_above",
     "must be 20–250 /min"),
    (IV, "moaas_at_or_below = 2", "moaas_at_or_below = 6", "thresholds.moaas_at_or_below",
     "must be 0–5"),
    (IV, "moaas_at_or_below = 2", "moaas_at_or_below = -1", "thresholds.moaas_at_or_below",
     "must be 0–5"),
    (IV, "aldrete_at_least = 9", "aldrete_at_least = 11", "discharge.aldrete_at_least",
     "must be 0–10"),
    (IV, "bp_within_percent_of_baseline = 20", "bp_within_percent_of_baseline = 0",
     "discharge.bp_within_percent_of_baseline", "must be above 0"),
    (IV, "bp_within_percent_of_baseline = 20", "bp_within_percent_of_baseline = 120",
     "discharge.bp_within_percent_of_baseline", "must be 1–100 %"),
    (IV, "default_mg_per_kg = 0.5", "default_mg_per_kg = 1.5", "dose.default_mg_per_kg",
     "is above dose.max_mg_per_kg (1)"),
    (IV, "default_concentration_mg_per_ml = 1.0", "default_concentration_mg_per_ml = 500",
     "dose.default_concentration_mg_per_ml", "must be 0.01–100 mg/mL"),
    (NASAL, "default_devices = 2", "default_devices = 4", "dose.default_devices",
     "must be one of dose.allowed_devices"),
    (NASAL, "allowed_devices = [2, 3]", "allowed_devices = [0, 3]", "dose.allowed_devices",
     "must be a list of whole numbers of 1 or more"),
    (NASAL, 'route = "intranasal"', 'route = "iv"', "dose.unit",
     "devices is only for route intranasal"),
    (IV, "version = 1", "version = 0", "version", "must be 1 or more"),
    (IV, 'id = "iv-racemic-ketamine"', 'id = "IV ketamine"', "id",
     "must be 1-64 lowercase letters"),
    (IV, 'name = "IV racemic ketamine, 0.5 mg/kg over 40 min"', 'name = " "', "name",
     "must not be empty"),
    (IV, 'scales = ["moaas", "phq9", "modified_aldrete"]', 'scales = ["moaas", "phq9"]',
     "checklists.scales", "must include modified_aldrete"),
    (IV, "spo2_below = 92", "spo2_below = 92\nspo2_belwo = 90", "thresholds.spo2_belwo",
     "is not a known key"),
]


@pytest.mark.parametrize(("name", "old", "new", "key", "problem"), IMPOSSIBLE,
                         ids=[f"{case[3]}: {case[2]}" for case in IMPOSSIBLE])
def test_impossible_numbers_are_refused_naming_the_key_and_the_problem(name, old, new, key,
                                                                       problem):
    text = _text(name)
    assert old in text
    with pytest.raises(ProtocolError) as refused:
        parse_protocol(text.replace(old, new, 1))
    assert refused.value.key == key
    assert problem in refused.value.problem
    assert str(refused.value).startswith(f"{key} ")


def test_a_file_that_is_not_toml_names_no_key():
    with pytest.raises(ProtocolError) as refused:
        parse_protocol("id = ")
    assert refused.value.key is None


def test_an_im_injection_has_no_infusion_time_but_an_iv_infusion_must(library):
    im = library.protocol(IM)
    assert im.route is Route.IM
    assert im.dosing.infusion_minutes == 0
    assert im.observation_starts_at is ObservationStart.DOSE_START
    with pytest.raises(ProtocolError, match=r"dose\.infusion_minutes must be above 0"):
        parse_protocol(_text(IV).replace("infusion_minutes = 40", "infusion_minutes = 0"))


def test_a_protocol_as_recorded_with_a_session_is_read_even_if_a_later_rule_refuses_it():
    """A session's protocol was checked when it began; a rule added since must not make its
    chart unreadable."""
    text = _text(IV).replace("predose_systolic_above = 140", "predose_systolic_above = 190")
    with pytest.raises(ProtocolError):
        parse_protocol(text)
    assert parse_protocol(text, as_recorded=True).thresholds.predose_systolic_above == 190


def test_every_number_of_the_im_protocol_says_it_is_unconfirmed():
    """CLINICAL.md has no IM figures: each number's comment (above it) is tagged [U]."""
    tagged = False
    untagged = []
    for line in _text(IM).splitlines():
        if line.startswith("#") and "[U]" in line:
            tagged = True
        elif line.startswith("["):
            tagged = False  # a table's numbers share the comment at its top
            continue
        elif (re.fullmatch(r"\w+ = -?[\d.]+.*", line) and not line.startswith("version")
              and not tagged):
            untagged.append(line)
    assert untagged == []
