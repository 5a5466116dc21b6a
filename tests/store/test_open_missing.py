"""A path with no database file: a command never makes one (a mistyped `--db` used to start
an empty record and answer "wrong username or password"); only the first start of a new
clinic does; and a database moved or deleted is never replaced by an empty one where what
it left behind shows it was there, even at the first-run place."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketamonitor.cli import EXIT_DATABASE, NEW_PASSWORD_ENV, PASSWORD_ENV, main
from ketamonitor.core.clock import FakeClock
from ketamonitor.store.errors import DatabaseMissing
from ketamonitor.store.store import Store
from tests.people import ADMIN, FAST_HASHER, PASSWORD, add_people


@pytest.fixture(autouse=True)
def _logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))


def files_in(folder: Path) -> list[str]:
    return sorted(str(entry.relative_to(folder)) for entry in folder.rglob("*")
                  if "logs" not in entry.parts)


def test_opening_a_missing_file_makes_nothing_unless_asked(tmp_path: Path,
                                                           clock: FakeClock) -> None:
    mistyped = tmp_path / "clinc" / "ketamonitor.db"
    for opening in (lambda: Store.open(mistyped, clock, hasher=FAST_HASHER),
                    lambda: Store.open_beside_app(mistyped, clock, hasher=FAST_HASHER)):
        with pytest.raises(DatabaseMissing) as refused:
            opening()
        assert str(mistyped) in refused.value.message
        assert "There is no database file here" in refused.value.message
        assert "--new-clinic" in refused.value.message
    assert files_in(tmp_path) == []  # not even the folder

    with Store.open(mistyped, clock, hasher=FAST_HASHER, create=True) as made:
        assert made.integrity_check() == ["ok"]


@pytest.mark.parametrize("command", [
    ["users", "list", "--user", ADMIN],
    ["users", "add", "boss", "--name", "Bo Boss", "--role", "administrator"],
    ["backup", "--out", "copy.db", "--user", ADMIN],
    ["export", "log", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv",
     "--out", "log.csv", "--user", ADMIN],
    [],  # the window, given --db
], ids=["users-list", "users-add", "backup", "export", "window"])
def test_a_command_given_a_missing_db_refuses_and_makes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(NEW_PASSWORD_ENV, "first-admin-password")
    monkeypatch.chdir(tmp_path)
    mistyped = tmp_path / "ketamonitr.db"
    assert main([*command, "--db", str(mistyped)]) == EXIT_DATABASE
    err = capsys.readouterr().err
    assert "No database here" in err
    assert str(mistyped) in err
    assert "Traceback" not in err
    assert files_in(tmp_path) == []


def test_a_new_clinic_is_made_only_when_asked(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NEW_PASSWORD_ENV, "first-admin-password")
    path = tmp_path / "clinic.db"
    assert main(["users", "add", "boss", "--name", "Bo Boss", "--role", "administrator",
                 "--new-clinic", "--db", str(path)]) == 0
    assert path.is_file()


def used_then_deleted(path: Path, clock: FakeClock, leave: str) -> Path:
    """A clinic's file that was used (lock file beside it, backups made), then deleted
    leaving `leave` behind: "-wal", ".lock", "backups" or "before-restore"."""
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
    folder = path.parent
    if leave == "-wal":
        path.with_name(path.name + "-wal").write_bytes(b"frames of the last entries")
    if leave == "backups":
        (folder / "backups").mkdir(exist_ok=True)  # the anchor log may be there already
        (folder / "backups" / "ketamonitor-20261122-190000.db").write_bytes(b"a backup")
    if leave == "before-restore":
        (folder / f"{path.name}.before-restore-20261120-080000").write_bytes(b"kept")
    if leave != ".lock":
        path.with_name(path.name + ".lock").unlink()
    path.unlink()
    return path


@pytest.mark.parametrize("leave", ["-wal", ".lock", "backups", "before-restore"])
def test_a_database_moved_or_deleted_is_never_replaced_by_an_empty_one(
        tmp_path: Path, clock: FakeClock, leave: str) -> None:
    path = used_then_deleted(tmp_path / "ketamonitor.db", clock, leave)
    before = files_in(tmp_path)
    with pytest.raises(DatabaseMissing) as refused:
        Store.open(path, clock, hasher=FAST_HASHER, create=True)  # even a first run
    message = refused.value.message
    assert "moved or deleted" in message
    assert "ketamonitor restore" in message
    assert "Do not start a new clinic here" in message
    assert files_in(tmp_path) == before


def test_the_first_run_at_the_default_place_refuses_beside_what_a_database_left(
        tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = used_then_deleted(tmp_path / "ketamonitor.db", clock, ".lock")
    monkeypatch.setenv("KETAMONITOR_DB", str(path))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr("ketamonitor.ui.app.show_startup_error", lambda error: None)
    assert main([]) == EXIT_DATABASE
    assert "moved or deleted" in capsys.readouterr().err
    assert not path.exists()


def test_an_empty_file_is_no_database_for_a_command(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A 0-byte file (a database truncated, a stray `> ketamonitor.db`) used to be made a
    new, empty record by any command that opened it."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    emptied = tmp_path / "ketamonitor.db"
    emptied.touch()
    assert main(["users", "list", "--user", ADMIN, "--db", str(emptied)]) == EXIT_DATABASE
    err = capsys.readouterr().err
    assert "empty (0 bytes)" in err and str(emptied) in err and "--new-clinic" in err
    assert emptied.stat().st_size == 0
    assert files_in(tmp_path) == ["ketamonitor.db"]


def test_an_empty_file_is_made_a_database_only_by_a_first_run(tmp_path: Path,
                                                              clock: FakeClock) -> None:
    """A first start killed before its first write leaves an empty file and its lock file:
    the next first start goes on, as with no file."""
    path = tmp_path / "ketamonitor.db"
    path.touch()
    path.with_name(path.name + ".lock").write_text("pid 1 on ws since then\n")
    with pytest.raises(DatabaseMissing, match="empty"):
        Store.open(path, clock, hasher=FAST_HASHER)
    with pytest.raises(DatabaseMissing, match="empty"):
        Store.open_beside_app(path, clock, hasher=FAST_HASHER)
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as made:
        assert made.integrity_check() == ["ok"]
        assert made.record_counts().accounts == 0


@pytest.mark.parametrize("leave", ["-wal", "backups", "before-restore"])
def test_an_emptied_database_is_never_made_a_new_one(tmp_path: Path, clock: FakeClock,
                                                     leave: str) -> None:
    path = used_then_deleted(tmp_path / "ketamonitor.db", clock, leave)
    path.touch()  # emptied, not deleted
    before = files_in(tmp_path)
    with pytest.raises(DatabaseMissing) as refused:
        Store.open(path, clock, hasher=FAST_HASHER, create=True)  # even a first run
    assert "empty (0 bytes)" in refused.value.message
    assert "Do not start a new clinic here" in refused.value.message
    assert files_in(tmp_path) == before and path.stat().st_size == 0
