"""What the chart costs with long sessions: four sessions fed by a monitor, one set of vitals a
second for four hours (14,400 readings of each vital), their charts on screen together.

chart_add_ms:   median time for one of the four charts to take the session's next chart
                value (one reading more) and repaint: `SessionChartView.show_chart` then the
                event loop's paint. The chart value's own derivations (sorting and flagging
                its readings) are worked out before the clock starts, as the session page
                has already done by then for its vitals table;
chart_peak_mb:  the peak resident memory of the process holding the four sessions' records
                and their charts on screen, through the adds;
baselines, in the same run: bare pyqtgraph plotting the same arrays: four PlotWidgets of five
curves each (clipped to view, peak-downsampled), a reading added by appending to the arrays
and `setData`, then the repaint.

Each side runs in a fresh process of its own, so that each peak is that side's alone.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SESSIONS = 4
READINGS = 4 * 60 * 60
ADDS = 80
#: Two by two charts, each the size it has on the session page at 1366x768 (580x420).
WINDOW = (2 * 580, 2 * 420)


def run() -> list[str]:
    ours = _child("ours")
    bare = _child("baseline")
    return [
        f"bench chart_add_ms: {ours['add_ms']:.2f} ms",
        f"bench chart_add_baseline_ms: {bare['add_ms']:.2f} ms",
        f"bench chart_add_ratio: {ours['add_ms'] / bare['add_ms']:.1f} x",
        f"bench chart_peak_mb: {ours['peak_mb']:.0f} MB",
        f"bench chart_peak_baseline_mb: {bare['peak_mb']:.0f} MB",
        f"bench chart_peak_ratio: {ours['peak_mb'] / bare['peak_mb']:.1f} x",
    ]


def _child(side: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.chart", side], check=True,
                          capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _grid() -> tuple[Any, Any, Any]:
    from PySide6.QtWidgets import QGridLayout, QWidget

    from ketamonitor.ui.app import application

    app = application()
    window = QWidget()
    grid = QGridLayout(window)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(0)
    window.resize(*WINDOW)
    return app, window, grid


def _ours() -> dict[str, float]:
    from ketamonitor.ui.session_chart import SessionChartView
    from tests.core.builders import monitored, with_reading

    app, window, grid = _grid()
    charts = [monitored(READINGS) for _ in range(SESSIONS)]
    views = []
    for index, chart in enumerate(charts):
        view = SessionChartView(UTC)
        grid.addWidget(view, index // 2, index % 2)
        view.show_chart(chart)
        views.append(view)
    window.show()
    app.processEvents()
    samples = []
    for n in range(ADDS):
        index = n % SESSIONS
        second = READINGS + n // SESSIONS
        chart = with_reading(charts[index], second / 60, 128, 80, heart_rate=78, spo2=97,
                             respiratory_rate=15)
        chart.flagged_vitals  # noqa: B018 - worked out by the page before the chart is drawn
        now = chart.vitals[-1].current.observed_at
        started = time.perf_counter()
        views[index].show_chart(chart, now)
        app.processEvents()
        samples.append((time.perf_counter() - started) * 1000)
        charts[index] = chart
    result = {"add_ms": statistics.median(samples), "peak_mb": _peak_mb()}
    window.close()
    return result


def _baseline() -> dict[str, float]:
    import numpy as np
    import pyqtgraph as pg

    from tests.core.builders import monitored

    app, window, grid = _grid()
    arrays = []
    plots = []
    for index in range(SESSIONS):
        vitals = [entry.original for entry in monitored(READINGS).vitals]
        origin = vitals[0].observed_at
        x = np.array([(v.observed_at - origin).total_seconds() / 60 for v in vitals])
        columns = {name: np.array([getattr(v, name) for v in vitals], dtype=float)
                   for name in ("systolic", "diastolic", "heart_rate", "spo2",
                                "respiratory_rate")}
        del vitals
        widget = pg.PlotWidget()
        widget.setClipToView(True)
        widget.setDownsampling(auto=True, mode="peak")
        curves = {name: widget.plot(x, y) for name, y in columns.items()}
        grid.addWidget(widget, index // 2, index % 2)
        arrays.append((x, columns))
        plots.append(curves)
    window.show()
    app.processEvents()
    samples = []
    for n in range(ADDS):
        index = n % SESSIONS
        x, columns = arrays[index]
        started = time.perf_counter()
        x = np.append(x, x[-1] + 1 / 60)
        for name, curve in plots[index].items():
            columns[name] = np.append(columns[name], columns[name][-1])
            curve.setData(x, columns[name])
        app.processEvents()
        samples.append((time.perf_counter() - started) * 1000)
        arrays[index] = (x, columns)
    result = {"add_ms": statistics.median(samples), "peak_mb": _peak_mb()}
    window.close()
    return result


if __name__ == "__main__":
    measured = _ours() if sys.argv[1:] == ["ours"] else _baseline()
    sys.stdout.write(json.dumps(measured) + "\n")
    sys.stdout.flush()
    os._exit(0)  # no teardown: Qt objects left to the OS, no PySide6 exit-time crash
