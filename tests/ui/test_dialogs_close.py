"""Every dialog of the app closes, three ways: its Close/Cancel button, Esc, and the window's
close button (a QCloseEvent). A modal dialog that cannot close is a dead end: the menus and
the room's Acknowledge buttons stop answering while alerts go on (issue 15, the Export logs
dialog whose `self.done = QLabel()` hid QDialog.done).

One row of DIALOGS is one dialog class and the small function that opens it the way a user
does (a menu entry, a page's button). A dialog added under ketamonitor/ui without a row fails
`test_every_dialog_of_the_app_has_a_close_test`. The prompts of ui.prompts (message boxes,
the reason asked, the file chooser) are closed the same three ways."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, SignalInstance
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QWidget

import ketamonitor.ui
from ketamonitor.core.accounts import Role
from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.oru_build import Flavour
from ketamonitor.core.phases import Action
from ketamonitor.ui.accounts_dialog import AccountsDialog
from ketamonitor.ui.audit_dialog import AuditDialog
from ketamonitor.ui.correction_dialog import CorrectionDialog
from ketamonitor.ui.countersign_dialog import CountersignDialog
from ketamonitor.ui.course_view import CourseDialog
from ketamonitor.ui.early_end_dialog import EarlyEndDialog
from ketamonitor.ui.escalation_dialog import EscalationDialog
from ketamonitor.ui.export_log_dialog import ExportLogDialog
from ketamonitor.ui.export_summary_dialog import ExportSummaryDialog
from ketamonitor.ui.handover_dialog import HandoverDialog
from ketamonitor.ui.late_entry_dialog import LateEntryDialog
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.medication_dialog import MedicationDialog
from ketamonitor.ui.monitor_panel import ArtifactDialog
from ketamonitor.ui.monitors_dialog import MonitorsDialog
from ketamonitor.ui.override_dialog import OverrideDialog
from ketamonitor.ui.prompts import DialogPrompts, ReasonDialog
from ketamonitor.ui.protocol_dialog import ProtocolDialog
from ketamonitor.ui.pump_volume_dialog import PumpVolumeDialog
from ketamonitor.ui.rems_dialog import IncompleteMarkDialog, RemsDialog
from ketamonitor.ui.risk_dialog import RiskAssessmentDialog
from ketamonitor.ui.session import SessionPage
from ketamonitor.ui.settings_dialog import SettingsDialog
from ketamonitor.ui.signature_views import AddendumDialog, SignDialog
from tests.charting import Charting
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, TEMPORARY, choose_own_password
from tests.store.test_overrides import held
from tests.store.test_rems import stopped_after_dose
from tests.ui.test_protocol_drafts import draft_by_the_administrator
from tests.ui.test_review import finished

#: The ways a person closes a dialog.
WAYS = ("button", "esc", "window close")
#: The captions of the button that leaves a dialog without doing anything, best first.
LEAVING = ("Close", "Cancel", "OK")


@dataclass
class Scene:
    """The real window on a fresh database, and what a row needs to reach its dialog."""

    window: MainWindow
    charting: Charting
    clock: object
    qtbot: object

    @property
    def store(self):
        return self.window.store

    def log_in(self, username: str) -> None:
        """Switch user at the window, as a person does (the lock's login form)."""
        if self.store.account is not None and self.store.account.username == username:
            return
        self.window.switch_user()
        form = self.window.lock.form
        form.username.setText(username)
        form.password.setText(PASSWORD)
        assert form.submit()

    def from_menu(self, caption: str, kind: type[QDialog], *, user: str = ADMIN) -> QDialog:
        """The dialog a menu entry of the window opens."""
        self.log_in(user)
        (action,) = [action for action, _ in self.window.guarded_actions
                     if action.text() == caption]
        assert action.isVisible()
        action.trigger()
        return shown(self.window, kind)

    def page(self, session_id: int) -> SessionPage:
        return self.window.open_session(session_id)

    def click(self, button: QAbstractButton) -> None:
        assert button.isVisible() and button.isEnabled(), button.text()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def shown(parent: QWidget, kind: type[QDialog]) -> QDialog:
    """The one visible dialog of that kind under `parent`."""
    (dialog,) = [child for child in parent.findChildren(kind) if child.isVisible()]
    return dialog


# -- one row per dialog: how a user opens it ----------------------------------------------

def protocols(scene: Scene) -> QDialog:
    return scene.from_menu("&Protocols…", ProtocolDialog)


def settings(scene: Scene) -> QDialog:
    return scene.from_menu("&Settings…", SettingsDialog)


def accounts(scene: Scene) -> QDialog:
    return scene.from_menu("&Accounts…", AccountsDialog)


def monitors(scene: Scene) -> QDialog:
    """Clinic ▸ Monitors, with a bed on the map and a monitor heard from on no chair, and
    the panel that maps it open (its Cancel is not the dialog's Close)."""
    from tests.ui.test_monitors_dialog import GE, MINDRAY, heard

    heard(scene.store, GE, "", flavour=Flavour.GE)
    heard(scene.store, MINDRAY, "INFUSION^^Chair1")
    dialog = scene.from_menu("&Monitors…", MonitorsDialog)
    assert isinstance(dialog, MonitorsDialog)
    scene.store.map_monitor_bed(*GE, "", "4")
    dialog.reload()
    scene.click(dialog.map_button)
    assert dialog.beds_model.rowCount() == 1 and not dialog.form.isHidden()
    return dialog


def audit_trail(scene: Scene) -> QDialog:
    return scene.from_menu("Audit &trail…", AuditDialog)


def export_logs(scene: Scene) -> QDialog:
    return scene.from_menu("&Export logs…", ExportLogDialog)


def rems_forms(scene: Scene) -> QDialog:
    return scene.from_menu("&REMS forms to file…", RemsDialog)


def incomplete_mark(scene: Scene) -> QDialog:
    """The REMS list's "Mark submitted…" on a form that lacks fields: the confirmation."""
    stopped_after_dose(scene.charting, "MRN-5009")
    rems = scene.from_menu("&REMS forms to file…", RemsDialog)
    scene.click(rems.mark_button)
    return shown(rems, IncompleteMarkDialog)


def course(scene: Scene) -> QDialog:
    page = scene.page(scene.charting.session())
    scene.click(page.course_button)
    return shown(page, CourseDialog)


def correction(scene: Scene) -> QDialog:
    session_id = scene.charting.session()
    scene.charting.bp(session_id, 150, 80)
    scene.log_in(NURSE)
    page = scene.page(session_id)
    page.vitals_table.selectRow(0)
    scene.click(page.correct_button)
    return shown(page, CorrectionDialog)


def sign(scene: Scene) -> QDialog:
    session_id = finished(scene.charting, scene.clock, "MRN-5001")
    scene.log_in(PHYSICIAN)
    page = scene.page(session_id)
    scene.click(page.signature_panel.sign_button)
    return shown(page, SignDialog)


def addendum(scene: Scene) -> QDialog:
    session_id = finished(scene.charting, scene.clock, "MRN-5002")
    scene.log_in(PHYSICIAN)
    scene.store.sign(session_id, PASSWORD)
    page = scene.page(session_id)
    scene.click(page.signature_panel.addendum_button)
    return shown(page, AddendumDialog)


def late_entry(scene: Scene) -> QDialog:
    session_id = finished(scene.charting, scene.clock, "MRN-5003")
    scene.log_in(NURSE)
    page = scene.page(session_id)
    scene.click(page.late_button)
    return shown(page, LateEntryDialog)


def handover(scene: Scene) -> QDialog:
    scene.log_in(ADMIN)
    scene.store.add_account("nurse.bo", "Bo Lin", frozenset({Role.NURSE}), TEMPORARY)
    choose_own_password(scene.store, "nurse.bo")
    scene.log_in(NURSE)
    session_id = scene.charting.session(nurse=NURSE)
    scene.window.room.reload()
    page = scene.page(session_id)
    scene.click(page.handover_button)
    return shown(page, HandoverDialog)


def medication(scene: Scene) -> QDialog:
    scene.log_in(NURSE)
    page = scene.page(scene.charting.session())
    page.tabs.setCurrentWidget(page.medicines_tab)
    scene.click(page.medication_button)
    return shown(page, MedicationDialog)


def countersign(scene: Scene) -> QDialog:
    draft_by_the_administrator(scene.qtbot, scene.window, scene.store)
    scene.log_in(PHYSICIAN)
    drafts = scene.window.show_protocol_drafts()
    scene.click(drafts.countersign_button)
    return shown(drafts, CountersignDialog)


def escalation(scene: Scene) -> QDialog:
    """A stop-line BP's alert on a running session, acknowledged from its page: the window
    asks through its prompts (scripted here), so the dialog is opened as DialogPrompts
    opens it, with what the window offers."""
    session_id = scene.charting.started()
    scene.charting.bp(session_id, 186, 112)
    scene.window.session_charted(session_id)
    page = scene.page(session_id)
    (record,) = [a for a in scene.window.room.state(session_id).alerts if a.priority.acts_now]
    store = scene.store
    dialog = EscalationDialog(page, record, store.library.reasons_for("escalation_done"),
                              store.escalation_physicians(session_id), store.clock.now(),
                              store.clock.local_zone)
    dialog.open()
    return dialog


def override(scene: Scene) -> QDialog:
    """A start held by a history of psychosis: the page's "Physician override…"."""
    scene.log_in(NURSE)
    session_id = held(scene.charting, scene.store, psychosis_history="yes")
    page = scene.page(session_id)
    scene.click(page.override_button)
    return shown(page, OverrideDialog)


def early_end(scene: Scene) -> QDialog:
    scene.log_in(NURSE)
    page = scene.page(scene.charting.session())
    scene.click(page.action_buttons[Action.END_SESSION_EARLY])
    return shown(page, EarlyEndDialog)


def risk_assessment(scene: Scene) -> QDialog:
    session_id = scene.charting.session()
    scene.charting.phq9(session_id, 2)
    scene.log_in(PHYSICIAN)
    page = scene.page(session_id)
    scene.click(page.risk_button)
    return shown(page, RiskAssessmentDialog)


def pump_volume(scene: Scene) -> QDialog:
    """An infusion stopped early: the page's "Pump volume infused…"."""
    scene.log_in(NURSE)
    session_id = scene.charting.started()
    scene.charting.store.change_phase(session_id, Action.STOP_INFUSION_EARLY,
                                      reason="BP 190/112")
    page = scene.page(session_id)
    scene.click(page.pump_volume_button)
    return shown(page, PumpVolumeDialog)


def artifact(scene: Scene) -> QDialog:
    """A monitor's reading waiting on chair 3: the monitor panel's "Artifact…"."""
    from tests.room.test_room_readings import APP, feed

    scene.log_in(ADMIN)
    scene.store.map_monitor_bed(APP, "INFUSION", "INFUSION^^Chair1", "3")
    scene.log_in(NURSE)
    session_id = scene.charting.started()
    scene.clock.advance(seconds=30)
    feed(scene.store, scene.clock)
    page = scene.page(session_id)
    scene.click(page.monitor_panel.artifact_button)
    return shown(page, ArtifactDialog)


def export_summary(scene: Scene) -> QDialog:
    """A finished session's "Export summary…", as a physician."""
    session_id = finished(scene.charting, scene.clock, "MRN-5004")
    scene.log_in(PHYSICIAN)
    page = scene.page(session_id)
    scene.click(page.export_button)
    return shown(page, ExportSummaryDialog)


#: Every dialog of the app, and how a user opens it. A new dialog: one factory, one row.
DIALOGS: dict[type[QDialog], Callable[[Scene], QDialog]] = {
    ProtocolDialog: protocols,
    SettingsDialog: settings,
    AccountsDialog: accounts,
    MonitorsDialog: monitors,
    AuditDialog: audit_trail,
    ExportLogDialog: export_logs,
    RemsDialog: rems_forms,
    IncompleteMarkDialog: incomplete_mark,
    CourseDialog: course,
    CorrectionDialog: correction,
    SignDialog: sign,
    AddendumDialog: addendum,
    LateEntryDialog: late_entry,
    HandoverDialog: handover,
    CountersignDialog: countersign,
    MedicationDialog: medication,
    EscalationDialog: escalation,
    OverrideDialog: override,
    EarlyEndDialog: early_end,
    RiskAssessmentDialog: risk_assessment,
    PumpVolumeDialog: pump_volume,
    ArtifactDialog: artifact,
    ExportSummaryDialog: export_summary,
}


# -- closing ------------------------------------------------------------------------------

def leaving_button(dialog: QWidget) -> QAbstractButton:
    """The button that leaves without doing anything: Close, else Cancel (else a message
    box's OK). Only the dialog's own: a sub-form's Cancel inside it does not count when the
    dialog has a Close."""
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.isVisible()]
    for caption in LEAVING:
        matching = [b for b in buttons if b.text().replace("&", "") == caption]
        if matching:
            assert len(matching) == 1, f"{len(matching)} {caption!r} buttons"
            return matching[0]
    raise AssertionError(f"no {' / '.join(LEAVING)} button on {type(dialog).__name__}")


