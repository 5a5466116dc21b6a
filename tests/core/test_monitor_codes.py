"""The monitor's MDC codes and units: the shipped table, found by number or name, checked
as it is read."""

from __future__ import annotations

import pytest

from ketamonitor.core.library import resource_text
from ketamonitor.core.monitor_codes import (
    parse_monitor_codes,
    shipped_monitor_codes,
)
from ketamonitor.core.protocol import ProtocolError
from ketamonitor.core.vitals import MEASUREMENTS

SHIPPED = resource_text("monitor_codes.toml")


def test_the_shipped_table_maps_the_issue_s_codes_to_their_fields_and_units():
    codes = shipped_monitor_codes()
    expected = {
        150021: ("MDC_PRESS_BLD_NONINV_SYS", "systolic", "MDC_DIM_MMHG"),
        150022: ("MDC_PRESS_BLD_NONINV_DIA", "diastolic", "MDC_DIM_MMHG"),
        150023: ("MDC_PRESS_BLD_NONINV_MEAN", "mean_arterial_pressure", "MDC_DIM_MMHG"),
        150456: ("MDC_PULS_OXIM_SAT_O2", "spo2", "MDC_DIM_PERCENT"),
        147842: ("MDC_ECG_HEART_RATE", "heart_rate", "MDC_DIM_BEAT_PER_MIN"),
        149530: ("MDC_PULS_OXIM_PULS_RATE", "heart_rate", "MDC_DIM_BEAT_PER_MIN"),
        151562: ("MDC_RESP_RATE", "respiratory_rate", "MDC_DIM_RESP_PER_MIN"),
        151708: ("MDC_AWAY_CO2_ET", "etco2", "MDC_DIM_MMHG"),
    }
    for number, (name, field, unit) in expected.items():
        code = codes.find(str(number))
        assert code is not None, number
        assert (code.name, code.field, code.units.mdc_name) == (name, field, unit)
        assert codes.find(name) == code


def test_an_mdc_number_is_its_partition_and_term_code():
    """ISO/IEEE 11073-10101: measurements in partition 2, units in partition 4. A typo in
    the table would not keep this shape."""
    codes = shipped_monitor_codes()
    for code in codes.codes:
        assert code.code >> 16 == 2, code.name
    for unit in codes.units:
        assert unit.mdc_code >> 16 == 4, unit.mdc_name
    assert {unit.mdc_code for unit in codes.units} == {266016, 262688, 264864, 264928}


def test_the_pulse_rate_is_the_heart_rate_s_fallback_and_the_map_is_not_a_vitals_field():
    codes = shipped_monitor_codes()
    pulse, ecg, mean = codes.find("149530"), codes.find("147842"), codes.find("150023")
    assert pulse is not None and ecg is not None and mean is not None
    assert pulse.fallback and not ecg.fallback
    assert codes.for_field("heart_rate") == ecg
    assert not mean.in_vitals
    assert "mean_arterial_pressure" not in MEASUREMENTS
    assert {code.field for code in codes.codes if code.in_vitals} == set(MEASUREMENTS)


def test_units_are_accepted_by_ucum_spelling_mdc_code_or_name_and_nothing_else():
    mmhg = shipped_monitor_codes().for_field("systolic").units
    assert mmhg.accepts("mm[Hg]")
    assert mmhg.accepts("266016", "MDC_DIM_MMHG")
    assert mmhg.accepts("MDC_DIM_MMHG")
    assert mmhg.accepts("", "mmHg")
    assert not mmhg.accepts("kPa")
    assert not mmhg.accepts("262688", "mmHg")  # the identifier is what counts
    assert not mmhg.accepts("")
    assert mmhg.mdc == "266016^MDC_DIM_MMHG^MDC"
    assert mmhg.ucum_coded == "mm[Hg]^mm[Hg]^UCUM"


def test_an_unknown_code_is_not_found():
    codes = shipped_monitor_codes()
    assert codes.find("150344") is None  # MDC_TEMP
    assert codes.find("MDC_TEMP") is None
    assert codes.find("") is None
    with pytest.raises(KeyError):
        codes.for_field("temperature")


def replaced(old: str, new: str) -> str:
    assert old in SHIPPED
    return SHIPPED.replace(old, new, 1)


@pytest.mark.parametrize(("text", "key"), [
    ('kind = "medicines"', "kind"),
    (replaced('field = "systolic"', 'field = "temperature"'), "codes[0].field"),
    (replaced('units = "percent"', 'units = "kelvin"'), "units"),
    (replaced("code = 150022", "code = 150021"), "codes[1]"),
    (replaced('name = "MDC_PRESS_BLD_NONINV_SYS"', 'name = "NIBP_SYS"'), "codes[0].name"),
    (replaced("code = 150021", 'code = "150021"'), "codes[0].code"),
    (replaced('mdc_name = "MDC_DIM_MMHG"', 'mdc_name = "MDC_MMHG"'), "units.mmhg.mdc_name"),
    (replaced('ucum = ["%"]', "ucum = []"), "units.percent.ucum"),
    (replaced('\nfallback = true', '\nfallback = "yes"'), "fallback"),
])
def test_a_wrong_table_is_refused_naming_the_key(text: str, key: str):
    with pytest.raises(ProtocolError) as refused:
        parse_monitor_codes(text)
    assert refused.value.key is not None and key in refused.value.key


def test_not_toml_is_refused():
    with pytest.raises(ProtocolError, match="not valid TOML"):
        parse_monitor_codes("kind = ")
