"""What was given: the dose given (the plan in its text) and each medicine given besides it,
the one given for an alert naming that alert as its reason."""

from __future__ import annotations

from tests.export.fhir.whole_chart import (
    bundle_of,
    by_reference,
    coded,
    resources,
    whole_chart,
)


def test_each_medicine_given_is_an_administration(store, charting, tmp_path):
    bundle = bundle_of(store, whole_chart(store, charting), tmp_path)
    dose, labetalol, ondansetron = resources(bundle, "MedicationAdministration")
    assert dose["dosage"]["dose"]["value"] == 36.0 and "36 mg" in dose["dosage"]["text"]
    assert labetalol["medicationCodeableConcept"]["text"] == "Labetalol"
    assert labetalol["dosage"]["dose"] == {"value": 10, "unit": "mg",
                                           "system": "http://unitsofmeasure.org",
                                           "code": "mg"}
    assert labetalol["dosage"]["route"] == {"text": "IV"}
    assert labetalol["status"] == "completed"
    assert labetalol["note"] == [{"text": "Ordered by Dr Ada Obi; charted by nurse.ana"}]
    (alert,) = coded(bundle, "alert-bp_above_stop_line")
    assert labetalol["reasonReference"] == [{"reference": f"urn:uuid:{alert['id']}"}]
    assert "reasonReference" not in ondansetron
    given_by = by_reference(bundle, labetalol["performer"][0]["actor"])
    assert given_by["name"] == [{"text": "Ana Ruiz"}]
    assert all(m["context"] == dose["context"] and m["subject"] == dose["subject"]
               for m in (labetalol, ondansetron))
