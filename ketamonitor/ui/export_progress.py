"""Work the window does in stages while it stays responsive, with a progress dialog that
appears only when the work takes over a second (a quick export shows none).

Each stage is given what the one before it returned. A stage runs on the GUI thread,
between two turns of the event loop (the store's sqlite connection is bound to that thread,
and a widget may be made only there), unless it says it may run on a worker thread (plain
Python, or Qt painting on a QImage or QPdfWriter made in that thread). Either way the
window answers between stages and, during a worker's stage, throughout. A stage that must
hold the GUI thread for about a second (a summary PDF draws its chart with pyqtgraph's
widgets: most of its second) shows the progress before it starts instead.

Cancel (its button, Esc or the dialog's close) abandons the run: a worker's stage still
finishing is left to finish and its result dropped, and no later stage runs, so an export
cancelled before its last stage leaves no file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

#: The progress dialog appears once the work has taken this long (Qt's minimumDuration).
SHOW_AFTER_MS = 1000


@dataclass(frozen=True)
class Stage:
    """One step of the work: what the dialog says while it runs, the work (given the
    previous stage's result, None for the first), whether it may leave the GUI thread, and
    whether the progress is shown before it: for a stage that must hold the GUI thread
    for about a second, since nothing can be shown while it runs."""

    label: str
    work: Callable[[Any], Any]
    off_gui_thread: bool = False
    shown_first: bool = False


class _Relay(QObject):
    """Carries a worker's outcome back to the GUI thread (a queued signal)."""

    outcome = Signal(bool, object)


class StagedRun(QObject):
    """Runs `stages` one after the other once `start` is called; says how it ended by one
    of its signals: `finished` with the last stage's result, `failed` with the exception a
    stage raised (the caller tells refusals and re-raises bugs), or `cancelled`."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget, title: str, stages: Sequence[Stage]) -> None:
        super().__init__(parent)
        self._stages = tuple(stages)
        self._index = 0
        self._value: Any = None
        self._over = False
        # a busy bar, not a percentage: the stages take unequal times, their words say
        # which one is running
        self.progress = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.progress.setObjectName("export_progress")
        self.progress.setWindowTitle(title)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(SHOW_AFTER_MS)
        self.progress.setAutoReset(False)
        self.progress.setAutoClose(False)
        self.progress.setMinimumWidth(420)
        self.progress.canceled.connect(self.cancel)
        self._relay = _Relay()
        self._relay.outcome.connect(self._worker_done)

    @property
    def running(self) -> bool:
        return not self._over

    def start(self) -> None:
        """Begin at the next turn of the event loop: the caller returns at once."""
        self.progress.setValue(0)  # starts the dialog's clock: shown after SHOW_AFTER_MS
        QTimer.singleShot(0, self._next)

    def cancel(self) -> None:
        if not self._over:
            self._end()
            self.cancelled.emit()

    def _next(self) -> None:
        if self._over:
            return
        if self._index == len(self._stages):
            self._end()
            self.finished.emit(self._value)
            return
        stage = self._stages[self._index]
        self.progress.setLabelText(stage.label)
        if stage.off_gui_thread:
            self._in_worker(stage.work, self._value)
            return
        if stage.shown_first and not self.progress.isVisible():
            self.progress.show()
            # painted now, before the GUI thread is held; no click is taken meanwhile
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        try:
            self._value = stage.work(self._value)
        except Exception as error:  # told by the caller, or re-raised there
            self._fail(error)
            return
        self._index += 1
        QTimer.singleShot(0, self._next)

    def _in_worker(self, work: Callable[[Any], Any], value: Any) -> None:
        relay = self._relay  # kept by the thread: the run may be gone when it ends

        def run() -> None:
            try:
                result = work(value)
            except Exception as error:
                relay.outcome.emit(False, error)
                return
            relay.outcome.emit(True, result)

        threading.Thread(target=run, name="ketamonitor-export", daemon=True).start()

    @Slot(bool, object)
    def _worker_done(self, ok: bool, result: object) -> None:
        if self._over:
            return  # cancelled meanwhile: the result is dropped
        if not ok:
            assert isinstance(result, Exception)
            self._fail(result)
            return
        self._value = result
        self._index += 1
        QTimer.singleShot(0, self._next)

    def _fail(self, error: Exception) -> None:
        self._end()
        self.failed.emit(error)

    def _end(self) -> None:
        self._over = True
        self.progress.canceled.disconnect(self.cancel)
        self.progress.reset()
        self.progress.hide()
        self.progress.deleteLater()
        self.deleteLater()  # after the signal saying how it ended: deletion waits a turn
