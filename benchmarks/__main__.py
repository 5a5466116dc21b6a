"""`python -m benchmarks`: run every benchmark and print its `bench NAME: VALUE UNIT` lines.

A benchmark is a module with `run() -> list[str]`; add it to BENCHMARKS.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from benchmarks import (
    chart,
    export_log,
    feed,
    frozen_start,
    login,
    pages,
    room,
    room_monitor,
    save_vitals,
    statements,
    summary_pdf,
    verify,
)

BENCHMARKS: tuple[Callable[[], list[str]], ...] = (
    save_vitals.run, statements.run, login.run, room.run, chart.run, verify.run, summary_pdf.run,
    export_log.run, frozen_start.run, pages.run, feed.run, room_monitor.run)


def main() -> int:
    """Run them all even if one fails, so one broken figure doesn't hide the others."""
    failed = 0
    for run in BENCHMARKS:
        try:
            lines = run()
        except Exception as error:
            name = run.__module__.rsplit(".", 1)[-1]
            traceback.print_exc()
            lines = [f"bench {name}: n/a ({type(error).__name__}: {error})"]
            failed += 1
        for line in lines:
            sys.stdout.write(f"{line}\n")
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
