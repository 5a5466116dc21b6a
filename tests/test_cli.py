"""The command line as a named account: `users`, and `verify` (which needs no login)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ketamonitor.cli import EXIT_PROBLEMS, NEW_PASSWORD_ENV, PASSWORD_ENV, main
from ketamonitor.core.clock import FakeClock
from ketamonitor.store.store import Store
from tests.people import ADMIN, FAST_HASHER, NURSE, PASSWORD, login_as

ADMIN_PASSWORD = "first-admin-password"


@pytest.fixture(autouse=True)
def _logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))


def _as(monkeypatch: pytest.MonkeyPatch, password: str, new_password: str | None = None
        ) -> None:
    monkeypatch.setenv(PASSWORD_ENV, password)
    if new_password is not None:
        monkeypatch.setenv(NEW_PASSWORD_ENV, new_password)


def test_the_first_administrator_is_added_without_a_login_and_then_logins_are_needed(
        tmp_path, monkeypatch, capsys):
    path = tmp_path / "new.db"
    _as(monkeypatch, ADMIN_PASSWORD, new_password=ADMIN_PASSWORD)
    assert main(["users", "add", "boss", "--name", "Bo Boss", "--role", "administrator",
                 "--new-clinic", "--db", str(path)]) == 0
    said = capsys.readouterr().out
    assert "first administrator" in said
    assert "the clinic's root key: SHA256:" in said  # to keep apart from the file
    # from now on, adding needs an administrator's login
    _as(monkeypatch, ADMIN_PASSWORD, new_password="a-nurse-password")
    assert main(["users", "add", "kim", "--name", "Kim Lee", "--role", "nurse",
                 "--db", str(path)]) == EXIT_PROBLEMS
    assert "--user" in capsys.readouterr().err
    assert main(["users", "add", "kim", "--name", "Kim Lee", "--role", "nurse",
                 "--db", str(path), "--user", "boss"]) == 0
    assert main(["users", "list", "--db", str(path), "--user", "boss"]) == 0
    listed = capsys.readouterr().out
    assert "boss\tBo Boss\tAdministrator\tactive" in listed
    assert "kim\tKim Lee\tNurse\tactive, first login due" in listed


def test_someone_whose_password_an_administrator_gave_is_sent_to_the_app_first(
        clinic, monkeypatch, capsys):
    _as(monkeypatch, PASSWORD, new_password="given-by-the-boss")
    assert main(["users", "add", "kim", "--name", "Kim Lee", "--role", "administrator",
                 "--db", str(clinic), "--user", ADMIN]) == 0
    assert "choose their own password at their first login" in capsys.readouterr().out
    _as(monkeypatch, "given-by-the-boss")
    export = ["export", "log", "--from", "2026-01-01", "--to", "2026-01-02", "--format", "csv",
              "--out", str(clinic.parent / "logs.csv"), "--db", str(clinic)]
    assert main([*export, "--user", "kim"]) == EXIT_PROBLEMS
    assert "log in to the app once to choose your own" in capsys.readouterr().err
    assert not (clinic.parent / "logs.csv").exists()
    _as(monkeypatch, PASSWORD)
    assert main([*export, "--user", ADMIN]) == 0  # the same export by one who chose theirs
    assert (clinic.parent / "logs.csv").exists()


def test_the_first_account_must_be_an_administrator(tmp_path, monkeypatch, capsys):
    _as(monkeypatch, ADMIN_PASSWORD, new_password=ADMIN_PASSWORD)
    assert main(["users", "add", "kim", "--name", "Kim", "--role", "nurse", "--new-clinic",
                 "--db", str(tmp_path / "new.db")]) == EXIT_PROBLEMS
    assert "first one must be an administrator" in capsys.readouterr().err


def test_a_nurse_cannot_manage_accounts_from_the_command_line(clinic, monkeypatch, capsys):
    _as(monkeypatch, PASSWORD, new_password="another-long-password")
    assert main(["users", "add", "mallory", "--name", "M", "--role", "administrator",
                 "--db", str(clinic), "--user", "nurse.ana"]) == EXIT_PROBLEMS
    assert "may not manage accounts" in capsys.readouterr().err
    assert main(["users", "list", "--db", str(clinic), "--user", "nurse.ana"]) == EXIT_PROBLEMS
    assert "may not manage accounts" in capsys.readouterr().err


def test_a_wrong_password_is_refused_and_changes_nothing(clinic, monkeypatch, capsys):
    _as(monkeypatch, "not-the-password")
    assert main(["users", "disable", "nurse.ana", "--reason", "left", "--db", str(clinic),
                 "--user", "admin"]) == EXIT_PROBLEMS
    assert "Wrong username or password" in capsys.readouterr().err
    # the next try is throttled (a second later it would be allowed)
    _as(monkeypatch, PASSWORD)
    assert main(["users", "list", "--db", str(clinic), "--user", "admin"]) == EXIT_PROBLEMS
    assert "Wait 1 s before trying again" in capsys.readouterr().err
    later = FakeClock(datetime.now(UTC) + timedelta(seconds=2))
    with Store.open(clinic, later, hasher=FAST_HASHER, create=True) as store:
        login_as(store, ADMIN)
        nurse = next(a for a in store.accounts() if a.username == NURSE)
        assert not nurse.disabled


def test_disable_needs_a_reason_and_the_account_can_no_longer_log_in_until_enabled(
        clinic, monkeypatch, capsys):
    _as(monkeypatch, PASSWORD)
    assert main(["users", "disable", "nurse.ana", "--reason", "  ", "--db", str(clinic),
                 "--user", "admin"]) == EXIT_PROBLEMS
    assert "reason" in capsys.readouterr().err
    assert main(["users", "disable", "nurse.ana", "--reason", "left the clinic",
                 "--db", str(clinic), "--user", "admin"]) == 0
    assert main(["users", "list", "--db", str(clinic), "--user", "nurse.ana"]) == EXIT_PROBLEMS
    assert "Wrong username or password" in capsys.readouterr().err

    assert main(["users", "enable", "nurse.ana", "--reason", "came back", "--db", str(clinic),
                 "--user", "admin"]) == 0
    assert capsys.readouterr().out == "enabled nurse.ana\n"
    later = FakeClock(datetime.now(UTC) + timedelta(seconds=2))  # past the failed try's wait
    with Store.open(clinic, later, hasher=FAST_HASHER, create=True) as store:
        assert store.login(NURSE, PASSWORD).username == NURSE


def test_verify_says_sound_and_exits_0_without_a_login(clinic, capsys):
    assert main(["verify", "--db", str(clinic)]) == 0
    assert "sound" in capsys.readouterr().out


def test_verify_reports_a_row_changed_behind_the_apps_back_and_exits_1(clinic, capsys):
    connection = sqlite3.connect(clinic)
    connection.execute("DROP TRIGGER user_changes_no_update")
    connection.execute("UPDATE user_changes SET value = 'administrator' WHERE field = 'roles' "
                       "AND value = 'nurse'")
    connection.commit()
    connection.close()
    assert main(["verify", "--db", str(clinic)]) == EXIT_PROBLEMS
    out = capsys.readouterr().out
    assert "problem" in out
    assert "user_changes" in out


def test_verify_refuses_a_file_that_is_not_a_database(tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["verify", "--db", str(junk)]) != 0
    assert str(junk) in capsys.readouterr().err
    assert main(["verify", "--db", str(tmp_path / "missing.db")]) != 0
    assert not (tmp_path / "missing.db").exists()


def test_an_administrator_backs_up_and_a_backup_is_restored_keeping_the_old_file(
        clinic, tmp_path, monkeypatch, capsys):
    _as(monkeypatch, PASSWORD)
    copy = tmp_path / "copy.db"
    assert main(["backup", "--out", str(copy), "--db", str(clinic), "--user", "nurse.ana"]) == (
        EXIT_PROBLEMS)
    assert "may not make or restore backups" in capsys.readouterr().err
    assert not copy.exists()
    assert main(["backup", "--out", str(copy), "--db", str(clinic), "--user", "admin"]) == 0
    assert main(["verify", "--db", str(copy)]) == 0
    assert main(["restore", "--backup", str(copy), "--db", str(clinic)]) == EXIT_PROBLEMS
    assert "--user" in capsys.readouterr().err  # restoring needs an administrator
    assert main(["restore", "--backup", str(copy), "--db", str(clinic),
                 "--user", "nurse.ana"]) == EXIT_PROBLEMS
    assert "may not make or restore backups" in capsys.readouterr().err
    _as(monkeypatch, "not-the-password")
    assert main(["restore", "--backup", str(copy), "--db", str(clinic),
                 "--user", "admin"]) == EXIT_PROBLEMS
    assert "Wrong username or password" in capsys.readouterr().err
    assert list(clinic.parent.glob("*.before-restore-*")) == []  # nothing was changed
    _as(monkeypatch, PASSWORD)
    assert main(["restore", "--backup", str(copy), "--db", str(clinic),
                 "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "admin restored" in out and "kept as" in out
    assert main(["verify", "--db", str(clinic)]) == 0


def test_a_backwards_log_range_names_the_command_lines_flags(clinic, monkeypatch, capsys):
    _as(monkeypatch, PASSWORD)
    out = clinic.parent / "logs.csv"
    assert main(["export", "log", "--from", "2026-01-31", "--to", "2026-01-01",
                 "--format", "csv", "--out", str(out), "--db", str(clinic),
                 "--user", ADMIN]) == EXIT_PROBLEMS
    assert "set --to on or after --from" in capsys.readouterr().err
    assert not out.exists()


def _log(clinic: Path, out: Path, *options: str, since: str = "2026-01-01",
         kind: str = "log") -> list[str]:
    return ["export", kind, "--from", since, "--to", "2026-01-31", "--format", "json",
            "--out", str(out), "--db", str(clinic), "--user", ADMIN, *options]


@pytest.mark.parametrize("kind", ["log", "audit"])
def test_a_date_shift_is_only_for_a_de_identified_log(clinic, monkeypatch, capsys, kind):
    _as(monkeypatch, PASSWORD)
    out = clinic.parent / "log.json"
    assert main(_log(clinic, out, "--date-shift", kind=kind)) == EXIT_PROBLEMS
    assert "--date-shift moves a de-identified log's dates: use it with --deidentify" in (
        capsys.readouterr().err)
    assert not out.exists()
    assert main(_log(clinic, out, "--deidentify", "--date-shift", kind=kind)) == 0
    header = json.loads(out.read_text(encoding="utf-8"))
    assert header["deidentified"] is True
    assert "moved by that patient's own stable number of days" in (
        header["deidentification"]["dates"])


@pytest.mark.parametrize("kind", ["log", "audit"])
def test_a_shifted_export_refuses_a_backwards_range_or_an_unwritable_path(
        clinic, monkeypatch, capsys, kind):
    _as(monkeypatch, PASSWORD)
    out = clinic.parent / "log.json"
    assert main(_log(clinic, out, "--deidentify", "--date-shift", since="2026-02-01",
                     kind=kind)) == EXIT_PROBLEMS
    assert "set --to on or after --from" in capsys.readouterr().err
    assert not out.exists()
    missing = clinic.parent / "unplugged" / "log.json"
    assert main(_log(clinic, missing, "--deidentify", "--date-shift", kind=kind)) == 4
    assert "does not exist" in capsys.readouterr().err
    assert not missing.parent.exists()
