"""The packaged app against the app from source, as an administrator installs it.

frozen_start_s:       median wall time from starting the frozen app (dist/ketamonitor, made by
                      `make package`) to its first painted window, on an existing database;
frozen_start_source_s: the same from source, `python -m ketamonitor`, in the same run;
frozen_start_ratio:   the first over the second;
bundle_mb:            the bundle's size on disk.

Both quit as soon as the first window has painted (KETAMONITOR_QUIT_AFTER_FIRST_PAINT), so
the figure is what a person waits for. Without a bundle the figures say n/a.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ketamonitor.ui.app import FIRST_PAINT_ENV

BUNDLE = Path(__file__).resolve().parents[1] / "dist" / "ketamonitor"
EXECUTABLE = BUNDLE / ("ketamonitor.exe" if sys.platform == "win32" else "ketamonitor")
ROUNDS = 5


def _started(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0 or "first paint" not in done.stdout:
        raise RuntimeError(f"{command[0]} did not paint a window: {done.stderr[-2000:]}")
    return seconds


def _size_mb(folder: Path) -> float:
    """On disk: a link (the bundle has several, to the same libraries) counts once."""
    return sum(path.stat().st_size for path in folder.rglob("*")
               if path.is_file() and not path.is_symlink()) / 2**20


def run() -> list[str]:
    if not EXECUTABLE.exists():
        return ["bench frozen_start_ratio: n/a", "bench bundle_mb: n/a",
                f"# frozen_start: no bundle at {BUNDLE}: run `make package` first"]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "ketamonitor.db"
        env = {**os.environ, FIRST_PAINT_ENV: "1", "KETAMONITOR_LOG_DIR": folder,
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        source = [sys.executable, "-m", "ketamonitor", "--new-clinic", "--db", str(db)]
        frozen = [str(EXECUTABLE), "--db", str(db)]
        _started(source, env)  # makes the database; warms the file cache for both
        _started(frozen, env)
        samples: dict[str, list[float]] = {"source": [], "frozen": []}
        for _ in range(ROUNDS):
            samples["frozen"].append(_started(frozen, env))
            samples["source"].append(_started(source, env))
    frozen_s = statistics.median(samples["frozen"])
    source_s = statistics.median(samples["source"])
    return [
        f"bench frozen_start_s: {frozen_s:.2f} s",
        f"bench frozen_start_source_s: {source_s:.2f} s",
        f"bench frozen_start_ratio: {frozen_s / source_s:.2f} x",
        f"bench bundle_mb: {_size_mb(BUNDLE):.0f} MB",
    ]
