"""A physician's review: the queue of charts to sign, signing with the password asked again,
addenda, a chart that no longer matches its signature, and pages that are read-only."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from ketamonitor.core.phases import Action
from ketamonitor.core.signature import MEANING
from ketamonitor.room import Room
from ketamonitor.ui.app import application
from ketamonitor.ui.review_page import ReviewQueuePage
from ketamonitor.ui.session import SessionPage
from tests.charting import EARLY_END
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, login_as

WRONG = "not-my-password-at-all"


def finished(charting, clock, mrn: str, *, bp: bool = True) -> int:
    """A session charted and stopped early: finished, waiting for review."""
    session_id = charting.session(patient=charting.patient(mrn))
    if bp:
        charting.bp(session_id, 128, 82)
    clock.advance(minutes=5)
    charting.store.change_phase(session_id, Action.END_SESSION_EARLY,
                                early_end=EARLY_END, reason="Patient declined treatment")
    clock.advance(minutes=30)
    return session_id


def shown(widget, page) -> bool:
    return widget.isVisibleTo(page)


@pytest.fixture
def open_page(qtbot, store, prompts):
    """A session's page on screen as the window shows it (for whoever is logged in)."""
    application()

    def opened(session_id: int) -> SessionPage:
        page = SessionPage(Room(store), session_id, prompts)
        qtbot.addWidget(page)
        page.resize(1366, 740)
        page.show()
        return page

    return opened


def test_the_queue_lists_finished_unsigned_charts_oldest_first_and_opens_one(
        qtbot, charting, clock, store):
    first = finished(charting, clock, "MRN-2001")
    second = finished(charting, clock, "MRN-2002")
    charting.session(patient=charting.patient("MRN-2003"))  # still in the chair: not listed
    clock.advance(minutes=120)
    login_as(store, PHYSICIAN)
    page = ReviewQueuePage(store)
    qtbot.addWidget(page)
    assert page.title.text() == "2 charts to sign, oldest first"
    assert [page.model.row_value(row).session_id for row in range(page.count)] == [first,
                                                                                     second]
    texts = [page.model.index(0, column).data() for column in range(page.model.columnCount())]
    assert "MRN-2001" in texts and "Ana Nurse" in texts and "Stopped early" in texts
    assert texts[-1] == "3 h ago"  # stopped at 07:35, now 10:40
    clock.advance(minutes=60)
    page.tick()
    assert page.model.index(0, page.model.columnCount() - 1).data() == "4 h ago"
    page.table.selectRow(1)
    with qtbot.waitSignal(page.open_requested) as opened:
        page.open_button.click()
    assert opened.args == [second]
    page.table.selectRow(0)
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [first]
    page.show()
    qtbot.waitExposed(page)
    second_row = page.table.visualRect(page.model.index(1, 1)).center()
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=second_row)
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=second_row)
    assert opened.args == [second]


def test_an_empty_queue_says_so_and_a_nurse_is_told_who_reviews(qtbot, store):
    login_as(store, PHYSICIAN)
    page = ReviewQueuePage(store)
    qtbot.addWidget(page)
    assert page.title.text() == "Nothing to sign."
    assert shown(page.empty, page) and not shown(page.table, page)
    login_as(store, NURSE)
    page.reload()
    assert "Only physicians" in page.empty.text()


def test_a_nurse_sees_the_review_panel_without_a_sign_button(open_page, charting, clock):
    session_id = finished(charting, clock, "MRN-2001")
    page = open_page(session_id)
    panel = page.signature_panel
    assert panel.isVisible()
    assert "not signed yet" in panel.state.text()
    assert not panel.sign_button.isVisible() and not panel.addendum_button.isVisible()
    # finished but unsigned: read-only, but for a late entry
    assert not page.vitals_form.isEnabled() and not page.form_frame.isVisible()
    assert page.late_button.isVisible() and page.read_only_reason.isVisible()


