"""Issue 17, the dose: its bounds (min mg/kg, an mg ceiling, concentration, the esketamine
day-1 rule), the precision volumes and rates are shown to, and the dose actually given."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.dose import (
    DEVICES_GIVEN,
    FROM_TIME,
    INJECTION_GIVEN,
    NOT_STARTED,
    PUMP_CONFIRMED,
    Dose,
    PumpVolume,
    check_dose,
    device_dose,
    dose_given,
    dose_mg_per_kg,
    format_amount,
    parse_dose,
    parse_pump_volume,
    takes_pump_volume,
    weight_based_dose,
)
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import Patient, parse_patient
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import Administration, SessionRecord
from ketamonitor.core.timeline import PhaseChange, Timeline

IV, NASAL, IM = "iv-racemic-ketamine", "intranasal-esketamine", "im-racemic-ketamine"
T0 = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def _typed(weight: str = "72", **typed: str) -> tuple[dict[str, str], float]:
    return {"mg_per_kg": "0.5", "concentration": "1", **typed}, float(weight)


# -- bounds --------------------------------------------------------------------------------

#: (protocol, weight kg, typed, refused field or None, words): at, over and under each bound.
BOUNDS = [
    (IV, 72, {"mg_per_kg": "0.05"}, "mg_per_kg", "below the protocol's minimum of 0.1"),
    (IV, 72, {"mg_per_kg": "0.09"}, "mg_per_kg", "minimum"),
    (IV, 72, {"mg_per_kg": "0.1"}, None, ""),
    (IV, 72, {"mg_per_kg": "0.11"}, None, ""),
    (IV, 350, {"mg_per_kg": "1"}, "mg_per_kg", "350 mg is above the protocol's ceiling of 200"),
    (IV, 201, {"mg_per_kg": "1"}, "mg_per_kg", "ceiling of 200 mg"),
    (IV, 200, {"mg_per_kg": "1"}, None, ""),
    (IV, 199, {"mg_per_kg": "1"}, None, ""),
    (IV, 72, {"concentration": "0.01"}, "concentration", "must be 0.1 to 100 mg/mL"),
    (IV, 72, {"concentration": "0.09"}, "concentration", "0.1 to 100"),
    (IV, 72, {"concentration": "0.1"}, None, ""),
    (IV, 72, {"concentration": "100"}, None, ""),
    (IM, 350, {"mg_per_kg": "1"}, "mg_per_kg", "ceiling"),
    (IM, 72, {"mg_per_kg": "0.05"}, "mg_per_kg", "minimum"),
]


@pytest.mark.parametrize(("protocol_id", "weight", "typed", "field", "words"), BOUNDS)
def test_a_dose_outside_the_protocols_bounds_is_refused_naming_the_field(
        library, protocol_id, weight, typed, field, words):
    protocol = library.protocol(protocol_id)
    text = {"mg_per_kg": "0.5", "concentration": "1", **typed}
    if field is None:
        assert parse_dose(text, protocol, weight).total_mg > 0
        return
    with pytest.raises(ValidationError) as refused:
        parse_dose(text, protocol, weight)
    assert words in refused.value.reasons[field]


@pytest.mark.parametrize(("devices", "first", "refused"), [
    (3, True, True), (2, True, False), (3, False, False), (2, False, False)])
def test_esketamine_84_mg_is_refused_on_the_first_treatment_of_a_course(library, devices,
                                                                       first, refused):
    protocol = library.protocol(NASAL)
    if not refused:
        assert parse_dose({"devices": str(devices)}, protocol, 72,
                          first_treatment=first).total_mg == 28 * devices
        return
    with pytest.raises(ValidationError) as refusal:
        parse_dose({"devices": str(devices)}, protocol, 72, first_treatment=first)
    assert refusal.value.reasons["devices"] == ("at most 2 on the first treatment of a course "
                                                "(56 mg on day 1)")


def test_an_old_recorded_protocol_without_the_bounds_takes_the_defaults(library):
    text = library.protocol(IV).source_text
    for key in ("min_mg_per_kg", "max_total_mg", "min_concentration_mg_per_ml",
                "max_concentration_mg_per_ml"):
        text = "\n".join(line for line in text.splitlines() if not line.startswith(key))
    from ketamonitor.core.protocol import parse_protocol

    dosing = parse_protocol(text, as_recorded=True).dosing
    assert (dosing.min_mg_per_kg, dosing.max_total_mg, dosing.min_concentration_mg_per_ml,
            dosing.max_concentration_mg_per_ml) == (0.1, 200, 0.1, 100)


#: A dose as a script could build it: each mismatch with weight x mg/kg is refused.
MISMATCHES = [
    ({"total_mg": 1500.0}, "total_mg"),
    ({"volume_ml": 3.6}, "volume_ml"),
    ({"pump_rate_ml_per_h": 540.0}, "pump_rate_ml_per_h"),
    ({"mg_per_kg": 1.5}, "mg_per_kg"),
    ({"concentration_mg_per_ml": 0.01}, "concentration"),
]


@pytest.mark.parametrize(("changed", "field"), MISMATCHES)
def test_check_dose_refuses_a_dose_that_does_not_follow_from_weight_and_mg_per_kg(
        library, changed, field):
    protocol = library.protocol(IV)
    good = weight_based_dose(protocol, 72, 0.5, 1.0)
    check_dose(protocol, 72, good)
    with pytest.raises(ValidationError) as refused:
        check_dose(protocol, 72, Dose(**{**good.__dict__, **changed}))
    assert field in refused.value.reasons


def test_check_dose_refuses_devices_that_do_not_add_up(library):
    protocol = library.protocol(NASAL)
    with pytest.raises(ValidationError) as refused:
        check_dose(protocol, 72, Dose(total_mg=1500, devices=2))
    assert "total_mg" in refused.value.reasons


# -- precision -----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "shown"), [
    (0.35, "mL", "0.35 mL"),   # the issue: not 0.3 mL (-14 %)
    (0.525, "mL/h", "0.53 mL/h"),
    (36.0, "mL", "36 mL"),
    (54.0, "mL/h", "54 mL/h"),
    (2.45, "mL", "2.45 mL"),   # one decimal could be off 0.05 mL: 2.04 %
    (2.6, "mL", "2.6 mL"),     # one decimal holds: at most 1.9 %
    (0.049, "mL", "0.049 mL"),
    (120.0, "mL/h", "120 mL/h"),
])
def test_volumes_and_rates_are_shown_within_2_percent(value, unit, shown):
    assert format_amount(value, unit) == shown
    number = float(shown.split()[0])
    assert abs(number - value) / value < 0.02


def test_a_small_volume_is_kept_and_described_to_its_precision(library):
    dose = weight_based_dose(library.protocol(IV), 70, 0.5, 100)
    assert dose.volume_ml == 0.35
    assert "0.35 mL at 100 mg/mL" in dose.describe()


# -- the dose given ------------------------------------------------------------------------

def _patient() -> Patient:
    details = parse_patient({"mrn": "A-1", "family_name": "Rivera", "given_name": "Ana",
                             "birth_date": "1984-05-06", "weight_kg": "72"},
                            today=date(2026, 11, 23))
    return Patient(1, details, T0)


def _chart(library, protocol_id: str, dose: Dose, changes: list[tuple[int, Action, Phase]],
           **extra) -> SessionChart:
    record = SessionRecord(1, 1, library.protocol(protocol_id), "3", "Ana", 72, dose, T0, "x")
    timeline = Timeline(T0, tuple(PhaseChange(action, phase, T0 + timedelta(minutes=minute))
                                  for minute, action, phase in changes))
    return SessionChart(record, _patient(), timeline, **extra)


START = (2, Action.START_INFUSION, Phase.INFUSING)


def _iv(library) -> Dose:
    return weight_based_dose(library.protocol(IV), 72, 0.5, 1.0)  # 36 mg, 36 mL, 54 mL/h


def test_an_infusion_stopped_early_at_31_of_40_minutes_gave_31_40_of_the_dose(library):
    chart = _chart(library, IV, _iv(library),
                   [START, (33, Action.STOP_INFUSION_EARLY, Phase.OBSERVATION)])
    given = dose_given(chart)
    assert (given.mg, given.planned_mg, given.how) == (27.9, 36, FROM_TIME)
    assert given.volume_ml == 27.9
    assert given.describe() == ("given 27.9 mg of 36 mg planned (from time infused, "
                                "27.9 mL)")


def test_a_pause_is_not_counted_and_a_complete_infusion_never_gives_more_than_planned(
        library):
    paused = _chart(library, IV, _iv(library), [
        START, (12, Action.PAUSE_INFUSION, Phase.PAUSED),
        (22, Action.RESUME_INFUSION, Phase.INFUSING),
        (32, Action.STOP_INFUSION_EARLY, Phase.OBSERVATION)])
    assert dose_given(paused).mg == 18  # 20 of 40 min infused
    late = _chart(library, IV, _iv(library), [START, (50, Action.END_INFUSION,
                                                      Phase.OBSERVATION)])
    assert dose_given(late).mg == 36


def test_a_running_infusion_counts_to_now(library):
    chart = _chart(library, IV, _iv(library), [START])
    assert dose_given(chart, T0 + timedelta(minutes=12)).mg == 9


def test_the_pumps_confirmed_volume_is_the_dose_given(library):
    volume = PumpVolume(1, 1, 30.5, T0 + timedelta(minutes=42), T0, "x")
    chart = _chart(library, IV, _iv(library),
                   [START, (42, Action.END_INFUSION, Phase.OBSERVATION)],
                   pump_volumes=(volume,))
    given = dose_given(chart)
    assert (given.mg, given.how, given.volume_ml) == (30.5, PUMP_CONFIRMED, 30.5)


@pytest.mark.parametrize(("changes", "takes"), [
    ([], False),
    ([START], False),
    ([START, (33, Action.STOP_INFUSION_EARLY, Phase.OBSERVATION)], True),
    ([START, (42, Action.END_INFUSION, Phase.OBSERVATION)], True),
])
def test_the_pump_volume_is_offered_once_an_iv_infusion_has_ended(library, changes, takes):
    assert takes_pump_volume(_chart(library, IV, _iv(library), changes)) is takes


def test_the_pump_volume_is_never_offered_for_devices(library):
    chart = _chart(library, NASAL, device_dose(library.protocol(NASAL), 2),
                   [START, (4, Action.STOP_INFUSION_EARLY, Phase.OBSERVATION)])
    assert not takes_pump_volume(chart)


@pytest.mark.parametrize(("typed", "volume"), [
    ("27.5", 27.5), (" 27,5 ", 27.5), ("28 mL", 28.0), ("0.35ml", 0.35)])
def test_the_pump_volume_is_read_as_the_pump_shows_it(typed, volume):
    assert parse_pump_volume(typed) == volume


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "type the volume infused from the pump, in mL"),
    ("twenty", '"twenty" is not a number of mL'),
])
def test_a_pump_volume_that_is_not_a_number_is_refused_beside_the_field(typed, reason):
    with pytest.raises(ValidationError) as refused:
        parse_pump_volume(typed)
    assert refused.value.reasons == {"volume_ml": reason}


def test_one_esketamine_device_then_stop_dosing_early_gave_28_mg_not_56(library):
    device = Administration(1, 1, "device", 1, 28, "LOT-A", T0 + timedelta(minutes=2), T0,
                            "x")
    chart = _chart(library, NASAL, device_dose(library.protocol(NASAL), 2),
                   [START, (4, Action.STOP_INFUSION_EARLY, Phase.OBSERVATION)],
                   administrations=(device,))
    given = dose_given(chart)
    assert (given.mg, given.planned_mg, given.how) == (28, 56, DEVICES_GIVEN)


def test_an_im_injection_is_the_planned_dose_once_given_and_nothing_before(library):
    dose = weight_based_dose(library.protocol(IM), 72, 0.5, None)
    assert dose_given(_chart(library, IM, dose, [])).how == NOT_STARTED
    assert dose_given(_chart(library, IM, dose, [])).mg == 0
    given = dose_given(_chart(library, IM, dose, [START]))
    assert (given.mg, given.how) == (36, INJECTION_GIVEN)


@pytest.mark.parametrize(("dose", "weight", "per_kg"), [
    (Dose(total_mg=36, mg_per_kg=0.5), 72, 0.5),  # as prescribed
    (Dose(total_mg=84, devices=3), 70, 1.2),  # a device dose over the session's weight
    (Dose(total_mg=56, devices=2), 0, None),  # no weight: not worked out
])
def test_a_dose_in_mg_per_kg(dose, weight, per_kg):
    assert dose_mg_per_kg(dose, weight) == per_kg
