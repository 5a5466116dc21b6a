"""The store notices its file: once the database at its path is deleted, moved or replaced
while it is open, no write is acknowledged again (the connection would commit into a file
no one reads: once 387 saves were lost so), each refusal names the file and says what was
typed is kept; a file left alone costs one `os.stat` per write and never refuses."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ketamonitor.room import Room
from ketamonitor.store.errors import DatabaseMoved
from ketamonitor.store.store import Store
from tests.charting import Charting


def systolics_in(path: Path) -> list[int]:
    """The systolic readings the file at `path` holds, read as the sqlite3 shell would."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT systolic FROM vitals ORDER BY id")]
    finally:
        connection.close()


def refused_as_moved(store: Store, charting: Charting, session_id: int) -> DatabaseMoved:
    with pytest.raises(DatabaseMoved) as refused:
        charting.bp(session_id, 131, 81)
    assert str(store.path) in refused.value.message
    assert "kept on screen" in refused.value.message
    return refused.value


def test_a_file_left_alone_is_written_and_checked_without_complaint(store, charting):
    session_id = charting.session()
    charting.bp(session_id, 128, 82)
    store.check_file()
    assert [entry.current.systolic for entry in store.chart(session_id).vitals] == [128]


def test_a_deleted_file_takes_no_more_entries_and_the_refused_one_is_not_in_it(
        store, charting, db_path):
    session_id = charting.session()
    charting.bp(session_id, 128, 82)
    db_path.unlink()
    refused_as_moved(store, charting, session_id)
    # rolled back: not even the deleted file (the store still reads it) holds the entry
    assert [entry.current.systolic for entry in store.chart(session_id).vitals] == [128]
    with pytest.raises(DatabaseMoved):
        store.check_file()


def test_a_file_replaced_by_a_copy_takes_no_more_entries(store, charting, db_path, tmp_path):
    session_id = charting.session()
    charting.bp(session_id, 128, 82)
    copy = tmp_path / "copy.db"
    shutil.copyfile(db_path, copy)
    copy.replace(db_path)  # another file now has the database's name
    refused_as_moved(store, charting, session_id)
    assert 131 not in systolics_in(db_path)


def test_a_file_moved_away_and_put_back_still_takes_nothing(store, charting, db_path,
                                                            tmp_path):
    """What was meant for the file while it was away went elsewhere or nowhere; its return
    does not make the store trustworthy again: the app is started again on it."""
    session_id = charting.session()
    away = tmp_path / "away.db"
    db_path.rename(away)
    refused_as_moved(store, charting, session_id)
    away.rename(db_path)
    refused_as_moved(store, charting, session_id)
    with pytest.raises(DatabaseMoved):
        store.check_file()


def test_a_file_replaced_during_the_commit_is_not_acknowledged(store, charting, db_path,
                                                               tmp_path):
    """The check after the commit: a save committed as the file was replaced is never
    reported saved, and nothing after it is taken."""
    session_id = charting.session()
    kept = tmp_path / "kept.db"
    shutil.copyfile(db_path, kept)

    def replace_at_commit(statement: str) -> None:
        if statement == "COMMIT":
            kept.replace(db_path)

    store._db.conn.set_trace_callback(replace_at_commit)  # the one way to time the swap
    try:
        refused_as_moved(store, charting, session_id)
    finally:
        store._db.conn.set_trace_callback(None)
    refused_as_moved(store, charting, session_id)


def test_the_rooms_tick_says_so_in_an_idle_room(store, charting, db_path):
    room = Room(store)
    charting.session()
    room.tick()
    db_path.unlink()
    with pytest.raises(DatabaseMoved):
        room.tick()
