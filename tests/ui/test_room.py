"""Four chairs at once: which tile shows which alert, when, and what acknowledging records."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ketamonitor.core.escalation import Escalation
from ketamonitor.core.phases import Action, Phase
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.room_page import ChairTile
from tests.charting import Charting
from tests.people import ADMIN, NURSE, audit_of, login_as
from tests.protocol_drafts import countersigned


def alerts_on(tile: ChairTile) -> list[str]:
    return [row.text.text() for row in tile.alerts.rows]


@pytest.fixture
def room(qtbot, window: MainWindow, charting: Charting, store, clock):
    """Chair 1 and 2 IV, chair 3 intranasal esketamine, chair 4 IM, started 5 min apart."""
    sessions = {}
    for chair, protocol_id in [("1", "iv-racemic-ketamine"), ("2", "iv-racemic-ketamine"),
                               ("3", "intranasal-esketamine"), ("4", "im-racemic-ketamine")]:
        patient = charting.patient(mrn=f"MRN-{chair}")
        sessions[chair] = charting.session(protocol_id, patient=patient, chair=chair)
        charting.ready_to_start(sessions[chair])
    for chair in ("1", "2", "3", "4"):
        store.change_phase(sessions[chair], Action.START_INFUSION)
        clock.advance(minutes=5)
    # now: chair 1 dosed 20 min ago, 2: 15, 3: 10, 4: 5
    window.room.reload()
    window.show_room()
    return sessions


def tile(window: MainWindow, chair: str) -> ChairTile:
    found = [t for t in window.room_page.tiles if t.chair.text().startswith(f"Chair {chair} ")]
    assert len(found) == 1, chair
    return found[0]


def test_four_chairs_show_their_own_alerts_as_time_passes(qtbot, window, room, charting, store,
                                                         clock, prompts):
    window.tick()
    assert [t.chair.text().split(" · ")[0] for t in window.room_page.tiles] == [
        "Chair 1", "Chair 2", "Chair 3", "Chair 4"]
    # IV checks every 10 min from the dose: chair 1 (20 min in) is 10 min past its check
    assert alerts_on(tile(window, "1")) == [
        "<b>▲ Act now:</b> BP check overdue by 10:00 or more (due 07:40)"]
    assert "overdue" in alerts_on(tile(window, "2"))[0]  # 15 min in: due at 10, +5 grace
    assert "● Attention" in alerts_on(tile(window, "2"))[0]
    assert alerts_on(tile(window, "4")) == []  # IM: every 15 min, 5 min in
    assert tile(window, "4").next_check.text().startswith("Next BP")

    charting.bp(room["1"], 186, 112)  # over the stop line
    window.session_charted(room["1"])
    window.show_room()
    chair1 = alerts_on(tile(window, "1"))
    assert len(chair1) == 1
    assert "▲ Act now:" in chair1[0]
    assert "BP 186/112 above the stop line: systolic 186 above 180" in chair1[0]
    assert window.beeps >= 1

    prompts.escalation_answer = Escalation(done=("Infusion paused",), note="Physician informed")
    button = tile(window, "1").alerts.rows[0].button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert alerts_on(tile(window, "1")) == []
    acknowledged = [row for row in audit_of(store, "alert_events")
                    if row["action"] == "alerts.acknowledge"]
    assert len(acknowledged) == 1
    assert acknowledged[0]["user"] == "nurse.ana"
    assert acknowledged[0]["reason"] == "Infusion paused; Physician informed"

    clock.advance(minutes=1)
    charting.bp(room["2"], 132, 84)  # chair 2's overdue check is done: its alert goes
    window.session_charted(room["2"])
    window.show_room()
    assert alerts_on(tile(window, "2")) == []


def test_a_reading_that_comes_back_leaves_its_alert_until_acknowledged(qtbot, window, room,
                                                                        charting, store, clock,
                                                                        prompts):
    charting.vitals(room["4"], spo2="88", heart_rate="80")
    window.session_charted(room["4"])
    clock.advance(minutes=2)
    charting.vitals(room["4"], spo2="97", heart_rate="78")
    window.session_charted(room["4"])
    window.show_room()
    shown = alerts_on(tile(window, "4"))
    assert len(shown) == 1
    assert "SpO2 88 % below 92 %" in shown[0] and "(cleared 07:52)" in shown[0]
    window.acknowledge(tile(window, "4").alerts.rows[0].record_id)
    assert alerts_on(tile(window, "4")) == []
    log = window.room.state(room["4"]).alerts
    assert [(a.kind, a.cleared_at is not None, a.acknowledged_by) for a in log
            if a.kind == "spo2_low"] == [("spo2_low", True, "nurse.ana")]


def test_infusion_time_reached_until_the_pump_is_charted_off(qtbot, window, room, store, clock,
                                                              charting):
    clock.advance(minutes=20)  # chair 1: 40 min infused
    for chair in ("1", "2", "3", "4"):
        charting.bp(room[chair], 128, 80)
    window.room.reload()
    window.tick()
    window.show_room()
    assert any("Infusion time reached" in text for text in alerts_on(tile(window, "1")))
    assert not any("Infusion time reached" in text for text in alerts_on(tile(window, "2")))
    assert not any("Infusion time reached" in text for text in alerts_on(tile(window, "3")))
    store.change_phase(room["1"], Action.END_INFUSION)
    window.session_charted(room["1"])
    window.show_room()
    assert not any("Infusion time reached" in text for text in alerts_on(tile(window, "1")))
    assert window.room.state(room["1"]).chart.phase is Phase.OBSERVATION


def test_a_tile_opens_its_session_and_esc_returns_to_the_room(qtbot, window, room):
    qtbot.mouseClick(tile(window, "3"), Qt.MouseButton.LeftButton)
    page = window.current_session()
    assert page is not None and page.session_id == room["3"]
    qtbot.keyClick(page.vitals_form.inputs["systolic"], Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is window.room_page
    window.open_tile(4)  # Alt+4
    assert window.current_session().session_id == room["4"]


def test_the_session_page_shows_the_same_alerts_and_the_log(qtbot, window, room, charting):
    charting.bp(room["1"], 190, 100)
    window.session_charted(room["1"])
    page = window.open_session(room["1"])
    messages = [row.text.text() for row in page.alerts.rows]
    assert any("BP 190/100 above the stop line" in m for m in messages)
    log = [page.alerts_model.index(r, 2).data() for r in range(page.alerts_model.rowCount())]
    assert any("above the stop line" in entry for entry in log)


def test_the_clinic_can_switch_the_audible_cue_off(qtbot, window, room, charting, store):
    charting.bp(room["2"], 190, 100)
    window.session_charted(room["2"])
    assert window.beeps == 1
    login_as(store, ADMIN)
    store.set_setting("audible_alerts", "off")
    login_as(store, NURSE)
    charting.vitals(room["3"], spo2="85")
    window.session_charted(room["3"])
    assert window.room.state(room["3"]).waiting()[0].kind == "spo2_low"  # raised, high
    assert window.beeps == 1  # and silent


def test_a_clinic_protocol_saved_in_the_dialog_is_offered_for_the_next_session(
        qtbot, window, store):
    base = store.library.protocol("iv-racemic-ketamine")
    text = base.source_text.replace('id = "iv-racemic-ketamine"', 'id = "clinic-iv"').replace(
        'name = "IV racemic ketamine, 0.5 mg/kg over 40 min"', 'name = "Clinic IV, 50 min"'
    ).replace("infusion_minutes = 40", "infusion_minutes = 50")
    login_as(store, ADMIN)
    dialog = window.show_protocols()
    countersigned(store, store.save_clinic_protocol(text, based_on=base.id,
                                                    reason="longer infusion"))
    dialog.protocol_saved.emit("clinic-iv")
    dialog.close()
    combo = window.patients.session_form.protocol
    assert combo.findData("clinic-iv") >= 0


def test_a_booking_is_listed_as_coming_and_checking_in_starts_its_session(qtbot, window,
                                                                          charting, store,
                                                                          clock):
    patient = charting.patient("MRN-77")
    window.show_patients()
    window.patients.choose_patient(patient)
    form = window.patients.session_form
    form.protocol.setCurrentIndex(form.protocol.findData("iv-racemic-ketamine"))
    form.inputs["chair"].setText("5")
    form.booking_time.setText("09:45")
    appointment_id = form.book_appointment()
    assert appointment_id is not None
    window.show_room()
    (button,) = window.room_page.coming_buttons
    assert button.text() == "09:45 · Chair 5 · RIVERA, Ana"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # check in
    assert window.pages.currentWidget() is window.patients
    assert form.inputs["chair"].text() == "5"
    assert "Checking in the booking for 09:45, chair 5" in form.checking_in.text()
    session_id = form.submit()
    assert store.appointment(appointment_id).session_id == session_id
    window.show_room()
    assert window.room_page.coming_buttons == []
    assert window.room_page.tile_for(session_id) is not None


def test_a_booking_cancelled_from_the_room_leaves_it_with_its_reason(qtbot, window, charting,
                                                                     store, clock, prompts):
    patient = charting.patient("MRN-78")
    window.show_patients()
    window.patients.choose_patient(patient)
    form = window.patients.session_form
    form.inputs["chair"].setText("2")
    form.booking_time.setText("10:30")
    appointment_id = form.book_appointment()
    window.show_room()
    window.room_page.coming_buttons[0].click()  # the patient rings: checking in shows the way
    prompts.reason_answer = "Patient unwell"
    window.patients.session_form.cancel_booking.click()
    assert window.pages.currentWidget() is window.room_page
    assert window.room_page.coming_buttons == []
    assert store.appointment(appointment_id).cancel_reason == "Patient unwell"
