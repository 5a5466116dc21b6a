"""Exports from the window: a session's summary from its page (physicians, administrators),
and the administrator's logs with a progress bar and a cancel that leaves no file."""

from __future__ import annotations

import json

from ketamonitor.ui.export_log_dialog import ExportLogDialog
from tests.people import ADMIN, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.ui.test_review import finished


def test_a_physician_exports_a_summary_from_the_chart_and_a_nurse_sees_no_button(
        qtbot, window, charting, clock, store, prompts, tmp_path):
    session_id = finished(charting, clock, "MRN-4001")
    page = window.open_session(session_id)
    assert not page.export_button.isVisibleTo(page)  # the nurse
    login_as(store, PHYSICIAN)
    page.reload()
    assert page.export_button.isVisibleTo(page)
    store.sign(session_id, PASSWORD)
    out = tmp_path / "summary.json"
    prompts.save_answer = out
    assert page.choose_export() == out
    assert json.loads(out.read_text(encoding="utf-8"))
    assert audit_of(store)[-1]["action"] == "exports.summary"
    assert page.export_summary(tmp_path / "summary.txt") is None  # no such format
    assert "End the file name with .pdf" in prompts.problems[-1][1]
    assert not (tmp_path / "summary.txt").exists()


def test_an_administrator_exports_the_session_log_and_a_cancel_leaves_no_file(
        qtbot, store, charting, clock, prompts, tmp_path):
    finished(charting, clock, "MRN-4002")
    login_as(store, ADMIN)
    dialog = ExportLogDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    out = tmp_path / "log.csv"
    dialog.path.setText(str(out))
    assert dialog.export() == out
    assert "MRN-4002" in out.read_text(encoding="utf-8")
    assert dialog.outcome.text() == f"Written: {out}"

    cancelled = tmp_path / "cancelled.csv"
    dialog.path.setText(str(cancelled))
    dialog._progress = lambda done, total: False  # the Cancel button pressed at once
    assert dialog.export() is None
    assert not cancelled.exists()


def test_a_backwards_range_is_refused_beside_the_dates_in_the_windows_words(
        qtbot, store, prompts, tmp_path):
    login_as(store, ADMIN)
    dialog = ExportLogDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    last = dialog.until.date()
    dialog.since.setDate(last.addDays(3))
    dialog.path.setText(str(tmp_path / "log.csv"))
    assert dialog.export() is None
    reason = dialog.errors.text("to")
    first = last.addDays(3).toString("yyyy-MM-dd")
    assert reason == (f"{last.toString('yyyy-MM-dd')} is before the first day {first}: set "
                      "To on or after From (both days are included)")
    assert "--" not in reason  # the command line's flags are not on this screen
    assert dialog.until_error.isVisible()
    assert not (tmp_path / "log.csv").exists()

    dialog.until.setDate(last.addDays(1))  # still before From: the reason follows the date
    assert f"{last.addDays(1).toString('yyyy-MM-dd')} is before" in dialog.errors.text("to")
    dialog.until.setDate(last.addDays(3))  # put right: the reason goes at once
    assert dialog.errors.text("to") == "" and dialog.errors.text("from") == ""
    dialog.since.setDate(last.addDays(5))  # no reason shown before Export is pressed again
    assert dialog.errors.text("to") == ""


def test_a_missing_file_and_a_backwards_range_are_both_said_at_once(qtbot, store, prompts):
    login_as(store, ADMIN)
    dialog = ExportLogDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.since.setDate(dialog.until.date().addDays(1))
    assert dialog.export() is None
    assert dialog.errors.text("out") == "choose the file to write"
    assert "set To on or after From" in dialog.errors.text("to")
