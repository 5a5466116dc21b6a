"""The discharge gate on the session page: the gaps listed in the "Next:" panel, a side
effect charted resolved from its tab, and an Aldrete that contradicts the chart refused
beside its field."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.phases import Action, Phase
from tests.ui.test_whole_session import show_tab

#: Set to a folder to keep the screenshot (docs/screenshots when refreshing the README's).
SCREENSHOTS = os.environ.get("KETAMONITOR_SCREENSHOTS")


def _ready_with_gaps(store, charting, clock) -> int:
    """Ready for discharge: severe psychotic symptoms never resolved, a last SpO2 of 86 %,
    and escort "yes" charted on arrival only."""
    session_id = charting.session()
    charting.ready_to_start(session_id)
    discharge = store.library.checklist("discharge")
    store.record_checklist_answer(session_id, checklist_answer(
        discharge, "escort_present", "yes", clock.now()))
    clock.advance(minutes=2)
    store.change_phase(session_id, Action.START_INFUSION)
    clock.advance(minutes=10)
    effects = store.library.checklist("side_effects")
    store.record_checklist_answer(session_id, checklist_answer(
        effects, "psychotic_symptoms", "present", clock.now(), severity="severe"))
    clock.advance(minutes=30)
    charting.through_observation(session_id)
    clock.advance(minutes=1)
    charting.vitals(session_id, systolic="126", diastolic="80", heart_rate="78", spo2="86",
                    respiratory_rate="14")
    return session_id


def _click(qtbot, page, name: str) -> None:
    button = page.findChild(QPushButton, name)
    assert button is not None and button.isVisible(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_gaps_are_listed_and_a_side_effect_is_charted_resolved(qtbot, window, store,
                                                                     charting, clock):
    session_id = _ready_with_gaps(store, charting, clock)
    page = window.open_session(session_id)
    assert page.chart.phase is Phase.READY_FOR_DISCHARGE
    text = page.next_step.text()
    assert "Last SpO2 86 % is below 92 %: recheck on room air" in text
    assert "Side effect still present: Psychotic symptoms or mania (severe)" in text
    assert "Escort / ride home present (answer it after dosing ended)" in text
    assert "MOAA/S must be 5" in text
    show_tab(page, "Side effects")
    row = next(r for r in range(page.side_effect_model.rowCount())
               if page.side_effect_model.row_value(r).item == "psychotic_symptoms")
    course = page.side_effect_model.index(row, 4)
    assert page.side_effect_model.data(course) == "still present"
    show_tab(page, "Discharge")  # the escort "yes" of arrival does not count: asked again
    escort = page.findChild(QPushButton, "discharge_escort_present_yes")
    assert not escort.isChecked()
    if SCREENSHOTS:
        page.attention.verticalScrollBar().setValue(page.next_step.y())
        window.grab().save(str(Path(SCREENSHOTS) / "discharge-gaps.png"))
    show_tab(page, "Side effects")
    _click(qtbot, page, "side_effect_resolve")
    assert page.side_effect_model.data(page.side_effect_model.index(row, 4)).startswith(
        "resolved ")
    assert "Side effect still present" not in page.next_step.text()
    combo = page.findChild(QComboBox, "side_effect_still_present")
    assert combo.currentText() == "none" and not combo.isEnabled()


def test_an_aldrete_spo2_item_of_2_beside_a_charted_86_is_refused_beside_the_field(
        qtbot, window, store, charting, clock):
    session_id = _ready_with_gaps(store, charting, clock)
    page = window.open_session(session_id)
    show_tab(page, "Scales")
    form = page.scales["modified_aldrete"]
    oxygen = page.findChild(QComboBox, "modified_aldrete_oxygen_saturation")
    assert oxygen.currentData() == 0  # the chart's score, offered as the default
    hint = page.findChild(QLabel, "modified_aldrete_oxygen_saturation_label")
    assert "(the chart gives 0)" in hint.text()
    scores_before = len(store.chart(session_id).scale_scores)
    form.choose({item.key: 2 for item in form.scale.items})
    _click(qtbot, page, "modified_aldrete_save")
    assert len(store.chart(session_id).scale_scores) == scores_before
    shown = " ".join(label.text() for label in form.findChildren(QLabel)
                     if label.isVisible())
    assert "scored 2 but the chart gives 0 (last SpO2 86 %)" in shown
