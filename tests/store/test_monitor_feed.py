"""The bedside monitors' feed in the record (store.monitor_feed, issue 21): every frame
journaled raw with its audit row before its ACK, durably, with no one logged in; a resend
stored once, also from two stores on one file writing at once; bad values refused naming
the field with nothing written; the bed map an administrator's signed, audited change, the
latest row winning; the feed's settings checked; and `verify` clean after all of it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from ketamonitor.core.audit_chain import sha256_bytes
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.core.monitor_feed import (
    FrameOutcome,
    JournaledFrame,
    JournalEntry,
    MonitorBed,
    MonitorFrame,
)
from ketamonitor.core.monitor_senders import heard_frames, senders_seen
from ketamonitor.core.monitor_settings import ListenSettings, listen_settings
from ketamonitor.core.permissions import NotLoggedIn, PermissionDenied
from ketamonitor.core.times import truncate_to_millis
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.store import Store
from ketamonitor.store.verify import verify_database
from tests.conftest import START
from tests.people import ADMIN, FAST_HASHER, NURSE, PHYSICIAN, audit_of, login_as
from tests.store.steps import row_counts, running

ORU = (b"MSH|^~\\&|CARESCAPE|ICU|KETAMONITOR|CLINIC|20261123073000||ORU^R01^ORU_R01|MSG0001|P|"
       b"2.6\rPID|||MRN-1001||RIVERA^Ana\rPV1||I|BED 3\r"
       b"OBX|1|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1|128|mm[Hg]^^UCUM|||||R\r")


def frame(control_id: str | None = "MSG0001", **changes: object) -> JournaledFrame:
    """A GE CARESCAPE gateway's ORU^R01 with one BP reading, answered AA."""
    sound = JournaledFrame(peer="10.1.2.3:4100", raw=ORU.replace(b"MSG0001",
                                                                 (control_id or "").encode()),
                           outcome=FrameOutcome.ACCEPTED, sending_application="CARESCAPE",
                           sending_facility="ICU", control_id=control_id,
                           message_type="ORU^R01^ORU_R01")
    return replace(sound, **changes)  # type: ignore[arg-type]


