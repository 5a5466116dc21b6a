"""How the charts look: colours, line styles and symbols readable on screen and in greyscale.

Colour never carries meaning alone: systolic and diastolic differ by caret direction and line
style, a flag by its ring's shape (diamond: critical; circle: act now; square: caution), a
threshold by its dash pattern and its words, a phase by its words and shade (a pause is
hatched).
The palette repeats the app theme's colours (ui.theme) because plotting sits below ui.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsView

from ketamonitor.core import measurements
from ketamonitor.core.chart_marks import MarkKind
from ketamonitor.core.phases import Phase

INK = "#1b1f24"
PAPER = "#ffffff"
MUTED = "#5a6470"
HIGH = "#b00020"
CRITICAL = "#7a0016"  # the critical tier's dark red (ui.theme.CRITICAL_BG)
CAUTION = "#8a5a00"
BP = "#0b5cad"
HEART_RATE = "#7a1f5c"
SPO2 = "#0b6e6e"
RESPIRATION = "#2f5d1e"

FONT_POINTS = 8.5


def font(points: float = FONT_POINTS, bold: bool = False) -> QFont:
    chosen = QFont()
    chosen.setPointSizeF(points)
    chosen.setBold(bold)
    return chosen


def pen(colour: str, width: float = 1.5, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    drawn = pg.mkPen(colour, width=width, style=style)
    drawn.setCosmetic(True)
    return drawn


def tint(colour: str, alpha: int, pattern: Qt.BrushStyle = Qt.BrushStyle.SolidPattern
         ) -> QBrush:
    shade = QColor(colour)
    shade.setAlpha(alpha)
    return QBrush(shade, pattern)


SYSTOLIC_PEN = pen(BP, 2)
DIASTOLIC_PEN = pen(BP, 2, Qt.PenStyle.DashLine)
BAND_BRUSH = tint(BP, 38)
STOP_PEN = pen(HIGH, 1.5, Qt.PenStyle.DashDotLine)
CAUTION_PEN = pen(CAUTION, 1.5, Qt.PenStyle.DotLine)
FLAG_CRITICAL_PEN = pen(CRITICAL, 3.5)
FLAG_HIGH_PEN = pen(HIGH, 2.5)
FLAG_CAUTION_PEN = pen(CAUTION, 2.5)
CURSOR_PEN = pen(MUTED, 1, Qt.PenStyle.DotLine)

#: A monitor's reading not yet validated: the measure's own colour, faint, dotted, hollow.
PENDING_ALPHA = 110
#: A reading marked as an artifact: an ✗ in ink, whatever the measure.
ARTIFACT_INK = "#3a3f45"
ARTIFACT_SIZE = 12


def faint(colour: str, alpha: int = PENDING_ALPHA) -> QColor:
    shade = QColor(colour)
    shade.setAlpha(alpha)
    return shade


def faint_pen(colour: str) -> QPen:
    drawn = pg.mkPen(faint(colour), width=1.2, style=Qt.PenStyle.DotLine)
    drawn.setCosmetic(True)
    return drawn

#: Each measure's panel: (axis title, the short name of the one measurements table: a
#: 45-pixel panel has no room for its unit as well; colour; symbol)
MEASURE_STYLE = {
    "heart_rate": (measurements.HEART_RATE.short, HEART_RATE, "o"),
    "spo2": (measurements.SPO2.short, SPO2, "d"),
    "respiratory_rate": (measurements.RESPIRATORY_RATE.short, RESPIRATION, "s"),
}
#: The BP panel's axis title: tall enough for the unit too.
BP_TITLE = measurements.BLOOD_PRESSURE.heading

#: Shades of the phases, lightest for the baseline; the pause hatched, so it stays apart
#: from infusion and observation when printed in grey.
PHASE_BRUSHES = {
    Phase.PRE_INFUSION: tint("#4a5a6a", 14),
    Phase.INFUSING: tint(BP, 46),
    Phase.PAUSED: tint(CAUTION, 150, Qt.BrushStyle.BDiagPattern),
    Phase.OBSERVATION: tint("#5b3a99", 22),
    Phase.READY_FOR_DISCHARGE: tint("#1e6b3a", 18),
}

OTHER_PHASE_BRUSH = tint("#888888", 12)

#: Event markers: shape first, colour second.
MARK_STYLE = {
    MarkKind.PHASE: ("d", INK, INK),
    MarkKind.DOSE: ("o", BP, BP),
    MarkKind.NOTE: ("s", MUTED, None),
    MarkKind.SIDE_EFFECT: ("x", CAUTION, CAUTION),
    MarkKind.SCORE: ("t1", "#5b3a99", None),
    MarkKind.MEDICATION: ("t", "#1e6b3a", "#1e6b3a"),
    MarkKind.ALERT: ("star", HIGH, HIGH),
    MarkKind.REMINDER: ("star", MUTED, None),
    MarkKind.OVERRIDE: ("p", CAUTION, CAUTION),
}
MARK_WORDS = {
    MarkKind.PHASE: "phase change",
    MarkKind.DOSE: "device",
    MarkKind.NOTE: "note",
    MarkKind.SIDE_EFFECT: "side effect",
    MarkKind.SCORE: "score",
    MarkKind.MEDICATION: "medicine given",
    MarkKind.ALERT: "alert",
    MarkKind.REMINDER: "reminder",
    MarkKind.OVERRIDE: "physician override",
}


def configure() -> None:
    """pyqtgraph's defaults for our pictures: white paper, dark ink. Smoothing is asked
    for by the curves that want it (see traces.curve), not for every line and fill."""
    pg.setConfigOptions(antialias=False, background="w", foreground=INK)


def canvas() -> pg.GraphicsLayoutWidget:
    """pyqtgraph's own widget holding a layout to build a chart into, on white paper."""
    configure()
    drawn = pg.GraphicsLayoutWidget()
    drawn.setBackground(PAPER)
    # a reading changes every panel's curve: one repaint of their bounding rectangle costs
    # less than Qt clipping to each changed region in turn
    drawn.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
    return drawn
