"""An esketamine session on the page: devices with lots, then the REMS form."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from ketamonitor.core.phases import Action, Phase
from tests.store.test_esketamine import moaas
from tests.ui.test_whole_session import show_tab, type_into


def test_devices_are_given_from_the_page_and_the_rems_form_fills(qtbot, window, charting,
                                                                 store, clock):
    session_id = charting.session("intranasal-esketamine", devices="2")
    charting.ready_to_start(session_id)
    page = window.open_session(session_id)
    assert page.timer.phase.text() == "Pre-dose (baseline)"
    assert not page.action_buttons[Action.START_INFUSION].isVisible()  # the devices start it
    assert page.next_step.text() == "<b>Next: Give device 1 of 2</b>"
    assert page.devices.button.text() == "Give device 1 of 2  ⏎"

    type_into(qtbot, page.devices.lot, "LOT-77A")
    qtbot.keyClick(page.devices.lot, Qt.Key.Key_Return)
    assert store.chart(session_id).phase is Phase.INFUSING
    assert page.timer.phase.text() == "Dosing"
    assert page.devices.spacing.text() == "Device 2 from 07:35 (in 05:00)"
    assert page.devices.lot.text() == "LOT-77A"  # kept for the next device, selected

    clock.advance(minutes=5)
    window.tick()
    assert page.devices.spacing.text() == "Ready now"
    qtbot.keyClick(page.devices.lot, Qt.Key.Key_Return)
    chart = store.chart(session_id)
    assert chart.phase is Phase.OBSERVATION
    assert [(a.number, a.lot) for a in chart.administrations] == [(1, "LOT-77A"),
                                                                 (2, "LOT-77A")]
    assert page.devices.given.text() == "#1 07:30 lot LOT-77A  #2 07:35 lot LOT-77A"

    show_tab(page, "REMS")
    summary = page.rems.summary.text()
    assert "56 mg (2 devices) · lot LOT-77A" in summary
    assert "Still missing" in summary and "ready to leave without the 2-hour" in summary

    type_into(qtbot, page.rems.ready, "07:20")
    qtbot.keyClick(page.rems.ready, Qt.Key.Key_Return)
    assert page.rems.errors.text("ready_without_minimum") == "is before the first device (07:30)"
    clock.advance(minutes=60)
    type_into(qtbot, page.rems.ready, "08:30")
    qtbot.keyClick(page.rems.ready, Qt.Key.Key_Return)
    assert "Ready without the 2-hour minimum</td><td>08:30" in page.rems.summary.text()
    for item in page.rems_questions.checklist.items:
        qtbot.mouseClick(page.findChild(QPushButton, f"rems_{item.key}_no"),
                         Qt.MouseButton.LeftButton)
    assert "Sedation occurred" not in page.rems.summary.text()


def test_an_im_injection_is_one_button(qtbot, window, charting, store, clock):
    session_id = charting.session("im-racemic-ketamine")
    charting.ready_to_start(session_id)
    page = window.open_session(session_id)
    button = page.action_buttons[Action.START_INFUSION]
    assert button.text() == "Injection given"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert store.chart(session_id).phase is Phase.OBSERVATION
    assert page.timer.values["infusion_left"].text() == "—"
    assert page.timer.captions["infusion_left"].text() == "Dosing left"


def test_an_iv_dose_takes_its_bag_lot_on_the_pre_session_tab(qtbot, window, charting, store,
                                                              clock):
    session_id = charting.session()
    page = window.open_session(session_id)
    assert page.devices.isHidden()  # no devices for an IV dose
    show_tab(page, "Pre-session")
    panel = page.drug_lot
    assert panel is not None and panel.isVisible()
    assert "Not charted yet" in panel.charted.text()

    type_into(qtbot, panel.lot, "KET;24")
    qtbot.keyClick(panel.lot, Qt.Key.Key_Return)
    assert "letters, digits" in panel.errors.text("lot")
    assert panel.lot.text() == "KET;24"  # what was typed stays, to be put right

    panel.lot.clear()
    type_into(qtbot, panel.lot, "KET 24-0317")
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    (lot,) = store.chart(session_id).administrations
    assert (lot.item, lot.lot, lot.amount_mg) == ("infusion", "KET 24-0317", 36)
    assert panel.lot.text() == "" and panel.errors.text("lot") == ""
    assert "#1 <b>KET 24-0317</b> at 07:30 by nurse.ana" in panel.charted.text()
    assert panel.button.text() == "Chart another lot"  # a replaced bag's


def test_an_intranasal_page_has_no_drug_lot_panel(qtbot, window, charting):
    page = window.open_session(charting.session("intranasal-esketamine"))
    assert page.drug_lot is None


def test_an_answer_the_chart_contradicts_is_marked_beside_it_and_listed_under_the_form(
        qtbot, window, charting, store, clock):
    session_id = charting.session("intranasal-esketamine", devices="2")
    charting.ready_to_start(session_id)
    clock.advance(minutes=2)
    store.record_device(session_id, "LOT-77A")
    clock.advance(minutes=20)
    moaas(store, clock, session_id, 2)  # in the scale's "sedated" band
    page = window.open_session(session_id)
    show_tab(page, "REMS")
    qtbot.mouseClick(page.findChild(QPushButton, "rems_sedation_occurred_no"),
                     Qt.MouseButton.LeftButton)
    summary = page.rems.summary.text()
    assert "Answers the chart contradicts" in summary
    assert ("Sedation occurred: answered “no”, but Sedation (MOAA/S) 2 (sedated) was charted "
            "at 07:52") in summary
    beside = [label for label in page.rems_tab.findChildren(QLabel)
              if label.text().endswith("chart disagrees")]
    assert len(beside) == 1 and "MOAA/S) 2 (sedated)" in beside[0].toolTip()
    qtbot.mouseClick(page.findChild(QPushButton, "rems_sedation_occurred_yes"),
                     Qt.MouseButton.LeftButton)
    assert "Answers the chart contradicts" not in page.rems.summary.text()
    assert not [label for label in page.rems_tab.findChildren(QLabel)
                if label.text().endswith("chart disagrees")]
