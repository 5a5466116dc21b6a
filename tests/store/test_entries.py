"""Every confirmed entry is in the record with its audit row, and nothing is ever rewritten."""

import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest

from ketamonitor.core.amendments import ENTERED_IN_ERROR
from ketamonitor.core.corrections import entered_in_error, vitals_amendments
from ketamonitor.core.entries import (
    NOTE_MAX_CHARACTERS,
    NoteDraft,
    checklist_answer,
    note_draft,
)
from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.patient import parse_patient
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.schema import APPEND_ONLY_TABLES
from tests.people import audit_of
from tests.store.steps import running


def test_each_entry_commits_with_its_audit_row(store, charting, db_path):
    session_id = charting.session()
    vitals_id = charting.bp(session_id, 128, 82)
    # A second connection sees it at once: it was committed when the call returned.
    with sqlite3.connect(db_path) as other:
        saved = other.execute("SELECT systolic FROM vitals WHERE id = ?", [vitals_id])
        assert saved.fetchone() == (128,)
        audit = other.execute("SELECT user, action, entity_id, new_value FROM audit "
                              "WHERE entity = 'vitals'").fetchall()
    assert audit[0][:3] == ("nurse.ana", "vitals.create", vitals_id)
    assert '"systolic":128' in audit[0][3]


T = "'2026-11-23T07:30:00.000Z'"
_ROW_OF = {
    "alerts": "INSERT INTO alerts (session_id, key, kind, priority, message, raised_at) "
              f"VALUES (1, 'k', 'vitals_due', 'low', 'due', {T})",
    "alert_events": "INSERT INTO alert_events (alert_id, kind, at, user) "
                    f"SELECT id, 'cleared', {T}, 'x' FROM alerts",
    "pump_volumes": "INSERT INTO pump_volumes (session_id, volume_ml, observed_at, entered_at, "
                    f"entered_by) VALUES (1, 36, {T}, {T}, 'x')",
    "administrations": "INSERT INTO administrations (session_id, item, number, amount_mg, lot, "
                       f"given_at, entered_at, entered_by) VALUES (1, 'device', 1, 28, 'L1', {T}, "
                       f"{T}, 'x')",
    "protocols": "INSERT INTO protocols (protocol_id, version, name, toml, created_at, created_by)"
                 f" VALUES ('p', 1, 'P', '', {T}, 'x')",
    "settings": f"INSERT INTO settings (key, value, set_at, set_by) VALUES ('k', 'v', {T}, 'x')",
    "appointments": "INSERT INTO appointments (patient_id, protocol_id, chair, scheduled_for, "
                    f"created_at, created_by) VALUES (1, 'p', '1', {T}, {T}, 'x')",
    "signatures": "INSERT INTO signatures (session_id, kind, signer, printed_name, meaning, "
                  f"content_hash, signed_at) VALUES (1, 'signature', 'x', 'X', 'm', 'h', {T})",
    "appointment_cancellations": "INSERT INTO appointment_cancellations (appointment_id, reason, "
                                 f"cancelled_at, cancelled_by) SELECT id, 'r', {T}, 'x' "
                                 "FROM appointments",
    "protocol_decisions": "INSERT INTO protocol_decisions (protocol_row, decision, decided_at, "
                          f"decided_by) SELECT id, 'countersigned', {T}, 'y' FROM protocols",
    "medications": "INSERT INTO medications (session_id, drug, label, drug_class, dose, unit, "
                   "route, given_at, ordered_by, given_by, entered_at, entered_by) VALUES "
                   f"(1, 'ondansetron', 'Ondansetron', 'antiemetic', 4, 'mg', 'IV', {T}, 'Dr', "
                   f"'x', {T}, 'x')",
    "escalations": "INSERT INTO escalations (alert_id, done, physician_called, entered_at, "
                   f"entered_by) SELECT id, '[\"BP rechecked\"]', 0, {T}, 'x' FROM alerts",
    "alert_reviews": "INSERT INTO alert_reviews (alert_id, how, reviewed_by, reviewed_at) "
                     f"SELECT id, 'acknowledged', 'x', {T} FROM alerts",
    "overrides": "INSERT INTO overrides (session_id, action, items, reason, physician, "
                 "physician_name, overridden_at, entered_at, entered_by) VALUES "
                 f"(1, 'start_infusion', '[\"a hold\"]', 'why', 'dr', 'Dr', {T}, {T}, 'x')",
    "risk_assessments": "INSERT INTO risk_assessments (session_id, outcome, plan, physician, "
                        f"entered_at, entered_by) VALUES (1, 'o', 'p', 'Dr', {T}, 'x')",
    "monitor_frames": "INSERT INTO monitor_frames (received_at, peer, sending_application, "
                      "sending_facility, control_id, message_type, raw, size, outcome) VALUES "
                      f"({T}, '127.0.0.1:4100', 'GE', '', '1', 'ORU^R01', x'4d5348', 3, 'AA')",
    "monitor_beds": "INSERT INTO monitor_beds (sending_application, sending_facility, bed, chair, "
                    f"set_at, set_by) VALUES ('GE', '', '', '1', {T}, 'x')",
    "monitor_reads": "INSERT INTO monitor_reads (frame_id, read_at, sets, charted) "
                     f"SELECT max(id), {T}, 0, 0 FROM monitor_frames",
    "monitor_readings": "INSERT INTO monitor_readings (read_id, session_id, observed_at, spo2) "
                        f"SELECT max(id), 1, {T}, 97 FROM monitor_reads",
    "monitor_marks": "INSERT INTO monitor_marks (reading_id, session_id, verdict, reason, "
                     f"entered_at, entered_by) SELECT max(id), 1, 'artifact', 'probe off', {T}, "
                     "'x' FROM monitor_readings",
    "early_ends": "INSERT INTO early_ends (event_id, session_id, outcome, physician, "
                  f"entered_at, entered_by) SELECT max(id), 1, 'clinical_stop', 'Dr', {T}, 'x' "
                  "FROM events",
}
_PARENT = {"alert_events": ("alerts",), "appointment_cancellations": ("appointments",),
           "protocol_decisions": ("protocols",), "escalations": ("alerts",),
           "alert_reviews": ("alerts",), "monitor_reads": ("monitor_frames",),
           "monitor_readings": ("monitor_frames", "monitor_reads"),
           "monitor_marks": ("monitor_frames", "monitor_reads", "monitor_readings")}


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_charted_rows_refuse_update_and_delete(store, charting, db_path, table):
    session_id = charting.session()
    charting.ready_to_start(session_id)
    store.record_note(session_id, note_draft("calm", charting.clock.now()))
    charting.aldrete(session_id)
    store.amend(session_id, (entered_in_error("events", 1, "test"),))
    with sqlite3.connect(db_path) as other:
        if not other.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
            for parent in _PARENT.get(table, ()):  # a table the store API does not fill yet
                other.execute(_ROW_OF[parent])
            other.execute(_ROW_OF[table])
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(sqlite3.IntegrityError, match="never changed or deleted"):
                other.execute(statement)
        assert other.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0


