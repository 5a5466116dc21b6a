"""`python -m benchmarks`: run every benchmark and print its `bench NAME: VALUE UNIT` lines.

A benchmark is a module with `run() -> list[str]`; add it to BENCHMARKS.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from benchmarks import (
    chart,
    export_log,
    frozen_start,
    login,
    room,
    save_vitals,
    summary_pdf,
    verify,
)

BENCHMARKS: tuple[Callable[[], list[str]], ...] = (
    save_vitals.run, login.run, room.run, chart.run, verify.run, summary_pdf.run,
    export_log.run, frozen_start.run)


def main() -> int:
    for run in BENCHMARKS:
        for line in run():
            sys.stdout.write(f"{line}\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
