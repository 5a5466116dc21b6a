"""The big timer: phase, time in phase, since the dose, what is left, the next vitals due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta, tzinfo

from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from ketamonitor.core.flags import Level
from ketamonitor.core.timers import SessionTimers
from ketamonitor.core.times import format_clock, format_duration
from ketamonitor.ui import theme
from ketamonitor.ui.live_text import LiveText
from ketamonitor.ui.views import restyle

_CELLS = ("in_phase", "since_dose", "infusion_left", "observation_left", "next_vitals")
_CAPTIONS = {
    "in_phase": "In phase",
    "since_dose": "Since dose start",
    "infusion_left": "Infusion left",
    "observation_left": "Observation left",
    "next_vitals": "Next vitals",
}


_PHASE_PADDING = 14  # px either side of the phase name on its coloured block


def _left(span: timedelta | None) -> str:
    return "—" if span is None else format_duration(abs(span))


class _PhaseName(QLabel):
    """Wants one line, wraps onto two in a narrow window rather than clip a word."""

    def sizeHint(self) -> QSize:
        wrapped = super().sizeHint()
        metrics = QFontMetrics(self.font())
        margins = self.contentsMargins()
        one_line = (metrics.horizontalAdvance(self.text()) + margins.left() + margins.right()
                    + metrics.averageCharWidth())  # slack: Qt wraps a hair before the edge
        return QSize(max(wrapped.width(), one_line), wrapped.height())


class TimerPanel(QFrame):
    def __init__(self, dosing_word: str = "Infusion", phase_labels: Iterable[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "panel")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(16)
        self.phase = _PhaseName()
        self.phase.setObjectName("timer_phase")
        phase_font = QFont()
        phase_font.setPointSize(theme.TIMER_POINT_SIZE - 8)  # "Pre-infusion (baseline)" fits
        phase_font.setBold(True)
        self.phase.setFont(phase_font)
        # a narrow window wraps the phase name onto its two rows; it never clips a word
        # ("Ready for di…"), so the block is at least as wide as the longest word
        self.phase.setWordWrap(True)
        widest = max((QFontMetrics(phase_font).horizontalAdvance(word)
                      for label in phase_labels for word in label.split()), default=0)
        self.phase.setMinimumWidth(widest + 2 * _PHASE_PADDING + 4)
        grid.addWidget(self.phase, 0, 0, 2, 1)
        number_font = QFont()
        number_font.setPointSize(theme.TIMER_POINT_SIZE)
        number_font.setBold(True)
        number_font.setStyleHint(QFont.StyleHint.Monospace)
        self.values: dict[str, LiveText] = {}
        self.captions: dict[str, QLabel] = {}
        for column, name in enumerate(_CELLS, start=1):
            caption = QLabel(_CAPTIONS[name].replace("Infusion", dosing_word))
            self.dosing_word = dosing_word
            caption.setProperty("role", "muted")
            # durations only, so no value widens the panel; the caption says what it is.
            # Never elided: past ten hours the digits are drawn a little smaller instead
            flagged = name in ("infusion_left", "next_vitals")
            value = LiveText(f"{theme.FLAG_MARK} 0:00:00" if flagged else "0:00:00",
                             paper=theme.PANEL, shrink=False)
            value.setText("—")
            value.setObjectName(f"timer_{name}")
            value.setFont(number_font)
            grid.addWidget(caption, 0, column)
            grid.addWidget(value, 1, column)
            self.values[name] = value
            self.captions[name] = caption
        grid.setColumnStretch(len(_CELLS) + 1, 1)

    def show_timers(self, timers: SessionTimers, zone: tzinfo, label: str) -> None:
        colour = theme.PHASE_COLOURS[timers.phase]
        self.phase.setText(label)
        restyle(self.phase, f"QLabel {{ color: white; background: {colour};"
                                 f" border-radius: 6px; padding: 8px {_PHASE_PADDING}px; }}")
        self.values["in_phase"].setText(format_duration(timers.in_phase)
                                        if not timers.phase.is_finished else "—")
        self.values["since_dose"].setText(format_duration(timers.since_dose_start)
                                          if timers.since_dose_start is not None else "—")
        self._show_infusion_left(timers.infusion_remaining)
        self._show_observation_left(timers)
        self._show_due(timers, zone)

    def _show_observation_left(self, timers: SessionTimers) -> None:
        """The cell is sized for a duration; a finished observation says so in its caption."""
        cell, caption = self.values["observation_left"], self.captions["observation_left"]
        if timers.observation_complete:
            caption.setText("Observation complete")
            cell.setText(theme.DONE_MARK)
        else:
            caption.setText(_CAPTIONS["observation_left"])
            cell.setText(_left(timers.observation_remaining))

    def _show_infusion_left(self, remaining: timedelta | None) -> None:
        """Past the infusion time the pump should be off: say so in shape and words."""
        cell, caption = self.values["infusion_left"], self.captions["infusion_left"]
        if remaining is not None and remaining < timedelta():
            ink, background = theme.FLAG_STYLE[Level.CAUTION]
            caption.setText(f"{self.dosing_word} time over by")
            cell.setText(f"{theme.FLAG_MARK} {_left(remaining)}")
            cell.set_colours(ink, background)
        else:
            caption.setText(f"{self.dosing_word} left")
            cell.setText(_left(remaining))
            cell.set_colours()

    def _show_due(self, timers: SessionTimers, zone: tzinfo) -> None:
        cell, caption = self.values["next_vitals"], self.captions["next_vitals"]
        if timers.next_vitals_due is None or timers.vitals_due_in is None:
            cell.setText("—")
            cell.set_colours()
            caption.setText(_CAPTIONS["next_vitals"])
            return
        due_at = format_clock(timers.next_vitals_due, zone)
        reason = timers.vitals_due_reason  # a recheck sooner than the routine cadence
        caption.setToolTip(reason[:1].upper() + reason[1:] if reason else "")
        if reason:
            caption.setText(f"{reason[:1].upper()}{reason[1:]} · {due_at}")
        else:
            caption.setText(f"{_CAPTIONS['next_vitals']} at {due_at}")
        due_in = timers.vitals_due_in
        if due_in > timedelta():
            cell.setText(format_duration(due_in))
            cell.set_colours()
            return
        level = Level.HIGH if timers.vitals_overdue else Level.CAUTION
        ink, background = theme.FLAG_STYLE[level]
        word = "OVERDUE" if timers.vitals_overdue else "DUE"
        caption.setText(f"{'Recheck' if reason else 'Vitals'} {word} since {due_at}")
        cell.setText(f"{theme.FLAG_MARK} {format_duration(-due_in)}")
        cell.set_colours(ink, background)
