"""Exports from the window: a session's summary from its page (physicians, administrators),
and the administrator's logs with a progress bar and a cancel that leaves no file."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ketamonitor.export.summary import render_summary
from ketamonitor.ui import export_summary_dialog
from ketamonitor.ui.export_log_dialog import ExportLogDialog
from ketamonitor.ui.export_summary_dialog import ExportSummaryDialog
from ketamonitor.ui.settings_dialog import SettingsDialog
from tests.people import ADMIN, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.ui.test_review import finished
from tests.ui.test_writes_refused import a_bug, full_disk, raising


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
    export_from_the_dialog(qtbot, page, prompts, out, fmt="json")
    assert json.loads(out.read_text(encoding="utf-8"))
    assert audit_of(store)[-1]["action"] == "exports.summary"
    assert prompts.infos == [("Summary exported", f"The summary was written to:\n\n{out}")]
    assert page.export_summary(tmp_path / "summary.txt") is None  # no such format
    assert "End the file name with .pdf" in prompts.problems[-1][1]
    assert not (tmp_path / "summary.txt").exists()


def export_from_the_dialog(qtbot, page, prompts, out: Path, *, fmt: str = "pdf",
                           page_size: str | None = None) -> ExportSummaryDialog:
    """Export summary… as a person does: the button, the format, the file typed, Export;
    back once the window has said the file is written (or why not)."""
    told = len(prompts.infos) + len(prompts.problems)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    (dialog,) = [d for d in page.findChildren(ExportSummaryDialog) if d.isVisible()]
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    if page_size is not None:
        dialog.page_size.setCurrentIndex(dialog.page_size.findData(page_size))
    dialog.path.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: len(prompts.infos) + len(prompts.problems) > told)
    return dialog


@pytest.fixture
def physician_page(window, charting, clock, store):
    """A finished session's page, open to a physician."""
    session_id = finished(charting, clock, "MRN-4003")
    login_as(store, PHYSICIAN)
    return window.open_session(session_id)


def test_the_summary_pdf_is_on_the_clinics_paper_unless_another_is_chosen(
        qtbot, window, store, prompts, tmp_path, physician_page):
    login_as(store, ADMIN)
    store.set_setting("summary_page_size", "Letter")
    login_as(store, PHYSICIAN)
    page = physician_page
    letter = tmp_path / "letter.pdf"
    dialog = export_from_the_dialog(qtbot, page, prompts, letter)
    assert dialog.page_size.currentData() == "Letter"  # the clinic's, offered first
    assert "the clinic's setting" in dialog.page_size.currentText()
    assert mediabox(letter) == (612, 792)
    assert json.loads(audit_of(store)[-1]["new_value"])["page_size"] == "Letter"
    assert prompts.infos[-1] == ("Summary exported",
                                 f"The summary was written to:\n\n{letter}")

    a4 = tmp_path / "a4.pdf"
    export_from_the_dialog(qtbot, page, prompts, a4, page_size="A4")
    assert mediabox(a4) == (595, 842)
    assert prompts.problems == []


def mediabox(path: Path) -> tuple[int, int]:
    box = pypdf.PdfReader(path).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_the_file_follows_the_format_and_the_paper_is_a_pdfs_only(
        qtbot, prompts, tmp_path, physician_page):
    dialog = physician_page.choose_export()
    assert dialog.format.currentData() == "pdf" and dialog.page_size.isEnabled()
    assert dialog.path.text() == str(Path.home() / f"session-{physician_page.session_id}"
                                     "-summary.pdf")
    dialog.path.setText(str(tmp_path / "visit.pdf"))
    dialog.format.setCurrentIndex(dialog.format.findData("fhir"))
    assert dialog.path.text() == str(tmp_path / "visit.fhir.json")
    assert not dialog.page_size.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    assert dialog.path.text() == str(tmp_path / "visit.json")

    prompts.save_answer = tmp_path / "chosen.csv"  # Browse…: a name of another format
    qtbot.mouseClick(dialog.findChild(QPushButton, "summary_browse"), Qt.MouseButton.LeftButton)
    assert dialog.format.currentData() == "csv" and dialog.path.text() == str(tmp_path
                                                                              / "chosen.csv")
    prompts.save_answer = tmp_path / "no-ending"  # a name without one: the format's added
    dialog.browse()
    assert dialog.path.text() == str(tmp_path / "no-ending.csv")
    prompts.save_answer = None  # Browse… cancelled: the file stays
    dialog.browse()
    assert dialog.path.text() == str(tmp_path / "no-ending.csv")
    dialog.reject()


