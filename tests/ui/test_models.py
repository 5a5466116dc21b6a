"""Table models pass Qt's own model checks and show what the record says."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.amendments import ENTERED_IN_ERROR
from ketamonitor.core.corrections import entered_in_error
from ketamonitor.ui.models import RowsModel, VitalsModel, patient_columns


def test_vitals_model_passes_qt_checks_and_marks_flags_and_struck_sets(qtmodeltester, store,
                                                                        charting, clock):
    session_id = charting.started()
    clock.advance(minutes=10)
    flagged_id = charting.bp(session_id, 188, 100)
    clock.advance(minutes=1)
    struck_id = charting.bp(session_id, 120, 80)
    store.amend(session_id, (entered_in_error("vitals", struck_id, "duplicate"),))
    model = VitalsModel(clock.local_zone)
    model.set_rows(store.chart(session_id).all_vitals_rows())
    qtmodeltester.check(model)
    rows = {model.row_value(r).entry.id: r for r in range(model.rowCount())}
    assert model.index(rows[flagged_id], 1).data() == "188/100"
    assert "above the stop line" in model.index(rows[flagged_id], 8).data()
    assert "(entered in error)" in model.index(rows[struck_id], 6).data()
    assert model.row_value(rows[struck_id]).entry.amendments[0].new_value == ENTERED_IN_ERROR
    assert model.index(rows[struck_id], 8).data() == ""


def test_the_patient_model_passes_qt_checks(qtmodeltester, store, charting):
    charting.started()
    patients: RowsModel = RowsModel(patient_columns())
    patients.set_rows(store.find_patients(""))
    qtmodeltester.check(patients)
    assert patients.index(0, 1).data() == "RIVERA, Ana"


def test_only_the_flagged_value_is_coloured(store, charting, clock):
    """A set with a low SpO2 colours the SpO2 and the flag, not its normal BP, HR or RR."""
    session_id = charting.started()
    clock.advance(minutes=10)
    flagged_id = charting.vitals(session_id, systolic="128", diastolic="82", heart_rate="76",
                                 spo2="88", respiratory_rate="14")
    model = VitalsModel(clock.local_zone)
    model.set_rows(store.chart(session_id).all_vitals_rows())
    row = next(r for r in range(model.rowCount())
               if model.row_value(r).entry.id == flagged_id)

    def coloured(column: int) -> bool:
        index = model.index(row, column)
        return any(index.data(role) is not None for role in (Qt.ItemDataRole.ForegroundRole,
                                                             Qt.ItemDataRole.BackgroundRole))

    assert "SpO2 88 % below" in model.index(row, 8).data()
    assert [column for column in range(model.columnCount()) if coloured(column)] == [3, 8]
