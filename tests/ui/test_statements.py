"""What a nurse's save and a page's opening cost the file, counted through the real window:
one chart read for a save (the room's, shared by the page and the tile), none for opening a
page the room already holds."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.ui.main_window import MainWindow
from tests.statements import counting
from tests.ui.test_whole_session import type_into

#: The most statements one vitals save may run through the window: 26 (the entry and its
#: audit row in one transaction, one chart read, the typing kept cleared; a chart with a
#: monitor's readings adds one, its verdicts, since issue 21: the readings the room holds
#: are not read again); 49 with two chart reads before the room held the page's chart and
#: the roles were looked up once per write. The issue asks for at most 30.
SAVE_VITALS_MOST = 26
#: The most statements opening a page the room holds may run: 8 (42, two chart reads, before).
OPEN_PAGE_MOST = 8


def _type_vitals(qtbot, page) -> None:
    for name, text in {"systolic": "128", "diastolic": "82", "heart_rate": "74",
                       "spo2": "98", "respiratory_rate": "14"}.items():
        type_into(qtbot, page.vitals_form.inputs[name], text)


def test_one_vitals_save_reads_the_chart_once(qtbot, window: MainWindow, charting, store):
    page = window.open_session(charting.session())
    _type_vitals(qtbot, page)
    with counting(store) as statements:
        qtbot.keyClick(page.vitals_form.inputs["respiratory_rate"], Qt.Key.Key_Return)
    assert [e.current.systolic for e in page.chart.vitals] == [128]
    assert statements.chart_reads == 1
    assert len(statements) <= SAVE_VITALS_MOST, "\n".join(statements.run)


def test_opening_a_page_the_room_holds_reads_no_chart(qtbot, window: MainWindow, charting,
                                                      store):
    session_id = charting.session()
    window.room.reload()  # the room holds the session, as once it is started
    with counting(store) as statements:
        page = window.open_session(session_id)
    assert page.chart.session.id == session_id
    assert statements.chart_reads == 0, "\n".join(statements.run)
    assert len(statements) <= OPEN_PAGE_MOST, "\n".join(statements.run)
