"""Who may do what, and who did what, as the window shows it: what a role may not do is not
offered, a refusal from the store is a plain message (never the bug dialog), the person
logged in at the moment of an act is the one who did it, and one open session per patient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from ketamonitor.core.accounts import Role
from ketamonitor.ui.main_window import MainWindow
from tests.people import (
    ADMIN,
    NURSE,
    PASSWORD,
    TEMPORARY,
    audit_of,
    choose_own_password,
    login_as,
)
from tests.ui.conftest import opened_window


def _switch_to(qtbot, window: MainWindow, username: str) -> None:
    """Switch user through the window: the corner button, then the lock's login form."""
    qtbot.mouseClick(window.findChild(QPushButton, "switch_user"), Qt.MouseButton.LeftButton)
    form = window.lock.form
    form.username.setText(username)
    form.password.setText(PASSWORD)
    assert form.submit()
    assert not window.is_locked


def _alert_waiting(window: MainWindow, charting) -> int:
    """A session in the room with a blood pressure over the stop line: one alert waiting."""
    session_id = charting.started()
    charting.bp(session_id, 186, 112)
    window.session_charted(session_id)
    return session_id


def _offered(qtbot, alerts) -> bool:
    """Whether the one alert row shown carries its Acknowledge… button (the row itself
    always shows: everyone sees the alert)."""
    (row,) = alerts.rows
    qtbot.waitUntil(row.isVisible)  # a row added to a shown layout shows at the next turn
    return row.button.isVisible()


def test_an_administrator_is_not_offered_acknowledge_on_tiles_or_the_session_page(
        qtbot, window, charting):
    session_id = _alert_waiting(window, charting)
    window.show_room()
    assert _offered(qtbot, window.room_page.tile_for(session_id).alerts)  # the nurse is
    _switch_to(qtbot, window, ADMIN)
    window.show_room()
    assert not _offered(qtbot, window.room_page.tile_for(session_id).alerts)
    page = window.open_session(session_id)
    assert not _offered(qtbot, page.alerts)
    _switch_to(qtbot, window, NURSE)
    assert _offered(qtbot, page.alerts)
    window.show_room()
    assert _offered(qtbot, window.room_page.tile_for(session_id).alerts)


def test_a_refused_acknowledgement_is_a_plain_message_not_the_bug_dialog(
        qtbot, window, charting, store, prompts):
    session_id = _alert_waiting(window, charting)
    (alert,) = store.alerts([session_id])[session_id]
    _switch_to(qtbot, window, ADMIN)
    assert not window.acknowledge(alert.id)  # a button left from before, say
    assert prompts.problems[-1] == ("Not permitted",
                                    "Admin (administrator) may not acknowledge alerts")
    assert store.alerts([session_id])[session_id][0].acknowledged_at is None


def test_a_refusal_on_the_generic_write_path_is_a_plain_message(qtbot, window, prompts, store):
    _switch_to(qtbot, window, ADMIN)
    form = window.patients.patient_form
    for name, typed in {"mrn": "MRN-9", "family_name": "Rivera", "given_name": "Ana",
                        "birth_date": "1984-05-06", "weight_kg": "72"}.items():
        form.inputs[name].setText(typed)
    assert form.submit() is None
    title, message = prompts.problems[-1]
    assert title == "Not permitted"
    assert message.startswith("Admin (administrator) may not register patients")
    assert form.inputs["mrn"].text() == "MRN-9"  # the typing stays
    assert store.patient_by_mrn("MRN-9") is None
    assert audit_of(store)[-1]["action"] == "register_patient.refused"


def _start_in_chair(window: MainWindow, patient, chair: str) -> int | None:
    """Start a session through the patients page, as the nurse at the desk would."""
    window.show_patients()
    window.patients.choose_patient(patient)
    window.patients.session_form.inputs["chair"].setText(chair)
    return window.patients.session_form.submit()


