"""Screenshots of the window on a demo clinic, for the README and for looking at changes.

    python -m tools.screenshots [--out docs/screenshots] [--scale 1.25]

Renders offscreen at 1366x768 and 1920x1080 on a demo clinic frozen at a fixed moment, so
the pictures change only when the screens do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

MOMENT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SIZES = ((1366, 768), (1920, 1080))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--scale", type=str, default="", help="QT_SCALE_FACTOR to render at")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = args.scale
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.core.phases import Phase
    from ketamonitor.demo import fill_demo_clinic
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.main_window import MainWindow

    args.out.mkdir(parents=True, exist_ok=True)
    suffix = f"-scale{args.scale}" if args.scale else ""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.db"
        fill_demo_clinic(path, seed=1, days=30, now=MOMENT, zone=UTC)
        clock = FakeClock(MOMENT)
        with Store.open(path, clock, user="nurse.ana") as store:
            app = application()
            window = MainWindow(store)
            running = {s.phase: s.session_id for s in store.unfinished_sessions()}
            for width, height in SIZES:
                window.resize(width, height)
                window.show_room()
                window.show()
                app.processEvents()
                _save(window, args.out / f"demo-room-{width}x{height}{suffix}.png")
                window.show_patients()
                app.processEvents()
                _save(window, args.out / f"patients-{width}x{height}{suffix}.png")
                for phase in (Phase.INFUSING, Phase.OBSERVATION, Phase.PRE_INFUSION):
                    if phase in running:
                        window.open_session(running[phase])
                        app.processEvents()
                        name = "session" if phase is Phase.INFUSING else f"session-{phase.value}"
                        _save(window, args.out / f"{name}-{width}x{height}{suffix}.png")
            window.ticker.stop()
            window.close()
            window.deleteLater()
            app.processEvents()
        _room_shots(args.out, suffix)
    return 0


def _room_shots(out: Path, suffix: str) -> None:
    """The room with six chairs in mixed phases and alerts, at both sizes."""
    from ketamonitor.core.clock import FakeClock
    from ketamonitor.store.store import Store
    from ketamonitor.ui.app import application
    from ketamonitor.ui.main_window import MainWindow
    from tools.room_scene import NOW, START, build_room

    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock(START)
        with Store.open(Path(folder) / "room.db", clock, user="ana.ruiz") as store:
            build_room(store, clock)
            app = application()
            window = MainWindow(store)
            clock.set(NOW)
            window.tick()
            for width, height in SIZES:
                window.resize(width, height)
                window.show_room()
                window.show()
                app.processEvents()
                _save(window, out / f"room-{width}x{height}{suffix}.png")
            window.ticker.stop()
            window.close()
            window.deleteLater()  # Qt objects go before the interpreter tears down (PySide6)
            app.processEvents()
    return 0


def _save(window: QWidget, path: Path) -> None:
    window.grab().save(str(path))
    sys.stdout.write(f"{path}\n")


if __name__ == "__main__":
    sys.exit(main())
