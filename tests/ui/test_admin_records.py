"""The administrator's records from the window: REMS forms to file, a backup made by hand,
and the rotating backup after a discharge."""

from __future__ import annotations

import json
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from ketamonitor.core.phases import Action
from ketamonitor.store import copies
from ketamonitor.ui.rems_dialog import IncompleteMarkDialog, RemsDialog
from tests.people import ADMIN, audit_of, login_as
from tests.store.test_rems import stopped_after_dose


def confirmation(dialog: RemsDialog) -> IncompleteMarkDialog:
    """The one confirmation the list has open (an incomplete form being marked)."""
    (shown,) = [c for c in dialog.findChildren(IncompleteMarkDialog) if c.isVisible()]
    return shown


def mark_confirmed(qtbot, dialog: RemsDialog) -> None:
    """Mark the selected (incomplete) form submitted, confirming it as the person does."""
    assert not dialog.mark_selected()  # nothing marked until confirmed
    qtbot.mouseClick(confirmation(dialog).confirm_button, Qt.MouseButton.LeftButton)


def test_the_rems_list_counts_the_forms_to_file_exports_one_and_marks_it_submitted(
        qtbot, store, charting, prompts, tmp_path):
    session_id = stopped_after_dose(charting, "MRN-5001")
    login_as(store, ADMIN)
    dialog = RemsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    assert dialog.count.text() == "1 form to file"
    assert dialog.model.row_value(0).session_id == session_id
    assert dialog.model.index(0, 0).data() == "7 days left"
    prompts.save_answer = tmp_path / "form.pdf"
    assert dialog.export_selected() == tmp_path / "form.pdf"
    assert (tmp_path / "form.pdf").read_bytes().startswith(b"%PDF")
    prompts.reason_answer = "REMS portal confirmation 12345"
    mark_confirmed(qtbot, dialog)
    assert dialog.count.text() == "Every REMS form is marked submitted."
    assert audit_of(store)[-1]["action"] == "rems_forms.submitted"


