"""What a nurse has typed on a chart but not saved yet, kept so that a crash, a kill or a
power cut between typing and pressing Save loses nothing.

This is not the record: nothing here is charted, exported, signed or audited, and a row is
replaced as the typing goes on and deleted once the entry is saved (or the field emptied).
On the next opening of the chart the typing is put back in its field, marked unsaved, with
who typed it and when, for a person to check and save. One row per chart and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ketamonitor.core.permissions import Permission
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.store.parts import StoreCore


@dataclass(frozen=True)
class UnsavedTyping:
    field: str
    text: str
    typed_by: str
    typed_at: datetime


class UnsavedTypingStore(StoreCore):
    """Keep, read back and forget typing not yet saved on a chart."""

    def keep_unsaved(self, session_id: int, field: str, text: str) -> None:
        """Keep `text` as the unsaved typing of `field` (an empty text forgets it)."""
        self._require(Permission.CHART)
        if not text.strip():
            self.forget_unsaved(session_id, field)
            return
        with self._transaction():
            self._db.execute(
                "INSERT INTO unsaved_typing (session_id, field, text, typed_by, typed_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, field) DO UPDATE SET "
                "text = excluded.text, typed_by = excluded.typed_by, "
                "typed_at = excluded.typed_at",
                [session_id, field, text, self.user, to_stored(self.clock.now())])

    def forget_unsaved(self, session_id: int, field: str) -> None:
        self._require(Permission.CHART)
        with self._transaction():
            self._db.execute("DELETE FROM unsaved_typing WHERE session_id = ? AND field = ?",
                             [session_id, field])

    def unsaved_typing(self, session_id: int) -> dict[str, UnsavedTyping]:
        self._require(Permission.READ_RECORD)
        return {row["field"]: UnsavedTyping(row["field"], row["text"], row["typed_by"],
                                            from_stored(row["typed_at"]))
                for row in self._rows("SELECT * FROM unsaved_typing WHERE session_id = ?",
                                      [session_id])}
