"""The main window: the infusion room, the patients page, and one page per open session.

One clock tick drives every timer on screen and judges every session's alerts; each tick
only repaints values computed from the clock and the stored record, so a late or skipped
tick can never make a timer wrong.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from ketamonitor.core.alerts import AlertRecord, Priority, through_the_lock
from ketamonitor.core.appointments import Appointment
from ketamonitor.core.errors import RuleError
from ketamonitor.core.escalation import DONE_CHOICES
from ketamonitor.core.idle import idle_limit, lock_due
from ketamonitor.core.patient import Patient
from ketamonitor.core.permissions import Permission, allowed
from ketamonitor.core.phases import Phase
from ketamonitor.core.settings import AUDIBLE_ALERTS, IDLE_LOCK_MINUTES, MONITOR_LISTEN_ENABLED, ON
from ketamonitor.core.sounding import sounds_again, sounds_when_raised
from ketamonitor.feed.listener import Listener
from ketamonitor.feed.window import window_listener
from ketamonitor.places import log_directory
from ketamonitor.room import ChartChange, Room
from ketamonitor.store.interface import (
    BackupFailed,
    DatabaseMoved,
    MadeBackup,
    PlannedBackup,
    StoreApi,
    StoreError,
)
from ketamonitor.ui.access import InputWatcher, LockOverlay
from ketamonitor.ui.accounts_dialog import AccountsDialog
from ketamonitor.ui.audit_dialog import AuditDialog
from ketamonitor.ui.background_backup import BackgroundBackup
from ketamonitor.ui.export_log_dialog import ExportLogDialog
from ketamonitor.ui.faults import ShownOnce
from ketamonitor.ui.monitors_dialog import MonitorsDialog
from ketamonitor.ui.patients_page import PatientsPage
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.protocol_dialog import ProtocolDialog
from ketamonitor.ui.rems_dialog import RemsDialog
from ketamonitor.ui.review_page import ReviewQueuePage
from ketamonitor.ui.room_page import RoomPage
from ketamonitor.ui.session import SessionPage
from ketamonitor.ui.settings_dialog import SettingsDialog
from ketamonitor.ui.writes import attempt, attempt_done, reasons_in_dialog

log = logging.getLogger(__name__)

TICK_MS = 1000
BACKUP_CHECK = timedelta(minutes=10)
#: Finished sessions' pages kept after they are left, for going back and forth in a review.
KEPT_FINISHED_PAGES = 3


#: How soon after a monitor's reading is charted the room reads it and judges its alerts.
READINGS_TICK_MS = 50


class MainWindow(QMainWindow):
    #: A monitor's sets were charted by the window's listener (emitted on its thread).
    readings_charted = Signal()

    def __init__(self, store: StoreApi, prompts: Prompts | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.room = Room(store)
        #: Sounds made (a test counts them); the last one, for a critical alert's repeat.
        self.beeps = 0
        self._sounded_at: datetime | None = None
        #: Each distinct fault of the tick already told: said once, never every second.
        self._tick_faults = ShownOnce()
        #: The database file gone from its path was said in a dialog (once: every write is
        #: refused from then on, and the status line keeps saying it).
        self._told_file_gone = False
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
        self.review = ReviewQueuePage(store)
        self.review.open_requested.connect(self.open_session)
        self.review.back_requested.connect(self.show_room)
        self.pages.addWidget(self.review)
        self.session_pages: dict[int, SessionPage] = {}  # the most recently opened last
        self.pages.currentChanged.connect(self._release_pages)
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
        #: The monitors' listener's state, said once (listening, or why not).
        self.monitor_feed = QLabel("")
        self.monitor_feed.setObjectName("monitor_feed")
        self.monitor_feed.setWordWrap(True)
        self.statusBar().addPermanentWidget(self.monitor_feed)
        self.listener: Listener | None = None
        #: One tick soon after the listener charts, however many chairs sent at once.
        self._readings_tick = QTimer(self)
        self._readings_tick.setSingleShot(True)
        self._readings_tick.setInterval(READINGS_TICK_MS)
        self._readings_tick.timeout.connect(self.tick)
        self.readings_charted.connect(self._readings_came)
        self.place = QLabel(f"{store.workstation} · database {store.path}")
        self.place.setProperty("role", "muted")
        self.statusBar().addWidget(self.place)
        self.shortcuts = [QShortcut(QKeySequence("Esc"), self, self.show_room),
                          QShortcut(QKeySequence("F2"), self, self.show_patients)]
        self.shortcuts += [QShortcut(QKeySequence(f"Alt+{position}"), self,
                                     lambda p=position: self.open_tile(p))
                           for position in range(1, 10)]
        self._menus()
        self._person_corner()
        self.lock = LockOverlay(store, self)
        self.lock.form.logged_in.connect(self._unlocked)
        self.last_input = store.clock.now()
        #: Lock after the clinic's idle time (tests of other things, which move the clock
        #: by hours without a key press, switch it off).
        self.idle_lock = True
        #: Rotating backups as the clinic set them (tests of other things switch them off).
        self.automatic_backups = True
        self.background_backup = BackgroundBackup(self)
        self.background_backup.done.connect(self._automatic_backup_done)
        self._backup_checked = store.clock.now()
        self.input_watcher = InputWatcher(self)
        self.input_watcher.noticed.connect(self.note_input)
        _application().installEventFilter(self.input_watcher)
        self._show_person()
        self.apply_listen_setting()
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self.tick()

    def _menus(self) -> None:
        clinic = self.menuBar().addMenu("&Clinic")
        self.clinic_menu = clinic
        #: Each menu entry with the permission it needs: shown only to those who have it
        #: (the store refuses the rest anyway; hiding is kindness, not the check).
        self.guarded_actions = [
            (clinic.addAction("&Protocols…", self.show_protocols),
             Permission.SEE_PROTOCOL_DRAFTS),  # administrators draft, physicians countersign
            (clinic.addAction("&Settings…", self.show_settings), Permission.MANAGE_SETTINGS),
            (clinic.addAction("&Accounts…", self.show_accounts), Permission.MANAGE_ACCOUNTS),
            (clinic.addAction("&Monitors…", self.show_monitors), Permission.MANAGE_MONITORS),
            (clinic.addAction("Audit &trail…", self.show_audit), Permission.VIEW_AUDIT),
            (clinic.addAction("&Export logs…", self.show_export_logs), Permission.EXPORT),
            (clinic.addAction("&REMS forms to file…", self.show_rems), Permission.FILE_REMS),
            (clinic.addAction("&Back up now…", self.back_up_now), Permission.BACKUP),
        ]
        review = self.menuBar().addMenu("&Review")
        self.review_menu = review
        to_sign = review.addAction("&Charts to sign", self.show_review)
        to_sign.setShortcut(QKeySequence("F3"))
        self.to_sign = to_sign
        review.aboutToShow.connect(self._count_charts_to_sign)
        self.guarded_actions.append((to_sign, Permission.REVIEW))
        drafts = review.addAction("Protocol &drafts to countersign…", self.show_protocol_drafts)
        self.guarded_actions.append((drafts, Permission.COUNTERSIGN_PROTOCOL))
        person = self.menuBar().addMenu("&Account")
        lock = person.addAction("&Lock screen", lambda: self.lock_screen("locked by hand"))
        lock.setShortcut(QKeySequence("Ctrl+L"))
        switch = person.addAction("S&witch user…", self.switch_user)
        switch.setShortcut(QKeySequence("Ctrl+Shift+L"))

    def _count_charts_to_sign(self) -> None:
        """The queue's count on the menu, read as the menu opens (not on every tick)."""
        if allowed(self.store.account, Permission.REVIEW):
            self.to_sign.setText(f"&Charts to sign ({len(self.store.review_queue())})")

    def _person_corner(self) -> None:
        """The person charting, always in sight, and one press to switch."""
        corner = QWidget(self.menuBar())
        self.person_corner = corner
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 8, 0)
        self.person = QLabel("")
        self.person.setObjectName("person_charting")
        self.person.setStyleSheet("font-weight: bold;")
        row.addWidget(self.person)
        switch = QPushButton("Switch user")
        switch.setObjectName("switch_user")
        switch.clicked.connect(self.switch_user)
        row.addWidget(switch)
        self.menuBar().setCornerWidget(corner)

    def _show_person(self) -> None:
        account = self.store.account
        self.person.setText("" if account is None else
                            f"Charting as {account.display_name} ({account.roles_label})")
        for action, permission in self.guarded_actions:
            action.setVisible(allowed(account, permission))
        self.clinic_menu.menuAction().setVisible(any(
            action.isVisible() for action in self.clinic_menu.actions()))
        self.review_menu.menuAction().setVisible(any(
            action.isVisible() for action in self.review_menu.actions()))

    # -- who is at the workstation -------------------------------------------------------

    def note_input(self) -> None:
        self.last_input = self.store.clock.now()

    @property
    def is_locked(self) -> bool:
        return self.lock.isVisible()

    def lock_screen(self, reason: str = "locked for inactivity", *,
                    keep_username: bool = True) -> None:
        """Cover the window and lock the store; the room keeps ticking underneath."""
        try:
            self.store.lock_screen(reason)
        except StoreError as problem:  # the lock itself must never fail the window
            log.error("lock not recorded: %s", problem)
        self.pages.setEnabled(False)  # no Tab into the fields below; their text stays
        self.menuBar().setEnabled(False)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(False)
        self.lock.show_lock(reason, keep_username=keep_username)
        self._show_alerts_through_lock()

    def switch_user(self) -> None:
        self.lock_screen("switching user", keep_username=False)

    def _unlocked(self) -> None:
        self.lock.hide()
        self.pages.setEnabled(True)
        self.menuBar().setEnabled(True)
        for shortcut in self.shortcuts:
            shortcut.setEnabled(True)
        self.note_input()
        self._show_person()
        self.patients.session_form.show_nurse()  # a session started now is theirs
        for page in self.session_pages.values():
            page.reload()  # what the new person may do on each page
        self.tick()

    def _backup_check(self) -> None:
        """Every ten minutes, ask whether the daily backup is due (the store knows)."""
        now = self.store.clock.now()
        if self.automatic_backups and now - self._backup_checked >= BACKUP_CHECK:
            self._backup_checked = now
            self.automatic_backup(discharged=False)

    def _idle_check(self) -> None:
        if not self.idle_lock or self.is_locked or self.store.account is None:
            return
        limit = idle_limit(self.store.setting(IDLE_LOCK_MINUTES.key))
        if lock_due(self.last_input, self.store.clock.now(), limit):
            self.lock_screen()

    def _show_alerts_through_lock(self) -> None:
        """The band over the lock: the room's most urgent alerts, every "act now" one."""
        in_room = self.room.in_room()
        chairs = {state.session_id: state.listing.chair for state in in_room}
        shown, more = through_the_lock(record for state in in_room for record in state.alerts)
        lines = [f"{record.priority.mark}{_critical_word(record)} Chair "
                 f"{chairs[record.session_id]}: {record.message}" for record in shown]
        if more:
            lines.append(f"+{more} more waiting: log in to see them")
        self.lock.show_alerts(lines)

    def show_protocols(self) -> ProtocolDialog:
        dialog = ProtocolDialog(self.store, self.prompts, self)
        dialog.protocol_saved.connect(lambda _id: self.patients.session_form.reload_protocols())
        dialog.protocol_in_force.connect(
            lambda _id: self.patients.session_form.reload_protocols())
        dialog.open()
        return dialog

    def show_protocol_drafts(self) -> ProtocolDialog:
        """The protocols dialog on the first draft awaiting a physician's countersignature."""
        dialog = self.show_protocols()
        dialog.select_first_draft()
        return dialog

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.store, self.prompts, self)
        dialog.accepted.connect(self.apply_listen_setting)
        dialog.open()
        return dialog

    # -- the monitors' listener ------------------------------------------------------------

    def apply_listen_setting(self) -> None:
        """Listen for the bedside monitors here while the clinic's setting says so (Clinic
        ▸ Settings), from the window's opening to its closing. A port another program holds
        (`ketamonitor listen` already running, say) is said once, and the room goes on:
        what that program journals reaches the chairs at each tick all the same."""
        wanted = self.store.setting(MONITOR_LISTEN_ENABLED.key) == ON
        running = self.listener is not None and self.listener.running
        if wanted == running:
            return
        if not wanted:
            self.stop_listener()
            self.monitor_feed.setText("")
            return
        try:
            listener = window_listener(self.store, lambda _read: self.readings_charted.emit())
        except ValueError as refused:  # a value put in the file that no check would take
            self._say_feed(f"⚠ Monitor feed not started: a setting cannot be used "
                           f"({refused}); see Clinic ▸ Settings")
            return
        where = f"{listener.settings.address}:{listener.settings.port}"
        try:
            host, port = listener.start()
        except OSError as error:
            log.warning("monitor feed: cannot listen on %s: %s", where, error)
            self._say_feed(
                f"⚠ Monitor feed: {where} is taken ({error.strerror or error}). If "
                "“ketamonitor listen” runs on this workstation, its readings reach the "
                "room anyway; else close the program holding the port, or change the "
                "port in Clinic ▸ Settings")
            return
        except StoreError as problem:
            log.error("monitor feed: the journal cannot be opened: %s", problem)
            self._say_feed(f"⚠ Monitor feed not started: {problem.title}")
            return
        self.listener = listener
        self.monitor_feed.setStyleSheet("")
        self.monitor_feed.setText(f"Monitor feed: listening on {host}:{port}")

    def _readings_came(self) -> None:
        """A monitor's sets were charted (on the listener's thread, queued here): the room
        reads them and judges at once, not at the next second's tick, a stop-line BP
        included; readings from many chairs at once make one tick."""
        if not self._readings_tick.isActive():
            self._readings_tick.start()

    def _say_feed(self, text: str) -> None:
        self.monitor_feed.setStyleSheet("color: #8a5a00; font-weight: bold;")
        self.monitor_feed.setText(text)

    def stop_listener(self) -> None:
        """Close the listener: its connections, its journal and its thread."""
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()

    def show_accounts(self) -> AccountsDialog:
        dialog = AccountsDialog(self.store, self, prompts=self.prompts)
        dialog.open()
        return dialog

    def show_monitors(self) -> MonitorsDialog:
        dialog = MonitorsDialog(self.store, self, prompts=self.prompts)
        dialog.open()
        return dialog

    def show_export_logs(self) -> ExportLogDialog:
        dialog = ExportLogDialog(self.store, self, prompts=self.prompts)
        dialog.open()
        return dialog

    def show_rems(self) -> RemsDialog:
        dialog = RemsDialog(self.store, self, prompts=self.prompts)
        dialog.open()
        return dialog

    def back_up_now(self) -> Path | None:
        """A checked copy where the administrator chooses (a USB stick, a share)."""
        now = self.store.clock.now().astimezone(self.store.clock.local_zone)
        chosen = self.prompts.save_path(
            self, "Back up the database",
            self.store.backup_folder() / f"ketamonitor-{now:%Y%m%d-%H%M%S}.db",
            "ketamonitor database (*.db)")
        if chosen is None:
            return None
        made = attempt(lambda: self.store.backup(chosen),
                       reasons_in_dialog(self.prompts, self, "Not backed up"),
                       self.prompts, self, typed=False)
        if made is None:
            return None
        self.statusBar().showMessage(f"Backed up to {made.path} (integrity_check ok)", 15_000)
        return made.path

    def automatic_backup(self, *, discharged: bool) -> Path | None:
        """Start the rotating backup when the clinic's setting says one is due, copied on a
        thread of its own so the room never waits on it (see ui.background_backup); the file
        it will write, or None. A failure is said in the status bar and never stops the
        room."""
        if self.background_backup.busy:
            return None  # one at a time: the one under way is also the one due
        try:
            plan = self.store.plan_automatic_backup(self.store.clock.now(),
                                                    discharged=discharged)
        except (StoreError, RuleError) as problem:
            self._backup_failed(problem)
            return None
        if plan is None:
            return None
        self.background_backup.start(self.store.path, plan)
        return plan.out

    def _automatic_backup_done(self, plan: PlannedBackup,
                               outcome: MadeBackup | BackupFailed) -> None:
        """Back on the window's thread: audit the copy made, or say why there is none."""
        if isinstance(outcome, BackupFailed):
            self._backup_failed(outcome)
            return
        try:
            self.store.record_automatic_backup(plan, outcome)
        except (StoreError, RuleError) as problem:
            self._backup_failed(problem)

    def _backup_failed(self, problem: Exception) -> None:
        log.error("automatic backup failed: %s", problem)
        self.problem.setText(f"⚠ Automatic backup failed: {problem}")

    def show_audit(self) -> AuditDialog:
        dialog = AuditDialog(self.store, self, prompts=self.prompts)
        dialog.open()
        return dialog

    # -- navigation ----------------------------------------------------------------------

    def open_session(self, session_id: int) -> SessionPage:
        page = self.session_pages.pop(session_id, None)
        if page is not None:
            self.session_pages[session_id] = page  # most recently opened: kept longest
        else:
            page = SessionPage(self.room, session_id, self.prompts)
            page.back_requested.connect(self.show_room)
            page.charted.connect(self._page_charted)
            page.acknowledge_requested.connect(self.acknowledge)
            page.signed.connect(lambda _id: self.review.reload())
            self.session_pages[session_id] = page
            self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)
        self._record_opening(session_id)
        self._show_alerts_on(page)
        page.tick()
        page.focus_entry()
        return page

    def _record_opening(self, session_id: int) -> None:
        """Each opening of a chart is read access, recorded once (not at each redraw); a
        file that cannot take the row is said in the status bar, the chart still shown."""
        try:
            self.store.record_chart_opened(session_id)
        except StoreError as problem:
            log.error("chart opening not recorded: %s", problem)
            self.problem.setText(f"⚠ {problem.title}: the opening of this chart is not "
                                 "recorded")

    def _release_pages(self) -> None:
        """Let go of pages no one is using: a page with its chart holds about 15 MB, and
        a day's reviews and look-ups open dozens. Kept: the page shown, any with typing,
        those of sessions still in the room, and the few finished ones opened last."""
        current = self.current_session()
        running = {state.session_id for state in self.room.in_room()}
        idle = [session_id for session_id, page in self.session_pages.items()
                if page is not current and session_id not in running
                and not page.has_typing()]
        for session_id in idle[:max(0, len(idle) - KEPT_FINISHED_PAGES)]:
            page = self.session_pages.pop(session_id)
            self.pages.removeWidget(page)
            page.deleteLater()

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

    def show_review(self) -> ReviewQueuePage:
        """The physician's queue: finished charts not yet signed, the oldest first."""
        self.review.reload()
        self.pages.setCurrentWidget(self.review)
        return self.review

    def show_patients(self) -> None:
        self.patients.refresh_patients()
        self.pages.setCurrentWidget(self.patients)
        self.patients.focus_search()

    def check_in(self, appointment_id: int) -> None:
        """A booked patient has arrived: the session form, filled from the booking. A file
        that cannot be read is said (ui.writes.attempt), and the room stays on screen."""
        def read() -> tuple[Appointment, Patient]:
            booked = self.store.appointment(appointment_id)
            return booked, self.store.patient(booked.patient_id)

        found = attempt(read, reasons_in_dialog(self.prompts, self, "Not checked in"),
                        self.prompts, self, typed=False)
        if found is None:
            return
        booked, patient = found
        self.show_patients()
        self.patients.choose_patient(patient)
        self.patients.session_form.check_in(booked)

    def cancel_booking(self, appointment_id: int) -> bool:
        reason = self.prompts.reason(self, "Cancel booking", "Why is the booking cancelled?",
                                     self.store.library.reasons_for("cancel_booking"))
        if reason is None:
            return False
        if not attempt_done(lambda: self.store.cancel_appointment(appointment_id, reason),
                            reasons_in_dialog(self.prompts, self, "Not cancelled"),
                            self.prompts, self, typed=False):
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
        """Judge every session's alerts, then repaint what is on screen. A fault in it (a
        bug) is logged and told once, and the room keeps ticking: it never opens a dialog
        every second."""
        try:
            self._tick()
        except Exception as fault:
            self._tell_fault(fault)

    def _tick(self) -> None:
        try:
            raised = self.room.tick()
        except StoreError as problem:  # e.g. a full disk: say so, keep the room on screen
            log.error("alerts could not be recorded: %s", problem)
            self.problem.setText(f"⚠ {problem.title}: alerts cannot be recorded — "
                                 f"{problem.path}")
            raised = []
            if isinstance(problem, DatabaseMoved) and not self._told_file_gone:
                # for good, not for a moment: said once in words, while no one is saving,
                # so charting moves to paper before the next entry is typed
                self._told_file_gone = True
                self.prompts.show_problem(self, problem.title, problem.message)
        else:
            self.problem.setText("")
        self._announce(raised)
        self._repeat_critical()
        self._idle_check()
        self._backup_check()
        if self.is_locked:
            self._show_alerts_through_lock()
        page = self.current_session()
        if page is not None:
            self._show_alerts_on(page)
            page.tick()
        elif self.pages.currentWidget() is self.room_page:
            self._show_room()

    def _tell_fault(self, fault: Exception) -> None:
        """Say in the window that the room's tick or drawing failed; log it with its
        traceback and show the problem dialog the first time this fault (its kind and where
        it happened) is seen."""
        self.problem.setText(f"⚠ Something went wrong in the room ({type(fault).__name__}): "
                             "alerts may not be current; see the log")
        # noted before the dialog is shown: the ticker runs on under it
        if not self._tick_faults.first_time(type(fault), fault.__traceback__):
            return
        log.error("the room's tick failed", exc_info=fault)
        self.prompts.show_problem(
            self, "ketamonitor: something went wrong",
            "An unexpected error occurred while judging alerts or redrawing the room. "
            "Everything already charted is safe in the database, and the room keeps "
            "going; check the chairs' readings and times yourself until it is fixed.\n\n"
            f"Details were written to the log in {log_directory()}.\n\n"
            + "".join(traceback.format_exception_only(fault)).strip())

    def _show_room(self) -> None:
        try:
            self.room_page.show_room(self.room.in_room(), self.room.finished_today(),
                                     self.store.clock.now(), self.room.coming())
        except Exception as fault:  # a chair that cannot be drawn: the others are
            self._tell_fault(fault)
        offered = allowed(self.store.account, Permission.ACKNOWLEDGE_ALERT)
        for tile in self.room_page.tiles:
            tile.alerts.set_acknowledge_offered(offered)

    def _show_alerts_on(self, page: SessionPage) -> None:
        page.show_alerts(self.room.state(page.session_id).alerts)

    def _page_charted(self, change: ChartChange[object]) -> None:
        """A page charted through the room, which read the chart back and judged its
        alerts already (the page drew both): sound what it raised, say if the file would
        not take the alerts, back up after a discharge."""
        if change.alert_problem is not None:
            self.problem.setText(f"⚠ {change.alert_problem.title}: alerts cannot be recorded")
        self._announce(change.raised)
        self._after_discharge(change.chart.phase)

    def session_charted(self, session_id: int) -> None:
        """Something was charted outside this window's pages (another workstation, the
        store written directly): re-read that session and judge its alerts at once."""
        try:
            self._announce(self.room.refresh(session_id))
        except StoreError as problem:
            self.problem.setText(f"⚠ {problem.title}: alerts cannot be recorded")
        page = self.session_pages.get(session_id)
        if page is not None:
            page.draw()
            self._show_alerts_on(page)
        self._after_discharge(self.room.state(session_id).chart.phase)

    def _after_discharge(self, phase: Phase) -> None:
        if self.automatic_backups and phase is Phase.DISCHARGED:
            self.automatic_backup(discharged=True)

    def _announce(self, raised: list[AlertRecord]) -> None:
        """A sound for a new high or critical alert, unless the clinic has switched it
        off."""
        if sounds_when_raised(raised):
            self._sound()

    def _repeat_critical(self) -> None:
        """A critical alert sounds again every few seconds (core.sounding) until someone
        acknowledges it."""
        waiting = (record for state in self.room.in_room() for record in state.alerts)
        if sounds_again(waiting, self._sounded_at, self.store.clock.now()):
            self._sound()

    def _sound(self) -> None:
        self._sounded_at = self.store.clock.now()
        if self.store.setting(AUDIBLE_ALERTS.key) == ON:
            self.beeps += 1
            QApplication.beep()

    def acknowledge(self, alert_id: int) -> bool:
        """Acknowledge an alert: a low or medium one with what was done, in a word; a high
        or critical one with its escalation (what was done, the physician called, what was
        ordered), asked in the escalation dialog. False when cancelled or refused."""
        if not attempt(lambda: self._ask_and_acknowledge(alert_id),
                       reasons_in_dialog(self.prompts, self, "Not acknowledged"),
                       self.prompts, self, typed=False):
            return False
        page = self.current_session()
        if page is not None:
            self._show_alerts_on(page)
        else:
            self._show_room()
        return True

    def _ask_and_acknowledge(self, alert_id: int) -> bool:
        """Ask what was done (the escalation for a high or critical alert), then
        acknowledge; False when the person cancelled the question."""
        record = self.room.alert(alert_id)
        escalation = None
        if record is not None and record.priority.acts_now:
            escalation = self.prompts.escalate(
                self, record, self.store.library.reasons_for(DONE_CHOICES),
                self.store.escalation_physicians(record.session_id),
                self.store.clock.now(), self.store.clock.local_zone)
            action = None if escalation is None else escalation.action_text()
        else:
            action = self.prompts.reason(self, "Acknowledge alert", "What was done?",
                                         self.store.library.reasons_for("acknowledge"))
        if action is None:
            return False
        self.room.acknowledge(alert_id, action, escalation)
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        typing = [page for page in self.session_pages.values() if page.has_typing()]
        for page in typing:
            page.unsaved.keep_now(every_field=True)
        if typing and not self.prompts.confirm(
            self, "Close ketamonitor?",
            "Something has been typed but not charted yet (vitals or a note). It is kept, "
            "and put back in its field when the chart is opened again, but it is not in the "
            "record until it is saved. Close anyway?",
        ):
            event.ignore()
            return
        self.ticker.stop()
        self.stop_listener()
        self.finish_background_work()
        _application().removeEventFilter(self.input_watcher)
        event.accept()

    def finish_background_work(self) -> None:
        """Let an automatic backup under way finish and be audited before the app goes."""
        if self.background_backup.busy:
            self.background_backup.wait()
            # its `done`, queued to it and to this window
            QApplication.sendPostedEvents(self.background_backup)
            QApplication.sendPostedEvents(self)


def _critical_word(record: AlertRecord) -> str:
    """A critical alert says so on the lock band too (it comes first there, by urgency)."""
    return f" {record.priority.word} ·" if record.priority is Priority.CRITICAL else ""


def _application() -> QCoreApplication:
    """The running application (a window exists only inside one)."""
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("no QApplication: create one before the window")
    return app