def close_the_way(qtbot, dialog: QWidget, way: str) -> None:
    """Close `dialog` as a person would: its button, Esc where the focus is, or the ✕."""
    if way == "button":
        qtbot.mouseClick(leaving_button(dialog), Qt.MouseButton.LeftButton)
    elif way == "esc":
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    else:
        dialog.close()  # the window manager's ✕: a QCloseEvent


def refuse_hidden_qt_methods(dialog: QDialog) -> None:
    """`self.done = QLabel()` made a dialog uncloseable (with PySide6 6.11 closing it even
    crashes the process): no attribute may take the name of something QDialog has (done,
    accept, reject, open, close, result, ...; the signals Qt keeps there are its own).
    Checked before closing, so such a dialog fails here with its name instead of taking
    the test run down."""
    hidden = sorted(name for name, value in vars(dialog).items()
                    if hasattr(QDialog, name) and not isinstance(value, SignalInstance))
    if hidden:
        dialog.hide()  # not close(): that would call the hidden method
        pytest.fail(f"{type(dialog).__name__} hides QDialog's {hidden} under attributes")


@pytest.fixture
def scene(qtbot, window, charting, clock) -> Scene:
    return Scene(window, charting, clock, qtbot)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("kind", list(DIALOGS), ids=lambda kind: kind.__name__)
