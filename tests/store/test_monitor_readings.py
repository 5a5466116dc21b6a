"""A monitor's readings on the charts (store.monitor_readings, issue 21): a journaled frame
read once, after its ACK, its sets charted for the session in its bed's chair at the set's
time (or kept in the journal only, with why); the nurse's one verdict on each, accepted as
a vitals set of hers or an artifact with its reason; and verify catching a reading changed,
added or deleted behind the app's back."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.monitor_feed import FrameOutcome, JournaledFrame
from ketamonitor.core.monitor_message import MessageRefusal, parse_monitor_message, read_header
from ketamonitor.core.monitor_readings import FROM_MONITOR, ReadingVerdict
from ketamonitor.core.oru_build import build_oru, observation
from ketamonitor.core.phases import Action
from ketamonitor.core.signature import chart_content, matches
from ketamonitor.core.vitals import ConfirmationNeeded
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.verify import verify_database
from tests.monitor_frames import journal_and_read
from tests.people import ADMIN, NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import EARLY_END, running

APP = "MINDRAY_EGATEWAY^00A0370000000001^EUI-64"
BED = "INFUSION^^Chair1"
_SENT = iter(range(1, 10**6))


def oru(clock, *, minutes_ago: float = 0, systolic: int = 142, diastolic: int = 88,
        spo2: int = 97, bed: str = BED) -> bytes:
    taken = clock.now() - timedelta(minutes=minutes_ago)
    return build_oru([observation(150021, systolic), observation(150022, diastolic),
                      observation(150456, spo2), observation(147842, 72)],
                     control_id=f"M{next(_SENT)}", observed_at=taken, bed=bed)


def journaled(store, clock, raw: bytes):
    """The listener's two writes: the frame journaled AA, then read."""
    return journal_and_read(store, raw)


def accepted_and_artifact(store, clock, session_id: int):
    """Two readings from the monitor a minute on: the first accepted, the second an
    artifact (probe off)."""
    clock.advance(minutes=1)
    journaled(store, clock, oru(clock))
    journaled(store, clock, oru(clock, spo2=91))
    [first, second] = store.chart(session_id).monitor_readings
    store.accept_monitor_reading(first.id)
    store.mark_monitor_artifact(second.id, "probe off")
    return first, second


@pytest.fixture
def chair_3(store, charting):
    """Chair 3's monitor mapped by an administrator, a session running in it, the nurse
    logged in."""
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, "INFUSION", BED, "3")
    login_as(store, NURSE)
    session_id, _ = running(charting)
    return session_id


def test_a_frames_sets_are_charted_for_the_session_in_its_chair_once(store, clock, chair_3):
    clock.advance(minutes=1)
    entry, read = journaled(store, clock, oru(clock))
    assert (read.chair, read.sets, read.charted, read.session_id) == ("3", 1, 1, chair_3)
    [reading] = store.chart(chair_3).monitor_readings
    assert (reading.vitals.systolic, reading.vitals.diastolic, reading.vitals.spo2,
            reading.vitals.heart_rate, reading.frame_id) == (142, 88, 97, 72, entry.id)
    assert store.chart(chair_3).pending_readings == (reading,)
    # read again (a listener restarted between its writes): the first read, nothing written
    again = store.chart_frame(entry.id)
    assert again == read and len(store.chart(chair_3).monitor_readings) == 1
    assert store.unread_frames() == []
    assert store.monitor_readings_after(0) == [reading]
    assert store.last_monitor_reading() == reading.id


