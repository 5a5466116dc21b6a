"""The room's alert changes in the record: a clinic scale's own kind kept as text, and an
occurrence already over raised and cleared in one go."""

from __future__ import annotations

from datetime import UTC

from ketamonitor.core.alerts import AlertCondition, Priority, alert_conditions, reconcile
from ketamonitor.store.verify import verify_database
from tests.core.alert_room import clinic_builder, clinic_scales
from tests.core.builders import minutes
from tests.store.steps import running


def test_a_clinic_scales_own_kind_survives_the_record(store, charting):
    session_id, _ = running(charting)
    items = {f"q{n}": 0 for n in range(1, 10)} | {"q9": 1}
    chart = clinic_builder().score(20, "phq9-clinic", items).build()
    conditions = [c for c in alert_conditions(chart, minutes(20), clinic_scales(), UTC)
                  if c.kind == "phq9-clinic_q9"]
    store.apply_alert_changes(session_id, reconcile([], conditions))
    (alert,) = store.alerts([session_id])[session_id]
    assert alert.kind == "phq9-clinic_q9" and alert.key == conditions[0].key
    assert not reconcile([alert], conditions)  # read back, it is not raised again


def test_an_occurrence_already_over_is_raised_and_cleared_at_once(store, charting, db_path):
    session_id, _ = running(charting)
    over = AlertCondition("spo2_critical:vitals:9", "spo2_critical", Priority.CRITICAL,
                          "SpO2 78 % below the critical line 85 %", ongoing=False)
    changes = reconcile([], [over])
    assert changes.raised_over == (over,) and changes.to_raise == ()
    store.apply_alert_changes(session_id, changes)
    (alert,) = store.alerts([session_id])[session_id]
    assert alert.priority is Priority.CRITICAL
    assert alert.cleared_at == alert.raised_at and alert.needs_attention
    assert not reconcile([alert], [over])
    assert verify_database(db_path) == []
