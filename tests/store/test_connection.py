"""Opening the database: the durability pragmas on a fresh file, the record kept on reopening,
and a clear refusal (writing nothing) for a file in use, read-only, damaged or foreign.

The file builders here (`ketamonitor_database`, `damaged_database`, ...) also serve the
end-to-end refusal tests, which hand the same files to the real command.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.times import truncate_to_millis
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.errors import (
    DatabaseCorrupt,
    DatabaseFromNewerVersion,
    DatabaseInUse,
    DatabaseReadOnly,
    NotAKetamonitorDatabase,
    StoreError,
)
from ketamonitor.store.schema import migrations
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.conftest import START
from tests.people import FAST_HASHER, NURSE, add_people, login_as

# -- files to open ----------------------------------------------------------------------


def ketamonitor_database(path: Path, vitals: int = 3) -> Path:
    """A closed ketamonitor database at `path` with one running session and `vitals` sets,
    made in a folder of its own so that nothing (no lock file, no -wal) lies beside it."""
    making = path.parent / f".making-{path.name}"
    making.mkdir(parents=True)
    clock = FakeClock(START)
    with Store.open(making / path.name, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        charting = Charting(store, clock)
        session_id = charting.started()
        with store.batch():
            for n in range(vitals):
                clock.advance(seconds=20)
                store.record_vitals(session_id, Vitals(
                    observed_at=clock.now(), systolic=120 + n % 30, diastolic=70 + n % 20,
                    heart_rate=70 + n % 15, spo2=97, respiratory_rate=14))
    shutil.copyfile(making / path.name, path)
    shutil.rmtree(making)
    return path


def quick_check_fails(path: Path) -> bool:
    """Whether SQLite itself finds `path` damaged (checked on a copy, leaving no trace)."""
    copy = path.parent / f".checking-{path.name}"
    shutil.copyfile(path, copy)
    try:
        connection = sqlite3.connect(copy)
        try:
            return connection.execute("PRAGMA quick_check").fetchall() != [("ok",)]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return True
    finally:
        for leftover in copy.parent.glob(f"{copy.name}*"):
            leftover.unlink()


def damaged_database(path: Path) -> Path:
    """A real ketamonitor database with its pages from the third on overwritten by garbage;
    page 1 (the header, the schema) and page 2 are intact, so it still looks like one."""
    ketamonitor_database(path, vitals=300)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    assert pages > 10, f"the fixture is too small to damage its middle: {pages} pages"
    garbage = random.Random(3).randbytes(len(data) - 2 * page_size)
    data[2 * page_size:] = garbage
    path.write_bytes(bytes(data))
    assert quick_check_fails(path), "the damaged fixture still passes quick_check"
    return path


def random_bytes_file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(7).randbytes(16_384))
    return path


def foreign_database(path: Path) -> Path:
    """An empty SQLite database of another program: one table, `foo`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE foo (id INTEGER PRIMARY KEY, name TEXT)")
    connection.commit()
    connection.close()
    return path


def read_only_database(path: Path) -> Path:
    ketamonitor_database(path)
    path.chmod(0o444)
    return path