def test_a_bed_on_no_chair_or_a_chair_with_no_session_keeps_its_readings_in_the_journal(
        store, clock, chair_3):
    _, unmapped = journaled(store, clock, oru(clock, bed="INFUSION^^Chair9"))
    assert unmapped.charted == 0 and unmapped.chair is None
    assert "on no chair: kept in the journal only" in (unmapped.note or "")
    _, before = journaled(store, clock, oru(clock, minutes_ago=30))
    assert before.charted == 0 and "no session had begun in chair 3" in (before.note or "")
    clock.advance(minutes=2)
    store.change_phase(chair_3, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient declined the infusion")
    clock.advance(minutes=1)
    _, after = journaled(store, clock, oru(clock))
    assert after.charted == 0 and "the session in chair 3 had ended" in (after.note or "")
    assert len(store.chart(chair_3).monitor_readings) == 0


def test_a_message_whose_content_cannot_be_used_is_read_with_why(store, clock, chair_3):
    raw = oru(clock, minutes_ago=-60)  # dated an hour ahead of the clock
    read = parse_monitor_message(raw, clock.local_zone, clock.now())
    assert isinstance(read, MessageRefusal)
    _, frame_read = journaled(store, clock, raw)
    assert frame_read.charted == 0 and "after the workstation's clock" in (frame_read.note or "")


def test_unread_frames_are_those_journaled_aa_and_never_read(store, clock, chair_3):
    raw = oru(clock)
    read = parse_monitor_message(raw, clock.local_zone, clock.now())
    entry = store.journal_frame(JournaledFrame(
        peer="127.0.0.1:4100", raw=raw, outcome=FrameOutcome.ACCEPTED,
        sending_application=read.header.sending_application,
        sending_facility=read.header.sending_facility, control_id=read.header.control_id,
        message_type=read.header.message_type))
    assert [frame.id for frame in store.unread_frames()] == [entry.id]
    store.chart_frame(entry.id)
    assert store.unread_frames() == []
    with pytest.raises(UnknownRecord):
        store.chart_frame(entry.id + 100)
    with pytest.raises(ValidationError):
        store.chart_frame("1")  # type: ignore[arg-type]


def test_the_nurse_accepts_a_reading_as_a_vitals_set_of_hers_once(store, clock, chair_3):
    clock.advance(minutes=1)
    journaled(store, clock, oru(clock))
    [reading] = store.chart(chair_3).monitor_readings
    vitals_id = store.accept_monitor_reading(reading.id)
    chart = store.chart(chair_3)
    entry = next(e for e in chart.vitals if e.id == vitals_id)
    assert entry.source == FROM_MONITOR and entry.entered_by == NURSE
    assert entry.current.observed_at == reading.observed_at
    assert (entry.current.systolic, entry.current.spo2) == (142, 97)
    assert chart.accepted_readings == {vitals_id: reading}
    assert chart.pending_readings == ()
    [mark] = chart.reading_marks
    assert (mark.verdict, mark.vitals_id, mark.marked_by) == (
        ReadingVerdict.ACCEPTED, vitals_id, NURSE)
    with pytest.raises(ValidationError, match="accepted by"):
        store.accept_monitor_reading(reading.id)
    with pytest.raises(ValidationError, match="accepted by"):
        store.mark_monitor_artifact(reading.id, "cuff motion")
    [audit] = audit_of(store, "monitor_marks")
    assert audit["user"] == NURSE and audit["signer"] == NURSE


def test_an_extreme_reading_is_accepted_only_once_confirmed_as_a_typed_one(
        store, clock, chair_3):
    clock.advance(minutes=1)
    journaled(store, clock, oru(clock, spo2=44))
    [reading] = store.chart(chair_3).monitor_readings
    with pytest.raises(ConfirmationNeeded):
        store.accept_monitor_reading(reading.id)
    assert store.chart(chair_3).reading_marks == ()
    store.accept_monitor_reading(reading.id, confirmed=frozenset({"spo2"}))


def test_an_artifact_is_marked_with_its_reason_and_counts_for_nothing(store, clock, chair_3):
    clock.advance(minutes=1)
    journaled(store, clock, oru(clock, systolic=210, diastolic=60))
    [reading] = store.chart(chair_3).monitor_readings
    with pytest.raises(ValidationError) as refused:
        store.mark_monitor_artifact(reading.id, "   ")
    assert "reason" in refused.value.reasons
    store.mark_monitor_artifact(reading.id, "Cuff motion (patient moving during the NIBP)")
    chart = store.chart(chair_3)
    [(marked, mark)] = chart.artifacts
    assert marked == reading and mark.reason.startswith("Cuff motion")
    assert chart.pending_readings == () and all(e.source != FROM_MONITOR for e in chart.vitals)


def test_verdicts_need_a_nurse_and_an_open_chart(store, clock, chair_3):
    clock.advance(minutes=1)
    journaled(store, clock, oru(clock))
    [reading] = store.chart(chair_3).monitor_readings
    store.logout()
    with pytest.raises(Exception, match="log"):
        store.accept_monitor_reading(reading.id)
    login_as(store, NURSE)
    with pytest.raises(ValidationError):
        store.accept_monitor_reading("1")  # type: ignore[arg-type]
    with pytest.raises(UnknownRecord):
        store.mark_monitor_artifact(reading.id + 99, "probe off")


def test_verify_catches_a_reading_changed_added_or_deleted_behind_the_apps_back(
        store, clock, chair_3, db_path):
    first, second = accepted_and_artifact(store, clock, chair_3)
    assert verify_database(db_path) == []
    connection = sqlite3.connect(db_path)
    for trigger in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                      "AND tbl_name = 'monitor_readings'").fetchall():
        connection.execute(f"DROP TRIGGER {trigger[0]}")
    connection.execute("UPDATE monitor_readings SET spo2 = 99 WHERE id = ?", [second.id])
    connection.execute("INSERT INTO monitor_readings (read_id, session_id, observed_at, spo2) "
                       "SELECT read_id, session_id, observed_at, 50 FROM monitor_readings "
                       "WHERE id = ?", [first.id])
    connection.commit()
    connection.close()
    problems = "\n".join(verify_database(db_path))
    assert f"monitor_readings row {second.id}: differs from what was written (spo2)" in problems
    assert f"monitor_readings row {second.id + 1}: no read's audit row records it" in problems


