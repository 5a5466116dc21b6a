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
