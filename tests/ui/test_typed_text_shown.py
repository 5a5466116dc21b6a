"""What a nurse typed is shown as typed, even where the app draws rich text around it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from ketamonitor.core.patient import parse_patient

TYPED_FAMILY = "Ng <Lee>"
TYPED_GIVEN = "Ana & Bo"
SHOWN = "NG <LEE>, Ana & Bo"


def shown_text(label_text: str) -> str:
    """The words a label puts on screen: its rich text, rendered."""
    document = QTextDocument()
    document.setHtml(label_text)
    return document.toPlainText()


def test_a_name_with_angle_brackets_and_ampersand_shows_as_typed(window, store, charting, clock):
    patient = store.register_patient(parse_patient(
        {"mrn": "MRN-7", "family_name": TYPED_FAMILY, "given_name": TYPED_GIVEN,
         "birth_date": "1984-05-06", "weight_kg": "72"}, today=clock.now().date()))
    session_id = charting.session(patient=patient)
    page = window.open_session(session_id)
    header = shown_text(page.title.text())
    assert SHOWN in header
    page.course_button.click()
    shown = [shown_text(label.text()) for label in page.course.findChildren(QLabel)]
    page.course.close()
    assert any(SHOWN in text for text in shown)


def test_a_name_that_looks_like_markup_shows_as_typed_on_its_room_tile(window, store,
                                                                       charting, clock):
    patient = store.register_patient(parse_patient(
        {"mrn": "MRN-8", "family_name": "<b>Bold</b>", "given_name": "<i>Ana</i>",
         "birth_date": "1984-05-06", "weight_kg": "72"}, today=clock.now().date()))
    charting.session(patient=patient)
    window.room.reload()
    window.show_room()
    window.tick()
    (tile,) = [t for t in window.room_page.tiles if t.session_id is not None]
    assert tile.chair.text() == "Chair 3 · <B>BOLD</B>, <i>Ana</i>"
    assert tile.chair.textFormat() == Qt.TextFormat.PlainText