def test_a_chart_read_with_the_readings_held_takes_them_as_they_are(store, clock, chair_3):
    """The room's copy is not read again (its tick appends what is newer); a chart read
    without one reads them all."""
    clock.advance(minutes=1)
    journaled(store, clock, oru(clock))
    held = store.chart(chair_3).monitor_readings
    journaled(store, clock, oru(clock, spo2=93))
    assert store.chart(chair_3, held).monitor_readings == held
    everything = store.chart(chair_3).monitor_readings
    assert everything[:1] == held and everything[1].vitals.spo2 == 93
    stranger = (replace(held[0], session_id=chair_3 + 1, vitals=replace(held[0].vitals,
                                                                         spo2=50)),)
    assert store.chart(chair_3, stranger).monitor_readings == everything
    store.mark_monitor_artifact(held[0].id, "probe off")  # a verdict is read with them
    assert [m.reading_id for m in store.chart(chair_3, held).reading_marks] == [held[0].id]


def test_the_verdicts_are_signed_and_a_reading_sent_late_never_changes_a_signed_chart(
        store, clock, chair_3):
    first, second = accepted_and_artifact(store, clock, chair_3)
    taken_during = clock.now()
    clock.advance(minutes=5)
    store.change_phase(chair_3, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient declined the infusion")
    login_as(store, PHYSICIAN)
    signature = store.sign(chair_3, PASSWORD)
    chart = store.chart(chair_3)
    assert matches(signature, chart, store.alerts([chair_3])[chair_3])
    signed = chart_content(chart)["monitor_marks"]
    assert [(m["mark"]["verdict"], m["reading"]["id"]) for m in signed] == [
        ("accepted", first.id), ("artifact", second.id)]
    # a frame the monitor sends late, taken while the session ran: journaled, not charted
    clock.advance(minutes=1)
    raw = build_oru([observation(150456, 88)], control_id="LATE", observed_at=taken_during)
    _, late = journaled(store, clock, raw)
    assert late.charted == 0 and "is signed" in (late.note or "")
    assert store.chart(chair_3).monitor_readings == chart.monitor_readings


def test_a_frame_read_late_goes_where_its_bed_was_when_it_came(store, clock, chair_3,
                                                              charting):
    """The listener killed between a frame's ACK and its reading, the bed moved to another
    chair before the restart: the frame's sets go to the chair the bed was on then."""
    clock.advance(minutes=1)
    raw = oru(clock)
    header = read_header(raw, clock.local_zone, clock.now())
    entry = store.journal_frame(JournaledFrame(
        peer="127.0.0.1:4100", raw=raw, outcome=FrameOutcome.ACCEPTED,
        sending_application=header.sending_application,
        sending_facility=header.sending_facility, control_id=header.control_id,
        message_type=header.message_type))
    clock.advance(minutes=2)
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, "INFUSION", BED, "5")  # moved to chair 5 meanwhile
    login_as(store, NURSE)
    charting.session(chair="5")
    read = store.chart_frame(entry.id)  # read at the restart
    assert (read.chair, read.session_id) == ("3", chair_3)
    assert store.chair_for(APP, "INFUSION", BED) == "5"
    assert store.chair_for(APP, "INFUSION", BED, at=entry.received_at) == "3"


def test_two_nurses_accepting_one_reading_at_once_chart_it_once(store, clock, chair_3,
                                                                monkeypatch):
    """The second's check ran before the first's write (two workstations at once): the
    file's one-verdict index refuses her mark, and her vitals set goes with it (one
    transaction), so the reading is charted once."""
    clock.advance(minutes=1)
    journaled(store, clock, oru(clock))
    [reading] = store.chart(chair_3).monitor_readings
    store.accept_monitor_reading(reading.id)
    sets = len(store.chart(chair_3).vitals)
    monkeypatch.setattr(type(store), "_no_verdict_yet", lambda self, reading: None)
    with pytest.raises(ValidationError):
        store.accept_monitor_reading(reading.id)
    chart = store.chart(chair_3)
    assert len(chart.vitals) == sets and len(chart.reading_marks) == 1
