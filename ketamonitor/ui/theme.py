"""Sizes and colours in one place, chosen to be read from a step away and in greyscale.

Colour never carries meaning alone: every flag also has a shape (⚠) and words.
"""

from __future__ import annotations

from ketamonitor.core.flags import Level
from ketamonitor.core.phases import Phase

BASE_POINT_SIZE = 11
TIMER_POINT_SIZE = 26
HEADER_POINT_SIZE = 14

INK = "#1b1f24"
MUTED = "#5a6470"
PAPER = "#ffffff"
PANEL = "#f3f5f7"
ERROR = "#b00020"
CAUTION = "#8a5a00"
CAUTION_BG = "#fff4d6"
HIGH = "#b00020"
HIGH_BG = "#fde7ea"
OK = "#1e6b3a"

PHASE_COLOURS = {
    Phase.PRE_INFUSION: "#4a5a6a",
    Phase.INFUSING: "#0b5cad",
    Phase.PAUSED: "#8a5a00",
    Phase.OBSERVATION: "#5b3a99",
    Phase.READY_FOR_DISCHARGE: "#1e6b3a",
    Phase.DISCHARGED: "#5a6470",
    Phase.STOPPED_EARLY: "#5a6470",
}

FLAG_STYLE = {
    Level.CAUTION: (CAUTION, CAUTION_BG),
    Level.HIGH: (HIGH, HIGH_BG),
}

FLAG_MARK = "⚠"
DONE_MARK = "✓"

APP_STYLESHEET = f"""
QWidget {{ color: {INK}; }}
QLabel[role="field-error"] {{ color: {ERROR}; font-weight: bold; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="section"] {{ font-weight: bold; font-size: {BASE_POINT_SIZE + 1}pt; }}
QFrame[role="panel"] {{ background: {PANEL}; border-radius: 6px; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 2px solid {ERROR}; }}
QPushButton {{ padding: 6px 12px; }}
QTabBar::tab {{ padding: 5px 7px; }}
QPushButton[role="primary"] {{ font-weight: bold; }}
QPushButton:checked {{ background: {INK}; color: white; font-weight: bold;
                       border: 1px solid {INK}; border-radius: 3px; }}
"""