def test_a_second_session_for_a_patient_still_in_a_chair_is_refused_plainly(
        qtbot, window, charting, store, prompts):
    ana = charting.patient("MRN-1")
    first = _start_in_chair(window, ana, "3")
    assert first is not None
    assert _start_in_chair(window, ana, "5") is None
    title, message = prompts.problems[-1]
    assert title == "Already in a chair"
    assert message.startswith("RIVERA, Ana already has an open session in chair 3")
    assert window.patients.session_form.inputs["chair"].text() == "5"  # kept as typed
    assert [s.session_id for s in store.patient_sessions(ana.id)] == [first]


def test_opening_a_chart_is_recorded_once_per_opening_not_per_refresh(
        qtbot, window, charting, store, clock):
    session_id = charting.started()

    def openings() -> list[dict]:
        return [row for row in audit_of(store) if row["action"] == "chart.opened"]

    page = window.open_session(session_id)
    clock.advance(minutes=1)
    window.tick()
    page.reload()
    charting.bp(session_id, 124, 80)
    window.session_charted(session_id)
    assert [(row["user"], row["entity_id"]) for row in openings()] == [(NURSE, session_id)]
    window.show_room()
    window.open_session(session_id)
    assert len(openings()) == 2


@pytest.fixture
def admin_window(qtbot, store, prompts) -> Iterator[MainWindow]:
    """The real window, built while the administrator is logged in (the start of the day)."""
    login_as(store, ADMIN)
    main = opened_window(qtbot, store, prompts)
    yield main
    main.ticker.stop()
    main.close()


def test_the_session_started_after_switch_user_is_the_nurses_stored_and_shown(
        qtbot, admin_window, charting, store):
    window = admin_window
    _switch_to(qtbot, window, NURSE)
    ana = charting.patient("MRN-1")
    window.show_patients()
    assert window.patients.session_form.nurse.text() == "Ana Ruiz (nurse.ana), logged in"
    session_id = _start_in_chair(window, ana, "3")
    assert session_id is not None
    assert store.chart(session_id).session.nurse == NURSE
    page = window.current_session()
    assert page is not None and page.session_id == session_id
    assert f"Nurse {NURSE}" in page.title.text()
    assert window.person.text() == "Charting as Ana Ruiz (Nurse)"
    assert store.listing(session_id).nurse == NURSE


def test_a_session_handed_over_names_the_new_nurse_and_the_dialog_closes_every_way(
        qtbot, window, charting, store, prompts):
    login_as(store, ADMIN)
    store.add_account("nurse.bo", "Bo Lin", frozenset({Role.NURSE}), TEMPORARY)
    choose_own_password(store, "nurse.bo")
    login_as(store, NURSE)
    session_id = charting.session(nurse=NURSE)
    window.room.reload()
    page = window.open_session(session_id)
    button = page.findChild(QPushButton, "hand_over")
    qtbot.waitUntil(button.isVisible)

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # opened, then Cancel
    dialog = page.handover_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.nurse.currentData() == "nurse.bo"
    dialog.findChild(QDialogButtonBox).button(
        QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # opened, then Esc
    dialog = page.handover_dialog
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert store.chart(session_id).session.nurse == NURSE  # nothing recorded yet

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # opened, then Hand over
    dialog = page.handover_dialog
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert store.chart(session_id).session.nurse == "nurse.bo"
    assert "Nurse nurse.bo" in page.title.text()
    (handover,) = [row for row in audit_of(store) if row["action"] == "sessions.handover"]
    assert handover["user"] == NURSE
    assert window.room.state(session_id).listing.nurse == "nurse.bo"

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # opened, then its window closed
    dialog = page.handover_dialog
    assert dialog.isVisible() and dialog.nurse.currentData() == NURSE  # back to Ana
    dialog.close()
    assert not dialog.isVisible()
    assert store.chart(session_id).session.nurse == "nurse.bo"  # as it was
