"""A patient's registration: names tidied, the weight rounded, each bad field refused in its
words. (The session's setup, once moved from here: core/test_setup.py.)"""

from datetime import date

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import parse_patient

TODAY = date(2026, 11, 23)
GOOD = {"mrn": "A-100", "family_name": " de  Vries ", "given_name": "Jan",
        "birth_date": "1970-01-31", "weight_kg": "81.25"}


def test_registration_tidies_names_and_rounds_weight():
    details = parse_patient(GOOD, today=TODAY)
    assert details.family_name == "de Vries"
    assert details.weight_kg == 81.2
    assert details.display_name == "DE VRIES, Jan"


@pytest.mark.parametrize(("field", "text", "words"), [
    ("weight_kg", "0", "20–350"),
    ("weight_kg", "heavy", "not a number"),
    ("weight_kg", "", "required"),
    ("mrn", "", "required"),
    ("mrn", "no spaces", "letters, digits"),
    ("birth_date", "31/01/1970", "YYYY-MM-DD"),
    ("birth_date", "2027-01-01", "future"),
    ("family_name", "   ", "required"),
])
def test_bad_registration_is_refused_per_field(field, text, words):
    with pytest.raises(ValidationError) as refused:
        parse_patient({**GOOD, field: text}, today=TODAY)
    assert words in refused.value.reasons[field]
