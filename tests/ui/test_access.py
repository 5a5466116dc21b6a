"""Who is at the workstation: the first administrator, the login, the idle lock over a
running session, and switching user."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget

from ketamonitor.core.accounts import Role
from ketamonitor.ui.access import AccessForm, LoginWindow
from ketamonitor.ui.main_window import MainWindow
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, TEMPORARY, audit_of


def _log_in(window: MainWindow, username: str, password: str = PASSWORD) -> bool:
    form = window.lock.form
    form.username.setText(username)
    form.password.setText(password)
    return form.submit()


def test_an_empty_database_asks_for_the_first_administrator(qtbot, tmp_path, clock):
    from ketamonitor.store.store import Store
    from tests.people import FAST_HASHER

    with Store.open(tmp_path / "new.db", clock, hasher=FAST_HASHER, create=True) as store:
        login = LoginWindow(store)
        qtbot.addWidget(login)
        form = login.form
        assert form.first_start
        form.username.setText("boss")
        form.display_name.setText("Bo Boss")
        form.password.setText("short")
        form.password_again.setText("short")
        assert not form.submit()
        assert form.errors.text("password") == "at least 12 characters"
        form.password.setText("a-long-enough-password")
        form.password_again.setText("a-long-enough-passwore")
        assert not form.submit()
        assert form.errors.text("password_again") == "the two passwords differ"
        assert form.username.text() == "boss"  # typed text kept
        assert not store.has_accounts()
        form.password_again.setText("a-long-enough-password")
        with qtbot.waitSignal(login.logged_in):
            assert form.submit()
        assert store.account is not None and store.account.username == "boss"


def test_a_wrong_password_says_so_keeps_the_username_and_writes_only_its_audit_row(
        qtbot, store):
    store.logout()
    login = LoginWindow(store)
    qtbot.addWidget(login)
    assert not login.form.first_start
    before = len(audit_of(store))
    login.form.username.setText(NURSE)
    login.form.password.setText("'; DROP TABLE users; --")
    assert not login.form.submit()
    assert login.form.errors.text("general") == "Wrong username or password"
    assert login.form.username.text() == NURSE
    assert login.form.password.text() == ""
    rows = audit_of(store)
    assert len(rows) == before + 1 and rows[-1]["action"] == "login.failed"
    assert store.account is None
    login.form.username.setText("x" * 10_000)  # cut at the door, refused, nothing crashes
    login.form.password.setText(PASSWORD)
    assert not login.form.submit()
    assert store.account is None


def test_the_idle_lock_covers_a_running_session_that_goes_on_and_keeps_what_was_typed(
        qtbot, window, charting, store, clock):
    window.idle_lock = True
    session_id = charting.started()
    charting.bp(session_id, 186, 112)  # over the stop line: an alert waiting
    window.session_charted(session_id)
    page = window.open_session(session_id)
    page.vitals_form.inputs["systolic"].setText("141")  # typed, not yet charted
    window.note_input()
    clock.advance(minutes=9, seconds=59)
    window.tick()
    assert not window.is_locked

    clock.advance(seconds=1)  # ten minutes without a key press
    window.tick()
    assert window.is_locked and store.screen_locked
    assert audit_of(store)[-1]["action"] == "screen.locked"
    assert not window.pages.isEnabled()  # nothing below the lock takes a key
    assert "Ana Ruiz (nurse.ana) was charting" in window.lock.explanation.text()
    assert window.lock.alerts.isVisible()
    assert "above the stop line" in window.lock.alerts.text()
    assert window.lock.form.username.text() == NURSE  # the same person, one field to type
    shown = page.timer.values["since_dose"].text()
    clock.advance(minutes=1)
    window.tick()  # the session goes on under the lock
    assert page.timer.values["since_dose"].text() != shown

    assert not _log_in(window, NURSE, "wrong password!")
    assert window.is_locked
    assert not _log_in(window, NURSE)  # too soon after a failure: throttled
    assert window.lock.form.errors.text("general") == "Wait 1 s before trying again"
    clock.advance(seconds=1)
    assert _log_in(window, NURSE)
    assert not window.is_locked and not store.screen_locked and window.pages.isEnabled()
    assert page.vitals_form.inputs["systolic"].text() == "141"  # nothing typed was lost


def test_any_key_or_click_puts_the_idle_lock_off(qtbot, window, charting, clock):
    window.idle_lock = True
    window.open_session(charting.started())
    clock.advance(minutes=9)
    qtbot.keyClick(window.current_session().vitals_form.inputs["systolic"], Qt.Key.Key_1)
    clock.advance(minutes=9)
    window.tick()
    assert not window.is_locked
    clock.advance(minutes=1)
    window.tick()
    assert window.is_locked
    assert _log_in(window, NURSE)


def test_switching_user_is_one_step_and_the_person_charting_is_shown(qtbot, window, charting,
                                                                    store):
    session_id = charting.started()
    assert window.person.text() == "Charting as Ana Ruiz (Nurse)"
    qtbot.mouseClick(window.findChild(type(window.lock.form.submit_button), "switch_user"),
                     Qt.MouseButton.LeftButton)
    assert window.is_locked
    assert window.lock.form.username.text() == ""  # another person: the username is theirs
    assert _log_in(window, PHYSICIAN)
    assert window.person.text() == "Charting as Dr Ada Obi (Physician)"
    vitals_id = charting.bp(session_id, 130, 80)
    (entry,) = [v for v in store.chart(session_id).vitals if v.id == vitals_id]
    assert entry.entered_by == PHYSICIAN


def test_the_clinic_menu_is_shown_to_administrators_only(qtbot, window):
    names = {action.text(): action for action, _ in window.guarded_actions}
    assert not names["&Protocols…"].isVisible()
    assert not window.clinic_menu.menuAction().isVisible()
    window.switch_user()
    assert _log_in(window, ADMIN)
    assert names["&Protocols…"].isVisible()
    assert window.clinic_menu.menuAction().isVisible()


def test_an_administrator_opens_accounts_and_the_audit_trail_from_the_clinic_menu(
        qtbot, window):
    window.switch_user()
    assert _log_in(window, ADMIN)
    accounts = window.show_accounts()
    assert accounts.allowed
    assert NURSE in {account.username for account in window.store.accounts()}
    accounts.close()
    audit = window.show_audit()
    assert audit.allowed
    audit.close()


def test_a_physician_signs_from_the_review_queue_in_the_window(qtbot, window, charting, clock,
                                                              store):
    from tests.ui.test_review import finished

    session_id = finished(charting, clock, "MRN-3001")
    assert not window.review_menu.menuAction().isVisible()  # a nurse has no queue
    window.switch_user()
    assert _log_in(window, PHYSICIAN)
    assert window.review_menu.menuAction().isVisible()
    window.review_menu.aboutToShow.emit()
    assert window.to_sign.text() == "&Charts to sign (1)"
    queue = window.show_review()
    assert queue.count == 1
    queue.open_requested.emit(session_id)
    page = window.current_session()
    assert page is not None and page.session_id == session_id
    assert page.sign(PASSWORD)
    assert queue.count == 0  # gone from the queue at once
    assert store.signatures(session_id)[0].printed_name == "Dr Ada Obi"


def test_the_idle_time_is_the_clinics_setting(qtbot, window, store, clock):
    from tests.people import login_as

    login_as(store, ADMIN)
    store.set_setting("idle_lock_minutes", "2")
    login_as(store, NURSE)
    window.idle_lock = True
    window.note_input()
    clock.advance(minutes=1, seconds=59)
    window.tick()
    assert not window.is_locked
    clock.advance(seconds=1)
    window.tick()
    assert window.is_locked


def _add_nurse_bo(store) -> None:
    previous = store.account.username
    store.logout()
    store.login(ADMIN, PASSWORD)
    store.add_account("nurse.bo", "Bo Lin RN", frozenset({Role.NURSE}), TEMPORARY)
    store.logout()
    store.login(previous, PASSWORD)


def test_a_first_login_with_a_given_password_asks_for_the_persons_own(qtbot, store):
    _add_nurse_bo(store)
    store.logout()
    login = LoginWindow(store)
    qtbot.addWidget(login)
    login.show()
    form = login.form
    form.username.setText("nurse.bo")
    form.password.setText(TEMPORARY)
    with qtbot.assertNotEmitted(login.logged_in):
        assert not form.submit()
    assert form.is_choosing and form.new_password.isVisible() and not form.username.isVisible()
    assert login.findChild(QLabel, "access_title").text() == "Choose your password"
    assert form.submit_button.text() == "Save my password and go on"
    form.new_password.setText("my-own-long-secret")
    form.new_password_again.setText("my-own-long-secreT")
    assert not form.submit()
    assert form.errors.text("new_password_again") == "the two passwords differ"
    form.new_password.setText(TEMPORARY)
    form.new_password_again.setText(TEMPORARY)
    assert not form.submit()
    assert "not the one you were given" in form.errors.text("new_password")
    form.new_password.setText("my-own-long-secret")
    form.new_password_again.setText("my-own-long-secret")
    with qtbot.waitSignal(login.logged_in):
        assert form.submit()
    assert store.account.username == "nurse.bo" and not store.account.must_choose_password
    assert form.new_password.text() == "" and not form.is_choosing


def test_switching_to_someone_with_a_given_password_keeps_the_lock_until_they_choose(
        qtbot, window, store, charting, clock):
    session_id = charting.started()
    _add_nurse_bo(store)
    window.lock_screen("switch user", keep_username=False)
    card = window.lock.card
    assert not _log_in(window, "nurse.bo", "not the password at all")
    qtbot.waitUntil(lambda: card.height() == card.layout().totalHeightForWidth(card.width()))
    clock.advance(seconds=5)  # past the wait a failed login sets
    assert not _log_in(window, "nurse.bo", TEMPORARY)
    assert window.is_locked and window.lock.form.is_choosing
    assert window.lock.title.text() == "Choose your password"
    # the card grows to the new text: nothing clipped, no gap
    qtbot.waitUntil(lambda: card.height() == card.layout().totalHeightForWidth(card.width()))
    form = window.lock.form
    form.new_password.setText("my-own-long-secret")
    form.new_password_again.setText("my-own-long-secret")
    assert form.submit()
    assert not window.is_locked
    assert window.person.text() == "Charting as Bo Lin RN (Nurse)"
    vitals_id = charting.bp(session_id, 128, 82)
    (entry,) = [v for v in store.chart(session_id).vitals if v.id == vitals_id]
    assert entry.entered_by == "nurse.bo"


#: Each refusal of the chosen password, the field it is said beside, and its words.
CHOSEN_REFUSED = [
    (TEMPORARY, TEMPORARY, "new_password", "not the one you were given"),
    ("short", "short", "new_password", "at least"),
    ("my-own-long-secret", "my-own-long-secreT", "new_password_again", "differ"),
]


def _whole(widget: QWidget, card: QWidget) -> bool:
    """On screen in full: as tall as its wrapped text needs, inside the card, not clipped."""
    needed = widget.heightForWidth(widget.width()) if widget.hasHeightForWidth() else (
        widget.sizeHint().height())
    inside = card.rect().contains(QRect(widget.mapTo(card, QPoint(0, 0)), widget.size()))
    return (widget.isVisible() and widget.height() >= needed and inside
            and widget.visibleRegion().boundingRect() == widget.rect())


def _every_refusal_shows_whole(qtbot, form: AccessForm, card: QWidget) -> None:
    for first, again, field, words in CHOSEN_REFUSED:
        form.new_password.setText(first)
        form.new_password_again.setText(again)
        assert not form.submit()
        label = form.findChild(QLabel, f"error_{field}")
        assert words in label.text()
        for shown in (label, form.choosing, form.submit_button):
            qtbot.waitUntil(lambda shown=shown: _whole(shown, card))


def test_the_reason_a_chosen_password_is_refused_shows_whole_on_the_lock(
        qtbot, window, store):
    _add_nurse_bo(store)
    window.switch_user()
    form = window.lock.form
    form.username.setText("nurse.bo")
    form.password.setText(TEMPORARY)
    assert not form.submit() and form.is_choosing
    _every_refusal_shows_whole(qtbot, form, window.lock.card)


def test_the_reason_a_chosen_password_is_refused_shows_whole_on_the_login(qtbot, store):
    _add_nurse_bo(store)
    store.logout()
    login = LoginWindow(store)
    qtbot.addWidget(login)
    login.resize(1366, 768)
    login.show()
    login.form.username.setText("nurse.bo")
    login.form.password.setText(TEMPORARY)
    assert not login.form.submit() and login.form.is_choosing
    _every_refusal_shows_whole(qtbot, login.form, login.findChild(QWidget, "access_card"))
