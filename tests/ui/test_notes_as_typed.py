"""Issue 15: a note's reason shows while it is typed and goes when the text is fixed; the
keyboard charts a note and a side effect."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.entries import NOTE_MAX_CHARACTERS
from ketamonitor.core.records import EventKind
from tests.ui.test_whole_session import choose, show_tab


def _notes(page) -> list[str]:
    return [e.text for e in page.chart.events if e.kind == EventKind.NOTE]


def test_a_note_past_the_limit_is_refused_as_it_is_typed_and_forgiven_when_fixed(
        qtbot, window, charting):
    page = window.open_session(charting.started())
    show_tab(page, "Notes")
    page.note_text.setFocus()
    page.note_text.insertPlainText("x" * NOTE_MAX_CHARACTERS)  # a paste
    assert page.note_error.text() == "" and page.note_button.isEnabled()
    qtbot.keyClicks(page.note_text, "yz")
    assert f"at most {NOTE_MAX_CHARACTERS} characters" in page.note_error.text()
    assert not page.note_button.isEnabled()  # refused before Add, not after
    qtbot.keyClick(page.note_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _notes(page) == []
    page.note_text.selectAll()
    qtbot.keyClicks(page.note_text, "Patient settled, escort waiting")
    assert page.note_error.text() == ""
    assert page.note_button.isEnabled()
    qtbot.mouseClick(page.note_button, Qt.MouseButton.LeftButton)
    assert _notes(page) == ["Patient settled, escort waiting"]


def test_the_reason_for_an_empty_note_goes_once_something_is_typed(qtbot, window, charting):
    page = window.open_session(charting.started())
    show_tab(page, "Notes")
    qtbot.mouseClick(page.note_button, Qt.MouseButton.LeftButton)
    assert page.note_error.text() == "write the note first"
    qtbot.keyClicks(page.note_text, "Calm")
    assert page.note_error.text() == ""


def test_ctrl_enter_adds_the_note(qtbot, window, charting):
    page = window.open_session(charting.started())
    show_tab(page, "Notes")
    page.note_text.setFocus()
    qtbot.keyClicks(page.note_text, "Music on, eyes closed")
    qtbot.keyClick(page.note_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _notes(page) == ["Music on, eyes closed"]
    assert page.note_text.toPlainText() == ""


def test_enter_in_a_side_effects_note_charts_it(qtbot, window, charting):
    page = window.open_session(charting.started())
    show_tab(page, "Side effects")
    choose(window, "side_effect_item", "nausea")
    choose(window, "side_effect_severity", "mild")
    form = page.side_effects
    form.note.setFocus()
    qtbot.keyClicks(form.note, "after the second pump rate")
    qtbot.keyClick(form.note, Qt.Key.Key_Return)
    charted = page.chart.entries_of(form.checklist.id)
    assert [(e.item, e.severity, e.note) for e in charted] == [
        ("nausea", "mild", "after the second pump rate")]
    assert form.note.text() == ""


def test_a_side_effects_note_past_the_limit_disables_charting_it(qtbot, window, charting):
    page = window.open_session(charting.started())
    show_tab(page, "Side effects")
    form = page.side_effects
    form.note.setText("y" * (NOTE_MAX_CHARACTERS + 1))
    assert not form.add.isEnabled()
    assert "at most" in form.errors.text("note")
    form.note.setText("short")
    assert form.add.isEnabled() and form.errors.text("note") == ""