def test_every_dialog_closes_by_its_button_esc_and_the_window_close(qtbot, scene, kind, way):
    dialog = DIALOGS[kind](scene)
    assert isinstance(dialog, kind) and dialog.isVisible()
    refuse_hidden_qt_methods(dialog)
    with (qtbot.captureExceptions() as exceptions,
          qtbot.waitSignal(dialog.rejected, timeout=1000)):
        close_the_way(qtbot, dialog, way)
    assert not exceptions, [str(value) for _, value, _ in exceptions]
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    # the window answers again (or, for a question asked over another dialog, that dialog)
    asked_from = dialog.parentWidget() if isinstance(dialog.parentWidget(), QDialog) else None
    assert QApplication.activeModalWidget() is asked_from


@pytest.mark.parametrize("way", WAYS)
def test_export_logs_closes_after_an_export(qtbot, scene, tmp_path, way):
    """The row above closes Export logs as it opens; issue 15's `self.done = QLabel()`
    (the outcome line) was there from the start, but a name taken while exporting would
    only show after an export. So: export a log with the dialog's button, then leave."""
    finished(scene.charting, scene.clock, "MRN-5009")
    dialog = export_logs(scene)
    assert isinstance(dialog, ExportLogDialog)
    out = tmp_path / "sessions.csv"
    dialog.path.setText(str(out))
    scene.click(dialog.export_button)
    qtbot.waitUntil(lambda: dialog.outcome.text() == f"Written: {out}")
    assert "MRN-5009" in out.read_text(encoding="utf-8")
    refuse_hidden_qt_methods(dialog)
    with (qtbot.captureExceptions() as exceptions,
          qtbot.waitSignal(dialog.rejected, timeout=1000)):
        close_the_way(qtbot, dialog, way)
    assert not exceptions, [str(value) for _, value, _ in exceptions]
    assert not dialog.isVisible()
    assert QApplication.activeModalWidget() is None


