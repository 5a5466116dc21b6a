"""The protocol schema: numbers that cannot be meant are refused at load, naming the key and
the bounds; an old chart's protocol, read as recorded, never overflows a clock."""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta

import pytest

from ketamonitor.core.library import load_library, resource_text
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import (
    PROTOCOL_ORDER,
    PROTOCOL_SCHEMA,
    RECORDED_CEILING,
    ProtocolError,
    parse_protocol,
)
from ketamonitor.core.protocol_text import render_protocol

IV, NASAL, IM = "iv-racemic-ketamine", "intranasal-esketamine", "im-racemic-ketamine"


def _data(name: str) -> dict:
    return tomllib.loads(resource_text("protocols", f"{name}.toml"))


def _with(name: str, **numbers: object) -> str:
    """A shipped protocol's text with dotted keys set (`dose__mg_per_device=...`)."""
    data = _data(name)
    for dotted, value in numbers.items():
        table, key = dotted.split("__")
        data[table][key] = value
    return render_protocol(data)


def _refusal(text: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as refused:
        parse_protocol(text)
    return refused.value


#: (protocol, key, just inside low, just outside low, just inside high, just outside high)
#: At each bound, the bound itself is accepted. None: no such side to test (a reader's
#: own refusal, "must be above 0", stands there).
BOUNDS = [
    (IV, "dose.default_mg_per_kg", 0.1, None, 1.0, None),
    (IV, "dose.min_mg_per_kg", 0.01, 0.005, 0.5, None),
    (IV, "dose.max_total_mg", 10, 9, 1000, 1001),
    (IV, "dose.min_concentration_mg_per_ml", 0.01, 0.005, 1.0, None),
    (IV, "dose.max_concentration_mg_per_ml", 1.0, None, 100, 101),
    (NASAL, "dose.first_treatment_max_devices", 1, 0, 10, 11),
    (IV, "dose.max_mg_per_kg", 0.5, None, 5, 5.01),
    (IV, "dose.infusion_minutes", 1, 0.5, 240, 241),
    (IV, "dose.end_tolerance_minutes", 0, None, 30, 31),
    (NASAL, "dose.mg_per_device", 1, 0.5, 200, 201),
    (NASAL, "dose.minutes_between_devices", 1, 0.5, 30, 31),
    (IV, "observation.minimum_minutes", 60, 59, 1440, 1441),
    (IV, "vitals_every_minutes.infusing", 1, None, 240, 241),
    (IV, "vitals_every_minutes.observation", 1, None, 240, 241),
    (IV, "vitals_every_minutes.overdue_grace_minutes", 0, None, 60, 61),
    (IV, "vitals_checks.before_discharge_minutes", 1, 0.5, 120, None),
    (IV, "critical.spo2_below", 50, 49, 92, None),
    (IV, "critical.systolic_at_or_above", 181, None, 300, 301),
    (IV, "critical.diastolic_at_or_above", 111, None, 200, 201),
    (IV, "critical.respiratory_rate_at_or_below", 0, -1, 9, None),
    (IV, "critical.heart_rate_above", 120, None, 250, 251),
    (IV, "critical.heart_rate_below", 20, 19, 50, None),
    (IV, "critical.moaas_at_or_below", 0, -1, 1, None),
    (IV, "worsening.bp_mmhg", 1, 0, 50, 51),
    (IV, "worsening.spo2_points", 1, 0, 20, 21),
    (IV, "worsening.heart_rate_per_min", 1, 0, 60, 61),
    (IV, "worsening.respiratory_rate_per_min", 1, 0, 20, 21),
    (IV, "worsening.moaas_points", 1, 0, 5, 6),
    (IV, "low_bp.systolic_below", 70, 49, 139, None),
    (IV, "low_bp.map_below", 40, 39, 89, None),
    (IV, "low_bp.fall_from_baseline_percent", 5, 4, 60, 61),
    (IV, "recheck.after_out_of_line_minutes", 1, 0.5, 60, 61),
    (IV, "recheck.after_antihypertensive_minutes", 1, 0.5, 60, 61),
    (IV, "recheck.pause_reminder_minutes", 1, 0.5, 240, 241),
    (IV, "etco2.above", 31, None, 100, 101),
    (IV, "etco2.below", 10, 9, 49, None),
]


def _set(name: str, key: str, value: object) -> str:
    return _with(name, **{key.replace(".", "__"): value})


@pytest.mark.parametrize(("name", "key", "low", "under", "high", "over"), BOUNDS,
                         ids=[case[1] for case in BOUNDS])
def test_each_number_is_accepted_at_its_bounds_and_refused_just_outside(name, key, low, under,
                                                                        high, over):
    for inside in (low, high):
        assert parse_protocol(_set(name, key, inside)).id == name
    for outside in (under, over):
        if outside is None:
            continue
        refused = _refusal(_set(name, key, outside))
        assert refused.key == key, (outside, str(refused))
        assert refused.problem.startswith("must be"), refused.problem


def test_an_interval_that_cannot_be_meant_is_refused_with_its_key_and_bounds():
    """The issue: `infusing = 1e12` overflowed the timers; the window could not open."""
    refused = _refusal(_set(IV, "vitals_every_minutes.infusing", 1e12))
    assert str(refused) == "vitals_every_minutes.infusing must be 0–240 min"


def test_a_fixed_check_after_the_dose_must_be_within_a_day():
    refused = _refusal(_set(NASAL, "vitals_checks.after_dose_minutes", [40, 1441]))
    assert refused.key == "vitals_checks.after_dose_minutes"
    assert parse_protocol(_set(NASAL, "vitals_checks.after_dose_minutes", [1, 1440]))


def test_a_device_count_that_cannot_be_meant_is_refused():
    refused = _refusal(_set(NASAL, "dose.allowed_devices", [2, 3, 11]))
    assert str(refused) == "dose.allowed_devices must be 1–10 devices"


def test_an_im_injection_keeps_its_dosing_time_of_0():
    assert parse_protocol(_set(IM, "dose.infusion_minutes", 0)).dosing.infusion_minutes == 0
    assert _refusal(_set(IM, "dose.infusion_minutes", 241)).key == "dose.infusion_minutes"


#: (key, value refused, the other key it is measured against, its words)
ORDER = [
    ("critical.spo2_below", 93, "at most thresholds.spo2_below (92)"),
    ("critical.systolic_at_or_above", 180, "above thresholds.stop_systolic_above (180)"),
    ("critical.diastolic_at_or_above", 110, "above thresholds.stop_diastolic_above (110)"),
    ("critical.respiratory_rate_at_or_below", 10,
     "below thresholds.respiratory_rate_below (10)"),
    ("critical.heart_rate_above", 119, "at least thresholds.heart_rate_above (120)"),
    ("critical.heart_rate_below", 51, "at most thresholds.heart_rate_below (50)"),
    ("critical.moaas_at_or_below", 2, "below thresholds.moaas_at_or_below (2)"),
    ("low_bp.systolic_below", 140, "below thresholds.predose_systolic_above (140)"),
    ("low_bp.map_below", 90, "below low_bp.systolic_below (90)"),
    ("etco2.below", 50, "below etco2.above (50)"),
    ("dose.min_mg_per_kg", 0.6, "at most dose.default_mg_per_kg (0.5)"),
    ("dose.min_concentration_mg_per_ml", 2, "at most dose.default_concentration_mg_per_ml (1)"),
    ("dose.max_concentration_mg_per_ml", 0.5,
     "at least dose.default_concentration_mg_per_ml (1)"),
]


@pytest.mark.parametrize(("key", "value", "words"), ORDER, ids=[case[0] for case in ORDER])
def test_lines_out_of_order_with_the_protocols_other_lines_are_refused(key, value, words):
    refused = _refusal(_set(IV, key, value))
    assert refused.key == key
    assert refused.problem == f"must be {words}"


def test_the_shipped_protocols_hold_every_bound_and_order():
    for name in (IV, NASAL, IM):
        parse_protocol(resource_text("protocols", f"{name}.toml"))
    assert {key for key, _, _ in PROTOCOL_ORDER} <= set(PROTOCOL_SCHEMA)


def test_every_number_a_protocol_file_holds_has_bounds_in_the_schema():
    """The schema is the one table: a number a file may hold without bounds could be
    anything."""
    numbers = set()
    for name in (IV, NASAL, IM):
        for table, values in _data(name).items():
            if isinstance(values, dict):
                numbers |= {f"{table}.{key}" for key, value in values.items()
                            if isinstance(value, (int, float, list))
                            and not (isinstance(value, list) and value
                                     and isinstance(value[0], str))}
    numbers.discard("observation.until_resolved")
    assert numbers - set(PROTOCOL_SCHEMA) == set()


def test_an_old_charts_protocol_with_a_huge_number_is_read_and_cannot_overflow():
    """Read as recorded (not re-checked), a number no clock can add is read as the
    ceiling, and an interval longer than a day means none due."""
    text = _set(IV, "vitals_every_minutes.infusing", 1e12)
    text = re.sub(r"minimum_minutes = \d+", "minimum_minutes = 9000000000000000000", text)
    recorded = parse_protocol(text, as_recorded=True)
    assert recorded.vitals_interval(Phase.INFUSING) is None
    assert recorded.vitals_interval(Phase.OBSERVATION) == timedelta(minutes=15)
    assert recorded.observation_time <= timedelta(days=31)


def test_a_clinic_copy_is_written_with_its_tables_in_the_shipped_files_order():
    """The new tables sit beside the thresholds they sharpen, as in the shipped files."""
    text = render_protocol(_data(IV))
    tables = re.findall(r"^\[(\w+)\]$", text, re.MULTILINE)
    shipped = re.findall(r"^\[(\w+)\]$", resource_text("protocols", f"{IV}.toml"),
                         re.MULTILINE)
    assert tables == shipped
    assert parse_protocol(text).recheck == parse_protocol(
        resource_text("protocols", f"{IV}.toml")).recheck


def test_a_clinic_file_with_an_interval_that_cannot_be_meant_is_refused_alone(tmp_path):
    """The issue's file: refused with the file, the key and the bounds; the others load."""
    text = _set(IV, "vitals_every_minutes.infusing", 1e12).replace(
        f'id = "{IV}"', 'id = "clinic-iv-huge"')
    (tmp_path / "huge.toml").write_text(text, encoding="utf-8")
    library = load_library([tmp_path])
    assert "clinic-iv-huge" not in library.protocols
    assert IV in library.protocols
    assert library.problems == (
        f"{tmp_path / 'huge.toml'}: vitals_every_minutes.infusing must be 0–240 min",)


@pytest.mark.parametrize("written", ["1e12", "1000000000000", "9000000000000000000"])
def test_a_recorded_number_beyond_the_ceiling_is_read_as_the_ceiling_however_written(written):
    """An old chart's protocol is read as recorded, but no number in it above
    RECORDED_CEILING: a whole number (a TOML integer for a float key, a whole float for an
    integer one) once escaped the ceiling that a decimal one met."""
    text = resource_text("protocols", f"{IV}.toml")
    assert "infusing = 10\n" in text and "\nversion = 1\n" in text
    recorded = parse_protocol(text.replace("infusing = 10\n", f"infusing = {written}\n")
                              .replace("\nversion = 1\n", f"\nversion = {written}\n"),
                              as_recorded=True)
    assert recorded.vitals_every_minutes[Phase.INFUSING] == RECORDED_CEILING
    assert recorded.version == RECORDED_CEILING
