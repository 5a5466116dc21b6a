"""Issue 17's whole-window test, on a fake clock: a start held by a history of psychosis,
the physician's override through the dialog, the infusion started; a gap at discharge (no
Aldrete scored), the override again, the patient discharged; and the PDF summary showing
both overrides."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ketamonitor.core.phases import Phase
from ketamonitor.ui.override_dialog import OverrideDialog
from ketamonitor.ui.review_page import ReviewQueuePage
from tests.export.test_summary import pdf_text
from tests.people import PASSWORD, PHYSICIAN
from tests.ui.test_exports_ui import export_from_the_dialog
from tests.ui.test_whole_session import advance, bp, choose, click, show_tab, type_into

HOLD = "History of psychosis: yes"


def override_through_the_dialog(qtbot, window, page, reason: str) -> OverrideDialog:
    """The physician at the nurse's workstation: chosen, their password, the reason."""
    click(qtbot, window, "physician_override")
    dialog = page.override_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.physician.setCurrentIndex(dialog.physician.findData(PHYSICIAN))
    type_into(qtbot, dialog.password, PASSWORD)
    type_into(qtbot, dialog.reason, reason)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    return dialog


def log_in(window, username: str) -> None:
    window.switch_user()
    form = window.lock.form
    form.username.setText(username)
    form.password.setText(PASSWORD)
    assert form.submit()


def test_held_start_and_discharge_gap_each_overridden_by_a_physician_and_printed(
        qtbot, window, store, clock, prompts, tmp_path):
    click(qtbot, window, "new_session")
    form = window.patients.patient_form
    for name, text in {"mrn": "KM-1717", "family_name": "Hale", "given_name": "Rosa",
                       "birth_date": "1981-02-03", "weight_kg": "70"}.items():
        type_into(qtbot, form.inputs[name], text)
    click(qtbot, window, "patient_save")
    choose(window, "session_protocol", "iv-racemic-ketamine")
    type_into(qtbot, window.patients.session_form.inputs["chair"], "2")
    click(qtbot, window, "session_save")
    page = window.current_session()

    # the start, held by one answer
    bp(qtbot, page, 128, 82)
    show_tab(page, "Pre-session")
    for item in page.pre_session.checklist.items_for(page.chart.protocol.route):
        answer = "yes" if item.key == "psychosis_history" else item.expected.value
        click(qtbot, window, f"pre_session_{item.key}_{answer}")
    assert "is held until a physician overrides" in page.next_step.text()
    advance(window, clock, 2)
    click(qtbot, window, "action_start_infusion")
    _title, message = prompts.problems[-1]
    assert HOLD in message and "physician" in message
    assert page.chart.phase is Phase.PRE_INFUSION

    dialog = override_through_the_dialog(qtbot, window, page,
                                         "Remote single episode; benefit outweighs the risk")
    assert HOLD in dialog.items.text()
    click(qtbot, window, "action_start_infusion")
    assert page.chart.phase is Phase.INFUSING

    for _ in range(4):
        advance(window, clock, 10)
        bp(qtbot, page, 132, 84)
    click(qtbot, window, "action_end_infusion")
    observation = int(page.chart.protocol.observation_minutes)
    for _ in range(observation // 15):
        advance(window, clock, 15)
        bp(qtbot, page, 126, 80)
    click(qtbot, window, "action_complete_observation")
    assert page.chart.phase is Phase.READY_FOR_DISCHARGE

    # discharge, with one gap: no Aldrete scored
    show_tab(page, "Discharge")
    for item in page.discharge_checklist.checklist.items_for(page.chart.protocol.route):
        click(qtbot, window, f"discharge_{item.key}_yes")
    click(qtbot, window, "action_discharge")
    _title, message = prompts.problems[-1]
    assert "Modified Aldrete" in message
    assert page.chart.phase is Phase.READY_FOR_DISCHARGE
    gaps = page.session.override_items(page.held_action)
    dialog = override_through_the_dialog(qtbot, window, page,
                                         "Aldrete not scorable today; assessed clinically")
    assert all(gap in dialog.items.text() for gap in gaps)
    click(qtbot, window, "action_discharge")
    assert page.chart.phase is Phase.DISCHARGED
    assert [o.action for o in page.chart.overrides] == ["start_infusion", "discharge"]

    # the physician's review queue says so, and the chart opened from it shows both
    log_in(window, PHYSICIAN)
    queue = ReviewQueuePage(store)
    qtbot.addWidget(queue)
    column = [queue.model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(queue.model.columnCount())].index("Physician overrides")
    assert queue.model.index(0, column).data() == "Start infusion, Discharge"
    page = window.open_session(page.session_id)
    assert "Physician override of discharge" in page.overrides_note.text()
    export_from_the_dialog(qtbot, page, prompts, tmp_path / "summary.pdf")
    _reader, pages = pdf_text(tmp_path / "summary.pdf")
    text = " ".join(pages)
    assert "Physician overrides" in text
    assert f"Physician override of the start by Dr Ada Obi: {HOLD}" in text
    assert "Physician override of discharge by Dr Ada Obi" in text
    assert "Modified Aldrete" in text