def file_rows(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows read by another connection: what the file holds, committed."""
    connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# -- the journal -----------------------------------------------------------------------------


def test_a_frame_is_journaled_with_its_audit_row_committed_before_the_call_returns(
        store, db_path, clock):
    store.logout()  # the headless listener: no one logged in
    entry = store.journal_frame(frame())
    assert entry == JournalEntry(id=1, duplicate=False, outcome=FrameOutcome.ACCEPTED,
                                 reason=None, received_at=truncate_to_millis(clock.now()))
    # committed: another connection reads it, its bytes exactly as received
    assert file_rows(db_path, "SELECT received_at, peer, sending_application, "
                              "sending_facility, control_id, message_type, raw, size, outcome, "
                              "reason FROM monitor_frames") == [
        ("2026-11-23T07:30:00.000Z", "10.1.2.3:4100", "CARESCAPE", "ICU", "MSG0001",
         "ORU^R01^ORU_R01", ORU, len(ORU), "AA", None)]
    assert store.pragmas()["synchronous"] == 2 and store.pragmas()["journal_mode"] == "wal"
    audit = audit_of(store)[-1]
    assert (audit["user"], audit["action"], audit["entity"], audit["entity_id"]) == (
        "monitor", "monitor_frames.journal", "monitor_frames", entry.id)
    assert (audit["signer"], audit["signature"]) == (None, None)  # the listener's: unsigned
    recorded = json.loads(audit["new_value"])
    assert recorded["raw"] == sha256_bytes(ORU)  # the bytes by their hash, the rest whole
    assert recorded["control_id"] == "MSG0001" and recorded["size"] == len(ORU)
    assert verify_database(db_path) == []


def test_the_journal_stays_unsigned_whoever_is_logged_in(store, db_path):
    assert store.account is not None and store.account.username == NURSE
    store.journal_frame(frame())
    store.lock_screen()
    store.journal_frame(frame("MSG0002"))
    rows = audit_of(store, "monitor_frames")
    assert [(row["user"], row["signer"]) for row in rows] == [("monitor", None)] * 2
    assert verify_database(db_path) == []


def test_an_error_or_a_rejection_is_journaled_with_its_reason(store, db_path):
    rejected = store.journal_frame(JournaledFrame(
        peer="[fe80::7%eth0]:50000", raw=b"\x00\x01garbage", outcome=FrameOutcome.REJECTED,
        reason="sender 10.9.9.9 is not on the allow-list"))
    error = store.journal_frame(frame(outcome=FrameOutcome.ERROR, reason="bed BED 3 is on no "
                                                                        "chair"))
    oversized = store.journal_frame(frame("BIG1", raw=ORU[:64], size=10 * 1024 * 1024,
                                          outcome=FrameOutcome.REJECTED,
                                          reason="frame over 1024 KB"))
    assert [store.frame(entry.id).outcome for entry in (rejected, error, oversized)] == [
        FrameOutcome.REJECTED, FrameOutcome.ERROR, FrameOutcome.REJECTED]
    kept = store.frame(oversized.id)
    assert (kept.raw, kept.size) == (ORU[:64], 10 * 1024 * 1024)
    assert store.frame(rejected.id).control_id is None
    assert verify_database(db_path) == []


def test_a_resend_is_stored_once_and_answered_as_the_first_was(store, db_path, clock):
    first = store.journal_frame(frame(outcome=FrameOutcome.ERROR, reason="bed BED 3 is on no "
                                                                        "chair"))
    before = row_counts(db_path)
    clock.advance(seconds=30)
    again = store.journal_frame(frame())  # the gateway resends it (its ACK was lost)
    assert again == replace(first, duplicate=True)
    assert row_counts(db_path) == before  # nothing written, not even an audit row
    # another control id, another facility, or none at all: a frame of its own
    others = [store.journal_frame(frame("MSG0002")),
              store.journal_frame(frame(sending_facility="PACU")),
              store.journal_frame(frame(None)), store.journal_frame(frame(None))]
    assert [entry.duplicate for entry in others] == [False] * 4
    assert len({entry.id for entry in [first, *others]}) == 5
    assert verify_database(db_path) == []


def test_a_resend_with_other_bytes_keeps_the_first_and_says_so_in_the_log(store, caplog):
    first = store.journal_frame(frame())
    again = store.journal_frame(frame(raw=ORU.replace(b"|128|", b"|200|")))
    assert (again.id, again.duplicate) == (first.id, True)
    assert store.frame(first.id).raw == ORU
    assert "with other bytes than journal row" in caplog.text


@pytest.mark.parametrize(("changes", "field"), [
    ({"peer": "monitor.local:4100"}, "peer"),
    ({"peer": "10.1.2.3:0"}, "peer"),
    ({"outcome": "OK"}, "outcome"),
    ({"outcome": FrameOutcome.ERROR}, "reason"),
    ({"raw": b"x" * (16 * 1024 * 1024 + 1)}, "raw"),
    ({"raw": "MSH|text, not bytes"}, "raw"),
    ({"size": 3}, "size"),
    ({"size": 10 * 1024 * 1024}, "size"),  # kept in part, yet AA
    ({"sending_application": "GE\x1b[2J"}, "sending_application"),
    ({"sending_facility": "F" * 228}, "sending_facility"),
    ({"control_id": "C" * 200}, "control_id"),
    ({"message_type": "ORU\udc80"}, "message_type"),
    ({"reason": "r" * 501}, "reason"),
])
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_written(store, db_path,
                                                                        changes, field):
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.journal_frame(frame(**changes))
    assert list(refused.value.reasons) == [field]
    assert row_counts(db_path) == before


def test_frames_are_read_back_by_the_records_readers_only(store, clock):
    first = store.journal_frame(frame())
    clock.advance(minutes=5)
    second = store.journal_frame(frame("MSG0002"))
    read = store.frame(first.id)
    assert read == MonitorFrame(
        id=first.id, received_at=START, peer="10.1.2.3:4100", sending_application="CARESCAPE",
        sending_facility="ICU", control_id="MSG0001", message_type="ORU^R01^ORU_R01", raw=ORU,
        size=len(ORU), outcome=FrameOutcome.ACCEPTED, reason=None)
    assert [f.id for f in store.frames_between(START, START + timedelta(minutes=5))] == [first.id]
    assert [f.id for f in store.frames_between(START, clock.now() + timedelta(seconds=1))] == [
        first.id, second.id]
    assert store.frames_between(START - timedelta(days=1), START) == []
    with pytest.raises(UnknownRecord, match="no monitor frame 99"):
        store.frame(99)
    store.logout()  # raw frames hold patients' names
    with pytest.raises(NotLoggedIn):
        store.frame(first.id)
    with pytest.raises(NotLoggedIn):
        store.frames_between(START, clock.now())


def bed_frame(number: int, bed: bytes, *, newlines: bool = False, pv1: bool = True,
              **changes: object) -> JournaledFrame:
    """The gateway's frame `number` for another bed (PV1-3), its segments ended by CR (or LF),
    or without PV1."""
    raw = ORU.replace(b"MSG0001", f"MSG{number:04d}".encode()).replace(b"|BED 3\r",
                                                                      b"|" + bed + b"\r")
    if not pv1:
        raw = b"".join(segment + b"\r" for segment in raw.split(b"\r")
                       if segment and not segment.startswith(b"PV1"))
    if newlines:
        raw = raw.replace(b"\r", b"\n")
    return frame(f"MSG{number:04d}", raw=raw, **changes)


def test_frames_heard_are_grouped_where_they_lie_as_core_groups_them_or_finer(store, clock):
    journaled = [
        bed_frame(1, b"ICU^^3"), bed_frame(2, b"ICU^^4"), bed_frame(3, b"ICU^^3"),
        bed_frame(4, b"ICU^^3", sending_facility="WARD"),
        bed_frame(5, b"ICU^^5", outcome=FrameOutcome.ERROR, reason="no usable reading"),
        bed_frame(6, b"ICU^^6", newlines=True), bed_frame(7, b"ICU^^7", newlines=True),
        bed_frame(8, b"", pv1=False), bed_frame(9, b"", pv1=False),
        bed_frame(10, b"ICU^^3\\R\\x", sending_application="PIIC"),  # escapes kept as sent
        bed_frame(11, b"ICU^^3", sending_application="PIIC"),
    ]
    ids = []
    for journal in journaled:
        ids.append(store.journal_frame(journal).id)
        clock.advance(seconds=10)
    window = (START, clock.now())
    heard = store.frames_heard(*window)
    assert sorted((group.latest.id, group.frames) for group in heard) == [
        (ids[1], 1), (ids[2], 2), (ids[3], 1), (ids[5], 1), (ids[6], 1), (ids[8], 2),
        (ids[9], 1), (ids[10], 1)]  # LF-ended: each alone; without PV1: together
    assert heard[0].latest == store.frame(heard[0].latest.id)
    in_core = heard_frames(store.frames_between(*window))
    assert senders_seen(heard, [], UTC) == senders_seen(in_core, [], UTC)
    assert [(s.sending_application, s.sending_facility, s.bed, s.frames)
            for s in senders_seen(heard, [], UTC)] == [
        ("CARESCAPE", "ICU", "", 2), ("CARESCAPE", "ICU", "ICU^^3", 2),
        ("CARESCAPE", "ICU", "ICU^^4", 1), ("CARESCAPE", "ICU", "ICU^^6", 1),
        ("CARESCAPE", "ICU", "ICU^^7", 1), ("CARESCAPE", "WARD", "ICU^^3", 1),
        ("PIIC", "ICU", "ICU^^3", 1), ("PIIC", "ICU", "ICU^^3\\R\\x", 1)]
    assert store.frames_heard(START - timedelta(days=1), START) == []
    store.logout()  # raw frames hold patients' names
    with pytest.raises(NotLoggedIn):
        store.frames_heard(*window)


def test_a_frame_journaled_is_there_after_the_listener_is_killed(store, db_path):
    """kill -9 right after journal_frame returns (where the ACK would be sent): the frame
    and its audit row are in the file, and it verifies."""
    script = (
        "import os, signal, sys\n"
        "from ketamonitor.core.clock import SystemClock\n"
        "from ketamonitor.core.monitor_feed import FrameOutcome, JournaledFrame\n"
        "from ketamonitor.store.store import Store\n"
        "store = Store.open_beside_app(sys.argv[1], SystemClock())\n"
        "entry = store.journal_frame(JournaledFrame(peer='127.0.0.1:4100', raw=b'MSH|kill', "
        "outcome=FrameOutcome.ACCEPTED, sending_application='SIM', control_id='K-1'))\n"
        "print(entry.id, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    ran = subprocess.run([sys.executable, "-c", script, str(db_path)], capture_output=True,
                         text=True, timeout=60, check=False)
    assert ran.returncode == -9, ran.stderr
    journaled = int(ran.stdout)
    assert store.frame(journaled).raw == b"MSH|kill"
    assert audit_of(store)[-1]["entity_id"] == journaled
    assert verify_database(db_path) == []


# -- two stores on one file: the app's, and a listener's beside it ----------------------------


def test_a_listener_beside_the_app_journals_while_the_app_charts(store, charting, db_path,
                                                                 clock):
    session_id, _ = running(charting)
    beside = Store.open_beside_app(db_path, clock, hasher=FAST_HASHER)  # the app holds the lock
    try:
        for minute in range(5):
            clock.advance(minutes=1)
            beside.journal_frame(frame(f"MSG{minute}"))
            charting.bp(session_id, 120 + minute, 80)
            store.journal_frame(frame(f"MSG{minute}"))  # the same frame reached the app too
        assert [beside.journal_frame(frame(f"MSG{m}")).duplicate for m in range(5)] == [True] * 5
    finally:
        beside.close()
    assert file_rows(db_path, "SELECT count(*) FROM monitor_frames") == [(5,)]
    assert len(store.chart(session_id).vitals) == 6
    assert verify_database(db_path) == []


def test_two_listeners_writing_the_same_resend_at_once_store_it_once(store, charting, db_path,
                                                                     clock):
    """Two stores beside the app, each in its own thread with its own connection, journal
    the same frame at the same moment, 30 frames over (a gateway that sent each to two
    listeners), while the app charts: the write lock and the UNIQUE index leave each frame
    stored once with one audit row, one listener told it wrote it, the other given its id."""
    session_id, _ = running(charting)
    count = 30
    step = threading.Barrier(2, timeout=30)
    entries: dict[str, list[JournalEntry]] = {"one": [], "two": []}
    failures: list[BaseException] = []

    def listener(name: str) -> None:
        try:
            with Store.open_beside_app(db_path, clock, hasher=FAST_HASHER) as beside:
                for n in range(count):
                    step.wait()  # both at the same frame at once
                    entries[name].append(beside.journal_frame(frame(f"R{n}")))
        except BaseException as failure:  # seen by the test's thread below
            failures.append(failure)
            step.abort()

    threads = [threading.Thread(target=listener, args=(name,)) for name in entries]
    for thread in threads:
        thread.start()
    for _ in range(3):
        charting.bp(session_id, 126, 82)  # the app's own writes, between theirs
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    pairs = list(zip(entries["one"], entries["two"], strict=True))
    assert len(pairs) == count
    assert all(one.id == two.id and one.duplicate != two.duplicate for one, two in pairs)
    assert file_rows(db_path, "SELECT count(DISTINCT control_id), count(*) FROM "
                              "monitor_frames") == [(count, count)]
    assert len(audit_of(store, "monitor_frames")) == count
    assert verify_database(db_path) == []


def test_an_account_changed_elsewhere_stops_not_the_journal_but_the_persons_next_write(
        store, charting, db_path, clock):
    session_id, _ = running(charting)
    store.chart(session_id)  # the nurse reads her chart
    with Store.open_beside_app(db_path, clock, hasher=FAST_HASHER) as desk:
        login_as(desk, ADMIN)
        desk.disable_account(NURSE, "left the clinic")
    assert not store.journal_frame(frame()).duplicate  # the listener's write goes on
    with pytest.raises(RuleError):
        charting.bp(session_id, 130, 85)  # hers is refused, re-checked as before
    assert verify_database(db_path) == []


# -- the bed map -------------------------------------------------------------------------------


def test_an_administrator_maps_a_bed_signed_and_audited_and_the_latest_row_wins(store, db_path,
                                                                              clock):
    login_as(store, ADMIN)
    first = store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "3")
    assert store.chair_for("CARESCAPE", "ICU", "BED 3") == "3"
    clock.advance(minutes=1)
    moved = store.map_monitor_bed(" CARESCAPE ", "ICU", "BED 3", " Chair  4 ")
    assert moved != first and store.chair_for("CARESCAPE", "ICU", "BED 3 ") == "Chair 4"
    store.map_monitor_bed("MINDRAY", "", "", "1")
    assert store.monitor_beds() == [
        MonitorBed(3, "MINDRAY", "", "", "1", clock.now(), ADMIN),
        MonitorBed(moved, "CARESCAPE", "ICU", "BED 3", "Chair 4", clock.now(), ADMIN)]
    rows = audit_of(store, "monitor_beds")
    assert [(row["action"], row["user"], row["signer"], row["old_value"]) for row in rows] == [
        ("monitor_beds.map", ADMIN, ADMIN, None), ("monitor_beds.map", ADMIN, ADMIN, "3"),
        ("monitor_beds.map", ADMIN, ADMIN, None)]
    assert all(row["signature"] for row in rows)
    assert json.loads(rows[1]["new_value"])["chair"] == "Chair 4"
    assert verify_database(db_path) == []


def test_a_bed_already_so_writes_nothing_and_one_taken_off_is_on_no_chair(store, db_path):
    login_as(store, ADMIN)
    mapped = store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "3")
    before = row_counts(db_path)
    assert store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "3") == mapped
    assert row_counts(db_path) == before
    taken_off = store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "")
    assert store.chair_for("CARESCAPE", "ICU", "BED 3") is None
    assert store.monitor_beds() == []
    before = row_counts(db_path)
    assert store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "") == taken_off
    assert row_counts(db_path) == before
    with pytest.raises(ValidationError, match="nothing to take off the map"):
        store.map_monitor_bed("CARESCAPE", "ICU", "BED 9", "")


def test_a_bed_is_matched_exactly_not_by_its_monitor(store):
    login_as(store, ADMIN)
    store.map_monitor_bed("MINDRAY", "CMS", "", "1")  # the monitor as a whole
    store.map_monitor_bed("MINDRAY", "CMS", "BED 2", "2")
    store.logout()  # the headless listener asks with no one logged in
    assert store.chair_for("MINDRAY", "CMS", "") == "1"
    assert store.chair_for("MINDRAY", "CMS", "BED 2") == "2"
    assert store.chair_for("MINDRAY", "CMS", "BED 5") is None  # another patient's, maybe
    assert store.chair_for("MINDRAY", "OTHER", "BED 2") is None
    assert store.chair_for("MINDRAY\x00", "CMS", "BED 2") is None
    assert store.chair_for("MINDRAY", "CMS", "BED 2\udc80") is None
    assert [bed.chair for bed in store.monitor_beds()] == ["1", "2"]


@pytest.mark.parametrize(("typed", "field"), [
    (("", "ICU", "BED 3", "3"), "sending_application"),
    (("GE\x1b", "ICU", "BED 3", "3"), "sending_application"),
    (("GE", "ICU", "B" * 228, "3"), "bed"),
    (("GE", "ICU", "BED 3", "C" * 21), "chair"),
    (("GE", "ICU", "BED 3", "3\n"), "chair"),
])
def test_a_bad_bed_or_chair_is_refused_naming_the_field(store, db_path, typed, field):
    login_as(store, ADMIN)
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.map_monitor_bed(*typed)
    assert list(refused.value.reasons) == [field]
    assert row_counts(db_path) == before


@pytest.mark.parametrize("who", [NURSE, PHYSICIAN])
def test_only_an_administrator_maps_beds_and_the_attempt_is_recorded(store, db_path, who):
    login_as(store, who)
    before = row_counts(db_path)
    with pytest.raises(PermissionDenied, match="may not map monitors to chairs"):
        store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "3")
    assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}
    last = audit_of(store)[-1]
    assert (last["action"], last["user"]) == ("manage_monitors.refused", who)
    assert store.chair_for("CARESCAPE", "ICU", "BED 3") is None
    store.logout()
    with pytest.raises(NotLoggedIn):
        store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "3")


@pytest.mark.parametrize("who", [NURSE, PHYSICIAN])
def test_asking_whether_one_may_map_monitors_is_refused_and_recorded_for_all_but_admins(
        store, who):
    login_as(store, ADMIN)
    assert store.may_map_monitors().username == ADMIN
    login_as(store, who)
    with pytest.raises(PermissionDenied, match="may not map monitors to chairs"):
        store.may_map_monitors()
    last = audit_of(store)[-1]
    assert (last["action"], last["user"]) == ("manage_monitors.refused", who)
    store.logout()
    with pytest.raises(NotLoggedIn):
        store.may_map_monitors()


# -- the feed's settings ---------------------------------------------------------------------


def test_the_feeds_settings_default_to_this_workstation_only(store):
    assert listen_settings(store.setting) == ListenSettings(
        address="127.0.0.1", port=2575, allowed=(), max_frame_bytes=1024 * 1024,
        idle_seconds=300, max_connections=16)


def test_an_administrator_opens_the_feed_to_a_network_audited(store, db_path):
    login_as(store, ADMIN)
    assert store.set_setting("monitor_listen_address", "0.0.0.0")
    assert store.set_setting("monitor_allowed_senders", " 10.1.2.0/24 ,10.1.3.7/32")
    assert store.set_setting("monitor_max_frame_kb", "64")
    assert not store.set_setting("monitor_listen_port", "2575")  # already so: nothing written
    assert store.setting("monitor_allowed_senders") == "10.1.2.0/24, 10.1.3.7"
    settings = listen_settings(store.setting)
    assert (settings.address, settings.max_frame_bytes, len(settings.allowed)) == (
        "0.0.0.0", 64 * 1024, 2)
    assert [json.loads(row["new_value"])["key"] for row in audit_of(store, "settings")] == [
        "monitor_listen_address", "monitor_allowed_senders", "monitor_max_frame_kb"]
    assert verify_database(db_path) == []


@pytest.mark.parametrize(("key", "value", "words"), [
    ("monitor_listen_address", "monitors.local", "must be an IP address of this workstation"),
    ("monitor_listen_address", "10.1.2.0/24", "must be an IP address of this workstation"),
    ("monitor_listen_port", "0", "must be a port number from 1 to 65535"),
    ("monitor_listen_port", "70000", "must be a port number from 1 to 65535"),
    ("monitor_allowed_senders", "10.1.2.5/24", "did you mean 10.1.2.0/24?"),
    ("monitor_allowed_senders", "10.1.2.3 10.1.2.4", "separate the addresses with commas"),
    ("monitor_allowed_senders", "10.1.2.3, *", "“*” is not an IP address or network"),
    ("monitor_max_frame_kb", "100000", "from 1 to 16,384"),
    ("monitor_idle_seconds", "0", "from 10 to 86,400"),
    ("monitor_max_connections", "-1", "from 1 to 256"),
])
def test_a_bad_feed_setting_is_refused_with_the_reason_and_nothing_written(store, db_path, key,
                                                                            value, words):
    login_as(store, ADMIN)
    before = row_counts(db_path)
    with pytest.raises(ValidationError) as refused:
        store.set_setting(key, value)
    assert list(refused.value.reasons) == [key] and words in refused.value.reasons[key]
    assert row_counts(db_path) == before


def test_a_nurse_may_not_open_the_feed(store, db_path):
    with pytest.raises(PermissionDenied):
        store.set_setting("monitor_allowed_senders", "0.0.0.0/0")
    assert store.setting("monitor_allowed_senders") == ""


# -- all of it -------------------------------------------------------------------------------


def test_verify_is_clean_after_the_feed_the_map_and_the_app_wrote_together(store, charting,
                                                                          db_path, clock):
    session_id, _ = running(charting)
    login_as(store, ADMIN)
    store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "3")
    store.set_setting("monitor_allowed_senders", "10.1.2.0/24")
    login_as(store, NURSE)
    with Store.open_beside_app(db_path, clock, hasher=FAST_HASHER) as beside:
        for n in range(3):
            clock.advance(seconds=20)
            beside.journal_frame(frame(f"M{n}"))
            store.journal_frame(frame(f"M{n}"))
            charting.bp(session_id, 124, 80)
        beside.journal_frame(frame(None, outcome=FrameOutcome.REJECTED, reason="not HL7",
                                   raw=b"\xff" * 10))
    login_as(store, ADMIN)
    store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "4")
    store.map_monitor_bed("CARESCAPE", "ICU", "BED 3", "")
    store.close()
    assert verify_database(db_path) == []
    assert file_rows(db_path, "SELECT count(*) FROM monitor_frames") == [(4,)]
    assert file_rows(db_path, "SELECT count(*) FROM monitor_beds") == [(3,)]


def test_a_frame_is_stamped_by_the_stores_clock_in_the_records_time_format(db_path):
    """received_at is the store's clock (the listener's is the same system clock), with
    milliseconds, on a new clinic with no one in it yet."""
    clock = FakeClock(START + timedelta(milliseconds=1234))
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        entry = store.journal_frame(frame())
    assert entry.received_at == START + timedelta(milliseconds=1234)
    assert file_rows(db_path, "SELECT received_at FROM monitor_frames") == [
        ("2026-11-23T07:30:01.234Z",)]
    assert verify_database(db_path) == []
