"""`ketamonitor export summary` as a scheduled job would run it: no screen, no Qt platform
set, the password from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import FAST_HASHER, PASSWORD, PHYSICIAN, add_people
from tests.ui.test_review import finished

pytestmark = pytest.mark.e2e


def test_a_pdf_summary_is_written_with_no_screen_at_all(tmp_path: Path, clock: FakeClock):
    path = tmp_path / "clinic.db"
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        session_id = finished(Charting(store, clock), clock, "MRN-6001")
    env = {key: value for key, value in os.environ.items()
           if key not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env.update(KETAMONITOR_PASSWORD=PASSWORD, KETAMONITOR_LOG_DIR=str(tmp_path / "logs"))
    out = tmp_path / "summary.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "ketamonitor", "export", "summary", str(session_id),
         "--format", "pdf", "--out", str(out), "--db", str(path), "--user", PHYSICIAN],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