def test_a_file_name_the_format_does_not_match_is_said_beside_it_and_nothing_is_written(
        qtbot, prompts, tmp_path, physician_page):
    dialog = physician_page.choose_export()
    dialog.path.setText("")
    assert not dialog.submit()
    assert dialog.errors.text("path") == "choose the file to write"
    dialog.path.setText(str(tmp_path / "summary.txt"))
    before = set(tmp_path.iterdir())  # the record's own files are there too
    assert not dialog.submit()
    assert dialog.errors.text("path") == ("end the file name with .pdf for a PDF document, "
                                          "or choose the format of its name")
    assert dialog.isVisible() and set(tmp_path.iterdir()) == before
    dialog.path.setText("summary.pdf")  # typed without a folder: the home folder's
    assert dialog.errors.text("path") == ""
    assert dialog.choice().path == Path.home() / "summary.pdf"
    dialog.reject()


def test_a_file_already_there_is_replaced_only_when_the_person_says_so(
        qtbot, prompts, tmp_path, physician_page):
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"an older summary")
    dialog = physician_page.choose_export()
    dialog.path.setText(str(out))
    prompts.confirm_answer = False
    assert not dialog.submit()
    assert prompts.questions[-1] == f"summary.pdf already exists in {tmp_path}. Replace it?"
    assert dialog.isVisible() and out.read_bytes() == b"an older summary"
    prompts.confirm_answer = True
    assert dialog.submit()
    qtbot.waitUntil(lambda: bool(prompts.infos))
    assert out.read_bytes().startswith(b"%PDF")


def test_an_unwritable_folder_is_said_with_the_file_and_what_to_do_and_leaves_nothing(
        qtbot, prompts, store, tmp_path, physician_page):
    out = tmp_path / "no such folder" / "summary.pdf"
    rows = len(audit_of(store))
    export_from_the_dialog(qtbot, physician_page, prompts, out)
    ((title, message),) = prompts.problems
    assert title == "The export could not be written"
    assert f"File: {out}" in message and "Choose an existing folder" in message
    assert "Traceback" not in message
    assert prompts.infos == [] and not out.parent.exists()
    assert len(audit_of(store)) == rows
    assert physician_page.export_button.isEnabled()  # another try is one click away


@pytest.fixture
def slow_render(monkeypatch):
    """The rendering held until the test lets it go (an Event: no sleep, no clock)."""
    let_go, started, returned = threading.Event(), threading.Event(), threading.Event()

    def render(read):
        started.set()
        assert let_go.wait(timeout=30)
        returned.set()
        return render_summary(read)

    monkeypatch.setattr(export_summary_dialog, "render_summary", render)
    yield let_go, started, returned
    let_go.set()


def test_an_export_over_a_second_shows_progress_while_the_window_answers(
        qtbot, window, prompts, tmp_path, physician_page, slow_render):
    let_go, started, _ = slow_render
    page = physician_page
    out = tmp_path / "summary.json"
    run = page.export_summary(out)
    assert run is not None and run.running
    qtbot.waitUntil(started.is_set)
    assert not run.progress.isVisible()  # not yet a second: nothing flashes
    assert not page.export_button.isEnabled()  # one export at a time
    qtbot.waitUntil(run.progress.isVisible, timeout=5000)
    assert run.progress.labelText() == "Writing the summary as a JSON…"
    # the window answers meanwhile: a tab changes, and the file is not there yet
    page.tabs.setCurrentIndex(1)
    assert page.tabs.currentIndex() == 1 and not out.exists()
    let_go.set()
    qtbot.waitUntil(lambda: bool(prompts.infos))
    assert json.loads(out.read_text(encoding="utf-8"))
    assert prompts.infos == [("Summary exported", f"The summary was written to:\n\n{out}")]
    assert page.export_button.isEnabled()


def test_a_cancelled_export_leaves_no_file_and_no_audit_row(
        qtbot, window, store, prompts, tmp_path, physician_page, slow_render):
    let_go, _, returned = slow_render
    out = tmp_path / "summary.csv"
    before = set(tmp_path.iterdir())  # the record's own files are there too
    rows = len(audit_of(store))
    run = physician_page.export_summary(out)
    qtbot.waitUntil(run.progress.isVisible, timeout=5000)
    cancelled = [b for b in run.progress.findChildren(QPushButton) if b.text() == "Cancel"]
    with qtbot.waitSignal(run.cancelled):
        qtbot.mouseClick(cancelled[0], Qt.MouseButton.LeftButton)
    assert not run.running and physician_page.export_button.isEnabled()
    let_go.set()
    qtbot.waitUntil(returned.is_set)
    assert not out.exists() and set(tmp_path.iterdir()) == before
    assert prompts.infos == [] and prompts.problems == []
    assert len(audit_of(store)) == rows


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


