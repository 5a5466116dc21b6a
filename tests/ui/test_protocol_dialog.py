"""The administrator's protocol and settings dialogs: a clinic copy saved from the form, a
refusal shown beside its field with nothing written, shipped protocols read-only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ketamonitor.core.library import Origin
from ketamonitor.core.phases import Phase
from ketamonitor.ui.protocol_dialog import ProtocolDialog
from ketamonitor.ui.settings_dialog import SettingsDialog
from tests.people import ADMIN, audit_of, login_as
from tests.protocol_drafts import countersigned

COPY = "clinic-iv-racemic-ketamine"


@pytest.fixture
def dialog(qtbot, store, prompts) -> Iterator[ProtocolDialog]:
    login_as(store, ADMIN)  # protocols are the administrators'
    opened = ProtocolDialog(store, prompts)
    qtbot.addWidget(opened)
    opened.resize(1280, 690)
    opened.show()
    yield opened
    opened.close()


def test_the_list_shows_every_protocol_and_where_it_is_kept(qtmodeltester, dialog):
    qtmodeltester.check(dialog.model)
    rows = [[dialog.model.index(r, c).data() for c in range(5)]
            for r in range(dialog.model.rowCount())]
    assert [row[1] for row in rows] == ["iv-racemic-ketamine", "intranasal-esketamine",
                                        "im-racemic-ketamine"]
    assert {row[4] for row in rows} == {"Shipped"}


def test_a_shipped_protocol_is_read_only_in_the_form(dialog):
    assert dialog.inputs["dose.infusion_minutes"].text() == "40"
    assert not dialog.inputs["dose.infusion_minutes"].isEnabled()
    assert not dialog.save_button.isEnabled()
    assert dialog.copy_button.isEnabled()
    assert "read-only" in dialog.status.text()


def test_a_clinic_copy_with_a_longer_observation_is_a_draft_until_countersigned(
        qtbot, dialog, store):
    dialog.make_copy()
    assert dialog.inputs["observation.minimum_minutes"].isEnabled()
    assert dialog.inputs["name"].text() == "IV racemic ketamine, 0.5 mg/kg over 40 min (clinic)"
    dialog.inputs["observation.minimum_minutes"].setText("90")
    dialog.reason.setText("medical director's memo")
    with qtbot.waitSignal(dialog.protocol_saved) as saved:
        dialog.save_button.click()
    assert saved.args == [COPY]
    assert COPY not in store.library.protocols  # a draft: no session may use it yet
    assert dialog.status.text().startswith(f"Saved version 1 of {COPY} as a draft: a "
                                           "physician countersigns it")
    (draft,) = store.protocol_drafts()
    protocol = draft.protocol
    assert (protocol.version, protocol.observation_minutes) == (1, 90)
    assert dialog.model.index(dialog.table.currentIndex().row(), 5).data() == (
        "Version 1 awaits countersignature")
    assert dialog.changes.text() == (
        "Changes from iv-racemic-ketamine version 1, which it copies:\n"
        "• Name: IV racemic ketamine, 0.5 mg/kg over 40 min → IV racemic ketamine, 0.5 mg/kg "
        "over 40 min (clinic)\n• At least: 60 → 90 min")
    assert not dialog.countersign_button.isVisible()  # the administrator's is the draft
    protocol = countersigned(store, protocol)
    dialog.select(COPY)
    assert store.library.origin(COPY) is Origin.CLINIC
    assert store.library.protocol("iv-racemic-ketamine").observation_minutes == 60
    assert protocol.checklists.scales == ("moaas", "phq9", "modified_aldrete")  # order kept
    assert protocol.source_text.startswith("# Clinic protocol, saved in ketamonitor by "
                                           "admin on 2026-11-23 07:30 UTC.\n# Based on "
                                           "iv-racemic-ketamine version 1")
    (audit,) = audit_of(store, "protocols")
    assert (audit["action"], audit["reason"]) == ("protocols.create", "medical director's memo")
    assert dialog.table.currentIndex().data() == protocol.name  # the copy is selected
    assert dialog.save_button.isEnabled()  # and, being the clinic's, editable

    dialog.inputs["vitals_every_minutes.observation"].setText("30")
    dialog.reason.setText("fewer checks after the infusion")
    dialog.save_button.click()
    assert store.library.protocol(COPY).version == 1
    edited = countersigned(store, store.protocol_drafts()[0].protocol)
    assert store.library.protocol(COPY) == edited
    assert (edited.version, edited.vitals_every_minutes[Phase.OBSERVATION]) == (2, 30)
    assert edited.observation_minutes == 90
    assert [v.based_on for v in store.protocol_versions(COPY)] == [
        "iv-racemic-ketamine version 1", f"{COPY} version 1"]


def test_a_negative_number_shows_its_reason_beside_the_field_and_writes_nothing(dialog, store):
    dialog.make_copy()
    dialog.inputs["observation.minimum_minutes"].setText("-30")
    dialog.reason.setText("shorter")
    dialog.save_button.click()
    assert dialog.errors.text("observation.minimum_minutes") == "must be above 0"
    assert dialog.findChild(type(dialog.general), "error_observation.minimum_minutes").isVisible()
    assert dialog.inputs["observation.minimum_minutes"].property("invalid") == "true"
    assert audit_of(store, "protocols") == []
    assert COPY not in store.library.protocols
    assert dialog.isVisible()
    assert dialog.inputs["observation.minimum_minutes"].text() == "-30"  # kept to correct


def test_a_limit_above_its_partner_names_the_partner_by_its_label(dialog, store):
    dialog.make_copy()
    dialog.inputs["thresholds.heart_rate_below"].setText("130")
    dialog.reason.setText("tighter")
    dialog.save_button.click()
    assert dialog.errors.text("thresholds.heart_rate_below") == (
        "must be below “Heart rate above” (120)")
    assert audit_of(store, "protocols") == []


def test_a_change_without_a_reason_is_refused_beside_the_reason(dialog, store):
    dialog.make_copy()
    dialog.inputs["observation.minimum_minutes"].setText("90")
    dialog.save_button.click()
    assert dialog.errors.text("reason") == "say why the protocol changes"
    assert audit_of(store, "protocols") == []


def test_dropping_the_discharge_scale_is_refused_beside_the_scales(dialog, store):
    dialog.make_copy()
    dialog.scales["modified_aldrete"].setChecked(False)
    dialog.reason.setText("no Aldrete")
    dialog.save_button.click()
    assert dialog.errors.text("checklists.scales").startswith("must include modified_aldrete")
    assert audit_of(store, "protocols") == []


def test_the_settings_dialog_saves_each_change_with_its_audit_row(qtbot, store, prompts):
    login_as(store, ADMIN)
    dialog = SettingsDialog(store, prompts)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.audible.isChecked()
    dialog.audible.setChecked(False)
    dialog.clinic_name.setText("Northside Clinic")
    assert dialog.idle_lock.currentData() == "10"  # the default
    dialog.idle_lock.setCurrentIndex(dialog.idle_lock.findData("5"))
    assert dialog.save()
    assert not dialog.isVisible()
    assert (store.setting("audible_alerts"), store.setting("clinic_name"),
            store.setting("idle_lock_minutes")) == ("off", "Northside Clinic", "5")
    assert len(audit_of(store, "settings")) == 3

    again = SettingsDialog(store, prompts)
    qtbot.addWidget(again)
    assert not again.audible.isChecked()
    assert again.clinic_name.text() == "Northside Clinic"
    assert again.idle_lock.currentData() == "5"
    assert again.save()  # nothing changed: nothing written
    assert len(audit_of(store, "settings")) == 3


def test_an_esketamine_copy_keeps_its_fixed_checks_and_what_must_resolve(qtbot, dialog,
                                                                         store):
    dialog.select("intranasal-esketamine")
    assert dialog.inputs["vitals_checks.after_dose_minutes"].text() == "40"
    assert all(box.isChecked() for box in dialog.resolutions.values())
    dialog.make_copy()
    dialog.inputs["vitals_checks.after_dose_minutes"].setText("40, 80")
    dialog.resolutions["dissociation"].setChecked(False)
    dialog.reason.setText("extra check at 80 min")
    dialog.save_button.click()
    copy = countersigned(store, store.protocol_drafts()[0].protocol)
    assert copy.checks.after_dose_minutes == (40.0, 80.0)
    assert [r.value for r in copy.until_resolved] == ["sedation", "respiratory_depression"]
    assert copy.checklists.rems == "rems"


def test_the_settings_dialog_sets_the_automatic_backups(qtbot, store, prompts, tmp_path):
    login_as(store, ADMIN)
    dialog = SettingsDialog(store, prompts)
    qtbot.addWidget(dialog)
    assert dialog.automatic_backup.currentData() == "daily"  # the default
    assert dialog.backup_keep.currentData() == "14"
    dialog.automatic_backup.setCurrentIndex(
        dialog.automatic_backup.findData("after_each_discharge"))
    dialog.backup_keep.setCurrentIndex(dialog.backup_keep.findData("30"))
    dialog.backup_folder.setText(str(tmp_path / "nightly"))
    assert dialog.save()
    assert (store.setting("automatic_backup"), store.setting("backup_keep")) == (
        "after_each_discharge", "30")
    assert store.backup_folder() == tmp_path / "nightly"


def saved_copy(qtbot, dialog) -> None:
    dialog.make_copy()
    dialog.reason.setText("our own copy")
    with qtbot.waitSignal(dialog.protocol_saved):
        dialog.save_button.click()


def test_typed_numbers_are_not_dropped_by_choosing_another_protocol_without_asking(
        qtbot, dialog, store, prompts):
    saved_copy(qtbot, dialog)
    assert prompts.questions == []  # saving asks nothing
    dialog.inputs["observation.minimum_minutes"].setText("75")
    prompts.confirm_answer = False
    dialog.table.selectRow(0)  # the shipped IV protocol
    assert "not saved" in prompts.questions[-1]
    assert dialog.inputs["observation.minimum_minutes"].text() == "75"
    (draft,) = store.protocol_drafts()
    assert dialog.table.currentIndex().data() == draft.protocol.name
    assert dialog.save_button.isEnabled()  # still the clinic copy's form
    prompts.confirm_answer = True
    dialog.table.selectRow(0)
    assert dialog.inputs["observation.minimum_minutes"].text() == "60"
    assert store.protocol_drafts() == [draft]  # nothing was written


def test_closing_over_typed_numbers_asks_and_no_keeps_the_dialog_and_the_typing(
        qtbot, dialog, prompts):
    saved_copy(qtbot, dialog)
    dialog.reason.setText("the memo of 12 March")
    prompts.confirm_answer = False
    dialog.reject()
    assert dialog.isVisible() and dialog.reason.text() == "the memo of 12 March"
    prompts.confirm_answer = True
    dialog.reject()
    assert not dialog.isVisible()


def test_looking_through_read_only_protocols_asks_nothing(dialog, prompts):
    for row in (1, 2, 0):
        dialog.table.selectRow(row)
    dialog.reject()
    assert prompts.questions == []


def test_the_settings_dialog_moves_the_anchor_log_to_another_disk(qtbot, store, prompts,
                                                                 tmp_path):
    login_as(store, ADMIN)
    dialog = SettingsDialog(store, prompts)
    qtbot.addWidget(dialog)
    assert dialog.anchor_log.text() == ""  # the default: the backup folder
    dialog.anchor_log.setText(str(tmp_path / "other-disk"))
    assert dialog.save()
    assert store.setting("anchor_log") == str(tmp_path / "other-disk")
    assert [row["action"] for row in audit_of(store, "settings")][-1:] == ["settings.set"]