def _dialog_classes() -> set[type[QDialog]]:
    """Every QDialog subclass defined in a module of ketamonitor.ui or its packages (the
    Accounts dialog lives in ui/accounts/) that no other one there derives from (a shared
    base is covered by its subclasses' rows)."""
    found: set[type[QDialog]] = set()
    for module_info in pkgutil.walk_packages(ketamonitor.ui.__path__, "ketamonitor.ui."):
        module = importlib.import_module(module_info.name)
        found |= {cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, QDialog) and cls.__module__ == module.__name__}
    return {cls for cls in found
            if not any(other is not cls and issubclass(other, cls) for other in found)}


def test_every_dialog_of_the_app_has_a_close_test():
    # the reason asked is a prompt: closed three ways by the prompts' test below
    missing = sorted(cls.__qualname__
                     for cls in _dialog_classes() - set(DIALOGS) - {ReasonDialog})
    assert not missing, f"add a row to DIALOGS for {missing}"


# -- the prompts: message boxes, the reason asked, the file chooser ------------------------

def confirm(parent: QWidget) -> object:
    return DialogPrompts().confirm(parent, "Discharge", "Discharge the patient now?")


def reason(parent: QWidget) -> object:
    return DialogPrompts().reason(parent, "Stop the infusion", "Why?", ["Nausea or vomiting"])


