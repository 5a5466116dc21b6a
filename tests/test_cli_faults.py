"""The command line never shows a traceback, whatever its arguments or environment hold:
bytes that are not UTF-8 (Python's surrogate escapes), a day at the calendar's end, a
session id beyond SQLite's integers, or a bug anywhere: one message, the log file named,
an exit status from the README's table (issue 20, item 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ketamonitor import cli
from ketamonitor.cli import NEW_PASSWORD_ENV, PASSWORD_ENV, ExitCode, main
from ketamonitor.store.store import Store
from tests.people import ADMIN, PASSWORD

NOT_UTF8 = os.fsdecode(b"caf\xe9-\xff")  # what Python makes of Latin-1 bytes in argv


@pytest.fixture(autouse=True)
def _job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return status, captured.err


def test_a_display_name_that_is_not_utf8(clinic: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv(NEW_PASSWORD_ENV, "a-long-password-1")
    status, err = run(["users", "add", "eve", "--name", NOT_UTF8, "--role", "nurse",
                       "--db", str(clinic), "--user", ADMIN], capsys)
    assert status == ExitCode.REFUSED
    assert "display_name" in err and "not text" in err


def test_a_username_that_is_not_utf8(clinic: Path, capsys) -> None:
    status, err = run(["users", "list", "--db", str(clinic), "--user", NOT_UTF8], capsys)
    assert status == ExitCode.REFUSED
    assert "Wrong username or password" in err


@pytest.mark.parametrize("variable", [PASSWORD_ENV, NEW_PASSWORD_ENV])
def test_a_password_variable_that_is_not_utf8(clinic: Path, capsys, monkeypatch,
                                              variable: str) -> None:
    monkeypatch.setenv(variable, NOT_UTF8)
    status, err = run(["users", "add", "eve", "--name", "Eve", "--role", "nurse",
                       "--db", str(clinic), "--user", ADMIN], capsys)
    assert status == ExitCode.REFUSED
    assert variable in err and "UTF-8" in err


def test_a_database_path_that_is_not_utf8(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KETAMONITOR_DB", str(tmp_path / NOT_UTF8))
    status, err = run(["users", "list", "--user", ADMIN], capsys)
    assert status == ExitCode.USAGE
    assert "UTF-8" in err


def test_the_last_day_of_the_calendar(clinic: Path, tmp_path: Path, capsys) -> None:
    status, err = run(["export", "log", "--from", "2026-01-01", "--to", "9999-12-31",
                       "--format", "csv", "--out", str(tmp_path / "log.csv"),
                       "--db", str(clinic), "--user", ADMIN], capsys)
    assert status == ExitCode.REFUSED
    assert "9999-12-31" in err


def test_a_session_id_beyond_sqlites_integers(clinic: Path, tmp_path: Path, capsys) -> None:
    status, err = run(["export", "summary", str(10**20), "--format", "json",
                       "--out", str(tmp_path / "s.json"), "--db", str(clinic),
                       "--user", ADMIN], capsys)
    assert status == ExitCode.REFUSED
    assert f"no session {10**20}" in err


def test_any_unexpected_error_is_one_line_naming_the_log(clinic: Path, tmp_path: Path,
                                                         capsys, monkeypatch) -> None:
    def broken(store: Store, args: object) -> None:
        raise KeyError("prev_hash")

    monkeypatch.setitem(cli._USER_ACTIONS, "list", broken)
    status, err = run(["users", "list", "--db", str(clinic), "--user", ADMIN], capsys)
    assert status == ExitCode.REFUSED
    assert len(err.strip().splitlines()) == 1
    assert "KeyError" in err and str(tmp_path / "logs" / "ketamonitor.log") in err
    log = (tmp_path / "logs" / "ketamonitor.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "prev_hash" in log  # the details kept for the developer
