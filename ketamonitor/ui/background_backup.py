"""The app's automatic backup, copied on a thread of its own.

A year of a busy clinic is tens of megabytes, six years several hundred; copying and
checking that on the window's thread froze the room for seconds after a discharge (timers
stopped, alerts late, typing stalled). The store plans the backup on the window's thread
(is one due? where?), the copy runs here with a connection of its own, and the window
writes the audit row when it is done.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ketamonitor.store.interface import BackupFailed, MadeBackup, PlannedBackup, copy_planned_backup

log = logging.getLogger(__name__)


class BackgroundBackup(QObject):
    """One automatic backup at a time; `done(plan, outcome)` arrives on the window's thread
    with a MadeBackup, or the BackupFailed to show."""

    done = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._under_way = False
        self.done.connect(self._delivered)  # first: `busy` ends as `done` is heard

    @property
    def busy(self) -> bool:
        """From the start until `done` is delivered: a copy finished but not yet audited
        is still under way, or the next check would find a backup due and make it twice."""
        return self._under_way

    def start(self, database: Path, plan: PlannedBackup) -> None:
        if self.busy:
            raise RuntimeError("an automatic backup is already being made")
        self._under_way = True
        self._thread = threading.Thread(target=self._copy, args=(database, plan),
                                        name="automatic-backup", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Until the copy under way is finished (the app waits for it before it closes; the
        caller then delivers the queued `done`)."""
        if self._thread is not None:
            self._thread.join()

    def _delivered(self) -> None:
        self._under_way = False

    def _copy(self, database: Path, plan: PlannedBackup) -> None:
        outcome: MadeBackup | BackupFailed
        try:
            outcome = copy_planned_backup(database, plan)
        except BackupFailed as failed:
            outcome = failed
        except Exception as error:  # a thread's exception would vanish: say it instead
            log.exception("automatic backup to %s failed", plan.out)
            outcome = BackupFailed(plan.out, f"The automatic backup failed ({error}).",
                                   "See the log; the database itself is untouched.")
        self.done.emit(plan, outcome)
