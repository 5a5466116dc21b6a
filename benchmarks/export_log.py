"""What exporting the session log costs for a year of a busy clinic: about 10,000 sessions.

export_log_s:          median wall time of `export_session_log` to CSV (identified) of every
                       session of the file, in this process: the store's one query read in
                       chunks, times put in the clinic's zone (New York's, with daylight
                       saving), the file written atomically (temporary file, fsync, rename)
                       and its export audit row;
export_log_baseline_s: median wall time, in the same run, of the sqlite3 shell writing the
                       same query's rows as CSV: `sqlite3 -csv -readonly FILE "SELECT ..."
                       > out.csv`, as a subprocess, start to exit;
export_log_ratio:      the first over the second (the target: at most 3).

The file is the demo clinic (`fill_demo_clinic`, a fixed seed, moment and zone, so the same
clinic every run) with enough days for about 10,000 sessions: the demo's four chairs see
about 1,670 sessions a year, so a busy clinic's year is six of the demo's years (the query's
cost depends on the sessions and their entries, not on how the days are spread). Generating
it takes several minutes, so it is kept under the temporary folder, named by its seed and
days and a fingerprint of the code that writes it (as `benchmarks.verify` does); a change to
that code makes a new one. After a warm-up, the two sides alternate rounds.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.demo_cache import demo_database as cached_demo
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.date_range import local_day_bounds
from ketamonitor.core.times import to_stored
from ketamonitor.demo import DEMO_PASSWORD
from ketamonitor.export.logs import export_session_log
from ketamonitor.store.logs import session_log_sql
from ketamonitor.store.store import Store

SEED = 1
#: About 10,000 sessions (10,079 with this seed and moment).
DAYS = int(os.environ.get("KETAMONITOR_BENCH_EXPORT_LOG_DAYS", "2190"))
NOW = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
#: The clinic's zone when exporting: local days and times with daylight saving, as a real
#: clinic's (the demo was charted in UTC, which only moves its sessions in the day).
ZONE = ZoneInfo("America/New_York")
ROUNDS = 5
SQLITE3 = os.environ.get("KETAMONITOR_BENCH_SQLITE3", "/usr/bin/sqlite3")


def demo_database() -> tuple[Path, str]:
    return cached_demo(SEED, DAYS, NOW)


def _working_copy(path: Path, into: Path) -> Path:
    """A copy to export from: each export adds its audit row, and the cached file must stay
    as generated."""
    copy = into / "ketamonitor.db"
    shutil.copyfile(path, copy)
    for suffix in ("-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
    return copy


def _baseline_sql(first: date, last: date) -> str:
    """The session log's own query with its parameters written in, for the sqlite3 shell."""
    start, end = local_day_bounds(first, last, ZONE)
    values = {":start": to_stored(start), ":end": to_stored(end),
              ":side_effect_lists": json.dumps(["side_effects"])}
    sql = session_log_sql(identified=True)
    for name, value in values.items():
        sql = sql.replace(name, "'" + value.replace("'", "''") + "'")
    return sql


def _sessions_range(store: Store) -> tuple[date, date]:
    """The local days from the first session to the demo's today."""
    listings = store.sessions_between(datetime(2000, 1, 1, tzinfo=UTC), NOW)
    return listings[0].began_at.astimezone(ZONE).date(), NOW.astimezone(ZONE).date()


def _records(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as stream:
        return sum(1 for _ in csv.reader(stream))


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def run() -> list[str]:
    path, how = demo_database()
    with tempfile.TemporaryDirectory(prefix="ketamonitor-bench-export-") as scratch:
        folder = Path(scratch)
        copy = _working_copy(path, folder)
        with Store.open(copy, FakeClock(NOW, ZONE), create=True) as store:
            store.login("admin", DEMO_PASSWORD)
            first, last = _sessions_range(store)
            sql = _baseline_sql(first, last)
            ours_out, theirs_out = folder / "ours.csv", folder / "sqlite3.csv"

            def ours() -> None:
                export_session_log(store, first, last, "csv", ours_out, deidentify=False)

            def baseline() -> None:
                with theirs_out.open("wb") as out:
                    subprocess.run([SQLITE3, "-csv", "-readonly", str(copy), sql],
                                   stdout=out, check=True)

            sides: dict[str, Callable[[], None]] = {"baseline": baseline, "ours": ours}
            for action in sides.values():
                action()  # warm-up: the file in the page cache, the code imported
            samples: dict[str, list[float]] = {kind: [] for kind in sides}
            kinds = list(sides)
            for round_number in range(ROUNDS):
                for kind in kinds[round_number % 2:] + kinds[:round_number % 2]:
                    samples[kind].append(_timed(sides[kind]))
            rows = _records(theirs_out)  # a field may hold lines (a protocol's text)
            ours_rows = _records(ours_out) - 1  # its header
    ours_s = statistics.median(samples["ours"])
    baseline_s = statistics.median(samples["baseline"])
    lines = [f"# export_log: demo clinic, seed {SEED}, {DAYS} days ({first} to {last}), {how}",
             f"bench export_log_sessions: {ours_rows} rows"]
    if ours_rows != rows:
        lines.append(f"# export_log: the sqlite3 shell wrote {rows} rows, the export "
                     f"{ours_rows}: not the same query")
    lines += [
        f"bench export_log_s: {ours_s:.3f} s",
        f"bench export_log_baseline_s: {baseline_s:.3f} s",
        f"bench export_log_ratio: {ours_s / baseline_s:.2f} x",
    ]
    return lines
