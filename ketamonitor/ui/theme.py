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
#: The critical tier is drawn inverted (light on dark red) so that it never reads as one
#: more "act now".
CRITICAL = "#ffffff"
CRITICAL_BG = "#7a0016"
#: The thick edge around a critical alert's row, brighter than its background.
CRITICAL_EDGE = "#e0002a"
OK = "#1e6b3a"
#: The focus ring: thick and saturated enough to find from a step away (WCAG 2.4.13: at
#: least 2 px, 3:1 against what is around it). A control's frame is thin until it has the
#: focus; its margin shrinks by what the ring adds, so nothing moves when focus does.
FOCUS = "#0060df"
FOCUS_WIDTH = 3
EDGE = "#8a96a3"
EDGE_WIDTH = 1
BUTTON_BG = "#f4f6f8"

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
    Level.CRITICAL: (CRITICAL, CRITICAL_BG),
}

FLAG_MARK = "⚠"
DONE_MARK = "✓"

_SPARE = FOCUS_WIDTH - EDGE_WIDTH  # the margin a control keeps until it has the focus
_FIELDS = "QLineEdit, QPlainTextEdit, QComboBox, QTableView"

APP_STYLESHEET = f"""
QWidget {{ color: {INK}; }}
QLabel[role="field-error"] {{ color: {ERROR}; font-weight: bold; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="section"] {{ font-weight: bold; font-size: {BASE_POINT_SIZE + 1}pt; }}
QFrame[role="panel"] {{ background: {PANEL}; border-radius: 6px; }}
{_FIELDS} {{ border: {EDGE_WIDTH}px solid {EDGE}; border-radius: 3px; margin: {_SPARE}px;
            background: {PAPER}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border: 2px solid {ERROR};
                                                        margin: {FOCUS_WIDTH - 2}px; }}
QPushButton {{ padding: 6px 12px; border: {EDGE_WIDTH}px solid {EDGE}; border-radius: 4px;
              margin: {_SPARE}px; background: {BUTTON_BG}; }}
QPushButton:hover {{ background: #e4e9ee; }}
QPushButton:pressed {{ background: #d3dbe3; }}
QPushButton:disabled {{ color: {MUTED}; background: #eceff2; border-color: #c3cbd4; }}
QTabBar::tab {{ padding: 5px 7px; }}
QPushButton[role="primary"] {{ font-weight: bold; }}
QPushButton:checked {{ background: {INK}; color: white; font-weight: bold;
                       border: {EDGE_WIDTH}px solid {INK}; }}
QCheckBox {{ border: {FOCUS_WIDTH}px solid transparent; border-radius: 3px; }}
QPushButton:focus, {_FIELDS.replace(",", ":focus,")}:focus {{
    border: {FOCUS_WIDTH}px solid {FOCUS}; margin: 0px; }}
QCheckBox:focus {{ border: {FOCUS_WIDTH}px solid {FOCUS}; }}
"""