def problem(parent: QWidget) -> object:
    DialogPrompts().show_problem(parent, "Not charted", "the systolic is required")
    return None


def info(parent: QWidget) -> object:
    DialogPrompts().show_info(parent, "Summary exported", "Written to /tmp/summary.pdf")
    return None


def save_path(parent: QWidget) -> object:
    return DialogPrompts().save_path(parent, "Export log", Path.home() / "log.csv",
                                     "CSV (*.csv)")


def escalate(parent: QWidget) -> object:
    record = AlertRecord(1, 1, "k", "bp_above_stop_line", Priority.HIGH, "BP 186/112 above "
                         "the stop line", datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    return DialogPrompts().escalate(parent, record, ["BP rechecked"], ["Dr Ada Obi"],
                                    datetime(2026, 11, 23, 8, 5, tzinfo=UTC), UTC)


#: Each prompt a user meets, and what it answers when left without a choice.
PROMPTS: dict[str, tuple[Callable[[QWidget], object], object]] = {
    "confirm": (confirm, False),
    "reason": (reason, None),
    "show_problem": (problem, None),
    "show_info": (info, None),
    "save_path": (save_path, None),
    "escalate": (escalate, None),
}


@pytest.fixture
def parent(qtbot) -> Iterator[QWidget]:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    yield widget
    widget.close()


def close_prompt_when_shown(qtbot, way: str, seen: list[str]) -> None:
    """Once the prompt's own event loop runs, close it the way given (a prompt blocks: the
    test can act only from a timer inside its loop)."""

    def attempt() -> None:
        prompt = QApplication.activeModalWidget()
        if prompt is None or not prompt.isVisible():
            QTimer.singleShot(10, attempt)
            return
        seen.append(type(prompt).__name__)
        close_the_way(qtbot, prompt, way)

    QTimer.singleShot(0, attempt)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("name", list(PROMPTS))
def test_every_prompt_closes_by_its_button_esc_and_the_window_close(qtbot, parent, name, way):
    ask, unanswered = PROMPTS[name]
    seen: list[str] = []
    close_prompt_when_shown(qtbot, way, seen)
    with qtbot.captureExceptions() as exceptions:
        answer = ask(parent)
    assert not exceptions, [str(value) for _, value, _ in exceptions]
    assert seen, "the prompt never showed"
    assert answer == unanswered
    assert QApplication.activeModalWidget() is None


def test_every_prompt_has_a_close_test():
    asked = {name for name, _ in inspect.getmembers(DialogPrompts, inspect.isfunction)
             if not name.startswith("_")}
    assert asked == set(PROMPTS)

