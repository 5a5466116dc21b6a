"""The administrator's accounts dialog: an account added from the form can log in; a bad
form shows each reason beside its field, keeps what was typed and writes nothing; disabling
asks why; a locked account shows as locked until unlocked; a nurse is told plainly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ketamonitor.core.accounts import Role
from ketamonitor.store.errors import DiskFull
from ketamonitor.store.store import LoginRefused, Store
from ketamonitor.ui.accounts_dialog import AccountsDialog
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.ui.test_whole_session import type_into

NEW_PASSWORD = "a-much-longer-password"


def open_dialog(qtbot, store: Store, prompts) -> AccountsDialog:
    dialog = AccountsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def dialog(qtbot, store, prompts) -> Iterator[AccountsDialog]:
    login_as(store, ADMIN)
    opened = open_dialog(qtbot, store, prompts)
    yield opened
    opened.close()


def table(dialog: AccountsDialog) -> dict[str, list[str]]:
    model = dialog.model
    return {model.index(r, 0).data(): [model.index(r, c).data() for c in range(1, 4)]
            for r in range(model.rowCount())}


def fill_add_form(qtbot, dialog: AccountsDialog, typed: dict[str, str],
                  roles: tuple[Role, ...] = (Role.NURSE,)):
    form = dialog.show_add()
    for name, text in typed.items():
        if len(text) > 200:
            form.inputs[name].setText(text)  # typing 10,000 keys one by one takes minutes
        else:
            type_into(qtbot, form.inputs[name], text)
    for role in roles:
        form.roles[role].setChecked(True)
    return form


GOOD = {"username": "nurse.bo", "display_name": "Bo Lin RN", "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD}


def test_the_table_lists_every_account_with_its_roles_and_status(qtmodeltester, dialog):
    qtmodeltester.check(dialog.model)
    assert table(dialog) == {
        ADMIN: ["Ada Admin", "Administrator", "active"],
        NURSE: ["Ana Ruiz", "Nurse", "active"],
        PHYSICIAN: ["Dr Ada Obi", "Physician", "active"],
    }
    assert dialog.locked_line.isHidden()
    assert not dialog.unlock_button.isEnabled()
    assert all(form.isHidden() for form in dialog.forms)


def test_an_account_added_through_the_form_shows_in_the_table_and_can_log_in(
        qtbot, dialog, store):
    form = fill_add_form(qtbot, dialog, GOOD, roles=(Role.NURSE, Role.PHYSICIAN))
    with qtbot.waitSignal(dialog.accounts_changed) as changed:
        qtbot.keyClick(form.inputs["password_again"], Qt.Key.Key_Return)
    assert changed.args == ["nurse.bo"]
    assert table(dialog)["nurse.bo"] == ["Bo Lin RN", "Nurse, Physician",
                                         "active, first login due"]
    assert dialog.chosen().account.username == "nurse.bo"
    assert dialog.status.text() == ("Added nurse.bo (Bo Lin RN; nurse, physician): they can "
                                    "log in now, and choose their own password as they do.")
    assert form.isHidden()
    assert all(field.text() == "" for field in form.inputs.values())  # nothing left to reuse
    created = [row for row in audit_of(store, "users") if "nurse.bo" in row["new_value"]]
    assert [row["user"] for row in created] == [ADMIN]
    store.logout()
    account = store.login("nurse.bo", NEW_PASSWORD)
    assert account.roles == {Role.NURSE, Role.PHYSICIAN} and account.must_choose_password


LONG = "x" * 10_000


@pytest.mark.parametrize(("typed", "roles", "field", "reason"), [
    ({"password": "short", "password_again": "short"}, (Role.NURSE,), "password",
     "at least 12 characters"),
    ({"password_again": NEW_PASSWORD + "!"}, (Role.NURSE,), "password_again",
     "not the same as the password above"),
    ({"username": NURSE}, (Role.NURSE,), "username",
     "already taken (a username is never reused, even after an account is disabled)"),
    ({"username": "x'; DROP TABLE users;--"}, (Role.NURSE,), "username",
     "3-32 lowercase letters, digits, . _ or -, starting with a letter or digit"),
    ({"username": LONG}, (Role.NURSE,), "username",
     "3-32 lowercase letters, digits, . _ or -, starting with a letter or digit"),
    ({"display_name": LONG}, (Role.NURSE,), "display_name", "at most 80 characters"),
    ({"password": LONG, "password_again": LONG}, (Role.NURSE,), "password",
     "at most 256 characters"),
    ({"display_name": "   "}, (Role.NURSE,), "display_name",
     "required: the name signatures will show"),
    ({}, (), "roles", "choose at least one role"),
])
def test_bad_input_shows_the_reason_beside_the_field_keeps_the_text_and_writes_nothing(
        qtbot, dialog, store, typed, roles, field, reason):
    before = audit_of(store)
    wanted = {**GOOD, **typed}
    form = fill_add_form(qtbot, dialog, wanted, roles)
    assert form.submit() is None
    assert form.errors.text(field) == reason
    assert {name: form.inputs[name].text() for name in wanted} == wanted
    assert [box.isChecked() for box in form.roles.values()] == [r in roles for r in Role]
    assert not form.isHidden()
    assert len(table(dialog)) == 3
    assert audit_of(store) == before


def test_every_refused_field_shows_its_reason_at_once(qtbot, dialog, store):
    form = fill_add_form(qtbot, dialog, {"username": "A B", "display_name": "",
                                         "password": "short", "password_again": "shirt"},
                         roles=())
    assert form.submit() is None
    assert {name: bool(form.errors.text(name)) for name in
            ["username", "display_name", "roles", "password", "password_again"]} == dict.fromkeys(
        ["username", "display_name", "roles", "password", "password_again"], True)
    form.inputs["username"].setText("nurse.bo")
    form.inputs["display_name"].setText("Bo Lin RN")
    form.roles[Role.NURSE].setChecked(True)
    form.inputs["password"].setText(NEW_PASSWORD)
    form.inputs["password_again"].setText(NEW_PASSWORD)
    assert form.submit() is not None
    assert form.errors.text("username") == ""


def test_a_sql_looking_printed_name_is_kept_as_typed(qtbot, dialog, store):
    name = "Robert'); DROP TABLE users;--"
    form = fill_add_form(qtbot, dialog, {**GOOD, "display_name": name})
    assert form.submit() is not None
    assert table(dialog)["nurse.bo"][0] == name
    assert len(store.accounts()) == 4


def test_roles_are_changed_for_the_chosen_account(qtbot, dialog, store):
    dialog.select(PHYSICIAN)
    form = dialog.show_roles()
    assert form is not None
    assert [box.isChecked() for box in form.roles.values()] == [False, True, False]
    form.roles[Role.ADMINISTRATOR].setChecked(True)
    form.submit_button.click()
    assert table(dialog)[PHYSICIAN][1] == "Physician, Administrator"
    assert dialog.status.text() == "dr.obi is now: physician, administrator."
    assert (audit_of(store)[-1]["action"], audit_of(store)[-1]["user"]) == ("accounts.roles",
                                                                            ADMIN)


def test_taking_your_own_administrator_role_is_refused_beside_the_roles(qtbot, dialog, store):
    dialog.select(ADMIN)
    form = dialog.show_roles()
    form.roles[Role.ADMINISTRATOR].setChecked(False)
    form.roles[Role.NURSE].setChecked(True)
    before = audit_of(store)
    assert form.submit() is None
    assert form.errors.text("roles") == "you cannot take your own administrator role"
    assert form.roles[Role.NURSE].isChecked()
    assert audit_of(store) == before
    assert table(dialog)[ADMIN][1] == "Administrator"


def test_a_password_reset_lets_the_person_log_in_with_the_new_one(
        qtbot, dialog, store, clock):
    dialog.select(NURSE)
    form = dialog.show_password()
    type_into(qtbot, form.inputs["password"], NEW_PASSWORD)
    type_into(qtbot, form.inputs["password_again"], NEW_PASSWORD[:-1])
    assert form.submit() is False
    assert form.errors.text("password_again") == "not the same as the password above"
    type_into(qtbot, form.inputs["password_again"], NEW_PASSWORD)
    assert form.submit() is True
    assert dialog.status.text() == (f"New password set for {NURSE}: they choose their own at "
                                    "their next login.")
    assert NEW_PASSWORD not in str(audit_of(store)[-1]["new_value"])
    store.logout()
    with pytest.raises(LoginRefused):
        store.login(NURSE, PASSWORD)
    clock.advance(seconds=5)  # past the wait a failed login sets
    assert store.login(NURSE, NEW_PASSWORD).must_choose_password  # the administrator's


def test_disabling_asks_why_and_never_deletes(qtbot, dialog, store):
    dialog.select(NURSE)
    form = dialog.show_disable()
    assert "never deleted" in form.about.text()
    assert "never used again" in form.about.text()
    before = audit_of(store)
    form.submit_button.click()
    assert form.errors.text("reason") == "say why the account is disabled"
    assert audit_of(store) == before
    assert table(dialog)[NURSE][2] == "active"

    form.reason.setEditText("left the clinic")
    form.submit_button.click()
    assert table(dialog)[NURSE] == ["Ana Ruiz", "Nurse", "disabled"]
    assert audit_of(store)[-1]["reason"] == "left the clinic"
    assert not dialog.roles_button.isEnabled()
    assert not dialog.disable_button.isEnabled()
    assert dialog.show_password() is None
    store.logout()
    with pytest.raises(LoginRefused):
        store.login(NURSE, PASSWORD)


def test_a_disabled_account_is_enabled_again_with_a_reason(qtbot, dialog, store, clock):
    dialog.select(NURSE)
    assert not dialog.enable_button.isEnabled()  # active: nothing to enable
    assert dialog.show_enable() is None
    dialog.show_disable().reason.setEditText("on leave")
    dialog.disable_form.submit_button.click()
    assert dialog.enable_button.isEnabled()

    form = dialog.show_enable()
    assert form is not None and "password as it was" in form.about.text()
    form.submit_button.click()
    assert form.errors.text("reason") == "say why the account is enabled again"
    assert table(dialog)[NURSE][2] == "disabled"
    form.reason.setText("back from leave")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    assert table(dialog)[NURSE] == ["Ana Ruiz", "Nurse", "active"]
    assert dialog.status.text() == f"{NURSE} can log in again."
    assert audit_of(store)[-1]["reason"] == "back from leave"
    assert not dialog.enable_button.isEnabled() and dialog.disable_button.isEnabled()
    assert form.isHidden()
    store.logout()
    clock.advance(seconds=5)
    assert store.login(NURSE, PASSWORD).username == NURSE


def test_an_administrator_cannot_disable_their_own_account(qtbot, dialog, store):
    dialog.select(ADMIN)
    form = dialog.show_disable()
    form.reason.setEditText("testing")
    assert form.submit() is None
    assert form.errors.text("general") == "you cannot disable your own account"
    assert table(dialog)[ADMIN][2] == "active"


def test_a_locked_account_shows_as_locked_and_unlock_lets_it_log_in(
        qtbot, store, clock, prompts):
    login_as(store, ADMIN)
    for _ in range(5):
        clock.advance(seconds=30)  # past each growing wait, so every try counts
        with pytest.raises(LoginRefused):
            store.login(NURSE, "not the password")
    dialog = open_dialog(qtbot, store, prompts)  # still the administrator
    ((name, ends),) = store.locked_accounts()
    assert (name, f"{ends:%H:%M:%S}") == (NURSE, "07:47:30")  # the fifth failure + 15 min
    until = "07:48"  # rounded up: the lock has surely run out by then
    assert dialog.locked_line.isVisible()
    assert dialog.locked_line.text().startswith(
        f"⚠ Locked after failed logins: {NURSE} until {until}.")
    assert table(dialog)[NURSE][2] == f"locked until {until}"
    dialog.select(PHYSICIAN)
    assert not dialog.unlock_button.isEnabled()
    dialog.select(NURSE)
    assert dialog.unlock_button.isEnabled()
    with qtbot.waitSignal(dialog.accounts_changed):
        dialog.unlock_button.click()
    assert table(dialog)[NURSE][2] == "active"
    assert dialog.locked_line.isHidden()
    assert dialog.status.text() == f"{NURSE} is unlocked and can log in again."
    assert audit_of(store)[-1]["action"] == "accounts.unlocked"
    dialog.close()
    store.login(NURSE, PASSWORD)


def test_a_full_disk_is_told_with_the_file_and_the_typing_kept(
        qtbot, dialog, store, prompts, monkeypatch):
    def full(*args, **kwargs):
        raise DiskFull(store.path, "The disk is full.", "Free some space.")

    monkeypatch.setattr(store, "add_account", full)
    form = fill_add_form(qtbot, dialog, GOOD)
    assert form.submit() is None
    ((title, message),) = prompts.problems
    assert title == "The disk is full"
    assert str(store.path) in message
    assert form.inputs["username"].text() == "nurse.bo"


def test_a_nurse_is_told_only_administrators_manage_accounts(qtbot, store, prompts):
    dialog = open_dialog(qtbot, store, prompts)  # the store fixture is logged in as the nurse
    assert dialog.refused.isVisible()
    assert dialog.refused.text() == ("Only administrators can manage accounts. You are logged "
                                     f"in as {NURSE} (nurse): ask an administrator.")
    assert not dialog.table.isVisible()
    assert dialog.model.rowCount() == 0
    assert not any(button.isEnabled() for button in dialog.buttons)
    assert not dialog.allowed
    assert dialog.width() < 700  # just the reason and Close
    assert dialog.show_roles() is None
    dialog.close()


def test_the_clinics_root_key_is_shown_to_keep_apart(dialog, store):
    root = store.root_key_fingerprint()
    assert root is not None
    label = dialog.findChild(QLabel, "accounts_root_key")
    assert label.isVisibleTo(dialog) and root in label.text()
