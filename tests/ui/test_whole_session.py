"""A nurse charts one session from registration to discharge through the real window."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton

from ketamonitor.core.phases import Phase
from ketamonitor.ui.main_window import MainWindow
from ketamonitor.ui.session import SessionPage


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def click(qtbot, window: MainWindow, name: str) -> None:
    button = window.findChild(QPushButton, name)
    assert button is not None, name
    assert button.isVisible(), f"{name} is hidden"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose(window: MainWindow, name: str, data: object) -> None:
    combo = window.findChild(QComboBox, name)
    assert combo is not None, name
    combo.setCurrentIndex(combo.findData(data))


def enter_vitals(qtbot, page: SessionPage, **typed: str) -> None:
    for name, text in typed.items():
        type_into(qtbot, page.vitals_form.inputs[name], text)
    qtbot.keyClick(page.vitals_form.inputs["systolic"], Qt.Key.Key_Return)


def bp(qtbot, page, systolic, diastolic):
    enter_vitals(qtbot, page, systolic=str(systolic), diastolic=str(diastolic), heart_rate="78",
                 spo2="97", respiratory_rate="14")


def show_tab(page: SessionPage, title: str) -> None:
    tabs = page.tabs
    titles = [tabs.tabText(i).replace("&&", "&") for i in range(tabs.count())]
    tabs.setCurrentIndex(titles.index(title))


def timer_text(page: SessionPage, name: str) -> str:
    return page.timer.values[name].text()


def advance(window, clock, minutes):
    clock.advance(minutes=minutes)
    window.tick()


def test_a_whole_session_from_registration_to_discharge(qtbot, window, store, clock, prompts,
                                                        db_path):
    click(qtbot, window, "new_session")  # from the room to the patients page
    home = window.patients
    form = home.patient_form
    for name, text in {"mrn": "KM-2041", "family_name": "Okafor", "given_name": "Chidi",
                       "birth_date": "1979-03-14", "weight_kg": "84"}.items():
        type_into(qtbot, form.inputs[name], text)
    click(qtbot, window, "patient_save")
    assert home.session_form.patient is not None
    assert "OKAFOR, Chidi" in home.session_form.who.text()
    choose(window, "session_protocol", "iv-racemic-ketamine")
    type_into(qtbot, home.session_form.inputs["chair"], "4")
    assert "42 mg" in home.session_form.dose.text()  # 0.5 mg/kg x 84 kg, worked out live
    assert "pump 63 mL/h" in home.session_form.dose.text()
    click(qtbot, window, "session_save")

    page = window.current_session()
    assert page is not None
    assert page.chart.phase is Phase.PRE_INFUSION
    assert "Baseline vitals with BP" in page.next_step.text()

    bp(qtbot, page, 128, 82)
    show_tab(page, "Pre-session")
    for item in page.pre_session.checklist.items_for(page.chart.protocol.route):
        click(qtbot, window, f"pre_session_{item.key}_{item.expected.value}")
    assert page.next_step.text() == "<b>Next: Start infusion</b>"

    advance(window, clock, 2)
    click(qtbot, window, "action_start_infusion")
    assert page.chart.phase is Phase.INFUSING
    assert timer_text(page, "infusion_left") == "40:00"

    for systolic, diastolic in [(134, 86), (148, 94)]:
        advance(window, clock, 10)
        bp(qtbot, page, systolic, diastolic)
    assert timer_text(page, "since_dose") == "20:00"
    assert timer_text(page, "next_vitals") == "10:00"
    assert page.vitals_form.flag_banner.isHidden()

    show_tab(page, "Side effects")
    choose(window, "side_effect_item", "nausea")
    choose(window, "side_effect_severity", "moderate")
    choose(window, "side_effect_intervention", "ondansetron")
    click(qtbot, window, "side_effect_save")

    advance(window, clock, 5)
    prompts.reason_answer = "Nausea or vomiting"
    click(qtbot, window, "action_pause_infusion")
    assert page.chart.phase is Phase.PAUSED
    advance(window, clock, 5)
    assert timer_text(page, "infusion_left") == "15:00"  # the pause does not count
    click(qtbot, window, "action_resume_infusion")

    advance(window, clock, 5)
    bp(qtbot, page, 186, 112)  # over the stop line: charted and flagged at once
    assert page.vitals_form.flag_banner.isVisible()
    assert ("BP 186/112 above the stop line: systolic 186 above 180, diastolic 112 above 110"
            in page.vitals_form.flag_banner.text())
    assert "⚠" in page.vitals_form.flag_banner.text()

    show_tab(page, "Dissociation")
    page.dissociation._boxes["detached"].setChecked(True)
    click(qtbot, window, "dissociation_save")
    show_tab(page, "Scales")
    page.scales["moaas"].choose({"moaas": 4})
    click(qtbot, window, "moaas_save")

    advance(window, clock, 10)
    assert timer_text(page, "infusion_left") == "00:00"
    click(qtbot, window, "action_end_infusion")
    assert page.chart.phase is Phase.OBSERVATION

    for _ in range(4):
        advance(window, clock, 15)
        bp(qtbot, page, 126, 80)
    assert timer_text(page, "observation_left") == "✓"
    assert page.timer.captions["observation_left"].text() == "Observation complete"
    assert not page.timer.values["observation_left"].is_elided()  # "complete" was cut off
    click(qtbot, window, "action_complete_observation")
    assert page.chart.phase is Phase.READY_FOR_DISCHARGE

    click(qtbot, window, "action_discharge")  # too early: what is missing is listed
    _title, message = prompts.problems[-1]
    assert "Modified Aldrete score" in message
    assert "Escort / ride home present" in message
    assert page.chart.phase is Phase.READY_FOR_DISCHARGE

    show_tab(page, "Side effects")  # the nausea has passed: charted resolved, onset kept
    assert "Nausea (moderate)" in page.side_effects.still_present.currentText()
    click(qtbot, window, "side_effect_resolve")
    assert page.side_effects.still_present.currentText() == "none"
    show_tab(page, "Scales")
    page.scales["moaas"].choose({"moaas": 5})
    click(qtbot, window, "moaas_save")
    page.scales["modified_aldrete"].choose({item.key: 2 for item in
                                            page.scales["modified_aldrete"].scale.items})
    click(qtbot, window, "modified_aldrete_save")
    # item 9 "Not at all": an item 9 of 1 or more waits for a physician's risk assessment
    # before discharge (tests/ui/test_risk.py walks that path)
    page.scales["phq9"].choose({item.key: 0 if item.key == "q9" else 1
                                for item in page.scales["phq9"].scale.items})
    click(qtbot, window, "phq9_save")
    show_tab(page, "Discharge")
    for item in page.discharge_checklist.checklist.items_for(page.chart.protocol.route):
        click(qtbot, window, f"discharge_{item.key}_yes")
    show_tab(page, "Notes")
    type_into(qtbot, page.note_text, "Tolerated well; sister driving home.")
    click(qtbot, window, "note_save")
    click(qtbot, window, "action_discharge")
    assert page.chart.phase is Phase.DISCHARGED

    with sqlite3.connect(db_path) as db:
        counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("patients", "sessions", "vitals", "checklist_entries",
                                "scale_scores", "events")}
        audited = dict(db.execute("SELECT entity, count(*) FROM audit GROUP BY entity"))
    pre_items = len(page.pre_session.checklist.items_for(page.chart.protocol.route))
    discharge_items = len(page.discharge_checklist.checklist.items_for(page.chart.protocol.route))
    dissociation_items = len(page.dissociation.checklist.items)
    assert counts == {
        "patients": 1, "sessions": 1, "vitals": 8,
        # the nausea: charted present, then resolved
        "checklist_entries": pre_items + 2 + dissociation_items + discharge_items,
        "scale_scores": 4,  # MOAA/S 4, MOAA/S 5, the Aldrete, PHQ-9
        "events": 6 + 1,  # start, pause, resume, end, observation complete, discharge; a note
    }
    alert_audits = audited.pop("alerts") + audited.pop("alert_events", 0)
    people = {entity: audited.pop(entity)
              for entity in ("accounts", "users", "user_changes", "account_keys")}
    assert people["users"] == 3  # tests/people.py: the administrator, the nurse, the physician
    assert audited.pop("charts") >= 1  # read access: each opening of the chart
    assert audited == counts
    assert alert_audits >= 2  # the stop-line alert at least: raised, and cleared by a later BP
