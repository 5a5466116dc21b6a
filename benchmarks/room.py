"""What the room costs: one tick with six chairs, and a minute of an idle room.

room_tick_ms:       median of one `MainWindow.tick()` a second apart (judge six sessions'
                    alerts, repaint the six tiles' timers) with the room on screen, offscreen,
                    each chair on a bedside monitor sending a reading a second (issue 21):
                    up to an hour and a half of readings held per chair, and before each
                    tick one more per chair journaled and read as the listener does (not
                    timed), which the tick reads, appends, judges and shows on the tiles;
room_tick_unfed_ms: the same tick with no monitor (the figure before issue 21);
room_idle_cpu_pct:  process CPU time over a minute of the real event loop (the one-second
                    ticker running, no input), as a percentage of one core;
baselines, in the same run: a bare QTimer ticking an empty window (the idle floor of Qt
itself) and six labels set to new text per tick (the least a tick could repaint).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from benchmarks.people import add_nurse, log_in_nurse
from benchmarks.room_monitor import map_beds, send, send_backlog
from ketamonitor.core.clock import FakeClock
from ketamonitor.store.store import Store
from ketamonitor.ui.app import application
from ketamonitor.ui.main_window import MainWindow
from tools.room_scene import NOW, START, build_room

IDLE_SECONDS = float(os.environ.get("KETAMONITOR_BENCH_IDLE_SECONDS", "60"))
BASELINE_IDLE_SECONDS = min(IDLE_SECONDS, 20.0)
TICKS = 300


class RunningClock:
    """The scene's moment, moving on with real time, so timers count as in the room."""

    def __init__(self, start: datetime, zone: tzinfo) -> None:
        self._start = start
        self._skipped = timedelta()
        self._began = time.monotonic()
        self._zone = zone

    def now(self) -> datetime:
        return self._start + self._skipped + timedelta(seconds=time.monotonic() - self._began)

    def skip(self, seconds: float) -> None:
        """Jump ahead, so each measured tick has a new second to show, as in the room."""
        self._skipped += timedelta(seconds=seconds)

    @property
    def local_zone(self) -> tzinfo:
        return self._zone


def _run_loop(seconds: float) -> float:
    """Run the event loop for `seconds` of wall time; the CPU time it took, in seconds."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    cpu = time.process_time()
    loop.exec()
    return time.process_time() - cpu


def _baseline_tick_ms(app: QApplication) -> float:
    window = QWidget()
    layout = QVBoxLayout(window)
    labels = [QLabel("") for _ in range(6 * 6)]
    for label in labels:
        layout.addWidget(label)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    samples = []
    for n in range(TICKS):
        started = time.perf_counter()
        for label in labels:
            label.setText(f"{n:02d}:{n % 60:02d}")
        app.processEvents()
        samples.append((time.perf_counter() - started) * 1000)
    window.close()
    return statistics.median(samples)


def _baseline_idle_pct() -> float:
    window = QWidget()
    ticker = QTimer(window)
    ticker.setInterval(1000)
    ticker.timeout.connect(lambda: None)
    ticker.start()
    window.resize(1366, 768)
    window.show()
    cpu = _run_loop(BASELINE_IDLE_SECONDS)
    ticker.stop()
    window.close()
    return cpu / BASELINE_IDLE_SECONDS * 100


#: The scene's moment less this: when each chair's monitor began (or its session, if later).
HELD_FOR = timedelta(minutes=90)


def _scene(folder: Path, *, fed: bool) -> tuple[Path, FakeClock, dict[str, datetime]]:
    """The room at 10:00; with `fed`, each of its chairs on a monitor sending a reading a
    second for the last hour and a half (or since its session began): by chair, when."""
    scene_clock = FakeClock(START)
    path = Path(folder) / ("fed.db" if fed else "room.db")
    began: dict[str, datetime] = {}
    with Store.open(path, scene_clock, create=True) as scene:
        add_nurse(scene)
        build_room(scene, scene_clock)
        if fed:
            listings = scene.unfinished_sessions()
            map_beds(scene, tuple(listing.chair for listing in listings))
            for listing in listings:
                began[listing.chair] = max(listing.began_at, NOW - HELD_FOR).replace(
                    microsecond=0) + timedelta(seconds=1)
                held = int((NOW - began[listing.chair]).total_seconds())
                send_backlog(scene, scene_clock, listing.chair, range(held), began[listing.chair])
    return path, scene_clock, began


def _tick_ms(app: QApplication, folder: Path, *, fed: bool) -> tuple[float, float]:
    """The window's tick (median, ms); with `fed` False, the idle CPU too (%)."""
    path, scene_clock, began = _scene(folder, fed=fed)
    clock = RunningClock(NOW, scene_clock.local_zone)
    idle_pct = 0.0
    with Store.open(path, clock) as store:
        log_in_nurse(store)
        window = MainWindow(store)
        window.resize(1366, 768)
        window.show_room()
        window.show()
        app.processEvents()
        assert len(window.room_page.tiles) == 6
        samples = []
        for n in range(TICKS):
            clock.skip(1)
            for chair, start in began.items():
                send(store, clock, chair, int((NOW - start).total_seconds()) + n, start)
            started = time.perf_counter()
            window.tick()
            app.processEvents()
            samples.append((time.perf_counter() - started) * 1000)
        if fed:
            held = sum(len(state.chart.monitor_readings) for state in window.room.in_room())
            assert held >= 6 * TICKS, held
        else:
            idle_pct = _run_loop(IDLE_SECONDS) / IDLE_SECONDS * 100
        window.ticker.stop()
        window.close()
        window.deleteLater()
        app.processEvents()
    return statistics.median(samples), idle_pct


def run() -> list[str]:
    app = application()
    with tempfile.TemporaryDirectory() as name:
        tick_ms, _ = _tick_ms(app, Path(name), fed=True)
        unfed_ms, idle_pct = _tick_ms(app, Path(name), fed=False)
    baseline_ms = _baseline_tick_ms(app)
    baseline_pct = _baseline_idle_pct()
    return [
        f"bench room_tick_ms: {tick_ms:.2f} ms",
        f"bench room_tick_unfed_ms: {unfed_ms:.2f} ms",
        f"bench room_tick_baseline_ms: {baseline_ms:.2f} ms",
        f"bench room_tick_ratio: {tick_ms / baseline_ms:.1f} x",
        f"bench room_idle_cpu_pct: {idle_pct:.2f} %",
        f"bench room_idle_baseline_cpu_pct: {baseline_pct:.2f} %",
    ]
