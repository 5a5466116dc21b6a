"""Sessions handed over from one nurse to another: an event row of its own with its audit
row, in one transaction; the session's nurse is then the last one handed to."""

from __future__ import annotations

from ketamonitor.core.accounts import Account
from ketamonitor.core.errors import ChartSigned
from ketamonitor.core.handover import HANDOVER, check_handover, handover_choices
from ketamonitor.core.permissions import Permission
from ketamonitor.core.times import to_stored
from ketamonitor.store.parts import StoreCore

#: The session's nurse as of now, for a query over `sessions s`: whoever it was last handed
#: over to, else whoever started it.
CURRENT_NURSE = (f"COALESCE((SELECT h.text FROM events h WHERE h.session_id = s.id AND "
                 f"h.kind = '{HANDOVER}' ORDER BY h.id DESC LIMIT 1), s.nurse)")

HANDED_OVER = "sessions.handover"


class Handovers(StoreCore):
    """Who a session may be handed over to, and the handover itself."""

    def handover_choices(self, session_id: int) -> list[Account]:
        """The active nurses' accounts other than the session's nurse, by name."""
        self._require(Permission.CHART)
        nurse = self.listing(session_id).nurse
        names = [row[0] for row in self._db.execute("SELECT username FROM users ORDER BY id")]
        accounts = [a for name in names
                    if (a := self._account(name)) is not None]
        return handover_choices(accounts, nurse)

    def hand_over(self, session_id: int, nurse: str) -> int:
        """Record that `nurse` (a username) takes the session over from its nurse now; the
        event's id. The person logged in records it: one who may chart."""
        self._require(Permission.CHART)
        if self._is_signed(session_id):
            raise ChartSigned("this chart is signed and can no longer be changed")
        listing = self.listing(session_id)
        to = check_handover(self._account(nurse.strip().lower()),
                            nurse, listing.nurse, listing.phase)
        now = to_stored(self.clock.now())
        values = {"session_id": session_id, "kind": HANDOVER, "phase": None,
                  "text": to.username, "occurred_at": now, "entered_at": now,
                  "entered_by": self.user}
        with self._transaction():
            return self._record("events", values, action=HANDED_OVER,
                                reason=f"handed over from {listing.nurse} to {to.username}")
