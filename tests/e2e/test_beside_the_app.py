"""The administrator's nightly jobs on a workstation whose app stays open: `verify`, the
exports and `backup` run beside a live writer (a real second process charting vitals as fast
as the store allows, holding the app's lock) and exit 0, audited; a second writer is still
refused, naming the file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ketamonitor.cli import PASSWORD_ENV, ExitCode
from ketamonitor.store.lock import lock_path_for
from tests.e2e.writer import Child
from tests.people import ADMIN, NURSE, PASSWORD

pytestmark = pytest.mark.e2e


def run_command(db_path: Path, log_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`ketamonitor ARGS --db DB` as a scheduled job runs it: the password from the
    environment, no terminal."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KETAMONITOR_LOG_DIR": str(log_dir),
           PASSWORD_ENV: PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "ketamonitor", *args, "--db", str(db_path)],
        env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        check=False)


@pytest.fixture
def charting_app(tmp_path: Path) -> Iterator[tuple[Path, Child]]:
    """A database with a nurse charting into it from another process, which holds the
    app's instance lock all along."""
    db_path = tmp_path / "room" / "ketamonitor.db"
    db_path.parent.mkdir()
    with Child.writer(db_path, log_dir=tmp_path / "logs") as app:
        assert app.line() == "opening", app.stderr()
        started = app.line(timeout=30)
        assert started is not None and started.startswith("started "), app.stderr()
        assert (app.line() or "").startswith("saved "), app.stderr()
        yield db_path, app
        assert app.process.poll() is None, f"the app stopped: {app.stderr()}"


def still_charting(app: Child) -> None:
    """The app went on saving entries, and is still running."""
    assert (app.line() or "").startswith("saved "), app.stderr()
    assert app.process.poll() is None, app.stderr()


def audit_actions(db_path: Path) -> list[str]:
    connection = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT action FROM audit ORDER BY id")]
    finally:
        connection.close()


def test_nightly_verify_exports_and_backup_run_beside_the_charting_app(
        charting_app, tmp_path):
    db_path, app = charting_app
    logs, out = tmp_path / "logs", tmp_path / "nightly"
    out.mkdir()

    verified = run_command(db_path, logs, "verify")
    assert verified.returncode == ExitCode.OK, verified.stdout + verified.stderr
    assert "sound" in verified.stdout
    still_charting(app)

    for what in ("log", "audit"):
        exported = run_command(db_path, logs, "export", what, "--from", "2020-01-01",
                               "--to", "2099-12-31", "--format", "csv",
                               "--out", str(out / f"{what}.csv"), "--user", ADMIN)
        assert exported.returncode == ExitCode.OK, exported.stderr
        assert (out / f"{what}.csv").is_file()
        still_charting(app)

    backed_up = run_command(db_path, logs, "backup", "--out", str(out / "backup.db"),
                            "--user", ADMIN)
    assert backed_up.returncode == ExitCode.OK, backed_up.stderr
    still_charting(app)

    listed = run_command(db_path, logs, "users", "list", "--user", ADMIN)
    assert listed.returncode == ExitCode.OK, listed.stderr
    assert NURSE in listed.stdout

    # each job audited in the live record, beside the app's own entries
    actions = audit_actions(db_path)
    assert {"exports.session_log", "exports.audit_log", "backups.create"} <= set(actions)
    # the backup is a sound copy of the record as it was while the nurse charted
    checked = run_command(out / "backup.db", logs, "verify")
    assert checked.returncode == ExitCode.OK, checked.stdout + checked.stderr
    still_charting(app)


@pytest.mark.parametrize("args", [
    ("users", "disable", NURSE, "--reason", "left the clinic", "--user", ADMIN),
    ("users", "unlock", NURSE, "--user", ADMIN),
], ids=["users-disable", "users-unlock"])
def test_a_second_writer_is_still_refused_beside_the_app(charting_app, tmp_path, args):
    db_path, app = charting_app
    before = audit_actions(db_path)

    refused = run_command(db_path, tmp_path / "logs", *args)

    assert refused.returncode == ExitCode.DATABASE, refused.stderr
    assert str(db_path) in refused.stderr
    assert "already open" in refused.stderr
    assert "runs only with the app closed" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "accounts." not in " ".join(audit_actions(db_path)[len(before):])
    still_charting(app)


def test_a_restore_is_still_refused_beside_the_app(charting_app, tmp_path):
    db_path, app = charting_app
    logs = tmp_path / "logs"
    backup = tmp_path / "backup.db"
    assert run_command(db_path, logs, "backup", "--out", str(backup),
                       "--user", ADMIN).returncode == ExitCode.OK

    refused = run_command(db_path, logs, "restore", "--backup", str(backup), "--user", ADMIN)

    assert refused.returncode == ExitCode.DATABASE, refused.stderr
    assert str(db_path) in refused.stderr and "already open" in refused.stderr
    assert lock_path_for(db_path).exists()  # the app's lock file is left in place
    still_charting(app)
