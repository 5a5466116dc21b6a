"""Alerts as raised, cleared and acknowledged, each with its audit row."""

from __future__ import annotations

from ketamonitor.core.alerts import (
    AlertCondition,
    AlertRecord,
    Priority,
    Reconciliation,
    acknowledgement_action,
)
from ketamonitor.core.errors import ChartSigned, ValidationError
from ketamonitor.core.permissions import Permission
from ketamonitor.core.times import to_stored
from ketamonitor.store import rows
from ketamonitor.store.base import StoreBase

_ALERTS = """
    SELECT a.*, ack.at AS acknowledged_at, ack.user AS acknowledged_by, ack.action AS action,
           cleared.at AS cleared_at
    FROM alerts a
    LEFT JOIN alert_events ack ON ack.alert_id = a.id AND ack.kind = 'acknowledged'
    LEFT JOIN alert_events cleared ON cleared.alert_id = a.id AND cleared.kind = 'cleared'
"""


#: Who raises and clears alerts: the room, judging the protocol's rules as time runs, not
#: whoever happens to be logged in (the audit row names the workstation beside it).
ROOM = "room"


class AlertLog(StoreBase):
    """Alerts as the room raises and clears them, and as people acknowledge them."""

    def alerts(self, session_ids: list[int]) -> dict[int, list[AlertRecord]]:
        """Every alert of these sessions with what became of it, oldest first."""
        self._require(Permission.READ_RECORD)
        found: dict[int, list[AlertRecord]] = {session_id: [] for session_id in session_ids}
        if not session_ids:
            return found
        marks = ", ".join("?" for _ in session_ids)
        for row in self._rows(f"{_ALERTS} WHERE a.session_id IN ({marks}) ORDER BY a.id",
                              session_ids):
            found[row["session_id"]].append(rows.alert(row))
        return found

    def apply_alert_changes(self, session_id: int, changes: Reconciliation) -> None:
        """Raise the new alerts and record the cleared ones, in one transaction, as the
        room's acts (someone must be logged in, or the screen locked over them). An
        occurrence already over when first judged (a late-entered stop-line BP with a
        normal one after it) is raised and cleared at once: it is on the record and waits
        for an acknowledgement, but is not shown as still present."""
        self._require(Permission.RECORD_ALERTS)
        if (changes.to_raise or changes.raised_over) and self._is_signed(session_id):
            raise ChartSigned("this chart is signed: no alert can be added to it")
        now = to_stored(self.clock.now())
        with self._transaction():
            for condition in changes.to_raise:
                self._raise(session_id, condition, now)
            for condition in changes.raised_over:
                self._clear(self._raise(session_id, condition, now), now)
            for record in changes.to_clear:
                self._clear(record.id, now)

    def _raise(self, session_id: int, condition: AlertCondition, now: str) -> int:
        critical = condition.priority is Priority.CRITICAL
        values = {"session_id": session_id, "key": condition.key, "kind": str(condition.kind),
                  "priority": "high" if critical else condition.priority.value,
                  "tier": "critical" if critical else None,
                  "message": condition.message, "raised_at": now}
        return self._record("alerts", values, action="alerts.raise", user=ROOM)

    def _clear(self, alert_id: int, now: str) -> None:
        values = {"alert_id": alert_id, "kind": "cleared", "at": now, "user": ROOM,
                  "action": None}
        self._record("alert_events", values, action="alerts.clear", user=ROOM)

    def acknowledge_alert(self, alert_id: int, action: str) -> None:
        """Who saw the alert, when, and what was done; an alert is acknowledged once."""
        self._require(Permission.ACKNOWLEDGE_ALERT)
        found = self._db.execute("SELECT session_id FROM alerts WHERE id = ?",
                                 [alert_id]).fetchone()
        if found is None:
            raise ValidationError({"action": f"there is no alert {alert_id} in the record"})
        if self._is_signed(found[0]):
            raise ChartSigned("this chart is signed: its alerts can no longer be acknowledged")
        what = acknowledgement_action(action)
        done = self._db.execute("SELECT 1 FROM alert_events WHERE alert_id = ? AND kind = "
                                "'acknowledged'", [alert_id]).fetchone()
        if done:
            raise ValidationError({"action": "this alert has already been acknowledged"})
        values = {"alert_id": alert_id, "kind": "acknowledged",
                  "at": to_stored(self.clock.now()), "user": self.user, "action": what}
        with self._transaction():
            self._record("alert_events", values, action="alerts.acknowledge", reason=what)