def test_the_physician_signs_with_the_password_and_the_chart_locks(qtbot, open_page, charting,
                                                                  clock, store):
    session_id = finished(charting, clock, "MRN-2001")
    login_as(store, PHYSICIAN)
    page = open_page(session_id)
    assert page.signature_panel.sign_button.isVisible()
    dialog = page.open_sign_dialog()
    qtbot.addWidget(dialog)
    assert "Dr Ada Obi" in dialog.printed_name.text()
    assert MEANING in dialog.meaning.text()
    assert f"{clock.now():%Y-%m-%d %H:%M} UTC" in dialog.time.text()
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(page.signed):
        dialog.confirm.click()
    assert not dialog.isVisible()

    [signature] = store.signatures(session_id)
    assert (signature.printed_name, signature.meaning) == ("Dr Ada Obi", MEANING)
    shown_text = page.signature_panel.signatures.text()
    digest = signature.content_hash.removeprefix("sha256:")
    for words in ("Dr Ada Obi", f"{signature.signed_at:%Y-%m-%d %H:%M} UTC", MEANING,
                  digest[:16]):
        assert words in shown_text
    assert store.review_queue() == []
    assert page.read_only_reason.text() == (
        f"Signed by Dr Ada Obi on {signature.signed_at:%Y-%m-%d %H:%M} UTC — reviewed and "
        "approved. The chart can no longer change.")
    assert page.read_only_reason.isVisible()
    assert not page.vitals_form.isEnabled() and not page.form_frame.isVisible()
    assert not page.note_button.isEnabled()
    assert not page.correct_button.isVisibleTo(page)
    assert not page.strike_button.isVisibleTo(page)
    assert not page.pre_session.isEnabled() and not page.discharge_checklist.isEnabled()
    assert not page.signature_panel.sign_button.isVisible()
    assert page.signature_panel.addendum_button.isVisible()
    assert not page.signature_panel.warning.isVisible()


def test_a_wrong_password_signs_nothing_and_says_so(qtbot, open_page, charting, clock, store):
    session_id = finished(charting, clock, "MRN-2001")
    login_as(store, PHYSICIAN)
    page = open_page(session_id)
    assert not page.sign(WRONG)
    assert store.signatures(session_id) == []
    assert "did not match" in page.signature_panel.error.text()
    dialog = page.open_sign_dialog()
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.confirm.click()  # at once: a wrong password slows the next try, as a login would
    assert dialog.isVisible()
    assert "before trying again" in dialog.errors.text("password")
    clock.advance(seconds=60)
    dialog.password.setText(WRONG)
    dialog.confirm.click()
    assert dialog.isVisible()
    assert "nothing was signed" in dialog.errors.text("password")
    assert store.signatures(session_id) == []
    assert page.late_button.isVisible()  # still unsigned: a late entry may still be added
    dialog.close()


def test_an_addendum_is_signed_and_shown_under_the_signature(qtbot, open_page, charting, clock,
                                                             store):
    session_id = finished(charting, clock, "MRN-2001")
    login_as(store, PHYSICIAN)
    page = open_page(session_id)
    assert page.sign(PASSWORD)
    clock.advance(minutes=60)
    dialog = page.open_addendum_dialog()
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.confirm.click()  # no text yet: refused beside the text, the dialog stays
    assert dialog.isVisible() and "write the addendum" in dialog.errors.text("addendum")
    dialog.text.setPlainText("Spoke with the patient by phone the next day: well.")
    dialog.confirm.click()
    assert not dialog.isVisible()
    _signature, addendum = store.signatures(session_id)
    assert addendum.text == "Spoke with the patient by phone the next day: well."
    text = page.signature_panel.signatures.text()
    assert "Addendum signed by Dr Ada Obi" in text
    assert "Spoke with the patient by phone" in text
    assert addendum.content_hash.removeprefix("sha256:")[:16] in text
    assert not page.signature_panel.warning.isVisible()


def test_a_chart_changed_behind_the_apps_back_no_longer_matches_its_signature(
        open_page, charting, clock, store):
    session_id = finished(charting, clock, "MRN-2001")
    login_as(store, PHYSICIAN)
    page = open_page(session_id)
    assert page.sign(PASSWORD)
    raw = sqlite3.connect(store.path)
    try:
        raw.execute("DROP TRIGGER vitals_no_update")
        raw.execute("UPDATE vitals SET systolic = 118 WHERE session_id = ?", [session_id])
        raw.commit()
    finally:
        raw.close()
    page.reload()
    warning = page.signature_panel.warning
    assert warning.isVisible()
    assert "no longer matches the signature of Dr Ada Obi" in warning.text()


def test_an_administrator_sees_a_session_read_only_until_a_nurse_logs_back_in(
        open_page, charting, store):
    session_id = charting.session()
    login_as(store, ADMIN)
    page = open_page(session_id)
    assert page.read_only_reason.isVisible()
    assert "may not chart" in page.read_only_reason.text()
    assert not page.vitals_form.isEnabled() and not page.form_frame.isVisible()
    assert not page.note_text.isEnabled() and not page.note_button.isEnabled()
    assert not any(button.isVisible() for button in page.action_buttons.values())
    assert not page.correct_button.isVisibleTo(page)
    assert not page.signature_panel.isVisible()  # running: nothing to review yet
    login_as(store, NURSE)
    page.reload()  # what a switch of user does
    assert not page.read_only_reason.isVisible()
    assert page.vitals_form.isEnabled() and page.form_frame.isVisible()
    assert page.action_buttons[Action.END_SESSION_EARLY].isVisible()
