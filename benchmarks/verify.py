"""What `ketamonitor verify` costs on a busy clinic's file: the target is stated for 50,000
audit rows, about a year of a busy clinic.

verify_s:          median wall time of the real command, `python -m ketamonitor verify --db
                   PATH`, as a subprocess, start to exit (the issue's figure: what an
                   administrator waits for; `n/a` when this checkout has no `verify`);
verify_check_s:    median wall time of `verify_database` in this process (SQLite's own
                   checks, the audit trail's hash chain, every append-only row against the
                   audit row that recorded it), without Python's start and the imports;
verify_audit_rows: the audit rows of the file measured;
baseline, in the same run: a bare sqlite3 read-only connection running `PRAGMA
integrity_check` and `PRAGMA foreign_key_check` and fetching every audit row: the least a
check of this file that reads its whole trail can cost.

The file is the demo clinic (`fill_demo_clinic`, a fixed seed, moment and zone, so the same
clinic every run) with enough days for 50,000 audit rows. Generating it takes a minute, so
it is kept under the temporary folder, named by its seed and days and a fingerprint of the
code that writes it; a change to that code makes a new one. After a warm-up, the three sides
alternate rounds so that the noise of a busy machine falls on all alike.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.demo_cache import demo_database as cached_demo
from ketamonitor.store.verify import verify_database

SEED = 1
#: Days of demo history: a year of the demo clinic (four chairs, ~1,670 sessions) writes
#: about 74,000 audit rows, more than the target's 50,000, so a year is measured as it is.
DAYS = int(os.environ.get("KETAMONITOR_BENCH_VERIFY_DAYS", "365"))
TARGET_ROWS = 50_000
#: The demo's "now": fixed (and in the past, as the demo requires), so the file is the same.
NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
ROUNDS = 3


def demo_database() -> tuple[Path, str]:
    return cached_demo(SEED, DAYS, NOW)


def _baseline(path: Path) -> None:
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.execute("SELECT * FROM audit ORDER BY id").fetchall()
    finally:
        connection.close()


def _ours(path: Path) -> None:
    problems = verify_database(path)
    if problems:
        raise RuntimeError(f"the demo file is not sound ({len(problems)} problems), so its "
                           f"verify time means nothing: {problems[:3]}")


def _command(path: Path) -> list[str]:
    return [sys.executable, "-m", "ketamonitor", "verify", "--db", str(path)]


def _cli_missing(path: Path) -> str | None:
    """Why the command cannot be timed in this checkout, if it cannot."""
    done = subprocess.run(_command(path), capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return None
    said = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return f"exit {done.returncode}: {said[-1] if said else 'no output'}"


def _cli(path: Path) -> None:
    subprocess.run(_command(path), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def _audit_rows(path: Path) -> int:
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM audit").fetchone()[0]
    finally:
        connection.close()


def _timed(action: Callable[[], None]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def run() -> list[str]:
    path, how = demo_database()
    rows = _audit_rows(path)
    missing = _cli_missing(path)  # also the warm-up of the command
    sides: dict[str, Callable[[], None]] = {"baseline": lambda: _baseline(path),
                                            "ours": lambda: _ours(path)}
    if missing is None:
        sides["cli"] = lambda: _cli(path)
    for action in sides.values():
        action()  # warm-up: the file in the page cache, the code imported
    samples: dict[str, list[float]] = {kind: [] for kind in sides}
    kinds = list(sides)
    for round_number in range(ROUNDS):
        for kind in kinds[round_number % len(kinds):] + kinds[:round_number % len(kinds)]:
            samples[kind].append(_timed(sides[kind]))
    ours_s = statistics.median(samples["ours"])
    baseline_s = statistics.median(samples["baseline"])
    lines = [f"# verify: demo clinic, seed {SEED}, {DAYS} days, {how}"]
    if rows < TARGET_ROWS:
        lines.append(f"# verify: only {rows} audit rows, fewer than the target's {TARGET_ROWS}")
    # verify_s is the figure: the command as an administrator runs it, start to
    # exit (Python's start and imports included); the check alone is verify_check_s
    lines += [f"bench verify_audit_rows: {rows} rows"]
    if missing is None:
        lines.append(f"bench verify_s: {statistics.median(samples['cli']):.2f} s")
    else:
        lines += ["bench verify_s: n/a",
                  f"# verify: `ketamonitor verify` not timed ({missing})"]
    lines += [
        f"bench verify_check_s: {ours_s:.2f} s",
        f"bench verify_baseline_s: {baseline_s:.2f} s",
        f"bench verify_ratio: {ours_s / baseline_s:.1f} x",
    ]
    return lines