def test_an_incomplete_form_is_marked_only_once_its_gaps_are_confirmed(
        qtbot, store, charting, prompts):
    session_id = stopped_after_dose(charting, "MRN-5001")
    login_as(store, ADMIN)
    dialog = RemsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    prompts.reason_answer = "REMS-780"
    assert not dialog.mark_selected()
    asked = confirmation(dialog)
    listed = [asked.gaps.item(row).text() for row in range(asked.gaps.count())]
    assert listed == list(store.rems_form_of(session_id).gaps)
    assert "Missing: BP before the end of monitoring" in listed
    assert "MRN-5001" in asked.findChild(QLabel, "rems_incomplete_heading").text()
    cancel = next(b for b in asked.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not asked.isVisible()
    assert store.rems_submission(session_id) is None and prompts.questions == []
    assert dialog.count.text() == "1 form to file"

    assert not dialog.mark_selected()
    qtbot.mouseClick(confirmation(dialog).confirm_button, Qt.MouseButton.LeftButton)
    marked = store.rems_submission(session_id)
    assert marked is not None and marked.incomplete and marked.gaps == tuple(listed)
    assert dialog.marked_model.index(0, 6).data() == (
        f"▲ submitted incomplete ({len(listed)})")
    assert dialog.count.text() == "Every REMS form is marked submitted."


def test_a_complete_form_is_marked_without_the_confirmation(qtbot, store, charting, prompts):
    from tests.export.test_rems_form import charted_form

    session_id = charted_form(store, charting)
    login_as(store, ADMIN)
    dialog = RemsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    prompts.reason_answer = "REMS-781"
    (row,) = [r for r in range(dialog.model.rowCount())
              if dialog.model.row_value(r).session_id == session_id]  # not the course's first
    dialog.table.selectRow(row)
    assert dialog.mark_selected()
    assert dialog.findChildren(IncompleteMarkDialog) == []
    assert not store.rems_submission(session_id).incomplete
    assert dialog.marked_model.index(0, 6).data() == "complete"


def test_a_mark_on_the_wrong_row_is_withdrawn_from_the_list_and_the_form_is_due_again(
        qtbot, store, charting, prompts):
    first = stopped_after_dose(charting, "MRN-5001")
    second = stopped_after_dose(charting, "MRN-5002")
    login_as(store, ADMIN)
    dialog = RemsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    assert not dialog.withdraw_button.isEnabled()  # nothing marked yet
    prompts.reason_answer = "REMS-777"
    mark_confirmed(qtbot, dialog)  # meant the second: the first row was selected
    assert dialog.count.text() == "1 form to file"
    assert dialog.marked_model.rowCount() == 1
    assert [dialog.marked_model.index(0, c).data() for c in (1, 2, 3, 5)] == [
        ADMIN, "REMS-777", "Mon 2026-11-23", "MRN-5001"]
    assert not dialog.withdraw_selected()  # none chosen yet
    assert "Choose the mark" in dialog.refused.text()
    dialog.marked_table.selectRow(0)
    prompts.reason_answer = None  # Cancel: nothing happens
    assert not dialog.withdraw_selected()
    assert store.rems_submission(first) is not None
    prompts.reason_answer = "marked on the wrong patient"
    assert dialog.withdraw_selected()
    assert "MRN-5001" in prompts.questions[-1] and "REMS-777" in prompts.questions[-1]
    assert store.rems_submission(first) is None
    assert dialog.count.text() == "2 forms to file"
    assert dialog.marked_model.rowCount() == 0 and not dialog.withdraw_button.isEnabled()
    assert {dialog.model.row_value(r).session_id for r in range(2)} == {first, second}
    assert audit_of(store)[-1]["action"] == "rems_forms.withdrawn"


def test_the_marked_list_says_the_day_and_the_time_of_each_mark(
        qtbot, store, charting, clock, prompts):
    stopped_after_dose(charting, "MRN-5001")
    login_as(store, ADMIN)
    dialog = RemsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    prompts.reason_answer = "REMS-778"
    marked = clock.now().astimezone(store.clock.local_zone)
    mark_confirmed(qtbot, dialog)
    expected = f"{marked:%a %Y-%m-%d %H:%M}"
    assert dialog.marked_model.index(0, 0).data() == expected  # today: the date too
    clock.advance(minutes=3 * 24 * 60)
    dialog.reload()
    assert dialog.marked_model.index(0, 0).data() == expected  # days later: the same words


def test_a_nurse_is_told_rems_forms_are_the_administrators(qtbot, store, prompts):
    dialog = RemsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    assert "may not" in dialog.refused.text()
    assert not dialog.mark_button.isEnabled()


def test_an_administrator_backs_up_by_hand_to_a_chosen_file(qtbot, window, store, prompts,
                                                           tmp_path):
    login_as(store, ADMIN)
    out = tmp_path / "stick" / "copy.db"
    out.parent.mkdir()
    prompts.save_answer = out
    assert window.back_up_now() == out
    assert out.exists()
    assert audit_of(store)[-1]["action"] == "backups.create"


def test_a_discharge_makes_the_rotating_backup(qtbot, window, store, charting, clock):
    window.automatic_backups = True
    session_id = charting.started()
    charting.through_observation(session_id)
    charting.answer_all(session_id, "discharge")
    charting.aldrete(session_id)
    store.change_phase(session_id, Action.DISCHARGE)
    window.session_charted(session_id)
    # copied on a thread of its own, then audited back on the window's thread
    qtbot.waitUntil(lambda: not window.background_backup.busy, timeout=10_000)
    qtbot.waitUntil(lambda: any(row["action"] == "backups.automatic"
                                for row in audit_of(store)), timeout=10_000)
    made = [row for row in audit_of(store) if row["action"] == "backups.automatic"]
    assert len(made) == 1
    assert list(store.backup_folder().glob("ketamonitor-*.db"))


def test_the_automatic_backup_is_copied_off_the_windows_thread_and_finished_on_close(
        qtbot, window, store, clock, monkeypatch):
    window.automatic_backups = True
    threads = []
    copy_database = copies.copy_database

    def watched(source, temp):
        threads.append(threading.current_thread())
        copy_database(source, temp)

    monkeypatch.setattr(copies, "copy_database", watched)
    planned = window.automatic_backup(discharged=False)  # the day's first: due
    assert planned is not None and planned.parent == store.backup_folder()
    assert window.automatic_backup(discharged=False) is None  # one at a time
    window.close()  # waits for the copy, and audits it, before the app goes
    assert threads and threads[0] is not threading.main_thread()
    assert planned.exists()
    (row,) = [row for row in audit_of(store) if row["action"] == "backups.automatic"]
    assert json.loads(row["new_value"])["file"] == str(planned)
