"""Starting the Qt application around an opened store."""

from __future__ import annotations

import os
import sys

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from ketamonitor.store.errors import StoreError
from ketamonitor.store.store import Store


def _can_show_dialogs() -> bool:
    return os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal")


def show_startup_error(error: StoreError) -> None:
    """A dialog for a database that cannot be opened, when there is a screen to show it on."""
    if not _can_show_dialogs():
        return
    app = QApplication.instance() or QApplication(sys.argv)
    QMessageBox.critical(None, f"ketamonitor: {error.title}", error.message)
    del app


def run_window(store: Store) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("ketamonitor")
    window.show()
    return app.exec()
