"""The lot of the IV (or IM) dose's vial or bag, charted while the dose is prepared.

Ketamine is a controlled substance: a recall, or a count that does not add up, is traced by
the lot. It sits at the top of the Pre-session tab (where the preparation is), not on the
page itself, so a 768-pixel screen keeps its chart height.
"""

from __future__ import annotations

from datetime import tzinfo
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ketamonitor.core.administration import drug_lots
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.times import format_clock
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors


class DrugLotPanel(QWidget):
    """A lot field and one button; the lots charted so far beside them."""

    chart_lot = Signal(str)

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.errors = FieldErrors()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 6)
        title = QLabel("Drug lot")
        title.setProperty("role", "section")
        self.lot = QLineEdit()
        self.lot.setObjectName("drug_lot")
        self.lot.setPlaceholderText("lot on the vial or bag")
        self.lot.setMinimumWidth(200)
        self.lot.setMaximumWidth(260)
        self.lot.returnPressed.connect(self._chart)
        self.button = QPushButton("Chart lot")
        self.button.setObjectName("chart_drug_lot")
        self.button.clicked.connect(self._chart)
        self.charted = QLabel("")
        self.charted.setObjectName("drug_lots_charted")
        self.charted.setWordWrap(True)
        row.addWidget(title)
        row.addWidget(self.lot)
        row.addWidget(self.button)
        row.addWidget(self.errors.add("lot", self.lot))
        row.addWidget(self.charted, 1)

    def _chart(self) -> None:
        self.chart_lot.emit(self.lot.text())

    def show_chart(self, chart: SessionChart) -> None:
        lots = drug_lots(chart)
        if not lots:
            self.charted.setText(f"<span style='color:{theme.CAUTION}'><b>Not charted "
                                 "yet</b></span>")
            self.button.setText("Chart lot")
            return
        self.charted.setText("  ".join(
            f"#{lot.number} <b>{escape(lot.lot)}</b> at "
            f"{format_clock(lot.given_at, self.zone)} by {escape(lot.entered_by)}"
            for lot in lots))
        self.button.setText("Chart another lot")

    def saved(self) -> None:
        self.errors.clear()
        self.lot.clear()