def test_the_clinics_summary_paper_is_a_setting_the_administrator_changes(
        qtbot, store, prompts):
    login_as(store, ADMIN)
    dialog = SettingsDialog(store, prompts)
    qtbot.addWidget(dialog)
    combo = dialog.summary_page_size
    assert combo.currentData() == "A4"  # the default
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "A4 (210 × 297 mm)", "US Letter (8.5 × 11 in)"]
    combo.setCurrentIndex(combo.findData("Letter"))
    assert dialog.save()
    assert store.setting("summary_page_size") == "Letter"
    (row,) = [r for r in audit_of(store, "settings") if "summary_page_size" in str(r)]
    assert "Letter" in row["new_value"]


def test_the_clinics_fhir_systems_are_settings_and_a_bad_one_is_said_beside_it(
        qtbot, store, prompts):
    login_as(store, ADMIN)
    dialog = SettingsDialog(store, prompts)
    qtbot.addWidget(dialog)
    dialog.fhir_mrn_system.setText("our mrns")
    assert not dialog.save()
    assert "absolute URI" in dialog.errors.text("fhir_mrn_system")
    assert store.setting("fhir_mrn_system") == "https://clinic.example/fhir/sid/mrn"
    dialog.fhir_mrn_system.setText("urn:oid:2.16.840.1.113883.19.5")
    assert dialog.save()
    assert store.setting("fhir_mrn_system") == "urn:oid:2.16.840.1.113883.19.5"


def test_a_pdf_drawn_on_the_windows_thread_shows_its_progress_before_it_starts(
        qtbot, prompts, tmp_path, physician_page, monkeypatch):
    """The PDF's chart is drawn by pyqtgraph's widgets, which live only on the GUI thread:
    the window cannot answer while it is drawn (about a second), so the progress is on the
    screen first, saying so."""
    seen: list[tuple[bool, str]] = []
    run = None

    def render(read):
        seen.append((run.progress.isVisible(), run.progress.labelText()))
        return render_summary(read)

    monkeypatch.setattr(export_summary_dialog, "render_summary", render)
    out = tmp_path / "summary.pdf"
    run = physician_page.export_summary(out)
    qtbot.waitUntil(lambda: bool(prompts.infos))
    assert seen == [(True, "Writing the summary as a PDF document…")]
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("name", ["summary.fhir.json", "summary.csv"])
def test_a_format_rendered_off_the_windows_thread_reads_nothing_there(
        qtbot, prompts, tmp_path, physician_page, name):
    """sqlite refuses a connection used on another thread than its own: a format rendered
    on a worker must take everything from the summary read before it."""
    out = tmp_path / name
    physician_page.export_summary(out)
    qtbot.waitUntil(lambda: bool(prompts.infos or prompts.problems))
    assert prompts.problems == [] and out.stat().st_size > 0


def test_the_windows_fhir_file_is_the_transaction_the_command_line_writes(
        qtbot, store, prompts, tmp_path, physician_page):
    """The window renders FHIR on a worker, from what was read beside the summary: the
    clinic's MRN system and the staff's names reach the bundle all the same."""
    login_as(store, ADMIN)
    store.set_setting("fhir_mrn_system", "urn:oid:2.16.840.1.113883.19.5")
    login_as(store, PHYSICIAN)
    out = tmp_path / "summary.fhir.json"
    physician_page.export_summary(out)
    qtbot.waitUntil(lambda: bool(prompts.infos or prompts.problems))
    bundle = json.loads(out.read_bytes())
    assert bundle["type"] == "transaction"
    (patient,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patient["request"]["ifNoneExist"].startswith(
        "identifier=urn:oid:2.16.840.1.113883.19.5|")
    (row,) = [r for r in audit_of(store, "exports") if "fhir" in str(r)]
    assert "transaction" in row["new_value"]


def test_an_audit_row_the_record_cannot_take_is_said_and_takes_the_file_back(
        qtbot, store, prompts, tmp_path, physician_page, monkeypatch):
    monkeypatch.setattr(store, "record_export", raising(full_disk(store)))
    out = tmp_path / "summary.json"
    physician_page.export_summary(out)
    qtbot.waitUntil(lambda: bool(prompts.problems))
    ((title, message),) = prompts.problems
    assert title == full_disk(store).title and str(store.path) in message
    assert prompts.infos == [] and not out.exists()
    assert physician_page.export_button.isEnabled()


def test_a_bug_in_an_export_is_raised_not_told_as_a_refusal(
        qtbot, store, prompts, tmp_path, physician_page, monkeypatch):
    monkeypatch.setattr(store, "record_export", raising(a_bug()))
    out = tmp_path / "summary.json"
    with qtbot.captureExceptions() as exceptions:
        physician_page.export_summary(out)
        qtbot.waitUntil(lambda: bool(exceptions))
    assert [type(value) for _, value, _ in exceptions] == [type(a_bug())]
    assert prompts.problems == [] and prompts.infos == [] and not out.exists()
