"""The session's blood-pressure chart: systolic and diastolic over minutes from the dose.

Carets as on a paper flowsheet (▼ systolic, ▲ diastolic), the protocol's stop lines dashed,
flagged readings ringed. The full clinical chart (phases, events, hover) comes later; this
one already redraws from the chart value alone.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.ui import theme

SYSTOLIC_PEN = pg.mkPen("#0b5cad", width=2)
DIASTOLIC_PEN = pg.mkPen("#0b5cad", width=2, style=Qt.PenStyle.DashLine)
LINE_PEN = pg.mkPen(theme.HIGH, width=1.5, style=Qt.PenStyle.DashDotLine)


def minutes_from(origin: datetime, moments: list[datetime]) -> np.ndarray:
    return np.array([(m - origin).total_seconds() / 60 for m in moments], dtype=float)


class BpChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True, background="w", foreground=theme.INK)
        self.plot = pg.PlotWidget()
        self.plot.setMinimumHeight(180)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("left", "BP", units="mmHg")
        self.plot.setLabel("bottom", "minutes from dose start")
        self.plot.addLegend(offset=(-8, -8), brush=pg.mkBrush(255, 255, 255, 220))
        self.plot.setMouseEnabled(x=False, y=False)
        self.systolic = self.plot.plot([], [], pen=SYSTOLIC_PEN, symbol="t", symbolSize=11,
                                       symbolBrush="#0b5cad", name="Systolic ▼")
        self.diastolic = self.plot.plot([], [], pen=DIASTOLIC_PEN, symbol="t1", symbolSize=11,
                                        symbolBrush="#ffffff", symbolPen="#0b5cad",
                                        name="Diastolic ▲")
        self.flagged = self.plot.plot([], [], pen=None, symbol="o", symbolSize=20,
                                      symbolBrush=None, symbolPen=pg.mkPen(theme.HIGH, width=2.5),
                                      name=f"{theme.FLAG_MARK} flagged")
        label = {"position": 0.93, "color": theme.HIGH, "anchors": [(1, 1), (1, 1)]}
        self.stop_systolic = pg.InfiniteLine(angle=0, pen=LINE_PEN, label="stop {value:.0f}",
                                             labelOpts=label)
        self.stop_diastolic = pg.InfiniteLine(angle=0, pen=LINE_PEN, label="stop {value:.0f}",
                                              labelOpts=label)
        self.infusion = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(11, 92, 173, 28),
                                            pen=pg.mkPen(None))
        for item in (self.stop_systolic, self.stop_diastolic, self.infusion):
            self.plot.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_chart(self, chart: SessionChart) -> None:
        timeline = chart.timeline
        origin = timeline.dose_started_at or timeline.began_at
        sets = chart.bp_sets()
        x = minutes_from(origin, [e.current.observed_at for e in sets])
        self.systolic.setData(x, np.array([e.current.systolic for e in sets], dtype=float))
        self.diastolic.setData(x, np.array([e.current.diastolic for e in sets], dtype=float))
        flagged = [f.entry for f in chart.flagged_vitals
                   if f.entry.current.has_bp and any("bp" in flag.code for flag in f.flags)]
        self.flagged.setData(minutes_from(origin, [e.current.observed_at for e in flagged]),
                             np.array([e.current.systolic for e in flagged], dtype=float))
        limits = chart.protocol.thresholds
        self.stop_systolic.setValue(limits.stop_systolic_above)
        self.stop_diastolic.setValue(limits.stop_diastolic_above)
        start = timeline.dose_started_at
        if start is None:
            self.infusion.hide()
        else:
            ended = timeline.infusion_ended_at
            planned = chart.infusion_time.total_seconds() / 60
            end_minutes = (ended - start).total_seconds() / 60 if ended else planned
            self.infusion.setRegion((0.0, end_minutes))
            self.infusion.show()
        low_x = min([*x.tolist(), 0.0]) - 5
        high_x = max([*x.tolist(), chart.infusion_time.total_seconds() / 60 + 20]) + 5
        self.plot.setXRange(low_x, high_x, padding=0)
        self.plot.setYRange(40, max(200, limits.stop_systolic_above + 20,
                                    *(e.current.systolic or 0 for e in sets)) + 10, padding=0)
