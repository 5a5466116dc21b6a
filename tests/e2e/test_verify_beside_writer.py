"""`ketamonitor verify` run again and again beside a nurse charting at full speed in another
process reports no false alarm (issue 20, item 3): it reads the audit trail and every table
in one snapshot, and the anchor log before it, so an entry charted meanwhile is seen whole or
not at all. Before, it read them as separate snapshots and reported rows "written behind the
app's back" in 19 of 19 runs at full speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketamonitor import cli
from tests.e2e.writer import Child

pytestmark = pytest.mark.e2e

#: How many times verify runs while the writer charts.
RUNS = 50


def saved_so_far(writer: Child, last: int) -> int:
    """The id of the last save the writer has acknowledged so far (waiting for one)."""
    line = writer.line(timeout=30)
    assert line is not None, writer.stderr()
    while line is not None and line.startswith("saved"):
        last = int(line.split()[1])
        if writer.pending() == 0:
            break
        line = writer.line(timeout=30)
    return last


def test_verify_beside_a_writer_at_full_speed_reports_no_false_alarm(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "ketamonitor.db"
    with Child.writer(db_path, log_dir=tmp_path / "logs") as writer:
        while not (line := writer.line(timeout=60) or "").startswith("saved"):
            assert line, writer.stderr()
        last = 0
        for run in range(RUNS):
            before = saved_so_far(writer, last)
            code = cli.main(["verify", "--db", str(db_path)])
            said = capsys.readouterr()
            assert code == 0, f"run {run + 1}: {said.out}{said.err}"
            last = saved_so_far(writer, before)
            assert last > before, "the writer stopped charting while verify ran"
