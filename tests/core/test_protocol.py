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
