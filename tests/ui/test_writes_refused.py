"""Every write in the window is refused the same way (ui.writes.attempt): a validation beside
its field (or in a plain message for a one-click action), a rule's refusal as a plain
message, the file's problem (a full disk, a read-only file) with its title and the file
named; what was typed stays, nothing else happens. A bug (StoreBug) is never told as a
refusal: it leaves the write for the app's bug dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.store.errors import DatabaseReadOnly, DatabaseUnavailable, DiskFull, StoreBug
from ketamonitor.store.store import Store
from ketamonitor.ui.accounts_dialog import AccountsDialog
from ketamonitor.ui.audit_dialog import AuditDialog
from ketamonitor.ui.export_log_dialog import ExportLogDialog
from ketamonitor.ui.protocol_dialog import ProtocolDialog
from ketamonitor.ui.rems_dialog import RemsDialog
from ketamonitor.ui.settings_dialog import SettingsDialog
from ketamonitor.ui.writes import KEPT
from tests.people import ADMIN, PHYSICIAN, audit_of, login_as
from tests.store.test_rems import stopped_after_dose
from tests.ui.test_review import finished


def raising(problem: Exception) -> Callable[..., None]:
    def write(*_args: object, **_kwargs: object) -> None:
        raise problem
    return write


def full_disk(store: Store) -> DiskFull:
    return DiskFull(store.path, "database or disk is full", "Free some space.")


def read_only(store: Store) -> DatabaseReadOnly:
    return DatabaseReadOnly(store.path, "the file is read-only", "Ask IT to make it writable.")


def a_bug() -> StoreBug:
    return StoreBug("no such column: cancel_reasn")


def told_the_file(prompts, title: str, store: Store) -> str:
    """The one message shown: the file's problem, its title, the file named."""
    ((shown_title, message),) = prompts.problems
    assert shown_title == title
    assert str(store.path) in message
    return message


# -- a one-click action in the window: cancel a booking -----------------------------------

def booked(window, charting) -> int:
    window.show_patients()
    window.patients.choose_patient(charting.patient("MRN-78"))
    form = window.patients.session_form
    form.inputs["chair"].setText("2")
    form.booking_time.setText("10:30")
    appointment_id = form.book_appointment()
    assert appointment_id is not None
    return appointment_id


@pytest.mark.parametrize("problem, title", [(full_disk, "The disk is full"),
                                            (read_only, "The database is read-only")])
def test_a_booking_the_file_will_not_cancel_is_told_with_the_file_and_stays(
        window, charting, store, prompts, monkeypatch, problem, title):
    appointment_id = booked(window, charting)
    monkeypatch.setattr(store, "cancel_appointment", raising(problem(store)))
    assert window.cancel_booking(appointment_id) is False
    message = told_the_file(prompts, title, store)
    assert KEPT not in message  # nothing was typed on screen: it does not say so
    assert store.appointment(appointment_id).cancel_reason is None
    assert window.pages.currentWidget() is not window.room_page  # nothing else happened


def test_a_refused_cancellation_is_said_in_a_plain_message(window, charting, store, prompts,
                                                           monkeypatch):
    appointment_id = booked(window, charting)
    monkeypatch.setattr(store, "cancel_appointment",
                        raising(ValidationError({"reason": "say why"})))
    assert window.cancel_booking(appointment_id) is False
    assert prompts.problems == [("Not cancelled", "say why")]
    prompts.problems.clear()
    monkeypatch.setattr(store, "cancel_appointment",
                        raising(RuleError("the booking was already cancelled")))
    assert window.cancel_booking(appointment_id) is False
    assert prompts.problems == [("Not done", "The booking was already cancelled")]


def test_a_bug_in_cancelling_reaches_the_bug_dialog_not_a_refusal(window, charting, store,
                                                                 prompts, monkeypatch):
    appointment_id = booked(window, charting)
    monkeypatch.setattr(store, "cancel_appointment", raising(a_bug()))
    with pytest.raises(StoreBug):  # uncaught: the app's excepthook logs and shows it
        window.cancel_booking(appointment_id)
    assert prompts.problems == []


# -- an account change --------------------------------------------------------------------

@pytest.fixture
def accounts(qtbot, store, prompts):
    login_as(store, ADMIN)
    dialog = AccountsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.close()


def test_a_role_change_on_a_read_only_file_is_told_and_the_ticks_kept(
        accounts, store, prompts, monkeypatch):
    accounts.select(PHYSICIAN)
    form = accounts.show_roles()
    form.roles[Role.ADMINISTRATOR].setChecked(True)
    before = audit_of(store)
    monkeypatch.setattr(store, "set_roles", raising(read_only(store)))
    assert form.submit() is None
    assert told_the_file(prompts, "The database is read-only", store).endswith(KEPT)
    assert form.roles[Role.ADMINISTRATOR].isChecked()
    assert form.isVisible() and audit_of(store) == before


