"""Correcting a charted set from the window: the original stays, the reason is kept."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from ketamonitor.ui.correction_dialog import CorrectionDialog


def test_the_correction_dialog_charts_an_amendment_with_its_reason(qtbot, window, charting,
                                                                   store):
    session_id = charting.session()
    vitals_id = charting.bp(session_id, 150, 80)
    page = window.open_session(session_id)
    dialog = CorrectionDialog(page, store.vitals_entry(session_id, vitals_id),
                              page.correct_vitals)
    qtbot.addWidget(dialog)
    dialog.fields["systolic"].setText("105")
    dialog.reason.setText("typed 150 for 105")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    entry = store.vitals_entry(session_id, vitals_id)
    assert (entry.original.systolic, entry.current.systolic) == (150, 105)
    assert page.vitals_model.index(0, 1).data() == "105/80"
    assert "(amended)" in page.vitals_model.index(0, 6).data()


def test_a_correction_without_a_reason_is_refused_and_the_dialog_stays(qtbot, window, charting,
                                                                        store, prompts):
    session_id = charting.session()
    vitals_id = charting.bp(session_id, 150, 80)
    page = window.open_session(session_id)
    dialog = CorrectionDialog(page, store.vitals_entry(session_id, vitals_id),
                              page.correct_vitals)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.fields["systolic"].setText("105")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert "say why" in prompts.problems[-1][1]
    assert dialog.isVisible()
    assert dialog.fields["systolic"].text() == "105"
    assert store.vitals_entry(session_id, vitals_id).amendments == ()
    dialog.close()


def test_entered_in_error_strikes_the_selected_set(qtbot, window, charting, store, prompts):
    session_id = charting.session()
    vitals_id = charting.bp(session_id, 150, 80)
    page = window.open_session(session_id)
    page.vitals_table.selectRow(0)
    prompts.reason_answer = "Charted on the wrong patient"
    page.strike_button.click()
    assert store.vitals_entry(session_id, vitals_id).in_error
    assert "(entered in error)" in page.vitals_model.index(0, 6).data()
    assert store.chart(session_id).valid_vitals == ()
