"""A reading past a critical line is ringed on the session chart with a diamond (the
alerts' ◆ mark), not dropped: the chart once had rings for "act now" and "caution" only."""

from __future__ import annotations

from ketamonitor.core.flags import Level
from ketamonitor.core.phases import Action
from tests.ui.test_session_chart import data, plot_of


def test_a_critical_reading_is_ringed_with_a_diamond(window, store, charting, clock):
    session_id = charting.session()
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.change_phase(session_id, Action.START_INFUSION)
    clock.advance(minutes=10)
    charting.vitals(session_id, systolic="150", diastolic="90", heart_rate="80", spo2="78",
                    respiratory_rate="14")
    spo2 = plot_of(window.open_session(session_id)).measures["spo2"]
    assert data(spo2.rings[Level.CRITICAL][1]) == ([10], [78])
    assert spo2.rings[Level.CRITICAL][1].opts["symbol"] == "d"
    assert data(spo2.rings[Level.HIGH][1]) == ([], [])


def test_a_critical_value_in_the_vitals_table_is_dark_red_not_white(store, charting, clock):
    from PySide6.QtCore import Qt

    from ketamonitor.ui import theme
    from ketamonitor.ui.models import VitalsModel

    session_id = charting.started()
    clock.advance(minutes=10)
    charting.vitals(session_id, systolic="128", diastolic="82", heart_rate="128", spo2="78",
                    respiratory_rate="14")
    model = VitalsModel(clock.local_zone)
    model.set_rows(store.chart(session_id).all_vitals_rows())
    row = model.rowCount() - 1
    column = {model.headerData(c, Qt.Orientation.Horizontal): c
              for c in range(model.columnCount())}
    ink = model.index(row, column["SpO2"]).data(Qt.ItemDataRole.ForegroundRole)
    assert ink.color().name() == theme.CRITICAL_BG
    flags_ink = model.index(row, column["Flags"]).data(Qt.ItemDataRole.ForegroundRole)
    # the set's worst flag: critical, over HR's high
    assert flags_ink.color().name() == theme.CRITICAL_BG