def test_a_duplicate_mrn_is_refused_naming_the_patient(store, charting):
    charting.patient("X-1")
    with pytest.raises(ValidationError) as refused:
        charting.patient("x-1")
    assert "RIVERA, Ana" in refused.value.reasons["mrn"]


def test_find_patients_by_mrn_prefix_or_name_words(store, charting, clock):
    charting.patient("A-100")
    store.register_patient(parse_patient({"mrn": "B-200", "family_name": "Okafor",
                                          "given_name": "Chidi", "birth_date": "1990-01-01",
                                          "weight_kg": "90"}, today=clock.now().date()))
    assert [p.mrn for p in store.find_patients("B-2")] == ["B-200"]
    assert [p.mrn for p in store.find_patients("chidi oka")] == ["B-200"]
    assert [p.mrn for p in store.find_patients("100%")] == []
    assert len(store.find_patients("")) == 2


def test_the_store_refuses_invalid_vitals_whatever_the_caller(store, charting, clock):
    session_id = charting.session()
    with pytest.raises(ValidationError):
        store.record_vitals(session_id, Vitals(clock.now(), systolic=80, diastolic=90))
    with pytest.raises(ValidationError, match="future"):
        store.record_vitals(session_id, Vitals(clock.now() + timedelta(minutes=5),
                                               heart_rate=80))
    assert store.chart(session_id).vitals == ()


def test_an_amendment_corrects_a_value_and_the_original_stays(store, charting, clock):
    session_id = charting.session()
    vitals_id = charting.bp(session_id, 150, 80)
    entry = store.vitals_entry(session_id, vitals_id)
    drafts = vitals_amendments(entry, {"systolic": "105"}, "typed 150 for 105", now=clock.now(),
                               session_began=store.chart(session_id).session.began_at,
                               zone=clock.local_zone)
    store.amend(session_id, drafts)
    amended = store.vitals_entry(session_id, vitals_id)
    assert amended.original.systolic == 150
    assert amended.current.systolic == 105
    assert amended.amendments[0].reason == "typed 150 for 105"
    assert amended.amendments[0].old_value == "150"
    assert [r["action"] for r in audit_of(store, "vitals")] == ["vitals.create"]
    (amendment,) = audit_of(store, "amendments")
    assert (amendment["action"], amendment["old_value"]) == ("vitals.amend", "150")


