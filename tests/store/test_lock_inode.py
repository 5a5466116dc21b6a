"""The single-instance lock holds on the database file itself, whatever path reaches it: a
hard link, a symbolic link or a path through `..` cannot open a file already open (two
instances on one file corrupted it), and the lock is free again once the first closes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.store.errors import DatabaseInUse
from ketamonitor.store.lock import InstanceLock, file_lock_path
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import FAST_HASHER, NURSE, add_people, login_as


def other_paths(db_path: Path) -> dict[str, Path]:
    """Three other names of the file at `db_path`, each in a folder of its own."""
    elsewhere = db_path.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "sub").mkdir()
    os.link(db_path, elsewhere / "hard-link.db")
    (elsewhere / "symbolic-link.db").symlink_to(db_path)
    return {"hard link": elsewhere / "hard-link.db",
            "symbolic link": elsewhere / "symbolic-link.db",
            "dot-dot": elsewhere / "sub" / ".." / ".." / db_path.name}


@pytest.mark.parametrize("kind", ["hard link", "symbolic link", "dot-dot"])
def test_another_path_to_an_open_file_is_refused_as_in_use(
        store: Store, db_path: Path, clock: FakeClock, kind: str) -> None:
    other = other_paths(db_path)[kind]
    with pytest.raises(DatabaseInUse) as refused:
        Store.open(other, clock, hasher=FAST_HASHER, create=True)
    assert "already open" in refused.value.message
    assert f"pid {os.getpid()} on " in refused.value.message
    login_as(store, NURSE)
    Charting(store, clock).started()  # the holder charts on, unharmed

    store.close()
    with Store.open(other, clock, hasher=FAST_HASHER, create=True) as reopened:  # free once closed
        login_as(reopened, NURSE)
        assert len(reopened.unfinished_sessions()) == 1


def test_a_hard_link_is_refused_to_another_process(store: Store, db_path: Path) -> None:
    link = other_paths(db_path)["hard link"]
    script = ("import sys\n"
              "from ketamonitor.core.clock import SystemClock\n"
              "from ketamonitor.store.errors import DatabaseInUse\n"
              "from ketamonitor.store.store import Store\n"
              "try:\n"
              "    Store.open(sys.argv[1], SystemClock(), create=True).close()\n"
              "except DatabaseInUse as refused:\n"
              "    print(refused.problem)\n"
              "    sys.exit(3)\n")
    ran = subprocess.run([sys.executable, "-c", script, str(link)], capture_output=True,
                         text=True, timeout=60, check=False)
    assert ran.returncode == 3, ran.stderr
    assert "already open in another ketamonitor" in ran.stdout


def test_the_lock_on_a_new_file_is_taken_once_it_is_made(db_path: Path,
                                                         clock: FakeClock) -> None:
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as made:
        add_people(made)
        os.link(db_path, db_path.with_name("linked.db"))
        with pytest.raises(DatabaseInUse):
            Store.open(db_path.with_name("linked.db"), clock, hasher=FAST_HASHER, create=True)


def test_the_lock_file_by_inode_goes_with_the_lock(db_path: Path, clock: FakeClock) -> None:
    Store.open(db_path, clock, hasher=FAST_HASHER, create=True).close()
    lock = InstanceLock(db_path)
    lock.acquire()
    held = file_lock_path(db_path)
    assert held.exists()
    lock.release()
    assert not held.exists()  # nothing left in the shared folder
    lock.acquire()  # and free to take again
    lock.release()
