"""The main window: the infusion room, the patients page, and one page per open session.

One clock tick drives every timer on screen and judges every session's alerts; each tick
only repaints values computed from the clock and the stored record, so a late or skipped
tick can never make a timer wrong.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QWidget

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.settings import AUDIBLE_ALERTS, ON
from ketamonitor.room import Room
from ketamonitor.store.errors import StoreError
from ketamonitor.store.store import Store
from ketamonitor.ui.patients_page import PatientsPage
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.protocol_dialog import ProtocolDialog
from ketamonitor.ui.room_page import RoomPage
from ketamonitor.ui.session_page import SessionPage
from ketamonitor.ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)

TICK_MS = 1000


class MainWindow(QMainWindow):
    def __init__(self, store: Store, prompts: Prompts | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.room = Room(store)
        self.beeps = 0
        self.setWindowTitle(f"ketamonitor — {store.path.name}")
        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        self.room_page = RoomPage(store.clock.local_zone)
        self.room_page.open_session.connect(self.open_session)
        self.room_page.acknowledge_requested.connect(self.acknowledge)
        self.room_page.new_session_requested.connect(self.show_patients)
        self.room_page.check_in_requested.connect(self.check_in)
        self.pages.addWidget(self.room_page)
        self.patients = PatientsPage(store, self.prompts)
        self.patients.session_started.connect(self._session_started)
        self.patients.session_form.booked.connect(lambda _id: self.room.reload())
        self.patients.session_form.cancel_booking_requested.connect(self.cancel_booking)
        self.patients.back.clicked.connect(self.show_room)
        self.pages.addWidget(self.patients)
        self.session_pages: dict[int, SessionPage] = {}
        self.problem = QLabel("")
        self.problem.setObjectName("window_problem")
        self.problem.setStyleSheet("color: #b00020; font-weight: bold;")
        self.statusBar().addPermanentWidget(self.problem)
        refused = store.library.problems
        self.refused_files = QLabel(
            f"⚠ {len(refused)} protocol file{'s' if len(refused) > 1 else ''} refused: "
            "see Clinic ▸ Protocols" if refused else "")
        self.refused_files.setObjectName("refused_files")
        self.refused_files.setToolTip("\n".join(refused))
        self.refused_files.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.statusBar().addPermanentWidget(self.refused_files)
        status = QLabel(f"Charting as {store.user} on {store.workstation} · database "
                        f"{store.path}")
        status.setProperty("role", "muted")
        self.statusBar().addWidget(status)
        QShortcut(QKeySequence("Esc"), self, activated=self.show_room)
        QShortcut(QKeySequence("F2"), self, activated=self.show_patients)
        for position in range(1, 10):
            QShortcut(QKeySequence(f"Alt+{position}"), self,
                      activated=lambda p=position: self.open_tile(p))
        self._menus()
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self.tick()

    def _menus(self) -> None:
        clinic = self.menuBar().addMenu("&Clinic")
        clinic.addAction("&Protocols…", self.show_protocols)
        clinic.addAction("&Settings…", self.show_settings)

    def show_protocols(self) -> ProtocolDialog:
        dialog = ProtocolDialog(self.store, self.prompts, self)
        dialog.protocol_saved.connect(lambda _id: self.patients.session_form.reload_protocols())
        dialog.open()
        return dialog

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.store, self.prompts, self)
        dialog.open()
        return dialog

    # -- navigation ----------------------------------------------------------------------

    def open_session(self, session_id: int) -> SessionPage:
        page = self.session_pages.get(session_id)
        if page is None:
            page = SessionPage(self.store, session_id, self.prompts)
            page.back_requested.connect(self.show_room)
            page.charted.connect(self.session_charted)
            page.acknowledge_requested.connect(self.acknowledge)
            self.session_pages[session_id] = page
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        self._show_alerts_on(page)
        page.tick()
        page.vitals_form.inputs["systolic"].setFocus()
        return page

    def open_tile(self, position: int) -> None:
        """Alt+N opens the session of the room's N-th tile."""
        in_room = self.room.in_room()
        if 1 <= position <= len(in_room):
            self.open_session(in_room[position - 1].session_id)

    def current_session(self) -> SessionPage | None:
        page = self.pages.currentWidget()
        return page if isinstance(page, SessionPage) else None

    def show_room(self) -> None:
        self.pages.setCurrentWidget(self.room_page)
        self._show_room()

    def show_patients(self) -> None:
        self.patients.refresh_patients()
        self.pages.setCurrentWidget(self.patients)

    def check_in(self, appointment_id: int) -> None:
        """A booked patient has arrived: the session form, filled from the booking."""
        booked = self.store.appointment(appointment_id)
        self.show_patients()
        self.patients.choose_patient(self.store.patient(booked.patient_id))
        self.patients.session_form.check_in(booked)

    def cancel_booking(self, appointment_id: int) -> bool:
        reason = self.prompts.reason(self, "Cancel booking", "Why is the booking cancelled?",
                                     self.store.library.reasons_for("cancel_booking"))
        if reason is None:
            return False
        try:
            self.store.cancel_appointment(appointment_id, reason)
        except ValidationError as refused:
            self.prompts.show_problem(self, "Not cancelled", "\n".join(
                refused.reasons.values()))
            return False
        self.patients.session_form.check_in(None)
        self.room.reload()
        self.show_room()
        return True

    def _session_started(self, session_id: int) -> None:
        self.room.reload()
        self.open_session(session_id)

    # -- the clock and the alerts --------------------------------------------------------

    def tick(self) -> None:
        """Judge every session's alerts, then repaint what is on screen."""
        try:
            raised = self.room.tick()
        except StoreError as problem:  # e.g. a full disk: say so, keep the room on screen
            log.error("alerts could not be recorded: %s", problem)
            self.problem.setText(f"⚠ {problem.title}: alerts cannot be recorded — "
                                 f"{problem.path}")
            raised = []
        else:
            self.problem.setText("")
        self._announce(raised)
        page = self.current_session()
        if page is not None:
            self._show_alerts_on(page)
            page.tick()
        elif self.pages.currentWidget() is self.room_page:
            self._show_room()

    def _show_room(self) -> None:
        self.room_page.show_room(self.room.in_room(), self.room.finished_today(),
                                 self.store.clock.now(), self.room.coming())

    def _show_alerts_on(self, page: SessionPage) -> None:
        page.show_alerts(self.room.state(page.session_id).alerts)

    def session_charted(self, session_id: int) -> None:
        """Something was charted: re-read that session and judge its alerts at once."""
        try:
            self._announce(self.room.refresh(session_id))
        except StoreError as problem:
            self.problem.setText(f"⚠ {problem.title}: alerts cannot be recorded")
        page = self.session_pages.get(session_id)
        if page is not None:
            self._show_alerts_on(page)

    def _announce(self, raised: list[AlertRecord]) -> None:
        """A sound for a new high-priority alert, unless the clinic has switched it off."""
        if not any(record.priority is Priority.HIGH for record in raised):
            return
        if self.store.setting(AUDIBLE_ALERTS.key) == ON:
            self.beeps += 1
            QApplication.beep()

    def acknowledge(self, alert_id: int) -> bool:
        action = self.prompts.reason(self, "Acknowledge alert", "What was done?",
                                     self.store.library.reasons_for("acknowledge"))
        if action is None:
            return False
        try:
            self.room.acknowledge(alert_id, action)
        except ValidationError as refused:
            self.prompts.show_problem(self, "Not acknowledged", "\n".join(
                refused.reasons.values()))
            return False
        except StoreError as problem:
            self.prompts.show_problem(self, problem.title, problem.message)
            return False
        page = self.current_session()
        if page is not None:
            self._show_alerts_on(page)
        else:
            self._show_room()
        return True

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