def test_a_rule_refusing_a_role_change_is_a_plain_message(accounts, store, prompts,
                                                          monkeypatch):
    accounts.select(PHYSICIAN)
    form = accounts.show_roles()
    form.roles[Role.ADMINISTRATOR].setChecked(True)
    monkeypatch.setattr(store, "set_roles", raising(RuleError("the account is disabled")))
    assert form.submit() is None
    assert prompts.problems == [("Not done", "The account is disabled" + KEPT)]
    assert form.roles[Role.ADMINISTRATOR].isChecked()


def test_a_bug_in_a_role_change_is_not_told_as_a_refusal(accounts, store, prompts,
                                                         monkeypatch):
    accounts.select(PHYSICIAN)
    form = accounts.show_roles()
    form.roles[Role.ADMINISTRATOR].setChecked(True)
    monkeypatch.setattr(store, "set_roles", raising(a_bug()))
    with pytest.raises(StoreBug):
        form.submit()
    assert prompts.problems == [] and form.errors.text("roles") == ""


# -- a settings change --------------------------------------------------------------------

@pytest.fixture
def settings(qtbot, store, prompts):
    login_as(store, ADMIN)
    dialog = SettingsDialog(store, prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.close()


def test_settings_on_a_full_disk_are_told_and_the_dialog_keeps_the_typing(
        settings, store, prompts, monkeypatch):
    settings.clinic_name.setText("Northside Clinic")
    monkeypatch.setattr(store, "set_setting", raising(full_disk(store)))
    assert settings.save() is False
    assert told_the_file(prompts, "The disk is full", store).endswith(KEPT)
    assert settings.isVisible() and settings.clinic_name.text() == "Northside Clinic"


def test_a_refused_setting_shows_beside_its_field(settings, store, prompts, monkeypatch):
    settings.clinic_name.setText("Northside Clinic")
    monkeypatch.setattr(store, "set_setting",
                        raising(ValidationError({"clinic_name": "too long"})))
    assert settings.save() is False
    assert settings.errors.text("clinic_name") == "too long"
    assert prompts.problems == [] and settings.isVisible()


def test_a_bug_saving_settings_is_not_told_as_a_refusal(settings, store, prompts,
                                                        monkeypatch):
    monkeypatch.setattr(store, "set_setting", raising(a_bug()))
    with pytest.raises(StoreBug):
        settings.save()
    assert prompts.problems == [] and settings.isVisible()


# -- a protocol save ----------------------------------------------------------------------

@pytest.fixture
def protocols(qtbot, store, prompts):
    login_as(store, ADMIN)
    dialog = ProtocolDialog(store, prompts)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 690)
    dialog.show()
    dialog.make_copy()
    dialog.inputs["observation.minimum_minutes"].setText("90")
    dialog.reason.setText("medical director's memo")
    yield dialog
    dialog.close()


def test_a_protocol_on_a_read_only_file_is_told_and_the_typing_kept(
        protocols, store, prompts, monkeypatch):
    monkeypatch.setattr(store, "save_clinic_protocol", raising(read_only(store)))
    assert protocols.save() is None
    assert told_the_file(prompts, "The database is read-only", store).endswith(KEPT)
    assert protocols.inputs["observation.minimum_minutes"].text() == "90"
    assert protocols.reason.text() == "medical director's memo"
    assert audit_of(store, "protocols") == []


def test_a_rule_refusing_a_protocol_save_is_a_plain_message_not_a_bug(
        protocols, store, prompts, monkeypatch):
    """It reached the bug dialog before: the save caught a validation and the file only."""
    monkeypatch.setattr(store, "save_clinic_protocol",
                        raising(RuleError("the protocol changed on another workstation")))
    assert protocols.save() is None
    assert prompts.problems == [("Not done",
                                 "The protocol changed on another workstation" + KEPT)]
    assert protocols.inputs["observation.minimum_minutes"].text() == "90"


def test_a_bug_saving_a_protocol_is_not_told_as_a_refusal(protocols, store, prompts,
                                                          monkeypatch):
    monkeypatch.setattr(store, "save_clinic_protocol", raising(a_bug()))
    with pytest.raises(StoreBug):
        protocols.save()
    assert prompts.problems == [] and protocols.errors.text("general") == ""


# -- a REMS submission --------------------------------------------------------------------

@pytest.fixture
def rems(qtbot, store, charting, prompts, monkeypatch):
    stopped_after_dose(charting, "MRN-5001")
    login_as(store, ADMIN)
    # the form reads as complete: no confirmation is asked (tests/ui/test_admin_records.py
    # has that), so the mark's own write is what fails here
    monkeypatch.setattr(store, "rems_form_of", lambda _session_id: None)
    dialog = RemsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    prompts.reason_answer = "REMS portal confirmation 12345"
    return dialog


def test_a_rems_mark_on_a_full_disk_is_told_and_the_form_stays_to_file(
        rems, store, prompts, monkeypatch):
    monkeypatch.setattr(store, "mark_rems_submitted", raising(full_disk(store)))
    assert rems.mark_selected() is False
    assert KEPT not in told_the_file(prompts, "The disk is full", store)
    assert rems.count.text() == "1 form to file"
    assert rems.marked_model.rowCount() == 0


