"""`ketamonitor demo` as a whole process: fills a file, says what it wrote, refuses nonsense."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _demo(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "KETAMONITOR_LOG_DIR": str(tmp_path / "logs")}
    return subprocess.run([sys.executable, "-m", "ketamonitor", "demo", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_demo_fills_a_new_file_and_prints_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    done = _demo(tmp_path, "--db", str(path), "--days", "5", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert "demo patients" in done.stdout
    assert "in the room now: " in done.stdout
    assert str(path) in done.stdout


def test_demo_refuses_a_file_that_already_holds_demo_data(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert _demo(tmp_path, "--db", str(path), "--days", "1").returncode == 0
    again = _demo(tmp_path, "--db", str(path), "--days", "1")
    assert again.returncode != 0
    assert "already holds demo data" in again.stderr


def test_demo_refuses_zero_days(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    done = _demo(tmp_path, "--db", str(path), "--days", "0")
    assert done.returncode != 0
    assert "--days" in done.stderr
    assert not path.exists()
