"""The start-time measure used by `make bench` (frozen against source): the app quits once
its first window has painted, and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ketamonitor.ui.app import FIRST_PAINT_ENV

pytestmark = pytest.mark.e2e


def test_the_app_quits_after_its_first_painted_window_when_asked(tmp_path: Path):
    env = {**os.environ, FIRST_PAINT_ENV: "1", "QT_QPA_PLATFORM": "offscreen",
           "KETAMONITOR_LOG_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "ketamonitor", "--new-clinic", "--db",
                           str(tmp_path / "k.db")],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "first paint" in done.stdout
    assert "Traceback" not in done.stderr
