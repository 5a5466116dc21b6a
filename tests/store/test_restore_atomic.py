"""A restore swaps the files with one atomic rename, the current database kept by a second
name first, so a restore killed at any step leaves a sound database at the path (one used
to be left with none); and it is an administrator's act, checked against the backup's
accounts: without one it changes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.permissions import NotLoggedIn, PermissionDenied
from ketamonitor.store import backup as backups
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.backup import RestoreRefused, restore_backup
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import ADMIN, FAST_HASHER, NURSE, PASSWORD, TEMPORARY, login_as
from tests.store.test_connection import files_beside

AS_ADMIN: dict[str, Any] = {"administrator": ADMIN, "password": PASSWORD,
                            "hasher": FAST_HASHER}


class Killed(BaseException):
    """The process killed at this point (a power cut): no handler of the restore runs."""


def mrns(path: Path) -> list[str]:
    """The patients of the database at `path`, with any -wal beside it, read as the next
    start would (a read-write open recovers the log; the test's own copy)."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row[0] for row in connection.execute("SELECT mrn FROM patients ORDER BY id")]
    finally:
        connection.close()


def record_files(database: Path) -> dict[str, tuple[bytes, int]]:
    return {name: found for name, found in files_beside(database).items()
            if not name.endswith(".lock")}


@pytest.fixture
def crashed(store: Store, charting: Charting, tmp_path: Path) -> tuple[Path, Path]:
    """A backup holding one patient; then the workstation killed mid-day, with a second
    patient only in the -wal beside the database: (backup, database)."""
    charting.patient("MRN-BEFORE")
    login_as(store, ADMIN)
    backup = store.backup(tmp_path / "backup.db").path
    login_as(store, NURSE)
    charting.patient("MRN-IN-THE-WAL")
    folder = tmp_path / "workstation"
    folder.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{store.path}{suffix}", folder / f"ketamonitor.db{suffix}")
    return backup, folder / "ketamonitor.db"


def killing_at(step: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Kill the restore at its `step`-th change to the folder (a hard link or a rename),
    just before it is made; the steps seen, by name."""
    seen: list[str] = []
    for name in ("hardlink_to", "replace"):
        real: Callable[..., Any] = getattr(Path, name)

        def step_or_kill(path: Path, other: Path, *, _real: Callable[..., Any] = real,
                         _name: str = name) -> Any:
            if len(seen) == step:
                raise Killed
            seen.append(f"{_name} {path.name} -> {Path(other).name}")
            return _real(path, other)

        monkeypatch.setattr(Path, name, step_or_kill)
    return seen


@pytest.mark.parametrize("step", [0, 1, 2])
def test_a_restore_killed_at_any_step_leaves_a_sound_database_at_the_path(
        crashed, clock, monkeypatch, step):
    backup, database = crashed
    seen = killing_at(step, monkeypatch)
    try:
        result = restore_backup(backup, database, clock=clock, **AS_ADMIN)
    except Killed:
        result = None
    monkeypatch.undo()
    assert len(seen) == step, seen  # the current file kept by a link, then the swap
    restored = step == 2
    assert (result is not None) == restored
    assert mrns(database) == (["MRN-BEFORE"] if restored else ["MRN-BEFORE", "MRN-IN-THE-WAL"])
    assert not database.with_name("ketamonitor.db-wal").exists() or not restored
    kept = database.with_name("ketamonitor.db.before-restore-20261123-073000")
    if step > 0:  # the whole record as it was is kept beside it, needing no log
        assert not kept.with_name(kept.name + "-wal").exists()
        assert mrns(kept) == ["MRN-BEFORE", "MRN-IN-THE-WAL"]


def test_a_swap_that_fails_leaves_the_database_as_it_was(crashed, clock, monkeypatch):
    backup, database = crashed
    real = Path.replace

    def full_at_the_swap(path: Path, other: Path) -> Path:
        if path.suffix == ".restoring":
            raise OSError(28, "No space left on device")
        return real(path, other)

    monkeypatch.setattr(Path, "replace", full_at_the_swap)
    with pytest.raises(RestoreRefused, match="Nothing was changed"):
        restore_backup(backup, database, clock=clock, **AS_ADMIN)
    monkeypatch.undo()
    assert mrns(database) == ["MRN-BEFORE", "MRN-IN-THE-WAL"]  # its log folded in, or not
    assert not list(database.parent.glob("*before-restore*"))
    assert not list(database.parent.glob(".*.restoring"))


@pytest.mark.parametrize("who, password, refusal", [
    (NURSE, PASSWORD, PermissionDenied),
    (ADMIN, "not-the-password", LoginRefused),
    ("nobody", PASSWORD, LoginRefused),
], ids=["a-nurse", "a-wrong-password", "no-such-account"])
def test_a_restore_without_an_administrator_changes_nothing(crashed, clock, who, password,
                                                            refusal):
    backup, database = crashed
    before = record_files(database)
    with pytest.raises(refusal):
        restore_backup(backup, database, clock=clock, administrator=who, password=password,
                       hasher=FAST_HASHER)
    assert record_files(database) == before


def test_the_login_is_the_backups_an_administrator_added_since_may_not(
        store, charting, tmp_path, clock):
    login_as(store, ADMIN)
    backup = store.backup(tmp_path / "backup.db").path
    store.add_account("new.admin", "Nia Admin", frozenset({Role.ADMINISTRATOR}), TEMPORARY)
    store.logout()
    store.login("new.admin", TEMPORARY)
    store.set_password("new.admin", PASSWORD)
    store.close()
    before = record_files(store.path)
    with pytest.raises(LoginRefused):
        restore_backup(backup, store.path, clock=clock, administrator="new.admin",
                       password=PASSWORD, hasher=FAST_HASHER)
    assert record_files(store.path) == before
    assert restore_backup(backup, store.path, clock=clock, **AS_ADMIN).restored_by == ADMIN


def test_an_administrator_who_has_not_chosen_a_password_may_not(store, tmp_path, clock):
    login_as(store, ADMIN)
    store.add_account("given.admin", "Gil Admin", frozenset({Role.ADMINISTRATOR}), TEMPORARY)
    backup = store.backup(tmp_path / "backup.db").path
    store.close()
    with pytest.raises(NotLoggedIn, match="choose their own password"):
        restore_backup(backup, store.path, clock=clock, administrator="given.admin",
                       password=TEMPORARY, hasher=FAST_HASHER)


def test_a_backup_with_no_accounts_asks_the_current_databases_administrator(
        store, tmp_path, clock):
    empty = tmp_path / "before-accounts.db"
    Store.open(empty, clock, hasher=FAST_HASHER, create=True).close()  # no accounts yet
    store.close()
    with pytest.raises(LoginRefused):
        restore_backup(empty, store.path, clock=clock, administrator=ADMIN,
                       password="not-the-password", hasher=FAST_HASHER)
    clock.advance(minutes=1)  # counted in the current file: its throttle waits
    assert restore_backup(empty, store.path, clock=clock, **AS_ADMIN).restored_by == ADMIN


def test_a_log_that_cannot_be_folded_in_goes_with_the_kept_file_or_back(crashed, clock,
                                                                       monkeypatch):
    """A damaged file's -wal cannot be checkpointed: it is set aside with the kept file
    just before the swap, and put back if the swap fails."""
    backup, database = crashed
    monkeypatch.setattr(backups, "_fold_log_in", lambda target: None)
    before = record_files(database)
    real = Path.replace

    def full_at_the_swap(path: Path, other: Path) -> Path:
        if path.suffix == ".restoring":
            raise OSError(28, "No space left on device")
        return real(path, other)

    with monkeypatch.context() as swap:
        swap.setattr(Path, "replace", full_at_the_swap)
        with pytest.raises(RestoreRefused, match="Nothing was changed"):
            restore_backup(backup, database, clock=clock, **AS_ADMIN)
    assert record_files(database) == before

    result = restore_backup(backup, database, clock=clock, **AS_ADMIN)
    assert result.kept is not None
    assert mrns(result.kept) == ["MRN-BEFORE", "MRN-IN-THE-WAL"]  # with its log beside it
    assert mrns(database) == ["MRN-BEFORE"]
