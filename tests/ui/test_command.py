"""`ketamonitor --db PATH` opens the store, then the window, and closes the file on exit."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ketamonitor.cli import main
from ketamonitor.store.store import Store
from ketamonitor.ui.access import LoginWindow
from ketamonitor.ui.main_window import MainWindow
from tests.people import FAST_HASHER
from tests.ui.conftest import create_first_administrator


def test_the_command_opens_the_window_on_the_chosen_file(
        qtbot, tmp_path, monkeypatch, clock, whole_app):
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    db_path = tmp_path / "room" / "ketamonitor.db"
    seen: list[str] = []

    def look_and_quit() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w.windowTitle() for w in windows if w.isVisible())
        for window in windows:
            window.close()
            window.deleteLater()
        QApplication.quit()

    def first_administrator() -> None:
        """An empty file opens on the first administrator's form, then the window."""
        seen.extend(w.windowTitle() for w in QApplication.topLevelWidgets()
                    if isinstance(w, LoginWindow) and w.isVisible())
        create_first_administrator()
        QTimer.singleShot(0, look_and_quit)

    QTimer.singleShot(0, first_administrator)
    assert main(["--new-clinic", "--db", str(db_path)]) == 0
    assert seen == ["ketamonitor — ketamonitor.db"] * 2
    with Store.open(db_path, clock, hasher=FAST_HASHER) as store:  # created, and the lock let go
        assert store.integrity_check() == ["ok"]
    # later tests wait on timers: the quit that ended the window must not end them too
    QApplication.sendPostedEvents()  # what the closed windows left behind, as at teardown
    QApplication.processEvents()
    timer = QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=2000):
        timer.start(10)

