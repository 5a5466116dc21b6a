"""Moving a session on with typing not saved asks first: discharge vitals typed and never
entered are not in the record, and Cancel goes back to them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import EventKind


def _ready_for_discharge(charting, store) -> int:
    session_id = charting.started()
    charting.through_observation(session_id)
    charting.aldrete(session_id)
    charting.answer_all(session_id, store.chart(session_id).protocol.checklists.discharge)
    return session_id


def test_discharge_with_vitals_typed_asks_and_cancel_goes_back_to_them(
        qtbot, window, charting, store, prompts):
    session_id = _ready_for_discharge(charting, store)
    page = window.open_session(session_id)
    qtbot.keyClicks(page.vitals_form.inputs["systolic"], "188")
    qtbot.keyClicks(page.vitals_form.inputs["diastolic"], "104")
    prompts.confirm_answer = False

    qtbot.mouseClick(page.action_buttons[Action.DISCHARGE], Qt.MouseButton.LeftButton)

    assert "Vitals typed on this chart but not saved" in prompts.questions[-1]
    assert store.chart(session_id).phase is Phase.READY_FOR_DISCHARGE
    assert page.vitals_form.typed()["systolic"] == "188"
    assert page.vitals_form.inputs["systolic"].hasFocus()


def test_discharge_with_a_note_typed_goes_on_when_the_nurse_says_so(
        qtbot, window, charting, store, prompts):
    session_id = _ready_for_discharge(charting, store)
    page = window.open_session(session_id)
    qtbot.keyClicks(page.note_text, "Sister driving home")

    qtbot.mouseClick(page.action_buttons[Action.DISCHARGE], Qt.MouseButton.LeftButton)

    assert "A note typed on this chart but not saved" in prompts.questions[-2]
    assert prompts.questions[-1] == "Discharge the patient now?"
    assert store.chart(session_id).phase is Phase.DISCHARGED
    # left unsaved, as the nurse chose: a discharged chart is read-only, the note field gone
    assert not page.note_text.isVisible() and not page.note_button.isVisible()
    notes = [e.text for e in store.chart(session_id).events if e.kind == EventKind.NOTE]
    assert notes == []
    assert not page.has_typing()  # closing the window does not ask about it again


def test_no_typing_no_extra_question(qtbot, window, charting, store, prompts):
    session_id = _ready_for_discharge(charting, store)
    page = window.open_session(session_id)

    qtbot.mouseClick(page.action_buttons[Action.DISCHARGE], Qt.MouseButton.LeftButton)

    assert prompts.questions == ["Discharge the patient now?"]
    assert store.chart(session_id).phase is Phase.DISCHARGED
