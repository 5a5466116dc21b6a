"""Typing on a chart that is not saved yet, kept through a crash and put back afterwards.

A nurse may type a long note, or half a set of vitals, when the app is killed or the power
goes. A moment after each pause in typing, what each field holds is kept in the database
(store.keep_unsaved); when the chart is opened again the text is put back in its field with
a notice of who typed it and when, to be checked and saved. Saving the entry, or emptying
the field, forgets it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from PySide6.QtCore import QObject, QSignalBlocker, QTimer, SignalInstance
from PySide6.QtWidgets import QLabel, QWidget

from ketamonitor.core.errors import RuleError
from ketamonitor.core.times import format_moment
from ketamonitor.store.interface import StoreApi, StoreError, UnsavedTyping

log = logging.getLogger(__name__)

#: How long typing must pause before it is kept: short enough that a kill loses at most the
#: last word or two, long enough that a nurse typing does not wait on the disk per key.
PAUSE_MS = 600


@dataclass(frozen=True)
class TypedField:
    """A place to type on the chart: its name in the store, what it holds, how to put text
    back (without counting as typing), the widget that blocks its signals while that
    happens, and the signal of a person's edit."""

    name: str
    label: str
    text: Callable[[], str]
    put_back: Callable[[str], None]
    widget: QWidget
    edited: SignalInstance


class UnsavedTypingKeeper(QObject):
    """Keeps each field's typing a moment after it pauses, and puts it back on opening."""

    def __init__(self, store: StoreApi, session_id: int, fields: list[TypedField],
                 notice: QLabel, zone: tzinfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session_id = session_id
        self.fields = {field.name: field for field in fields}
        self.notice = notice
        self.zone = zone
        self._changed: set[str] = set()
        self._restored: dict[str, UnsavedTyping] = {}
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.keep_now)
        for field in fields:
            field.edited.connect(lambda *_, name=field.name: self._typed(name))

    def _typed(self, name: str) -> None:
        self._changed.add(name)
        self.timer.start()

    def keep_now(self, *, every_field: bool = False) -> None:
        """Keep every field typed in since the last time (also called when the page goes away
        or the app closes, so nothing waits on the timer); `every_field` keeps each field
        as it is, however its text got there."""
        self.timer.stop()
        if every_field:
            self._changed.update(self.fields)
        for name in sorted(self._changed):
            self._write(functools.partial(self.store.keep_unsaved, self.session_id, name,
                                          self.fields[name].text()))
        self._changed.clear()

    def saved(self, name: str) -> None:
        """The field's entry is charted: its typing is no longer unsaved."""
        self._changed.discard(name)
        self._write(lambda: self.store.forget_unsaved(self.session_id, name))
        self._restored.pop(name, None)
        self._show_notice()

    def put_back(self) -> None:
        """Fill the fields with the typing kept from before (a crash, a kill, a closed app),
        and say so beside them."""
        try:
            kept = self.store.unsaved_typing(self.session_id)
        except (StoreError, RuleError) as problem:
            log.warning("unsaved typing of session %s not read: %s", self.session_id, problem)
            return
        for name, typing in kept.items():
            field = self.fields.get(name)
            if field is None or field.text().strip():
                continue  # not a field of this page, or already being typed in
            with QSignalBlocker(field.widget):
                field.put_back(typing.text)
            self._restored[name] = typing
        self._show_notice()

    def _show_notice(self) -> None:
        """One line per person and minute: "vitals and a note typed by nurse at 19:12"."""
        now = self.store.clock.now()
        typed: dict[str, list[str]] = {}
        for name in self.fields:  # in the page's order
            if (typing := self._restored.get(name)) is not None:
                when = format_moment(typing.typed_at, self.zone, now)
                typed.setdefault(f"typed by {typing.typed_by} at {when}", []).append(
                    self.fields[name].label)
        parts = [f"{' and '.join(labels)} {who}" for who, labels in typed.items()]
        self.notice.setText(f"Not saved yet: {'; '.join(parts)}, put back after the app "
                            "closed. Check, then save." if parts else "")
        self.notice.setVisible(bool(parts))

    def _write(self, write: Callable[[], None]) -> None:
        """Keeping typing must never get in the way of typing: a refusal (the screen locked,
        a full disk) is logged, and the text stays in its field."""
        try:
            write()
        except (StoreError, RuleError) as problem:
            log.warning("typing on session %s not kept: %s", self.session_id, problem)
