"""Issue 15 through the real window: the Protocols dialog opens showing every field at
1366x768; an administrator's change to the stop line is saved as a draft, which a physician
countersigns with the password again (or declines with a reason) before sessions use it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QGroupBox

from ketamonitor.core.library import VersionState
from ketamonitor.core.protocol_text import (
    clinic_copy_id,
    edited_data,
    reference,
    render_protocol,
)
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.protocol_dialog import ProtocolDialog
from tests.people import ADMIN, PASSWORD, PHYSICIAN, login_as
from tests.protocol_drafts import countersigned

IV = "iv-racemic-ketamine"
COPY = "clinic-iv-racemic-ketamine"


def log_in(window: MainWindow, username: str) -> None:
    """Switch user through the window's own lock form."""
    window.switch_user()
    form = window.lock.form
    form.username.setText(username)
    form.password.setText(PASSWORD)
    assert form.submit()


def clinic_copy_in_force(store) -> None:
    login_as(store, ADMIN)
    source = store.library.protocol(IV)
    data = edited_data(source, {"name": f"{source.name} (clinic)"})
    data["id"] = clinic_copy_id(source.id, store.library.protocols)
    countersigned(store, store.save_clinic_protocol(render_protocol(data), based_on=reference(
        source), reason="our own copy"))


def draft_by_the_administrator(qtbot, window: MainWindow, store) -> None:
    """Through the window: the administrator lowers the stop line to 170 and saves."""
    clinic_copy_in_force(store)
    log_in(window, ADMIN)
    dialog = window.show_protocols()
    qtbot.waitExposed(dialog)
    dialog.select(COPY)
    dialog.inputs["thresholds.stop_systolic_above"].setText("170")
    dialog.reason.setText("medical director's memo")
    with qtbot.waitSignal(dialog.protocol_saved):
        dialog.save_button.click()
    dialog.close()


def test_the_protocols_dialog_opens_showing_every_threshold(qtbot, window, store):
    log_in(window, ADMIN)
    dialog = window.show_protocols()
    qtbot.waitExposed(dialog)
    area = dialog.form_area
    (thresholds,) = [box for box in dialog.findChildren(QGroupBox) if box.title() == "Thresholds"]
    shown = QRect(thresholds.mapTo(area.viewport(), QPoint(0, 0)), thresholds.size())
    assert area.viewport().rect().contains(shown)
    assert dialog.rect().contains(QRect(thresholds.mapTo(dialog, QPoint(0, 0)),
                                        thresholds.size()))
    assert not area.horizontalScrollBar().isVisible()
    assert not area.verticalScrollBar().isVisible()
    assert dialog.width() <= window.width() and dialog.height() <= window.height()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_administrator_saves_a_draft_and_a_physician_countersigns_it(
        qtbot, window, store, charting, clock):
    draft_by_the_administrator(qtbot, window, store)
    assert store.library.protocol(COPY).thresholds.stop_systolic_above == 180
    names = {action.text(): action for action, _ in window.guarded_actions}
    assert not names["Protocol &drafts to countersign…"].isVisible()  # not the administrator's

    log_in(window, PHYSICIAN)
    assert names["&Protocols…"].isVisible()
    assert names["Protocol &drafts to countersign…"].isVisible()
    dialog = window.show_protocol_drafts()
    qtbot.waitExposed(dialog)
    assert dialog.inputs["thresholds.stop_systolic_above"].text() == "170"  # the draft shown
    assert not dialog.inputs["thresholds.stop_systolic_above"].isEnabled()
    assert not dialog.save_button.isVisible() and not dialog.copy_button.isVisible()
    assert dialog.status.text().startswith(f"Draft version 2 of {COPY}, saved by admin")
    assert "New sessions use version 1 until then." in dialog.status.text()
    assert dialog.changes.text() == ("Changes from version 1, in force now:\n"
                                     "• Stop systolic above: 180 → 170 mmHg")
    assert dialog.countersign_button.isEnabled()

    dialog.countersign_button.click()
    signing = dialog.countersign_dialog
    assert signing is not None and signing.isVisible()
    assert "Stop systolic above: 180 → 170 mmHg" in signing.changes.text()
    assert signing.reason.text() == "medical director's memo"
    signing.password.setText("not-my-password")
    signing.confirm.click()
    assert signing.isVisible()
    assert "did not match" in signing.errors.text("password")
    assert store.library.protocol(COPY).version == 1
    clock.advance(seconds=60)
    signing.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.protocol_in_force):
        signing.confirm.click()
    assert not signing.isVisible()
    in_force = store.library.protocol(COPY)
    assert (in_force.version, in_force.thresholds.stop_systolic_above) == (2, 170)
    assert dialog.status.text().startswith(f"Version 2 of {COPY} is in force, countersigned")
    assert not dialog.countersign_button.isVisible()
    combo = window.patients.session_form.protocol
    assert combo.findData(COPY) >= 0
    dialog.close()


def test_the_countersign_dialog_closes_by_cancel_escape_and_its_window_close(
        qtbot, window, store):
    draft_by_the_administrator(qtbot, window, store)
    log_in(window, PHYSICIAN)
    dialog = window.show_protocol_drafts()
    qtbot.waitExposed(dialog)
    signing = dialog.open_countersign()
    assert signing is not None
    qtbot.waitExposed(signing)
    cancel = [b for b in signing.findChildren(type(signing.confirm)) if b.text() == "Cancel"]
    cancel[0].click()
    assert not signing.isVisible()
    signing = dialog.open_countersign()
    assert signing is not None
    qtbot.waitExposed(signing)
    qtbot.keyClick(signing.password, Qt.Key.Key_Escape)
    assert not signing.isVisible() and dialog.isVisible()
    signing = dialog.open_countersign()
    assert signing is not None
    qtbot.waitExposed(signing)
    assert signing.close()  # its window's ✕
    assert not signing.isVisible() and dialog.isVisible()
    signing = dialog.open_countersign()
    assert signing is not None
    qtbot.waitExposed(signing)
    dialog.close()  # the protocols dialog's ✕ takes the question over it too
    assert not signing.isVisible() and not dialog.isVisible()
    assert [d.version.version for d in store.protocol_drafts()] == [2]  # nothing decided


def test_a_physician_declines_the_draft_with_a_reason(qtbot, window, store, prompts):
    draft_by_the_administrator(qtbot, window, store)
    log_in(window, PHYSICIAN)
    dialog: ProtocolDialog = window.show_protocol_drafts()
    qtbot.waitExposed(dialog)
    prompts.reason_answer = "170 stops too many infusions"
    dialog.decline_button.click()
    assert "Why is version 2" in prompts.questions[-1]
    assert [v.state for v in store.protocol_versions(COPY)] == [
        VersionState.COUNTERSIGNED, VersionState.DECLINED]
    assert store.library.protocol(COPY).thresholds.stop_systolic_above == 180
    assert dialog.inputs["thresholds.stop_systolic_above"].text() == "180"
    assert dialog.status.text() == (f"Version 2 of {COPY} is declined (“170 stops too many "
                                    "infusions”); it never comes into force.")
    dialog.select(COPY)
    assert dialog.status.text().endswith(
        "Draft version 2 was declined by dr.obi: 170 stops too many infusions")
    assert not dialog.decline_button.isVisible()
    close = [b for b in dialog.findChildren(type(dialog.save_button)) if b.text() == "Close"]
    close[0].click()
    assert not dialog.isVisible()
