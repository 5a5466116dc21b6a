"""The dose in words, worked out by core for the widgets: the short text a room tile shows
and the long one the session form reads back, and the live preview of the session form
(the weight typed with a comma or a point)."""

from __future__ import annotations

import pytest

from ketamonitor.core.dose import Dose
from ketamonitor.core.parsing import typed_decimal
from ketamonitor.core.setup import dose_preview

IV, NASAL = "iv-racemic-ketamine", "intranasal-esketamine"

#: (dose, brief, describe)
TEXTS = [
    (Dose(36.0, mg_per_kg=0.5, concentration_mg_per_ml=1.0, volume_ml=36.0,
          pump_rate_ml_per_h=54.0),
     "0.5 mg/kg = 36 mg", "0.5 mg/kg = 36 mg (36 mL at 1 mg/mL, pump 54 mL/h)"),
    (Dose(36.0, mg_per_kg=0.5), "0.5 mg/kg = 36 mg", "0.5 mg/kg = 36 mg"),  # IM: no pump
    (Dose(56.0, devices=2), "2 devices = 56 mg", "2 devices = 56 mg"),
]


@pytest.mark.parametrize(("dose", "brief", "describe"), TEXTS)
def test_the_short_dose_text_is_the_long_one_without_the_pump(dose, brief, describe):
    assert dose.brief() == brief
    assert dose.describe() == describe
    assert dose.describe().startswith(dose.brief())


@pytest.mark.parametrize(("text", "number"), [
    ("72", 72.0), ("72.5", 72.5), ("72,5", 72.5), (" 72,5 ", 72.5), ("0,05", 0.05)])
def test_a_number_is_typed_with_a_comma_or_a_point(text, number):
    assert typed_decimal(text) == number


@pytest.mark.parametrize("text", ["", "  ", "72kg", "seventy", "7,2,5"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        typed_decimal(text)


#: (protocol, typed form, the preview's long text or None while it cannot be worked out)
PREVIEWS = [
    (IV, {"weight_kg": "72", "mg_per_kg": "0.5", "concentration": "1"},
     "0.5 mg/kg = 36 mg (36 mL at 1 mg/mL, pump 54 mL/h)"),
    (IV, {"weight_kg": "72,0", "mg_per_kg": "0,5", "concentration": "1"},
     "0.5 mg/kg = 36 mg (36 mL at 1 mg/mL, pump 54 mL/h)"),
    (IV, {"weight_kg": "", "mg_per_kg": "0.5", "concentration": "1"}, None),  # not typed yet
    (IV, {"weight_kg": "7", "mg_per_kg": "0.5", "concentration": "1"}, None),  # half typed
    (IV, {"weight_kg": "72kg", "mg_per_kg": "0.5", "concentration": "1"}, None),
    (IV, {"weight_kg": "72", "mg_per_kg": "", "concentration": "1"}, None),
    (IV, {"weight_kg": "72", "mg_per_kg": "5", "concentration": "1"}, None),  # over the ceiling
    (NASAL, {"weight_kg": "72", "devices": "2"}, "2 devices = 56 mg"),
    (NASAL, {"weight_kg": "72", "devices": ""}, None),
]


@pytest.mark.parametrize(("protocol_id", "typed", "shown"), PREVIEWS)
def test_the_session_form_previews_the_dose_as_it_is_typed(library, protocol_id, typed, shown):
    preview = dose_preview(typed, library.protocol(protocol_id))
    assert (None if preview is None else preview.describe()) == shown
