"""The session's medicines tab: the medicines given besides the dose, and the buttons to
chart one or strike one charted in error (the page opens the dialogs)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.medications import FIELD_WORDS as MEDICATION_WORDS
from ketamonitor.core.medications import dose_words
from ketamonitor.core.records import MedicationGiven
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.views import read_only_table


class MedicinesTab(QWidget):
    """`shown`: a time as this chart's tables show it."""

    def __init__(self, shown: Callable[[datetime], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.medications_model: RowsModel[MedicationGiven] = RowsModel([
            Column(MEDICATION_WORDS["time"], lambda m: shown(m.given_at)),
            Column(MEDICATION_WORDS["drug"], lambda m: m.label
                   + ("  (entered in error)" if m.in_error else "")),
            Column(MEDICATION_WORDS["dose"], lambda m: dose_words(m.dose, m.unit, m.route)),
            Column(MEDICATION_WORDS["ordered_by"], lambda m: m.ordered_by),
            Column(MEDICATION_WORDS["given_by"], lambda m: m.given_by),
        ], self)
        column = QVBoxLayout(self)
        self.medications_table = read_only_table(self.medications_model)
        self.medications_table.setObjectName("medications_table")
        column.addWidget(self.medications_table, 1)
        buttons = QHBoxLayout()
        self.medication_button = QPushButton("Medicine given…")
        self.medication_button.setObjectName("medication_given")
        self.medication_button.setToolTip("A medicine given besides the dose (an antiemetic, "
                                          "an antihypertensive, oxygen…): what, how much, "
                                          "how, when, ordered and given by whom")
        buttons.addWidget(self.medication_button)
        self.strike_medication_button = QPushButton("Entered in error…")
        self.strike_medication_button.setObjectName("strike_medication")
        buttons.addWidget(self.strike_medication_button)
        buttons.addStretch(1)
        column.addLayout(buttons)

    def draw(self, chart: SessionChart) -> None:
        self.medications_model.set_rows(chart.medications)
