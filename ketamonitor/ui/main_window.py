"""The main window: the day's sessions, and one page per open session.

One clock tick drives every timer on screen; each tick only repaints values computed from
the clock and the stored record, so a late or skipped tick can never make a timer wrong.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

from ketamonitor.store.store import Store
from ketamonitor.ui.home_page import HomePage
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.session_page import SessionPage

TICK_MS = 1000


class MainWindow(QMainWindow):
    def __init__(self, store: Store, prompts: Prompts | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.setWindowTitle(f"ketamonitor — {store.path.name}")
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self.home = HomePage(store, self.prompts)
        self.home.open_session.connect(self.open_session)
        self.pages.addWidget(self.home)
        self.session_pages: dict[int, SessionPage] = {}
        status = QLabel(f"Charting as {store.user} on {store.workstation} · database "
                        f"{store.path}")
        status.setProperty("role", "muted")
        self.statusBar().addWidget(status)
        QShortcut(QKeySequence("Esc"), self, activated=self.show_home)
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self._resume_running()

    def _resume_running(self) -> None:
        """After a restart, a single running session opens straight away."""
        running = self.store.unfinished_sessions()
        if len(running) == 1:
            self.open_session(running[0].session_id)

    def open_session(self, session_id: int) -> SessionPage:
        page = self.session_pages.get(session_id)
        if page is None:
            page = SessionPage(self.store, session_id, self.prompts)
            page.back_requested.connect(self.show_home)
            page.charted.connect(lambda _id: self.home.refresh_sessions())
            self.session_pages[session_id] = page
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        page.tick()
        page.vitals_form.inputs["systolic"].setFocus()
        return page

    def current_session(self) -> SessionPage | None:
        page = self.pages.currentWidget()
        return page if isinstance(page, SessionPage) else None

    def show_home(self) -> None:
        self.home.refresh()
        self.pages.setCurrentWidget(self.home)

    def tick(self) -> None:
        page = self.current_session()
        if page is not None:
            page.tick()

    def closeEvent(self, event: QCloseEvent) -> None:
        typing = [page for page in self.session_pages.values() if page.has_typing()]
        if typing and not self.prompts.confirm(
            self, "Close ketamonitor?",
            "Something has been typed but not charted yet (vitals or a note). Close anyway "
            "and lose what was typed?",
        ):
            event.ignore()
            return
        self.ticker.stop()
        event.accept()
