"""The vitals form asks once, beside the field, and keeps the typing: an extreme reading is
charted only after "Yes, chart it"; changing the value drops the confirmation; no dialog.
Each SpO2 says room air or oxygen, kept from one set to the next; EtCO2 is optional."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel

from ketamonitor.ui.main_window import MainWindow
from tests.charting import EARLY_END
from tests.ui.test_whole_session import type_into


@pytest.fixture
def page(window: MainWindow, charting):
    session_id = charting.session()
    return window.open_session(session_id)


def enter(qtbot, page, **typed: str) -> None:
    form = page.vitals_form
    for name, text in typed.items():
        type_into(qtbot, form.inputs[name], text)
    qtbot.keyClick(form.inputs[next(iter(typed))], Qt.Key.Key_Return)


def grab(widget, name: str) -> None:
    """Keep a picture for a person to look at (only when asked: KETAMONITOR_GRABS=dir)."""
    folder = os.environ.get("KETAMONITOR_GRABS")
    if folder:
        QApplication.processEvents()
        widget.grab().save(str(Path(folder) / f"vitals-{name}.png"))


def test_apnoea_is_asked_beside_the_field_then_charted_once_confirmed(qtbot, page, store,
                                                                       window):
    form = page.vitals_form
    enter(qtbot, page, respiratory_rate="0", spo2="78", heart_rate="52")
    assert form.errors.text("respiratory_rate") == "RR 0 — apnoea?"
    assert form.confirms["respiratory_rate"].isVisible()
    assert form.confirms["respiratory_rate"].text() == "Yes, chart it"
    assert not form.confirms["spo2"].isVisible()  # 78 % is a reading, not a question
    assert form.inputs["respiratory_rate"].text() == "0"
    assert store.chart(page.session_id).vitals == ()
    grab(window, "apnoea-asked-1366x768")

    qtbot.keyClick(form.inputs["respiratory_rate"], Qt.Key.Key_Return)  # asked once
    assert store.chart(page.session_id).vitals == ()
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())

    qtbot.keyClick(form.inputs["respiratory_rate"], Qt.Key.Key_Tab)
    assert form.confirms["respiratory_rate"].hasFocus()  # the box right after its field
    qtbot.keyClick(form.confirms["respiratory_rate"], Qt.Key.Key_Space)
    qtbot.keyClick(form.confirms["respiratory_rate"], Qt.Key.Key_Return)
    (charted,) = store.chart(page.session_id).vitals
    assert (charted.current.respiratory_rate, charted.current.spo2) == (0, 78)
    assert form.inputs["respiratory_rate"].text() == ""
    assert not form.confirms["respiratory_rate"].isVisible()


def test_changing_the_value_drops_its_confirmation(qtbot, page, store):
    form = page.vitals_form
    enter(qtbot, page, spo2="42")
    assert form.errors.text("spo2") == "SpO2 42 % — very low: is the probe on?"
    form.confirms["spo2"].setChecked(True)
    type_into(qtbot, form.inputs["spo2"], "41")
    assert not form.confirms["spo2"].isChecked()
    qtbot.keyClick(form.inputs["spo2"], Qt.Key.Key_Return)
    assert store.chart(page.session_id).vitals == ()
    assert form.errors.text("spo2") == "SpO2 41 % — very low: is the probe on?"
    form.confirms["spo2"].setChecked(True)
    qtbot.keyClick(form.inputs["spo2"], Qt.Key.Key_Return)
    assert [e.current.spo2 for e in store.chart(page.session_id).vitals] == [41]


def test_a_bp_question_is_dropped_when_either_number_changes(qtbot, page, store):
    form = page.vitals_form
    enter(qtbot, page, systolic="32", diastolic="18")
    assert form.errors.text("systolic") == "BP 32/18 — very low?"
    form.confirms["systolic"].setChecked(True)
    type_into(qtbot, form.inputs["diastolic"], "16")
    assert not form.confirms["systolic"].isChecked()


def test_a_confirmed_question_stays_beside_its_box_while_another_field_is_put_right(
        qtbot, page, store):
    form = page.vitals_form
    enter(qtbot, page, respiratory_rate="0", heart_rate="999")
    assert form.errors.text("heart_rate") == "must be 20–300 /min"
    assert form.errors.text("respiratory_rate") == "RR 0 — apnoea?"
    form.confirms["respiratory_rate"].setChecked(True)
    qtbot.keyClick(form.inputs["heart_rate"], Qt.Key.Key_Return)
    assert form.errors.text("respiratory_rate") == "RR 0 — apnoea?"
    assert form.confirms["respiratory_rate"].isChecked()
    type_into(qtbot, form.inputs["heart_rate"], "48")
    qtbot.keyClick(form.inputs["heart_rate"], Qt.Key.Key_Return)
    assert [(e.current.respiratory_rate, e.current.heart_rate)
            for e in store.chart(page.session_id).vitals] == [(0, 48)]


def test_a_typing_slip_is_still_refused_with_no_question(qtbot, page, store):
    form = page.vitals_form
    enter(qtbot, page, spo2="101")
    assert form.errors.text("spo2") == "must be 0–100 %"
    assert not form.confirms["spo2"].isVisible()


def test_oxygen_is_said_with_the_spo2_kept_for_the_next_set_and_shown_in_the_table(
        qtbot, page, store, window):
    form = page.vitals_form
    assert form.oxygen.currentText() == "Room air"
    form.oxygen.setCurrentIndex(form.oxygen.findData("oxygen"))
    enter(qtbot, page, spo2="93")
    assert form.errors.text("oxygen_l_per_min") == "type the flow in L/min, or choose room air"
    type_into(qtbot, form.oxygen_flow, "2")
    type_into(qtbot, form.inputs["etco2"], "41")
    type_into(qtbot, form.inputs["respiratory_rate"], "12")
    qtbot.keyClick(form.inputs["spo2"], Qt.Key.Key_Return)
    (charted,) = store.chart(page.session_id).vitals
    assert (charted.current.oxygen_l_per_min, charted.current.etco2) == (2.0, 41)
    assert form.oxygen.currentText() == "Oxygen" and form.oxygen_flow.text() == "2"
    assert not form.has_typing()  # the kept choice is not unsaved typing
    model = page.vitals_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = {h: model.data(model.index(0, c)) for c, h in enumerate(headers)}
    assert row["SpO2"] == "93 % (O2 2 L/min)" and row["EtCO2"] == "41"
    grab(window, "oxygen-1366x768")


def test_a_flow_with_room_air_is_refused_beside_the_flow(qtbot, page, store):
    form = page.vitals_form
    type_into(qtbot, form.oxygen_flow, "3")
    enter(qtbot, page, spo2="95")
    assert "choose Oxygen for a flow" in form.errors.text("oxygen_l_per_min")
    assert store.chart(page.session_id).vitals == ()
    assert form.inputs["spo2"].text() == "95" and form.oxygen_flow.text() == "3"


def test_a_reopened_chart_starts_from_the_oxygen_of_its_latest_set(qtbot, window, charting,
                                                                    store):
    session_id = charting.session()
    charting.vitals(session_id, spo2="94", oxygen="oxygen", oxygen_l_per_min="4")
    page = window.open_session(session_id)
    assert page.vitals_form.oxygen.currentText() == "Oxygen"
    assert page.vitals_form.oxygen_flow.text() == "4"


def test_the_form_fits_a_1366_screen_with_every_control_in_reach(qtbot, page, window):
    form = page.vitals_form
    enter(qtbot, page, respiratory_rate="0", spo2="42", systolic="32", diastolic="18")
    right = form.save_button.mapTo(window, form.save_button.rect().bottomRight()).x()
    assert right <= window.width()
    for box in form.confirms.values():
        if box.isVisible():
            assert box.mapTo(window, box.rect().bottomRight()).x() <= window.width()


def test_a_late_apnoea_is_asked_in_the_dialog_beside_the_field_then_charted(qtbot, window,
                                                                          charting, store,
                                                                          clock):
    from ketamonitor.core.phases import Action

    session_id = charting.session()
    charting.bp(session_id, 120, 80)
    taken = clock.now().astimezone(clock.local_zone)
    clock.advance(minutes=20)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END, reason="declined")
    page = window.open_session(session_id)
    dialog = page.open_late_entry()
    for name, text in {"time": f"{taken:%H:%M}", "respiratory_rate": "0", "spo2": "82",
                       "reason": "on paper"}.items():
        type_into(qtbot, dialog.fields[name], text)
    dialog.submit()
    assert dialog.errors.text("respiratory_rate") == "RR 0 — apnoea?"
    assert dialog.confirms["respiratory_rate"].isVisible() and dialog.isVisible()
    assert len(store.chart(session_id).vitals) == 1
    grab(dialog, "late-apnoea-asked")
    dialog.confirms["respiratory_rate"].setChecked(True)
    qtbot.keyClick(dialog.confirms["respiratory_rate"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert [e.current.respiratory_rate for e in store.chart(session_id).vitals] == [14, 0]


def test_a_correction_to_an_extreme_is_asked_beside_the_field(qtbot, window, charting, store,
                                                              prompts):
    from PySide6.QtWidgets import QDialogButtonBox

    from ketamonitor.ui.correction_dialog import CorrectionDialog

    session_id = charting.session()
    vitals_id = charting.bp(session_id, 120, 80)
    page = window.open_session(session_id)
    dialog = CorrectionDialog(page, store.vitals_entry(session_id, vitals_id),
                              page.correct_vitals)
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(qtbot, dialog.fields["respiratory_rate"], "0")
    dialog.reason.setText("typed 14 for 0")
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    save.click()
    assert "RR 0 — apnoea?" in prompts.problems[-1][1]
    assert dialog.isVisible() and dialog.confirms["respiratory_rate"].isVisible()
    assert store.vitals_entry(session_id, vitals_id).amendments == ()
    dialog.confirms["respiratory_rate"].setChecked(True)
    save.click()
    assert store.vitals_entry(session_id, vitals_id).current.respiratory_rate == 0


def test_the_aldrete_oxygen_item_shows_the_latest_spo2_and_what_it_was_read_on(
        qtbot, window, charting, store):
    session_id = charting.session()
    page = window.open_session(session_id)
    label = page.findChild(QLabel, "modified_aldrete_oxygen_saturation_label")
    assert "no SpO2 charted yet" in label.text()
    form = page.vitals_form
    form.oxygen.setCurrentIndex(form.oxygen.findData("oxygen"))
    type_into(qtbot, form.oxygen_flow, "3")
    enter(qtbot, page, spo2="91")
    assert "latest SpO2 91 % on O2 3 L/min" in label.text()
    grab(page.scales["modified_aldrete"], "aldrete-hint")


def test_the_oxygen_choice_is_in_the_tab_order_beside_the_spo2_and_kept_with_the_typing(
        qtbot, page):
    form = page.vitals_form
    form.inputs["spo2"].setFocus()
    qtbot.keyClick(form.inputs["spo2"], Qt.Key.Key_Tab)
    assert form.oxygen.hasFocus()
    qtbot.keyClick(form.oxygen, Qt.Key.Key_Down)  # the keyboard chooses Oxygen
    assert form.oxygen.currentText() == "Oxygen"
    qtbot.keyClick(form.oxygen, Qt.Key.Key_Tab)
    assert form.oxygen_flow.hasFocus()
    qtbot.keyClicks(form.oxygen_flow, "2")
    qtbot.keyClick(form.oxygen_flow, Qt.Key.Key_Tab)
    assert form.inputs["respiratory_rate"].hasFocus()
    type_into(qtbot, form.inputs["spo2"], "93")
    kept = form.typed_text()
    form.inputs["spo2"].clear()
    form.show_oxygen(None)
    form.put_back(kept)
    assert (form.inputs["spo2"].text(), form.oxygen.currentText(),
            form.oxygen_flow.text()) == ("93", "Oxygen", "2")
