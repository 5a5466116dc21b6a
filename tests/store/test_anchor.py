"""The anchor log (issue 20, item 2): the chain's head appended outside the database at
most once a minute while the app writes, at close and after a backup; carried by every
backup; a restore recorded as one; and `verify` holding the chain to it (--anchor PATH,
--head ID:HASH, or the log the database's settings name, saying which it used)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from pathlib import Path

from ketamonitor import cli
from ketamonitor.core.anchor import RESTORE
from ketamonitor.core.clock import FakeClock
from ketamonitor.store.backup import restore_backup
from ketamonitor.store.schema import APPEND_ONLY_TABLES, append_only_triggers
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import ADMIN, FAST_HASHER, NURSE, PASSWORD, add_people, login_as
from tests.store.steps import running, tamper


def log_of(db_path: Path) -> Path:
    return db_path.parent / "backups" / f"{db_path.name}.anchor.jsonl"


def heads(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def last_row(db_path: Path) -> tuple[int, str]:
    return last_signed_row(db_path)[:2]


def last_signed_row(db_path: Path) -> tuple[int, str, str | None]:
    """The chain's head: id, hash and the signature an anchored head carries."""
    connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT id, hash, signature FROM audit "
                                  "ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        connection.close()


def verify(db_path: Path, capsys, *options: str) -> tuple[int, str]:
    code = cli.main(["verify", "--db", str(db_path), *options])
    said = capsys.readouterr()
    return code, said.out + said.err


# -- writing the log ---------------------------------------------------------------------------


def test_a_head_is_anchored_at_most_once_a_minute_and_at_close(db_path, clock):
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)  # many commits within one minute: one head, the first
        charting = Charting(store, clock)
        assert len(heads(log_of(db_path))) == 1
        session_id, _ = running(charting)
        assert len(heads(log_of(db_path))) == 1
        clock.advance(seconds=60)
        charting.bp(session_id, 120, 80)
        assert heads(log_of(db_path))[-1]["id"] == last_row(db_path)[0]
        charting.bp(session_id, 121, 80)
        assert len(heads(log_of(db_path))) == 2
    written = heads(log_of(db_path))
    assert len(written) == 3
    head_id, head_hash, signature = last_signed_row(db_path)
    with Store.open(db_path, clock, hasher=FAST_HASHER) as store:
        root = store.root_key_fingerprint()
    assert root is not None
    assert written[-1] == {"id": head_id, "hash": head_hash,
                           "at": "2026-11-23T07:31:00.000Z", "database": "ketamonitor.db",
                           "event": "head", "root": root, "signature": signature}
    assert stat.S_IMODE(log_of(db_path).stat().st_mode) == 0o600


def test_the_anchor_log_setting_moves_the_log(db_path, clock, tmp_path):
    elsewhere = tmp_path / "other-disk"
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        login_as(store, ADMIN)
        store.set_setting("anchor_log", str(elsewhere))
    assert heads(elsewhere / "ketamonitor.db.anchor.jsonl")[-1]["id"] == last_row(db_path)[0]


def test_a_log_that_cannot_be_written_stops_no_charting(db_path, clock, caplog):
    (db_path.parent / "backups").write_text("a file where the folder would be")
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        running(Charting(store, clock))
    assert "could not be anchored" in caplog.text


# -- backups and restores ----------------------------------------------------------------------


def test_a_backup_carries_the_log_and_verifies_against_it(db_path, clock, tmp_path, capsys):
    out = tmp_path / "stick" / "copy.db"
    out.parent.mkdir()
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        login_as(store, ADMIN)
        store.backup(out)
        backed_up = last_signed_row(out)
        assert heads(log_of(db_path))[-1]["id"] == last_row(db_path)[0]  # after the backup
    carried = heads(out.with_name("copy.db.anchor.jsonl"))
    assert carried[-1] | {"at": None, "root": None} == {
        "id": backed_up[0], "hash": backed_up[1], "at": None, "database": "copy.db",
        "event": "backup", "root": None, "signature": backed_up[2]}
    assert carried[-1]["root"].startswith("SHA256:")
    assert all(head["id"] <= backed_up[0] for head in carried)
    code, said = verify(out, capsys)
    assert code == 0 and f"anchor: {out.with_name('copy.db.anchor.jsonl')}" in said, said


def test_a_restore_records_itself_so_the_rollback_is_no_alarm(db_path, clock, tmp_path,
                                                              capsys):
    out = tmp_path / "copy.db"
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        login_as(store, ADMIN)
        store.backup(out)
        login_as(store, NURSE)
        running(Charting(store, clock))  # charted after the backup: rolled back on purpose
    restore_backup(out, db_path, clock=clock, administrator=ADMIN, password=PASSWORD,
                   hasher=FAST_HASHER)
    restored = heads(log_of(db_path))[-1]
    assert (restored["event"], restored["id"]) == (RESTORE, last_row(db_path)[0])
    code, said = verify(db_path, capsys)
    assert code == 0, said
    shutil.copyfile(out, db_path)  # the same backup put back by hand: not recorded
    code, said = verify(db_path, capsys)
    assert code == 1 and "rolled back" in said, said


# -- verify's options --------------------------------------------------------------------------


def a_clinic(db_path: Path, clock: FakeClock) -> None:
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        running(Charting(store, clock))


def drop_last_audit_row(db_path: Path) -> None:
    tamper(db_path, "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
           append_only_triggers(APPEND_ONLY_TABLES)["audit_no_delete"],
           unguard=("audit_no_delete",))


def test_verify_says_which_log_it_used(db_path, clock, capsys):
    a_clinic(db_path, clock)
    code, said = verify(db_path, capsys)
    assert code == 0 and f"anchor: {log_of(db_path)} (" in said, said


def test_without_a_log_verify_says_truncation_cannot_be_detected(db_path, clock, capsys):
    a_clinic(db_path, clock)
    log_of(db_path).unlink()
    code, said = verify(db_path, capsys)
    assert code == 0
    assert f"no anchor log found at {log_of(db_path)}: truncation cannot be detected" in said


def test_a_copy_of_the_log_kept_elsewhere_catches_what_was_done_beside_the_file(
        db_path, clock, tmp_path, capsys):
    a_clinic(db_path, clock)
    kept = tmp_path / "kept-elsewhere.jsonl"
    shutil.copyfile(log_of(db_path), kept)
    log_of(db_path).unlink()  # the attacker removes the log beside the file ...
    drop_last_audit_row(db_path)  # ... and the last row
    assert "truncated" not in verify(db_path, capsys)[1]
    code, said = verify(db_path, capsys, "--anchor", str(kept))
    assert code == 1 and "truncated" in said and f"anchor: {kept} (" in said, said


def test_a_head_printed_on_a_summary(db_path, clock, capsys):
    a_clinic(db_path, clock)
    head_id, head_hash = last_row(db_path)
    code, said = verify(db_path, capsys, "--head", f"{head_id}:{head_hash}")
    assert code == 0 and f"anchor: the head given (audit row {head_id})" in said, said
    log_of(db_path).unlink()
    drop_last_audit_row(db_path)
    code, said = verify(db_path, capsys, "--head", f"{head_id}:{head_hash}")
    assert code == 1 and "truncated" in said, said


def test_a_head_or_log_that_cannot_be_used_is_a_usage_error(db_path, clock, tmp_path, capsys):
    a_clinic(db_path, clock)
    assert verify(db_path, capsys, "--head", "12")[0] == 2
    code, said = verify(db_path, capsys, "--anchor", str(tmp_path / "none.jsonl"))
    assert code == 2 and "cannot be read" in said and "Traceback" not in said