def test_a_rule_refusing_a_rems_mark_is_a_plain_message(rems, store, prompts, monkeypatch):
    monkeypatch.setattr(store, "mark_rems_submitted",
                        raising(RuleError("the form is already marked submitted")))
    assert rems.mark_selected() is False
    assert prompts.problems == [("Not done", "The form is already marked submitted")]
    assert rems.count.text() == "1 form to file"


def test_a_bug_marking_a_rems_form_is_not_told_as_a_refusal(rems, store, prompts,
                                                            monkeypatch):
    monkeypatch.setattr(store, "mark_rems_submitted", raising(a_bug()))
    with pytest.raises(StoreBug):
        rems.mark_selected()
    assert prompts.problems == [] and rems.refused.text() == ""


# -- an export ----------------------------------------------------------------------------

@pytest.fixture
def export(qtbot, store, charting, clock, prompts, tmp_path):
    finished(charting, clock, "MRN-4002")
    login_as(store, ADMIN)
    dialog = ExportLogDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "log.csv"))
    return dialog


def test_an_export_the_file_cannot_record_is_told_and_leaves_no_file(
        export, store, prompts, monkeypatch):
    monkeypatch.setattr(store, "record_export", raising(full_disk(store)))
    assert export.export() is None
    assert told_the_file(prompts, "The disk is full", store).endswith(KEPT)
    out = Path(export.path.text())
    assert not out.exists() and export.path.text() == str(out)
    assert export.export_button.isEnabled() and export.outcome.text() == ""


def test_a_rule_refusing_an_export_is_a_plain_message(export, store, prompts, monkeypatch):
    monkeypatch.setattr(store, "record_export",
                        raising(RuleError("exports are paused during the audit")))
    assert export.export() is None
    assert prompts.problems == [("Not done", "Exports are paused during the audit" + KEPT)]
    assert not Path(export.path.text()).exists()


def test_a_bug_in_an_export_is_not_told_as_a_refusal(export, store, prompts, monkeypatch):
    monkeypatch.setattr(store, "record_export", raising(a_bug()))
    with pytest.raises(StoreBug):
        export.export()
    assert prompts.problems == [] and not Path(export.path.text()).exists()
    assert export.export_button.isEnabled()


# -- reads at a click: told the same way, the screen left as it was ----------------------

def unavailable(store: Store) -> DatabaseUnavailable:
    return DatabaseUnavailable(store.path, "the network share does not answer",
                               "Check the connection, then try again.")


def test_checking_in_when_the_file_cannot_be_read_is_told_and_the_room_stays(
        window, charting, store, prompts, monkeypatch):
    appointment_id = booked(window, charting)
    window.show_room()
    monkeypatch.setattr(store, "appointment", raising(unavailable(store)))
    window.room_page.coming_buttons[0].click()  # the patient rings
    told_the_file(prompts, "The database cannot be reached", store)
    assert window.pages.currentWidget() is window.room_page
    monkeypatch.undo()
    assert store.appointment(appointment_id).cancel_reason is None


def test_rems_lists_the_file_cannot_give_are_told_and_the_rows_shown_stay(
        rems, store, prompts, monkeypatch):
    monkeypatch.setattr(store, "rems_submitted", raising(unavailable(store)))
    rems.reload()
    assert KEPT not in told_the_file(prompts, "The database cannot be reached", store)
    assert rems.count.text() == "1 form to file" and rems.model.rowCount() == 1


def test_an_audit_search_the_file_cannot_answer_is_told_and_the_filters_stay(
        qtbot, store, prompts, monkeypatch):
    login_as(store, ADMIN)
    dialog = AuditDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = dialog.model.rowCount()
    dialog.action.setText("accounts.roles")
    monkeypatch.setattr(store, "audit_trail", raising(unavailable(store)))
    assert dialog.apply() is None
    told_the_file(prompts, "The database cannot be reached", store)
    assert dialog.action.text() == "accounts.roles" and dialog.model.rowCount() == shown
    assert dialog.allowed and dialog.apply_button.isEnabled()
    dialog.close()


def test_choosing_a_patient_the_file_cannot_give_the_weight_of_is_told_and_weight_left_to_type(
        window, charting, store, prompts, monkeypatch):
    patient = charting.patient("MRN-79")
    window.show_patients()
    monkeypatch.setattr(store, "last_weight", raising(unavailable(store)))
    window.patients.choose_patient(patient)
    told_the_file(prompts, "The database cannot be reached", store)
    form = window.patients.session_form
    assert form.patient == patient and form.inputs["weight_kg"].text() == ""


def test_an_account_list_the_file_cannot_give_after_a_change_is_told_and_the_change_said(
        accounts, store, prompts, monkeypatch):
    accounts.select(PHYSICIAN)
    form = accounts.show_roles()
    form.roles[Role.ADMINISTRATOR].setChecked(True)
    monkeypatch.setattr(store, "locked_accounts", raising(unavailable(store)))
    form.submit_button.click()  # the roles are written; reading the table back fails
    told_the_file(prompts, "The database cannot be reached", store)
    assert audit_of(store)[-1]["action"] == "accounts.roles"
    assert accounts.allowed and not accounts.refused.isVisible()
