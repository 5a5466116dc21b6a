"""At its narrowest the session page still shows every word of the phase name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from ketamonitor.core.phases import Phase


def drawn_within(label) -> bool:
    """Whether the label's text, wrapped as Qt draws it, fits the room it has."""
    room = label.contentsRect()
    needed = QFontMetrics(label.font()).boundingRect(
        room, int(Qt.TextFlag.TextWordWrap), label.text())
    return needed.width() <= room.width() and needed.height() <= room.height()


def one_line(label) -> bool:
    width = QFontMetrics(label.font()).horizontalAdvance(label.text())
    return width <= label.contentsRect().width()


@pytest.mark.parametrize("width", [600, 1366])
@pytest.mark.parametrize("phase", [Phase.PRE_INFUSION, Phase.READY_FOR_DISCHARGE])
def test_the_phase_name_is_never_clipped(window, charting, qtbot, width, phase):
    if phase is Phase.READY_FOR_DISCHARGE:
        session_id = charting.started()
        charting.through_observation(session_id)
    else:
        session_id = charting.session()
    page = window.open_session(session_id)
    window.resize(width, 768)
    qtbot.waitUntil(lambda: window.width() == max(width, window.minimumSizeHint().width()))
    assert page.chart.phase is phase
    assert page.timer.phase.text() == phase.label
    qtbot.waitUntil(lambda: drawn_within(page.timer.phase))
    if width == 1366:  # room enough: one line, as a nurse reads it across the room
        assert one_line(page.timer.phase)
