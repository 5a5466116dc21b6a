"""The infusion room: a tile per chair, answering "what phase is each chair in, and what is
due next?" from across the room. Alerts stand out by shape and words, not colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.alerts import DISCLAIMER, AlertRecord, Priority
from ketamonitor.core.appointments import Appointment
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.measurements import BLOOD_PRESSURE, PLOTTED
from ketamonitor.core.monitor_words import pending_words, values_words
from ketamonitor.core.risk import item9_assessed, item9_mark
from ketamonitor.core.timers import SessionTimers
from ketamonitor.core.times import format_clock, format_duration, format_on_day, local_day
from ketamonitor.core.wording import DOSING_WORDS, phase_label
from ketamonitor.room import ChairState
from ketamonitor.ui import theme
from ketamonitor.ui.alert_views import AlertList, edge
from ketamonitor.ui.live_text import LiveText
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.views import read_only_table, restyle

#: The tile width (px) its type is drawn for: wider tiles (a large screen) get larger type.
TILE_WIDTH = 440
#: How many alerts a tile lists before "+N more".
TILE_ALERTS = 2
#: The height (px) of room per row of tiles above which a tile lists a third alert.
THIRD_ALERT_HEIGHT = 380
COLUMNS = 3



def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


class MonitorLines(QFrame):
    """The monitor's latest reading waiting for a nurse, in two lines (its head, its values)
    painted without a layout pass: at a reading a second they change every tick, and a
    QLabel's new text would lay the whole room out again each second (see LiveText)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("monitor_reading")
        self.setStyleSheet(f"QFrame#monitor_reading {{ border-left: 3px dashed {theme.MUTED}; "
                           "padding-left: 4px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(0)
        self.head = LiveText("Monitor 00:00 · not validated · 0000 waiting")
        self.values = LiveText("BP 000/000, HR 000/min, SpO2 000 %, RR 00/min")
        for line in (self.head, self.values):
            line.set_colours(ink=theme.INK)
            layout.addWidget(line)

    def text(self) -> str:
        return f"{self.head.text()}\n{self.values.text()}"

    def setText(self, text: str) -> None:
        head, _, values = text.partition("\n")
        self.head.setText(head)
        self.values.setText(values)

    def set_font(self, font: QFont) -> None:
        self.head.setFont(font)
        self.values.setFont(font)


class ChairTile(QFrame):
    """A chair's session: who, phase and its timer, last vitals, the next check, alerts."""

    open_requested = Signal(int)
    acknowledge_requested = Signal(int)

    def __init__(self, position: int, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.position = position
        self.zone = zone
        self.session_id: int | None = None
        self.setObjectName(f"tile_{position}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.chair = _flexible(QLabel(""))
        self.chair.setTextFormat(Qt.TextFormat.PlainText)  # a typed name, shown as typed
        self.chair.setFont(_font(theme.HEADER_POINT_SIZE + 2, bold=True))
        top.addWidget(self.chair, 1)
        self.hint = QLabel(f"Alt+{position}" if position <= 9 else "")
        self.hint.setProperty("role", "muted")
        top.addWidget(self.hint)
        layout.addLayout(top)
        self.who = _flexible(QLabel(""))
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.who.setProperty("role", "muted")
        layout.addWidget(self.who)
        #: PHQ-9 item 9 >= 1 on the chart: said on the tile until a physician assessed it.
        self.item9 = _flexible(QLabel(""))
        self.item9.setObjectName("item9_mark")
        self.item9.setFont(_font(theme.BASE_POINT_SIZE, bold=True))
        self.item9.hide()
        layout.addWidget(self.item9)
        phase_row = QHBoxLayout()
        self.phase = QLabel("")
        self.phase.setFont(_font(theme.BASE_POINT_SIZE + 1, bold=True))
        phase_row.addWidget(self.phase)
        # the time in phase is never elided ("1…" told nothing): the phase name beside it
        # gives way first
        self.phase_time = LiveText("0:00:00", shrink=False)
        self.phase_time.setFont(_font(theme.HEADER_POINT_SIZE + 4, bold=True))
        phase_row.addWidget(self.phase_time)
        phase_row.addStretch(1)
        layout.addLayout(phase_row)
        self.left = LiveText("dose +0:00:00 · observation 00:00 left")
        layout.addWidget(self.left)
        self.vitals = _flexible(QLabel(""))
        self.vitals.setFont(_font(theme.BASE_POINT_SIZE + 1))
        self.vitals.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.vitals)
        #: The monitor's latest reading while no nurse has validated it: said as such.
        self.monitor = MonitorLines()
        self.monitor.hide()
        self._monitor_chart: SessionChart | None = None
        layout.addWidget(self.monitor)
        self.next_check = LiveText("⚠ BP OVERDUE · 00:00 (since 00:00)")
        self.next_check.setFont(_font(theme.BASE_POINT_SIZE + 1, bold=True))
        layout.addWidget(self.next_check)
        self.alerts = AlertList(zone)
        self.alerts.acknowledge.connect(self.acknowledge_requested.emit)
        layout.addWidget(self.alerts)
        self.more = QLabel("")
        self.more.setProperty("role", "muted")
        layout.addWidget(self.more)
        layout.addStretch(1)
        self._scale = 0.0
        self.shown_alerts = TILE_ALERTS
        #: The priority of the most urgent alert waiting (its edge), None when none waits.
        self.top_priority: Priority | None = None
        self._apply_scale(1.0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Bigger tiles, bigger type: a large screen is read from further away."""
        super().resizeEvent(event)
        size = event.size()
        # by the narrower of the two: a tile made tall by its alerts, in a 1366-pixel room,
        # grew its type past its width and cut its timer and its next check short
        scale = min(max(min(size.height() / 340, size.width() / TILE_WIDTH), 1.0), 1.5)
        if abs(scale - self._scale) > 0.05:
            self._apply_scale(scale)

    def _apply_scale(self, scale: float) -> None:
        self._scale = scale
        for label, points, bold in (
            (self.chair, theme.HEADER_POINT_SIZE + 2, True),
            (self.who, theme.BASE_POINT_SIZE, False),
            (self.phase, theme.BASE_POINT_SIZE + 1, True),
            (self.phase_time, theme.HEADER_POINT_SIZE + 4, True),
            (self.left, theme.BASE_POINT_SIZE, False),
            (self.vitals, theme.BASE_POINT_SIZE + 1, False),
            (self.next_check, theme.BASE_POINT_SIZE + 1, True),
        ):
            label.setFont(_font(round(points * scale), bold))
        italic = _font(round(theme.BASE_POINT_SIZE * scale), False)
        italic.setItalic(True)  # not validated: set apart from the charted sets
        self.monitor.set_font(italic)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.session_id is not None:
            self.open_requested.emit(self.session_id)
        super().mousePressEvent(event)

    def show_state(self, state: ChairState, now: datetime) -> None:
        zone = self.zone
        listing, chart = state.listing, state.chart
        self.session_id = listing.session_id
        self.chair.setText(f"Chair {listing.chair} · {listing.patient_name}")
        self.who.setText(f"MRN {listing.mrn} · {chart.protocol.route.label} · "
                         f"{chart.session.dose.brief()}"
                         + (" · demo" if chart.patient.details.is_demo else ""))
        self._show_item9(chart)
        timers = state.timers(now)
        colour = theme.PHASE_COLOURS[timers.phase]
        route = chart.protocol.route
        self.phase.setText(f" {phase_label(timers.phase, route)} ")
        restyle(self.phase, f"color: white; background: {colour}; border-radius: 4px;"
                                 " padding: 2px 6px;")
        self.phase_time.setText(format_duration(timers.in_phase))
        self.left.setText(_left_text(timers, DOSING_WORDS[route].lower()))
        self.vitals.setText(_vitals_text(state, zone))
        self._show_monitor(chart)
        self._show_next_check(timers, zone)
        self._show_alerts(state.waiting())

    def _show_monitor(self, chart: SessionChart) -> None:
        """The monitor's latest reading waiting for a nurse, and how many wait: worked
        out again only when the room's chart of the chair moved on (a new reading, a
        verdict), not every second over a day's readings."""
        if chart is self._monitor_chart:
            return
        self._monitor_chart = chart
        latest = chart.latest_pending_reading
        self.monitor.setVisible(latest is not None)
        if latest is None:
            return
        said = (f"{pending_words(latest, len(chart.pending_readings), self.zone)}\n"
                f"{values_words(latest.vitals)}")
        if self.monitor.text() != said:
            self.monitor.setText(said)

    def _show_item9(self, chart: SessionChart) -> None:
        mark = item9_mark(chart)
        self.item9.setVisible(mark is not None)
        if mark is not None:
            self.item9.setText(f"{theme.FLAG_MARK} PHQ-9 {mark}")
            ink = theme.MUTED if item9_assessed(chart) else theme.HIGH
            restyle(self.item9, f"color: {ink};")

    def show_fault(self, state: ChairState) -> None:
        """A chair whose times could not be worked out: said on its tile, and nothing
        left standing from the last good tick (a frozen timer would look alive)."""
        self.session_id = state.listing.session_id
        self.chair.setText(f"Chair {state.listing.chair} · {state.listing.patient_name}")
        self.phase_time.setText("–:––:––")
        self.left.setText("")
        self.next_check.setText(f"{theme.FLAG_MARK} Times cannot be shown (a fault, written "
                                "to the log): open the session")
        self.next_check.set_colours(theme.HIGH)
        self._show_alerts(state.waiting())

    def _show_next_check(self, timers: SessionTimers, zone: tzinfo) -> None:
        due, due_in = timers.next_vitals_due, timers.vitals_due_in
        reason = timers.vitals_due_reason or ""
        if self.next_check.toolTip() != (said := reason[:1].upper() + reason[1:]):
            self.next_check.setToolTip(said)
        if due is None or due_in is None:
            self.next_check.setText("No check due")
            self.next_check.set_colours(theme.MUTED)
        elif due_in > timedelta():
            what = "Recheck BP" if timers.vitals_due_reason else "Next BP"
            self.next_check.setText(f"{what} {format_clock(due, zone)} · in "
                                    f"{format_duration(due_in)}")
            self.next_check.set_colours()
        else:
            what = "Recheck BP" if timers.vitals_due_reason else "BP"
            word = "OVERDUE" if timers.vitals_overdue else "DUE NOW"
            ink = theme.HIGH if timers.vitals_overdue else theme.CAUTION
            self.next_check.setText(f"{theme.FLAG_MARK} {what} {word} · "
                                    f"{format_duration(-due_in)} (since {format_clock(due, zone)})")
            self.next_check.set_colours(ink)

    def _show_alerts(self, waiting: list[AlertRecord]) -> None:
        shown = waiting[:self.shown_alerts]
        self.alerts.show_alerts(shown)
        extra = len(waiting) - len(shown)
        self.more.setText(f"+{extra} more alert{'s' if extra > 1 else ''} — open the session"
                          if extra > 0 else "")
        top = waiting[0].priority if waiting else None
        colour, width = edge(top)
        self.top_priority = top
        restyle(self, f"ChairTile {{ background: white; border: {width}px solid {colour};"
                           " border-radius: 8px; }")


def _flexible(label: QLabel) -> QLabel:
    """A label that wraps instead of widening its tile past the screen."""
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _left_text(timers: SessionTimers, dosing: str) -> str:
    parts = []
    if timers.since_dose_start is not None:
        parts.append(f"dose +{format_duration(timers.since_dose_start)}")
    if timers.infusion_remaining is not None:
        remaining = timers.infusion_remaining
        parts.append(f"{dosing} {format_duration(remaining)} left" if remaining > timedelta()
                     else f"{theme.FLAG_MARK} {dosing} time reached")
    elif timers.observation_remaining is not None:
        parts.append("observation complete" if timers.observation_complete
                     else f"observation {format_duration(timers.observation_remaining)} left")
    return " · ".join(parts)


def _vitals_text(state: ChairState, zone: tzinfo) -> str:
    rows = state.chart.flagged_vitals
    if not rows:
        return f"<span style='color:{theme.MUTED}'>No vitals yet</span>"
    latest = rows[-1]
    vitals = latest.entry.current
    flagged = {field for flag in latest.flags for field in flag.fields}

    def shown(label: str, text: str, *fields: str) -> str:
        if flagged & set(fields):
            return (f"<span style='color:{theme.HIGH}'><b>{theme.FLAG_MARK} {label} {text}"
                    "</b></span>")
        return f"{label} <b>{text}</b>"

    parts = []
    if vitals.has_bp:
        parts.append(shown(BLOOD_PRESSURE.short, f"{vitals.systolic}/{vitals.diastolic}",
                           "systolic", "diastolic"))
    for measure in PLOTTED:
        value = getattr(vitals, measure.key)
        if value is not None:
            parts.append(shown(measure.short, measure.number_words(value), measure.key))
    return " · ".join(parts) + (f" <span style='color:{theme.MUTED}'>at "
                                f"{format_clock(vitals.observed_at, zone)}</span>")


class RoomPage(QWidget):
    """Tiles for the sessions in the room; the day's finished sessions one click away."""

    open_session = Signal(int)
    acknowledge_requested = Signal(int)
    new_session_requested = Signal()
    check_in_requested = Signal(int)

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        #: The room's day: a finished session's times on another day show their date.
        self._day = date.min  # set by every show_room, before any row is shown
        self.tiles: list[ChairTile] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        header = QHBoxLayout()
        title = QLabel("Infusion room")
        title.setFont(_font(theme.HEADER_POINT_SIZE + 2, bold=True))
        header.addWidget(title)
        disclaimer = QLabel(DISCLAIMER)
        disclaimer.setProperty("role", "muted")
        header.addWidget(disclaimer, 1)
        self.new_session = QPushButton("Patients and new session  (F2)")
        self.new_session.setObjectName("new_session")
        self.new_session.clicked.connect(self.new_session_requested.emit)
        header.addWidget(self.new_session)
        layout.addLayout(header)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        scroll = QScrollArea()
        scroll.setWidget(self.grid_host)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tiles_area = scroll  # not `self.scroll`: that is QWidget.scroll
        layout.addWidget(scroll, 1)
        self.empty = QLabel("No one in the room. Start a session from “Patients and new "
                            "session” (F2).")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setProperty("role", "muted")
        layout.addWidget(self.empty)
        coming = QWidget()
        self.coming_box = coming
        self.coming_row = QHBoxLayout(coming)
        self.coming_row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Coming today:")
        caption.setProperty("role", "section")
        self.coming_row.addWidget(caption)
        self.coming_row.addStretch(1)
        self.coming_buttons: list[QPushButton] = []
        self._coming_ids: list[int] = []
        layout.addWidget(coming)
        finished = QGroupBox("Finished today (Enter or double-click to open)")
        self.finished_box = finished
        finished_layout = QVBoxLayout(finished)
        finished_layout.setContentsMargins(4, 2, 4, 4)
        self.finished_model: RowsModel[ChairState] = RowsModel([
            Column("Chair", lambda s: s.listing.chair),
            Column("Patient", lambda s: s.listing.patient_name),
            Column("MRN", lambda s: s.listing.mrn),
            Column("Protocol", lambda s: s.listing.protocol_name),
            Column("Arrived", lambda s: format_on_day(s.listing.began_at, zone, self._day)),
            Column("Outcome", lambda s: phase_label(s.chart.phase, s.chart.protocol.route)),
            Column("At", lambda s: format_on_day(s.listing.phase_since, zone, self._day)),
            Column("Alerts waiting", lambda s: str(len(s.waiting())) if s.waiting() else ""),
        ], self)
        self.finished_view = read_only_table(self.finished_model)
        self.finished_view.setObjectName("finished_table")
        self.finished_view.setMaximumHeight(112)
        self.finished_view.activated.connect(self._finished_chosen)
        finished_layout.addWidget(self.finished_view)
        layout.addWidget(finished)

    def show_room(self, in_room: list[ChairState], finished: list[ChairState],
                  now: datetime, coming: Sequence[Appointment] = ()) -> None:
        self._day = local_day(now, self.zone)
        self._ensure_tiles(len(in_room))
        self._fit_tiles()
        fault: Exception | None = None
        for tile, state in zip(self.tiles, in_room, strict=False):
            try:
                tile.show_state(state, now)
            except Exception as error:  # one chair that cannot be drawn hides no other
                tile.show_fault(state)
                fault = fault or error
        self.empty.setVisible(not in_room)
        self.finished_box.setVisible(bool(finished))
        self.coming_box.setVisible(bool(coming))
        if [a.id for a in coming] != self._coming_ids:
            self._show_coming(coming)
        if [s.session_id for s in finished] != [
                self.finished_model.row_value(r).session_id
                for r in range(self.finished_model.rowCount())]:
            self.finished_model.set_rows(finished)
        if fault is not None:
            raise fault  # the window logs it and tells it once

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_tiles()

    def _fit_tiles(self) -> None:
        """A third alert per tile when the screen gives each row of tiles room for it.
        Judged by the room's height, not the tile's own: a tile made tall by its third
        alert kept it, and the room scrolled, once the window went back to 1366x768."""
        rows = max(1, -(-len(self.tiles) // COLUMNS))
        share = (self.tiles_area.viewport().height() - self.grid.spacing() * (rows - 1)) / rows
        for tile in self.tiles:
            tile.shown_alerts = TILE_ALERTS + (1 if share > THIRD_ALERT_HEIGHT else 0)

    def _ensure_tiles(self, count: int) -> None:
        while len(self.tiles) < count:
            tile = ChairTile(len(self.tiles) + 1, self.zone)
            tile.open_requested.connect(self.open_session.emit)
            tile.acknowledge_requested.connect(self.acknowledge_requested.emit)
            position = len(self.tiles)
            self.grid.addWidget(tile, position // COLUMNS, position % COLUMNS)
            self.tiles.append(tile)
        while len(self.tiles) > count:
            tile = self.tiles.pop()
            self.grid.removeWidget(tile)
            tile.deleteLater()

    def tile_for(self, session_id: int) -> ChairTile | None:
        return next((tile for tile in self.tiles if tile.session_id == session_id), None)

    def _show_coming(self, coming: Sequence[Appointment]) -> None:
        """One button per booking still to arrive (a line, so the tiles keep the room)."""
        self._coming_ids = [booked.id for booked in coming]
        for button in self.coming_buttons:
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.coming_buttons = []
        for booked in coming:
            button = QPushButton(f"{format_clock(booked.scheduled_for, self.zone)} · Chair "
                                 f"{booked.chair} · {booked.patient_name}")
            button.setObjectName(f"coming_{booked.id}")
            button.setToolTip("Check in: start the session from this booking")
            button.clicked.connect(lambda _=False, i=booked.id: self.check_in_requested.emit(i))
            self.coming_row.insertWidget(self.coming_row.count() - 1, button)
            self.coming_buttons.append(button)

    def _finished_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_session.emit(self.finished_model.row_value(index.row()).session_id)
