"""The session chart on the page: the plot (built by ketamonitor.plotting) in a window, with
the pointer, the finger and the keys forwarded to it.

Hover or touch near a reading to read its exact values, time and who entered it; drag to
pan, wheel to zoom the time; R (or Home) brings back the whole session and live following.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from math import ceil

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.library import Library
from ketamonitor.plotting import style
from ketamonitor.plotting.session_plot import SessionPlot

RESET_KEYS = ("R", "Home")


class SessionChartView(QWidget):
    def __init__(self, zone: tzinfo, library: Library | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = style.canvas()
        self.canvas.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.plot = SessionPlot(self.canvas.ci, zone, library, mark_legend=False)
        # as tall as its panels need at their smallest, so the page gives way elsewhere: a
        # fixed 300 let two banners above squeeze the RR panel and the time axis out of view
        needed = self.canvas.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height()
        self.canvas.setMinimumHeight(ceil(needed) + 2 * self.canvas.frameWidth())
        scene = self.canvas.scene()
        scene.sigMouseMoved.connect(self.plot.hover)
        scene.sigMouseClicked.connect(lambda event: self.plot.hover(event.scenePos()))
        for panel in self.plot.panels.values():
            panel.view.sigRangeChangedManually.connect(self._show_reset)
        self.reset_button = QPushButton("Whole session (R)", self.canvas)
        self.reset_button.setObjectName("chart_reset")
        self.reset_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reset_button.clicked.connect(self.reset_view)
        self.reset_button.hide()
        for key in RESET_KEYS:
            QShortcut(QKeySequence(key), self, self.reset_view,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.canvas.installEventFilter(self)

    def show_chart(self, chart: SessionChart, now: datetime | None = None) -> None:
        self.plot.show_chart(chart, now)

    def show_alerts(self, records: Iterable[AlertRecord]) -> None:
        self.plot.show_alerts(records)

    def reset_view(self) -> None:
        self.plot.reset_view()
        self.reset_button.hide()

    def _show_reset(self, *_changed: object) -> None:
        self.reset_button.setVisible(not self.plot.following)
        self._place_reset()

    def _place_reset(self) -> None:
        hint = self.reset_button.sizeHint()
        self.reset_button.setGeometry(self.canvas.width() - hint.width() - 6, 4, hint.width(),
                                      hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_reset()

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        """The readout goes when the pointer leaves the chart."""
        if watched is self.canvas and event.type() == QEvent.Type.Leave:
            self.plot.hide_readout()
        return False
