"""The logs' queries: one row per session with what an administrator reads in it (corrected
and struck entries counted as the chart counts them), the audit trail of a range, both read
a chunk at a time; and the pseudonym key, kept once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from ketamonitor.core.audit_chain import sha256_text
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.corrections import entered_in_error, vitals_amendments
from ketamonitor.core.dose import dose_given
from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action
from ketamonitor.core.pseudonyms import new_key
from ketamonitor.store.logs import PSEUDONYM_KEY_SETTING, SECRET, LogRows, dose_given_of_row
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.charting import EARLY_END, Charting
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import raise_alert, row_counts


@dataclass(frozen=True)
class Charted:
    """The sessions `charted_sessions` wrote, and the moments a log must show."""

    first: int
    second: int
    began: datetime
    dose_started: datetime
    dose_ended: datetime
    ended: datetime


def _side_effect(store: Store, clock: FakeClock, session_id: int, item: str) -> int:
    checklist = store.library.checklist("side_effects")
    return store.record_checklist_answer(session_id, checklist_answer(
        checklist, item, "present", clock.now(), severity="mild"))


def charted_sessions(store: Store, charting: Charting, clock: FakeClock) -> Charted:
    """A first session charted through and signed: its highest BP corrected down, a higher
    one struck, a side effect struck and one charted twice, an alert; and a second session
    of another patient, still waiting, the next day. The nurse is logged in after."""
    began = clock.now()
    first = charting.session(patient=charting.patient("MRN-1001"))
    charting.ready_to_start(first)  # baseline 124/80
    clock.advance(minutes=2)
    store.change_phase(first, Action.START_INFUSION)
    dose_started = clock.now()
    clock.advance(minutes=10)
    struck_bp = charting.bp(first, 196, 108)
    store.amend(first, (entered_in_error("vitals", struck_bp, "wrong patient's reading"),))
    clock.advance(minutes=5)
    corrected = charting.bp(first, 182, 104)
    entry = store.vitals_entry(first, corrected)
    store.amend(first, vitals_amendments(
        entry, {"systolic": "142"}, "typed 182 for 142", now=clock.now(),
        session_began=began, zone=clock.local_zone))
    clock.advance(minutes=5)
    charting.bp(first, 170, 96)
    raise_alert(store, first)
    _side_effect(store, clock, first, "dizziness")
    clock.advance(minutes=1)
    nausea = _side_effect(store, clock, first, "nausea")
    store.amend(first, (entered_in_error("checklist_entries", nausea, "charted on the wrong "
                                                                      "session"),))
    clock.advance(minutes=1)
    _side_effect(store, clock, first, "headache")
    clock.advance(minutes=1)
    _side_effect(store, clock, first, "dizziness")
    clock.advance(minutes=5)
    store.change_phase(first, Action.STOP_INFUSION_EARLY, reason="BP high")
    dose_ended = clock.now()
    clock.advance(minutes=30)
    store.change_phase(first, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient asked to leave")
    ended = clock.now()
    login_as(store, PHYSICIAN)
    store.sign(first, PASSWORD)
    login_as(store, NURSE)
    clock.advance(minutes=24 * 60)
    second = charting.session("intranasal-esketamine", patient=charting.patient("MRN-1002"),
                              devices="2")
    return Charted(first, second, began, dose_started, dose_ended, ended)


def _read(rows: LogRows) -> list[dict[str, Any]]:
    with rows:
        return [dict(zip(rows.columns, row, strict=True)) for chunk in rows for row in chunk]


def _stored(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_a_session_row_holds_what_the_administrator_reads(store, charting, clock):
    charted = charted_sessions(store, charting, clock)
    login_as(store, ADMIN)
    day = charted.began.replace(hour=0, minute=0)
    (row,) = _read(store.session_log(day, day + timedelta(days=1), identified=True))
    readings = sorted(json.loads(row.pop("bp_readings")))
    # 196/108 was struck; 182/104 was corrected to 142/104; the export ranks them by the
    # session's own protocol (core.worst_bp)
    assert readings == [[124, 80], [142, 104], [170, 96]]
    assert row.pop("protocol_toml") == store.chart(charted.first).protocol.source_text
    assert row.pop("protocol_key") == charted.first  # the first session charted under it
    assert row == {
        "session_id": charted.first,
        "began_at": _stored(charted.began),
        "chair": "3",
        "patient_id": 1,
        "family_name": "Rivera",
        "given_name": "Ana",
        "mrn": "MRN-1001",
        "birth_date": "1984-05-06",
        "route": "iv",
        "protocol_name": store.library.protocol("iv-racemic-ketamine").name,
        "dose_mg_per_kg": 0.5,
        "devices": None,
        "total_mg": 36.0,
        "concentration_mg_per_ml": 1.0,
        "volume_ml": 36.0,
        "pump_rate_ml_per_h": 54.0,
        "phase_changes": json.dumps([
            ["start_infusion", "infusing", _stored(charted.dose_started)],
            ["stop_infusion_early", "observation", _stored(charted.dose_ended)],
            ["end_session_early", "stopped_early", _stored(charted.ended)]],
            separators=(",", ":")),
        "pump_volume_ml": None,
        "device_mg": 0.0,
        "nurse": "Ana Nurse",
        "signed_by": "Dr Ada Obi",
        "dose_started_at": _stored(charted.dose_started),
        "dose_ended_at": _stored(charted.dose_ended),
        "ended_at": _stored(charted.ended),
        "ended_phase": "stopped_early",
        "early_end_outcome": "patient_request",
        "critical_alerts": 0,
        "high_alerts": 1,
        "medium_alerts": 0,
        "reminders": 0,
        # nausea was struck; dizziness, charted twice, shows once, first charted first
        "side_effects": "Dizziness; Headache",
    }
    # the dose given, from those columns by the chart's rule: 28 min at 54 mL/h of 1 mg/mL
    assert dose_given_of_row(row).mg == dose_given(store.chart(charted.first)).mg == 25.2


def test_a_session_not_yet_dosed_has_empty_times_and_no_side_effects(store, charting, clock):
    charted = charted_sessions(store, charting, clock)
    login_as(store, ADMIN)
    rows = _read(store.session_log(charted.began, charted.began + timedelta(days=2),
                                   identified=True))
    assert [row["session_id"] for row in rows] == [charted.first, charted.second]
    second = rows[1]
    assert (second["dose_started_at"], second["dose_ended_at"], second["ended_at"],
            second["signed_by"], second["bp_readings"], second["side_effects"],
            second["high_alerts"]) == (None, None, None, None, "[]", None, 0)
    assert (second["ended_phase"], second["early_end_outcome"]) == (None, None)
    assert (second["devices"], second["dose_mg_per_kg"], second["mrn"]) == (2, None, "MRN-1002")


def test_the_range_is_of_session_starts_end_excluded(store, charting, clock):
    charted = charted_sessions(store, charting, clock)
    login_as(store, ADMIN)
    start = charted.began
    assert len(_read(store.session_log(start, start, identified=True))) == 0
    just_after = start + timedelta(milliseconds=1)
    assert [r["session_id"] for r in _read(store.session_log(start, just_after,
                                                             identified=True))] == [charted.first]
    assert _read(store.session_log(just_after, start + timedelta(hours=23),
                                   identified=True)) == []


def test_a_de_identified_log_never_reads_who_the_patient_is(store, charting, clock):
    """Only the birth date, which the export turns into an age (core.deidentify)."""
    charted = charted_sessions(store, charting, clock)
    login_as(store, ADMIN)
    rows = store.session_log(charted.began, clock.now() + timedelta(seconds=1),
                             identified=False)
    assert not {"family_name", "given_name", "mrn"} & set(rows.columns)
    assert [row["patient_id"] for row in _read(rows)] == [1, 2]


def test_the_rows_come_in_chunks_with_their_total(store, charting, clock):
    for number in range(7):
        charting.session(patient=charting.patient(f"MRN-{number}"))
        clock.advance(minutes=1)
    login_as(store, ADMIN)
    start = clock.now() - timedelta(hours=1)
    with store.session_log(start, clock.now(), identified=False, chunk_rows=3) as rows:
        assert rows.total == 7
        assert [len(chunk) for chunk in rows] == [3, 3, 1]
    with store.audit_log(start, clock.now(), chunk_rows=5) as rows:
        sizes = [len(chunk) for chunk in rows]
        assert sum(sizes) == rows.total and max(sizes) == 5


def test_who_may_read_the_logs(store, charting, clock):
    start, end = clock.now() - timedelta(days=1), clock.now()
    with pytest.raises(PermissionDenied):
        store.session_log(start, end, identified=False)  # the nurse
    with pytest.raises(PermissionDenied):
        store.pseudonym_key()
    login_as(store, PHYSICIAN)
    _read(store.session_log(start, end, identified=True))
    with pytest.raises(PermissionDenied, match="audit"):
        store.audit_log(start, end)
    login_as(store, ADMIN)
    _read(store.audit_log(start, end))


def test_the_audit_log_is_the_trail_of_the_range_in_the_order_written(store, charting, clock):
    clock.advance(minutes=1)
    before = clock.now()
    charting.session()
    login_as(store, ADMIN)
    rows = _read(store.audit_log(before, clock.now() + timedelta(seconds=1)))
    written = [row for row in audit_of(store) if row["at"] >= _stored(before)]
    about = [row.pop("patient_id") for row in rows]
    assert rows == written
    assert about[:2] == [1, 1]  # the patient registered, and the patient's session
    assert [row["action"] for row in rows][:2] == ["patients.create", "sessions.create"]


def test_the_pseudonym_key_is_kept_once_audited_and_never_shown_in_a_log(store, clock,
                                                                       db_path):
    login_as(store, ADMIN)
    assert store.pseudonym_key() is None
    first, second = new_key(), new_key()
    assert store.keep_pseudonym_key(first) == first
    assert store.keep_pseudonym_key(second) == first
    assert store.pseudonym_key() == first
    (kept,) = list(audit_of(store, "settings"))
    assert kept["action"] == "settings.pseudonym_key"
    assert first.hex() not in kept["new_value"]  # by its hash: no administrator sees it
    assert sha256_text(first.hex()) in kept["new_value"]  # so verify can still vouch for it
    assert verify_database(db_path) == []
    logged = _read(store.audit_log(clock.now() - timedelta(days=1), clock.now()
                                   + timedelta(days=1)))
    (row,) = [row for row in logged if row["entity"] == "settings"]
    assert first.hex() not in str(logged)
    assert SECRET in row["new_value"] and PSEUDONYM_KEY_SETTING in row["new_value"]


def test_reading_a_log_writes_nothing(store, charting, clock, db_path):
    charted_sessions(store, charting, clock)
    login_as(store, ADMIN)
    counts = row_counts(db_path)
    _read(store.session_log(clock.now() - timedelta(days=3), clock.now(), identified=True))
    _read(store.audit_log(clock.now() - timedelta(days=3), clock.now()))
    store.pseudonym_key()
    assert row_counts(db_path) == counts


def test_each_recorded_protocol_text_comes_once_on_its_first_session(store, charting, clock):
    """The export reads each distinct protocol text once: the first session of the range
    charted under it carries it, the others name that session."""
    iv = charting.session()
    clock.advance(minutes=1)
    intranasal = charting.session("intranasal-esketamine", chair="4",
                                  patient=charting.patient("MRN-2"))
    clock.advance(minutes=1)
    again = charting.session(chair="5", patient=charting.patient("MRN-3"))
    login_as(store, ADMIN)
    rows = _read(store.session_log(clock.now() - timedelta(hours=1),
                                   clock.now() + timedelta(seconds=1), identified=False))
    assert [row["protocol_key"] for row in rows] == [iv, intranasal, iv]
    assert [row["protocol_toml"] for row in rows] == [
        store.chart(iv).protocol.source_text, store.chart(intranasal).protocol.source_text,
        None]
    assert again != iv
