"""Issue 15: the focus ring is seen from a step away, and nothing moves when focus does."""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from ketamonitor.ui import theme


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    rgb = QColor(colour)
    return 0.2126 * channel(rgb.red()) + 0.7152 * channel(rgb.green()) + 0.0722 * channel(
        rgb.blue())


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_theme_draws_a_thick_contrasting_ring_on_every_focusable_control():
    # WCAG 2.4.13: a band at least 2 px wide whose pixels change by 3:1 when focus arrives;
    # the ring's outer band was the background around the control's thin frame
    assert theme.FOCUS_WIDTH - theme.EDGE_WIDTH >= 2
    for around in (theme.PAPER, theme.PANEL, theme.BUTTON_BG):
        assert _contrast(theme.FOCUS, around) >= 3, around
    ring = f"border: {theme.FOCUS_WIDTH}px solid {theme.FOCUS}"
    focused = {selector.strip() for rule in re.findall(r"([^{}]+)\{([^{}]*)\}",
                                                       theme.APP_STYLESHEET)
               if ring in " ".join(rule[1].split()) for selector in rule[0].split(",")}
    for control in ("QPushButton", "QLineEdit", "QPlainTextEdit", "QComboBox", "QTableView",
                    "QCheckBox"):
        assert f"{control}:focus" in focused, control


def _ring_pixels(widget) -> int:
    image = widget.grab().toImage()
    focus = QColor(theme.FOCUS).rgb()
    return sum(1 for x in range(image.width()) for y in (0, 1, image.height() - 1)
               if image.pixel(x, y) == focus)


def test_the_focused_field_shows_the_ring_and_keeps_its_place(qtbot, window, charting):
    charting.patient(mrn="KM-0001")
    window.show_patients()
    search = window.patients.search
    qtbot.waitUntil(search.hasFocus)
    place = (search.mapTo(window, QPoint(0, 0)), search.size())
    assert _ring_pixels(search) > search.width()  # top and bottom edges, in the focus colour
    qtbot.keyClick(search, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not search.hasFocus())
    assert _ring_pixels(search) == 0
    assert (search.mapTo(window, QPoint(0, 0)), search.size()) == place
