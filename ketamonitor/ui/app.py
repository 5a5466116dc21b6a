"""Starting the Qt application around an opened store."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ketamonitor.core.library import resource
from ketamonitor.places import log_directory
from ketamonitor.store.interface import StoreApi, StoreError
from ketamonitor.ui import theme
from ketamonitor.ui.access import LoginWindow
from ketamonitor.ui.faults import ShownOnce
from ketamonitor.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def _can_show_dialogs() -> bool:
    return os.environ.get("QT_QPA_PLATFORM", "") not in ("offscreen", "minimal")


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    if app.styleSheet() != theme.APP_STYLESHEET:  # set once: setting it re-polishes every widget
        app.setApplicationName("ketamonitor")
        # the taskbar, window switcher and title bar show the app's own icon; on Wayland the
        # desktop matches the window to ketamonitor.desktop (and its icon) by this name
        app.setDesktopFileName("ketamonitor")
        app.setWindowIcon(app_icon())
        font = QFont(app.font())
        font.setPointSize(theme.BASE_POINT_SIZE)
        app.setFont(font)
        app.setStyleSheet(theme.APP_STYLESHEET)
    return app


#: The sizes a window manager or taskbar asks for; Qt's X11 window leaves out an icon that
#: offers only larger ones (seen: a 256 px icon alone gave the window no icon at all).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The icon of ketamonitor.desktop, from the resources (source or frozen bundle), at
    every size a desktop shows it."""
    pixmap = QPixmap()
    pixmap.loadFromData(resource("icons", "ketamonitor.png").read_bytes(), "PNG")
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addPixmap(pixmap if size == pixmap.width() else pixmap.scaled(
            size, size, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
    return icon


def show_startup_error(error: StoreError) -> None:
    """A dialog for a database that cannot be opened, when there is a screen to show it on."""
    if _can_show_dialogs():
        application()
        QMessageBox.critical(None, f"ketamonitor: {error.title}", error.message)


#: Bugs already shown in a dialog: each distinct one once (see ui.faults).
_SHOWN_BUGS = ShownOnce()


def _report_bug(kind: type[BaseException], value: BaseException,
                trace: TracebackType | None) -> None:
    """A bug is logged with its traceback and shown plainly, once per distinct problem (a
    fault in a slot run every second must not open a dialog every second); the record is
    untouched."""
    log.error("unexpected error", exc_info=(kind, value, trace))
    if not _SHOWN_BUGS.first_time(kind, trace):
        return
    if _can_show_dialogs() and QApplication.instance() is not None:
        QMessageBox.critical(
            None, "ketamonitor: something went wrong",
            "An unexpected error occurred. Everything already charted is safe in the "
            f"database.\n\nDetails were written to the log in {log_directory()}.\n\n"
            + "".join(traceback.format_exception_only(kind, value)).strip())


def run_window(store: StoreApi) -> int:
    """The login (or the first administrator, on an empty file), then the main window."""
    app = application()
    sys.excepthook = _report_bug
    shown: list[QWidget] = []

    def open_main_window() -> None:
        window = MainWindow(store)
        window.resize(1366, 768)
        window.show()
        shown.append(window)
        login.close()
        login.deleteLater()

    login = LoginWindow(store)
    login.logged_in.connect(open_main_window)  # the main window shows before the login goes
    shown.append(login)
    if os.environ.get(FIRST_PAINT_ENV):
        login.installEventFilter(_QuitAfterFirstPaint(login))
    login.show()
    return app.exec()


#: For the start-time benchmark: quit as soon as the first window has painted.
FIRST_PAINT_ENV = "KETAMONITOR_QUIT_AFTER_FIRST_PAINT"


class _QuitAfterFirstPaint(QObject):
    """Measures what a person waits for: from the command to a painted window."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            sys.stdout.write("first paint\n")
            sys.stdout.flush()
            QTimer.singleShot(0, QApplication.quit)
        return False
