"""One table of exit statuses for every command: each kind of failure pinned to its code, and
the README's table the same as the code's."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from ketamonitor.cli import EXIT_MEANINGS, PASSWORD_ENV, ExitCode, main
from ketamonitor.store.lock import InstanceLock
from tests.people import ADMIN, NURSE, PASSWORD

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(autouse=True)
def _job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a scheduled job: logs in the test's folder, the password from the environment."""
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


def _log_export(clinic: Path, out: Path, *, since: str = "2020-01-01",
                user: str = ADMIN) -> list[str]:
    return ["export", "log", "--from", since, "--to", "2030-12-31", "--format", "csv",
            "--out", str(out), "--db", str(clinic), "--user", user]


def test_success_is_0(clinic, tmp_path):
    assert main(_log_export(clinic, tmp_path / "log.csv")) == ExitCode.OK == 0
    assert main(["backup", "--out", str(tmp_path / "copy.db"), "--db", str(clinic),
                 "--user", ADMIN]) == ExitCode.OK


@pytest.mark.parametrize("args", [
    lambda clinic, tmp: _log_export(clinic, tmp / "log.csv", user=NURSE),  # a role that may not
    lambda clinic, tmp: _log_export(clinic, tmp / "log.csv", since="2031-01-01"),  # backwards
    lambda clinic, tmp: ["export", "summary", "999", "--format", "json", "--out",
                         str(tmp / "s.json"), "--db", str(clinic), "--user", ADMIN],  # unknown
    lambda clinic, tmp: ["backup", "--out", str(tmp / "copy.db"), "--db", str(clinic)],  # no --user
    lambda clinic, tmp: ["users", "disable", NURSE, "--reason", "", "--db", str(clinic),
                         "--user", ADMIN],  # no reason
], ids=["role", "backwards-range", "unknown-session", "no-login", "no-reason"])
def test_a_refusal_is_1(clinic, tmp_path, args, capsys):
    assert main(args(clinic, tmp_path)) == ExitCode.REFUSED == 1
    assert capsys.readouterr().err


def test_verify_finding_a_problem_is_1(clinic):
    connection = sqlite3.connect(clinic)
    connection.execute("DROP TRIGGER user_changes_no_update")
    connection.execute("UPDATE user_changes SET value = 'administrator' WHERE field = 'roles' "
                       "AND value = 'nurse'")
    connection.commit()
    connection.close()
    assert main(["verify", "--db", str(clinic)]) == ExitCode.REFUSED


def test_a_wrong_command_line_is_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:  # argparse's own status
        main(["export", "log", "--format", "xml"])
    assert stopped.value.code == ExitCode.USAGE == 2
    assert main(["demo", "--db", str(tmp_path / "demo.db"), "--days", "0"]) == ExitCode.USAGE
    assert main(["verify", "--db", str(tmp_path / "missing.db")]) == ExitCode.USAGE


def test_a_database_that_cannot_be_used_is_3(clinic, tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(_log_export(junk, tmp_path / "log.csv")) == ExitCode.DATABASE == 3
    assert main(["backup", "--out", str(tmp_path / "copy.db"), "--db", str(junk),
                 "--user", ADMIN]) == ExitCode.DATABASE
    assert main(["verify", "--db", str(junk)]) == ExitCode.DATABASE
    with InstanceLock(clinic):  # the app has the file open: a second writer is refused
        assert main(["users", "unlock", NURSE, "--db", str(clinic),
                     "--user", ADMIN]) == ExitCode.DATABASE
        assert main(["restore", "--backup", str(junk), "--db", str(clinic),
                     "--user", ADMIN]) == ExitCode.DATABASE
    assert str(clinic) in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_4_for_an_export_and_a_backup_alike(
        clinic, tmp_path, capsys):
    missing = tmp_path / "unplugged-drive" / "folder"
    assert main(_log_export(clinic, missing / "log.csv")) == ExitCode.OUTPUT == 4
    assert main(["backup", "--out", str(missing / "copy.db"), "--db", str(clinic),
                 "--user", ADMIN]) == ExitCode.OUTPUT
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "taken.db").write_bytes(b"someone's file")
    assert main(["backup", "--out", str(tmp_path / "taken.db"), "--db", str(clinic),
                 "--user", ADMIN]) == ExitCode.OUTPUT


def test_the_readme_table_is_the_codes_table():
    text = README.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", text, flags=re.MULTILINE))
    assert {int(status): meaning for status, meaning in rows.items()} == {
        int(code): EXIT_MEANINGS[code] for code in ExitCode}
