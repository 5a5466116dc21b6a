"""Clinic ▸ Monitors: an administrator maps a monitor's bed heard from in the journal to a
chair (the map and its signed audit row), takes one off after confirming, sees a refusal
beside its field with the typing kept and nothing written; a nurse sees why not in place of
the body; both tables pass Qt's model checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from itertools import count

import pytest
from PySide6.QtCore import Qt

from ketamonitor.core.monitor_feed import FrameOutcome, JournaledFrame
from ketamonitor.core.oru_build import DEFAULT_SENDERS, Flavour, build_oru, observation
from ketamonitor.ui.monitors_dialog import NO_BED, MonitorsDialog
from tests.people import ADMIN, NURSE, audit_of, login_as
from tests.ui.test_whole_session import type_into

GE = DEFAULT_SENDERS[Flavour.GE]
MINDRAY = DEFAULT_SENDERS[Flavour.MINDRAY]
_control_ids = count(1)


def heard(store, sender: tuple[str, str], bed: str, *, flavour: Flavour = Flavour.MINDRAY,
          outcome: FrameOutcome = FrameOutcome.ACCEPTED) -> None:
    """A real ORU from the sender, journaled now as the listener journals it."""
    control_id = f"MSG{next(_control_ids):05d}"
    now = store.clock.now()
    raw = build_oru([observation(150021, 128, flavour=flavour),
                     observation(150022, 76, flavour=flavour),
                     observation(150456, 97, flavour=flavour)],
                    control_id=control_id, observed_at=now, bed=bed, flavour=flavour,
                    sending_application=sender[0], sending_facility=sender[1])
    store.journal_frame(JournaledFrame(
        peer="10.1.2.3:4100", raw=raw, outcome=outcome, sending_application=sender[0],
        sending_facility=sender[1], control_id=control_id, message_type="ORU^R01^ORU_R01",
        reason=None if outcome is FrameOutcome.ACCEPTED else "no usable reading"))


def a_room_heard_from(store, clock) -> None:
    """A Mindray gateway sending three beds, a GE monitor sending one bed per connection,
    and one refused frame from a bed that never sent a good one."""
    for minutes in (50, 30, 10):
        for chair in (1, 2, 3):
            heard(store, MINDRAY, f"INFUSION^^Chair{chair}")
        heard(store, GE, "", flavour=Flavour.GE)
        clock.advance(minutes=minutes / 5)
    heard(store, MINDRAY, "INFUSION^^Chair9", outcome=FrameOutcome.ERROR)


def open_dialog(qtbot, store, prompts) -> MonitorsDialog:
    dialog = MonitorsDialog(store, prompts=prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def dialog(qtbot, store, clock, prompts) -> Iterator[MonitorsDialog]:
    a_room_heard_from(store, clock)
    login_as(store, ADMIN)
    opened = open_dialog(qtbot, store, prompts)
    yield opened
    opened.close()


def rows(model) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def choose_seen(dialog: MonitorsDialog, bed: str) -> None:
    (row,) = [r for r, key in enumerate(dialog.seen_model.sender_keys()) if key[2] == bed]
    dialog.seen_table.selectRow(row)


def test_the_tables_pass_qts_model_checks(qtmodeltester, dialog, store):
    store.map_monitor_bed(*GE, "", "4")
    dialog.reload()
    qtmodeltester.check(dialog.beds_model)
    qtmodeltester.check(dialog.seen_model)


def test_the_senders_heard_from_are_listed_with_their_frames_and_none_is_on_the_map(dialog):
    assert rows(dialog.beds_model) == []
    assert dialog.beds_heading.text() == "On the map: no monitor or bed yet"
    assert [row[:4] for row in rows(dialog.seen_model)] == [
        [*GE, NO_BED, "3"],
        [*MINDRAY, "INFUSION^^Chair1", "3"],
        [*MINDRAY, "INFUSION^^Chair2", "3"],
        [*MINDRAY, "INFUSION^^Chair3", "3"],
    ]  # Chair9 sent only a refused frame: nothing of it would chart
    assert not dialog.change_button.isEnabled() and not dialog.take_off_button.isEnabled()
    assert dialog.map_button.isEnabled()


def test_an_administrator_maps_a_sender_heard_from_to_a_chair(qtbot, dialog, store):
    choose_seen(dialog, "INFUSION^^Chair2")
    form = dialog.show_map()
    assert form is not None and not form.isHidden()
    assert form.typed() == {"sending_application": MINDRAY[0], "sending_facility": MINDRAY[1],
                            "bed": "INFUSION^^Chair2", "chair": ""}
    type_into(qtbot, form.inputs["chair"], "2")
    with qtbot.waitSignal(dialog.beds_changed):
        form.save_button.click()
    assert store.chair_for(*MINDRAY, "INFUSION^^Chair2") == "2"
    assert [row[:5] for row in rows(dialog.beds_model)] == [
        [*MINDRAY, "INFUSION^^Chair2", "2", ADMIN]]
    assert "INFUSION^^Chair2" not in [key[2] for key in dialog.seen_model.sender_keys()]
    assert dialog.status.text() == (f"{MINDRAY[0]} / {MINDRAY[1]}, bed INFUSION^^Chair2 "
                                    "is mapped to chair 2.")
    assert form.isHidden()
    (row,) = audit_of(store, "monitor_beds")
    assert (row["action"], row["user"], row["old_value"]) == ("monitor_beds.map", ADMIN, None)
    assert json.loads(row["new_value"])["chair"] == "2"
    assert row["signature"]


def test_a_monitor_not_heard_from_yet_is_mapped_by_hand(qtbot, dialog, store):
    form = dialog.show_by_hand()
    assert form is not None and set(form.typed().values()) == {""}
    type_into(qtbot, form.inputs["sending_application"], "PHILIPS_PIIC")
    type_into(qtbot, form.inputs["bed"], "INF^^Bed 5")
    type_into(qtbot, form.inputs["chair"], "5")
    form.submit()
    assert store.chair_for("PHILIPS_PIIC", "", "INF^^Bed 5") == "5"


def test_a_mapped_bed_is_taken_off_the_map_after_confirming(qtbot, dialog, store, prompts):
    store.map_monitor_bed(*GE, "", "4")
    store.map_monitor_bed(*MINDRAY, "INFUSION^^Chair1", "1")
    dialog.reload()
    assert [row[3] for row in rows(dialog.beds_model)] == ["1", "4"]
    dialog.beds_table.selectRow(1)
    prompts.confirm_answer = False
    assert not dialog.take_off()
    assert store.chair_for(*GE, "") == "4"
    asked = (f"Take {GE[0]} / {GE[1]} off the map? Its readings will then be kept in the "
             "journal only, charted for no chair.")
    assert prompts.questions == [asked]
    prompts.confirm_answer = True
    with qtbot.waitSignal(dialog.beds_changed):
        dialog.take_off_button.click()
    assert store.chair_for(*GE, "") is None
    assert [row[3] for row in rows(dialog.beds_model)] == ["1"]
    assert [*GE, ""] in [list(key) for key in dialog.seen_model.sender_keys()]  # heard from again
    last = audit_of(store, "monitor_beds")[-1]
    assert (last["user"], last["old_value"], json.loads(last["new_value"])["chair"]) == (
        ADMIN, "4", "")


def test_a_chair_blanked_in_the_panel_takes_the_bed_off_after_confirming(qtbot, dialog, store,
                                                                        prompts):
    store.map_monitor_bed(*GE, "", "4")
    dialog.reload()
    form = dialog.show_change()
    form.inputs["chair"].clear()
    with qtbot.waitSignal(dialog.beds_changed):
        form.save_button.click()
    assert prompts.questions and store.chair_for(*GE, "") is None
    assert dialog.status.text() == (f"{GE[0]} / {GE[1]} is off the map: its readings are kept "
                                    "in the journal only.")


def test_what_is_typed_is_kept_as_the_store_keeps_it(qtbot, dialog, store):
    form = dialog.show_by_hand()
    form.inputs["sending_application"].setText("  PHILIPS_PIIC ")
    form.inputs["chair"].setText(" Chair   7 ")
    form.submit()
    assert rows(dialog.beds_model)[0][:4] == ["PHILIPS_PIIC", "", NO_BED, "Chair 7"]
    assert dialog.status.text() == "PHILIPS_PIIC is mapped to chair Chair 7."


def test_a_chair_changed_from_the_map_moves_the_bed(qtbot, dialog, store):
    store.map_monitor_bed(*GE, "", "4")
    dialog.reload()
    form = dialog.show_change()
    assert form is not None and form.typed()["chair"] == "4"
    type_into(qtbot, form.inputs["chair"], "6")
    qtbot.keyClick(form.inputs["chair"], "\r")
    assert store.chair_for(*GE, "") == "6"


@pytest.mark.parametrize(("field", "text", "reason"), [
    ("chair", "Chair by the big window", "at most 20 characters"),
    ("sending_application", "", "required: the monitor's MSH-3, as it sends it"),
    ("bed", "x" * 228, "at most 227 characters (228 given)"),
])
def test_a_refusal_shows_beside_its_field_keeps_the_typing_and_writes_nothing(
        qtbot, dialog, store, field, text, reason):
    choose_seen(dialog, "INFUSION^^Chair3")
    form = dialog.show_map()
    type_into(qtbot, form.inputs["chair"], "3")
    form.inputs[field].setText(text)
    typed = form.typed()
    before = audit_of(store)
    assert form.submit() is None
    assert form.errors.text(field) == reason
    assert form.typed() == typed and not form.isHidden()
    assert audit_of(store) == before and store.monitor_beds() == []


def test_a_blank_chair_asks_before_taking_off_and_a_bed_never_mapped_is_refused(
        qtbot, dialog, store, prompts):
    choose_seen(dialog, "INFUSION^^Chair1")
    form = dialog.show_map()
    prompts.confirm_answer = False
    assert form.submit() is None and prompts.questions
    prompts.confirm_answer = True
    assert form.submit() is None
    assert form.errors.text("chair").startswith("this monitor or bed was never on a chair")
    assert store.monitor_beds() == []


def test_a_nurse_sees_why_not_in_place_of_the_body(qtbot, store, clock, prompts):
    a_room_heard_from(store, clock)
    login_as(store, NURSE)
    dialog = open_dialog(qtbot, store, prompts)
    assert not dialog.allowed
    assert dialog.body.isHidden() and not dialog.refused.isHidden()
    assert dialog.refused.text() == ("Only administrators can map monitors to chairs. You are "
                                     "logged in as nurse.ana (nurse): ask an administrator.")
    last = audit_of(store)[-1]
    assert (last["action"], last["user"]) == ("manage_monitors.refused", NURSE)
    assert dialog.show_by_hand() is None and not dialog.take_off()
    assert dialog.seen_model.rowCount() == 0  # the journal's raw frames were not read
    dialog.close()


def test_frames_older_than_a_day_are_not_offered_and_a_new_monitor_shows_once_read_again(
        qtbot, dialog, store, clock):
    clock.advance(minutes=24 * 60 + 1)
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert dialog.seen_model.rowCount() == 0
    assert dialog.seen_heading.text().endswith("none")
    clock.advance(seconds=1)
    heard(store, GE, "", flavour=Flavour.GE)
    assert dialog.seen_model.rowCount() == 0
    qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert dialog.seen_model.sender_keys() == [(*GE, "")]
    assert dialog.seen_model.index(0, 4).data() == f"{store.clock.now():%H:%M}"
    assert timedelta(0) <= store.clock.now() - dialog.seen_model.row_value(0).last_seen