def files_beside(path: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in the database's folder: its bytes and modification time."""
    return {entry.name: (entry.read_bytes(), entry.stat().st_mtime_ns)
            for entry in sorted(path.parent.iterdir()) if entry.is_file()}


# -- a good file -------------------------------------------------------------------------


def test_a_fresh_file_gets_the_durability_pragmas(store: Store) -> None:
    found = store.pragmas()
    assert found["journal_mode"] == "wal"
    assert found["synchronous"] == 2  # FULL
    assert found["foreign_keys"] == 1
    assert isinstance(found["busy_timeout"], int)
    assert found["busy_timeout"] >= 5000
    assert store.integrity_check() == ["ok"]


def test_reopening_keeps_the_record_and_the_pragmas(db_path: Path, clock: FakeClock) -> None:
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        charting = Charting(store, clock)
        session_id = charting.started()
        clock.advance(minutes=5)
        vitals_id = charting.bp(session_id, 131, 83)
        before = store.chart(session_id)
    dose_started = before.timeline.dose_started_at
    assert dose_started is not None

    clock.advance(minutes=7)
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        login_as(store, NURSE)
        after = store.chart(session_id)
        assert after == before
        assert store.vitals_entry(session_id, vitals_id).current.systolic == 131
        assert after.timeline.dose_started_at == truncate_to_millis(dose_started)
        assert [s.session_id for s in store.unfinished_sessions()] == [session_id]
        found = store.pragmas()
        assert (found["journal_mode"], found["synchronous"], found["foreign_keys"]) == (
            "wal", 2, 1)


def test_a_file_left_by_a_kill_between_the_migrations_table_and_the_schema_opens(
        db_path: Path, clock: FakeClock) -> None:
    """A first start killed after sqlite-utils made its `_sqlite_migrations` table but before
    the first migration committed: nothing was charted, so the file must open as new."""
    db = Database(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    migrations.ensure_migrations_table(db)
    db.close()

    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as store:
        assert store.integrity_check() == ["ok"]
        add_people(store)
        Charting(store, clock).started()


# -- refusals ----------------------------------------------------------------------------


def test_a_second_open_of_a_held_file_is_refused_even_in_the_same_process(
        store: Store, db_path: Path, clock: FakeClock) -> None:
    for _ in range(2):  # a refused attempt must not release the holder's lock
        with pytest.raises(DatabaseInUse) as refused:
            Store.open(db_path, clock, hasher=FAST_HASHER, create=True)
        assert str(db_path) in refused.value.message
        assert "already open" in refused.value.message
    Charting(store, clock).started()  # the holder charts on, unharmed

    store.close()
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as reopened:
        login_as(reopened, NURSE)
        assert len(reopened.unfinished_sessions()) == 1


def test_a_read_only_file_is_refused_and_nothing_is_written_beside_it(
        tmp_path: Path, clock: FakeClock) -> None:
    path = read_only_database(tmp_path / "archived.db")
    before = files_beside(path)
    with pytest.raises(DatabaseReadOnly) as refused:
        Store.open(path, clock, hasher=FAST_HASHER, create=True)
    assert str(path) in refused.value.message
    assert "read-only" in refused.value.message
    assert files_beside(path) == before  # no lock file, no -wal, no -shm


@pytest.mark.parametrize(("make", "refusal", "words"), [
    (damaged_database, DatabaseCorrupt, "damaged"),
    (random_bytes_file, NotAKetamonitorDatabase, "not a SQLite file"),
    (foreign_database, NotAKetamonitorDatabase, "not a ketamonitor database"),
], ids=["damaged", "random-bytes", "foreign"])
def test_a_file_that_is_not_a_sound_record_is_refused_untouched(
        tmp_path: Path, clock: FakeClock, make, refusal: type[StoreError], words: str) -> None:
    path = make(tmp_path / "record.db")
    before = files_beside(path)
    with pytest.raises(refusal) as refused:
        Store.open(path, clock, hasher=FAST_HASHER, create=True)
    assert str(path) in refused.value.message
    assert words in refused.value.message
    assert files_beside(path) == before  # the file untouched; no lock, -wal or -shm left
    # and the lock was let go: a second try is refused for the same reason, not as "in use"
    with pytest.raises(refusal):
        Store.open(path, clock, hasher=FAST_HASHER, create=True)


def test_a_file_from_a_newer_ketamonitor_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    path = ketamonitor_database(tmp_path / "record.db")
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                       "VALUES ('ketamonitor', '9999_from_the_future', '2030-01-01')")
    connection.commit()
    connection.close()
    content = path.read_bytes()
    with pytest.raises(DatabaseFromNewerVersion) as refused:
        Store.open(path, clock, hasher=FAST_HASHER, create=True)
    assert str(path) in refused.value.message
    assert path.read_bytes() == content


def test_a_folder_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    with pytest.raises(NotAKetamonitorDatabase):
        Store.open(tmp_path, clock, hasher=FAST_HASHER, create=True)
    assert not (tmp_path.parent / f"{tmp_path.name}.lock").exists()


def test_the_files_used_here_are_what_they_claim(tmp_path: Path) -> None:
    """The fixtures must be able to make the refusals fail: a sound file opens."""
    path = ketamonitor_database(tmp_path / "record.db", vitals=300)
    assert not quick_check_fails(path)
    assert [entry.name for entry in tmp_path.iterdir()] == ["record.db"]
    with Store.open(path, FakeClock(START + timedelta(hours=2)), hasher=FAST_HASHER) as store:
        login_as(store, NURSE)
        assert len(store.chart(1).vitals) == 301  # the baseline and the 300


def test_a_new_database_in_a_folder_not_made_yet_is_created(tmp_path: Path,
                                                             clock: FakeClock) -> None:
    path = tmp_path / "fresh" / "workstation" / "ketamonitor.db"  # the default, first start
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        assert store.integrity_check() == ["ok"]
    assert path.exists()
