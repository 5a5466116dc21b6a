"""The clinic's settings checked before they are kept: a known key, one of its choices, at
most its length, spaces tidied; each refusal names the key."""

from __future__ import annotations

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.settings import FHIR_CODE_SYSTEM, FHIR_MRN_SYSTEM, SETTINGS, check_setting


@pytest.mark.parametrize(("key", "typed", "kept"), [
    ("audible_alerts", "on", "on"),
    ("audible_alerts", " off ", "off"),
    ("idle_lock_minutes", "2", "2"),
    ("idle_lock_minutes", "30", "30"),
    ("clinic_name", "  North   Clinic ", "North Clinic"),
    ("clinic_name", "", ""),
    ("clinic_name", "x" * 80, "x" * 80),
    ("backup_keep", "90", "90"),
])
def test_a_value_is_kept_tidied(key, typed, kept):
    assert check_setting(key, typed) == kept


def test_the_summary_paper_is_a4_unless_the_clinic_chooses_letter():
    assert SETTINGS["summary_page_size"].default == "A4"
    assert check_setting("summary_page_size", " Letter ") == "Letter"
    with pytest.raises(ValidationError) as refused:
        check_setting("summary_page_size", "Legal")
    assert refused.value.reasons == {"summary_page_size": "must be one of A4, Letter"}


@pytest.mark.parametrize(("key", "typed", "words"), [
    ("audible_alerts", "yes", "must be one of on, off"),
    ("idle_lock_minutes", "1", "must be one of 2, 5, 10, 15, 30"),
    ("idle_lock_minutes", "60", "must be one of"),
    ("backup_keep", "0", "must be one of"),
    ("clinic_name", "x" * 81, "at most 80 characters"),
    ("backup_folder", "/" + "d" * 400, "at most 400 characters"),
    ("font_size", "12", "is not a setting ketamonitor knows"),
])
def test_a_value_out_of_bounds_is_refused_naming_the_key(key, typed, words):
    with pytest.raises(ValidationError) as refused:
        check_setting(key, typed)
    assert refused.value.reasons == {key: refused.value.reasons[key]}
    assert words in refused.value.reasons[key]


def test_every_default_passes_its_own_check():
    for key, setting in SETTINGS.items():
        assert check_setting(key, setting.default) == setting.default


@pytest.mark.parametrize("value", ["", "mrn", "clinic mrn", "ftp://x", "urn:"])
def test_a_fhir_system_must_be_an_absolute_uri(value):
    with pytest.raises(ValidationError, match="absolute URI"):
        check_setting(FHIR_MRN_SYSTEM.key, value)


@pytest.mark.parametrize("value", ["urn:oid:2.16.840.1.113883.3.1", "https://ehr.example/mrn",
                                   "http://clinic.example/fhir"])
def test_a_fhir_system_is_kept_as_typed(value):
    assert check_setting(FHIR_CODE_SYSTEM.key, value) == value


@pytest.mark.parametrize(("key", "typed", "kept"), [
    ("monitor_listen_address", " 192.168.1.20 ", "192.168.1.20"),
    ("monitor_listen_port", "2575", "2575"),
    ("monitor_allowed_senders", "10.1.2.3 , 10.1.3.0/24", "10.1.2.3, 10.1.3.0/24"),
    ("monitor_max_frame_kb", "4096", "4096"),
    ("monitor_idle_seconds", "60", "60"),
    ("monitor_max_connections", "4", "4"),
])
def test_the_monitor_feeds_settings_are_kept_in_their_usual_form(key, typed, kept):
    assert check_setting(key, typed) == kept


@pytest.mark.parametrize(("key", "typed", "words"), [
    ("monitor_listen_address", "monitors.local", "must be an IP address"),
    ("monitor_listen_port", "0", "must be a port number from 1 to 65535"),
    ("monitor_listen_port", "70000", "must be a port number from 1 to 65535"),
    ("monitor_allowed_senders", "10.1.2.5/24", "did you mean 10.1.2.0/24?"),
    ("monitor_allowed_senders", "10.1.2.3;10.1.2.4", "is not an IP address or network"),
    ("monitor_max_frame_kb", "0", "from 1 to 16,384"),
    ("monitor_idle_seconds", "1", "from 10 to 86,400"),
    ("monitor_max_connections", "1000", "from 1 to 256"),
])
def test_a_monitor_feed_setting_out_of_bounds_is_refused_with_the_reason(key, typed, words):
    with pytest.raises(ValidationError) as refused:
        check_setting(key, typed)
    assert list(refused.value.reasons) == [key] and words in refused.value.reasons[key]