def test_an_amendment_must_leave_a_valid_set_and_give_a_reason(store, charting, clock):
    session_id = charting.session()
    entry = store.vitals_entry(session_id, charting.bp(session_id, 130, 80))
    began = store.chart(session_id).session.began_at
    with pytest.raises(ValidationError, match="below systolic"):
        vitals_amendments(entry, {"diastolic": "140"}, "typo", now=clock.now(),
                          session_began=began, zone=clock.local_zone)
    with pytest.raises(ValidationError, match="say why"):
        vitals_amendments(entry, {"diastolic": "70"}, " ", now=clock.now(),
                          session_began=began, zone=clock.local_zone)


def test_entered_in_error_strikes_a_set_from_the_chart_but_keeps_it(store, charting):
    session_id = charting.session()
    vitals_id = charting.bp(session_id, 130, 80)
    store.amend(session_id, (entered_in_error("vitals", vitals_id, "wrong patient"),))
    chart = store.chart(session_id)
    assert [e.id for e in chart.vitals] == [vitals_id]
    assert chart.vitals[0].amendments[0].new_value == ENTERED_IN_ERROR
    assert chart.valid_vitals == ()


def test_a_refused_phase_change_writes_nothing(store, charting):
    session_id = charting.session()
    audit_before = len(audit_of(store))
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.STOP_INFUSION_EARLY, reason="BP high")
    assert "not been started" in str(refused.value)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.START_INFUSION)
    assert "Baseline vitals with BP" in refused.value.missing
    assert len(audit_of(store)) == audit_before
    assert store.chart(session_id).phase is Phase.PRE_INFUSION


def test_a_checklist_answer_cannot_precede_the_session(store, charting, clock):
    session_id = charting.session()
    checklist = store.library.checklist("pre_session")
    early = clock.now() - timedelta(hours=1)
    with pytest.raises(ValidationError, match="before the session began"):
        store.record_checklist_answer(session_id, checklist_answer(
            checklist, "fasting", "yes", early))


def test_unfinished_sessions_survive_the_day_they_began(store, charting, clock):
    session_id = charting.started()
    clock.advance(minutes=24 * 60)
    assert [s.session_id for s in store.unfinished_sessions()] == [session_id]
    assert store.unfinished_sessions()[0].phase is Phase.INFUSING


def test_a_phase_change_cannot_be_struck(store, charting):
    session_id = charting.started()
    start = next(e for e in store.chart(session_id).events if e.phase is not None)
    with pytest.raises(ValidationError, match="phase change cannot be struck"):
        store.amend(session_id, (entered_in_error("events", start.id, "pressed by mistake"),))
    assert store.chart(session_id).events[0].amendments == ()


def test_the_store_caps_free_text_naming_the_field_and_the_cap(store, charting, clock):
    """A script or an old client is not the form: a 1 MB note, a side effect's note, a
    correction's reason or a phase change's reason over the cap is refused, and nothing is
    written (issue 19, item 6)."""
    session_id, vitals_id = running(charting)
    before = len(audit_of(store))
    huge = "x" * 1_000_000
    with pytest.raises(ValidationError) as refused:
        store.record_note(session_id, NoteDraft(huge, clock.now()))
    assert refused.value.reasons == {"note": "at most 4000 characters (1000000 typed)"}
    side_effects = store.library.checklist("side_effects")
    with pytest.raises(ValidationError) as refused:
        store.record_checklist_answer(session_id, replace(checklist_answer(
            side_effects, "nausea", "present", clock.now(), severity="mild"), note=huge))
    assert "note" in refused.value.reasons
    with pytest.raises(ValidationError) as refused:
        store.amend(session_id, (replace(entered_in_error("vitals", vitals_id, "wrong set"),
                                         reason="y" * 4001),))
    assert refused.value.reasons == {"reason": "at most 4000 characters (4001 typed)"}
    with pytest.raises(ValidationError) as refused:
        store.change_phase(session_id, Action.START_INFUSION, reason=huge)
    assert "reason" in refused.value.reasons
    assert len(audit_of(store)) == before
    # at the cap, a note is taken whole
    note_id = store.record_note(session_id, NoteDraft("n" * NOTE_MAX_CHARACTERS, clock.now()))
    assert store.chart(session_id).events[-1].id == note_id
