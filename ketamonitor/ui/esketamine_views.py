"""Intranasal esketamine on the session page: the devices given with their lots and the
spacing to the next, and the REMS monitoring form as the record fills it."""

from __future__ import annotations

from datetime import datetime, tzinfo
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.administration import device_spacing, devices_given
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.rems import RemsForm
from ketamonitor.core.times import format_clock, format_duration
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors
from ketamonitor.ui.live_text import LiveText


class DevicePanel(QWidget):
    """The next device: its lot, one button, and when the spacing allows it."""

    give = Signal(str)

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.errors = FieldErrors()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.lot = QLineEdit()
        self.lot.setObjectName("device_lot")
        self.lot.setPlaceholderText("lot number on the device")
        self.lot.setMinimumWidth(200)
        self.lot.setMaximumWidth(260)
        self.lot.returnPressed.connect(self._give)
        self.button = QPushButton("")
        self.button.setObjectName("give_device")
        self.button.setProperty("role", "primary")
        self.button.clicked.connect(self._give)
        self.spacing = LiveText("Device 3 from 00:00 (in 00:00)")
        self.given = LiveText("#1 00:00 lot XXXXXXXX")  # elides rather than widen the page
        self.given.set_colours(theme.MUTED)
        row.addWidget(QLabel("Lot"))
        row.addWidget(self.lot)
        row.addWidget(self.errors.add("lot", self.lot))
        row.addWidget(self.button)
        row.addWidget(self.spacing, 1)
        row.addWidget(self.given, 1)

    def _give(self) -> None:
        self.give.emit(self.lot.text())

    def show_chart(self, chart: SessionChart, now: datetime) -> None:
        given = devices_given(chart)
        self.given.setText("  ".join(f"#{a.number} {format_clock(a.given_at, self.zone)} "
                                     f"lot {a.lot}" for a in given))
        spacing = device_spacing(chart)
        self.setVisible(spacing is not None or bool(given))
        for widget in (self.lot, self.button):
            widget.setVisible(spacing is not None)
        if spacing is None:
            self.spacing.setText(f"All {len(given)} devices given")
            self.spacing.set_colours()
            return
        self.button.setText(f"Give device {spacing.number} of {spacing.of}  ⏎")
        if spacing.from_at is None or now >= spacing.from_at:
            self.spacing.setText("Ready now" if spacing.from_at else "The first device starts "
                                 "the clock")
            self.spacing.set_colours(theme.OK)
        else:
            wait = spacing.from_at - now
            self.spacing.setText(f"Device {spacing.number} from "
                                 f"{format_clock(spacing.from_at, self.zone)} "
                                 f"(in {format_duration(wait)})")
            self.spacing.set_colours(theme.CAUTION)

    def saved(self) -> None:
        self.errors.clear()
        self.lot.selectAll()  # the next device usually has the same lot: keep it, selected


class RemsView(QWidget):
    """The REMS form as the record fills it, and the one time the nurse gives for it."""

    ready_time = Signal(str)

    def __init__(self, zone: tzinfo, questions: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.addWidget(questions)
        ready = QGridLayout()
        ready.addWidget(QLabel("If there were no 2-hour minimum, when would the patient "
                               "have been ready to leave?"), 0, 0, 1, 3)
        self.ready = QLineEdit()
        self.ready.setObjectName("rems_ready_time")
        self.ready.setPlaceholderText("HH:MM")
        self.ready.setMaximumWidth(90)
        self.ready.returnPressed.connect(lambda: self.ready_time.emit(self.ready.text()))
        save = QPushButton("Chart time")
        save.setObjectName("rems_ready_save")
        save.clicked.connect(lambda: self.ready_time.emit(self.ready.text()))
        ready.addWidget(self.ready, 1, 0)
        ready.addWidget(save, 1, 1)
        ready.addWidget(self.errors.add("ready_without_minimum", self.ready), 1, 2)
        ready.setColumnStretch(2, 1)
        layout.addLayout(ready)
        self.summary = QLabel("")
        self.summary.setObjectName("rems_summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def show_form(self, form: RemsForm) -> None:
        zone = self.zone

        def when(moment: datetime | None) -> str:
            return format_clock(moment, zone) if moment else "—"

        rows = [
            ("Patient", f"{form.patient} · MRN {form.mrn} · born {form.birth_date}"),
            ("Prescriber", form.prescriber or "—"),
            ("Monitored by", form.monitored_by),
            ("Setting", form.setting or "—"),
            ("Treatment date", str(form.treatment_date or "—")),
            ("Dose", (f"{form.dose_label} ({form.devices_words}) · lot "
                     f"{', '.join(form.lots) or '—'}")),
            ("First device → end of monitoring",
             f"{when(form.first_device_at)} → {when(form.monitoring_ended_at)}"
             + (f" = {form.total_minutes} min" if form.total_minutes is not None else "")),
            ("Ready without the 2-hour minimum", when(form.ready_without_minimum_at)),
            ("BP before dosing / ~40 min / before the end",
             (f"{form.bp_before_dosing or '—'} / {form.bp_at_40_minutes or '—'} / "
             f"{form.bp_before_end or '—'}")),
            ("Medicines given in the session", ", ".join(form.medications_given) or "none"),
            ("Pulse oximetry", (f"{form.spo2_readings} SpO2 reading"
             f"{'s' if form.spo2_readings != 1 else ''} charted")),
        ]
        table = "".join(f"<tr><td style='color:{theme.MUTED}; padding-right:12px'>{label}"
                        f"</td><td>{value}</td></tr>" for label, value in rows)
        missing = ""
        if form.missing:
            items = "".join(f"<li>{item}</li>" for item in form.missing)
            missing = (f"<p style='color:{theme.CAUTION}'><b>{theme.FLAG_MARK} Still missing "
                       f"for the form:</b></p><ul style='margin:0'>{items}</ul>")
        else:
            missing = f"<p style='color:{theme.OK}'><b>✓ Every field of the form is charted."
        contradicted = ""
        if form.contradictions:
            items = "".join(f"<li>{escape(c.words)}</li>" for c in form.contradictions)
            contradicted = (f"<p style='color:{theme.CAUTION}'><b>{theme.FLAG_MARK} Answers "
                            "the chart contradicts (correct the answer, or the chart):</b>"
                            f"</p><ul style='margin:0'>{items}</ul>")
        self.summary.setText(f"<p><b>Spravato REMS patient monitoring form</b> (file within "
                             f"7 days)</p><table>{table}</table>{contradicted}{missing}")

    def saved(self) -> None:
        self.errors.clear()
        self.ready.clear()



