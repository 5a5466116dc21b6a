"""Alerts as raised, cleared and acknowledged, each with its audit row."""

from __future__ import annotations

from ketamonitor.core.alerts import AlertRecord, Reconciliation, acknowledgement_action
from ketamonitor.core.errors import ValidationError
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


class AlertLog(StoreBase):

    def alerts(self, session_ids: list[int]) -> dict[int, list[AlertRecord]]:
        """Every alert of these sessions with what became of it, oldest first."""
        found: dict[int, list[AlertRecord]] = {session_id: [] for session_id in session_ids}
        if not session_ids:
            return found
        marks = ", ".join("?" for _ in session_ids)
        for row in self._rows(f"{_ALERTS} WHERE a.session_id IN ({marks}) ORDER BY a.id",
                              session_ids):
            found[row["session_id"]].append(rows.alert(row))
        return found

    def apply_alert_changes(self, session_id: int, changes: Reconciliation) -> None:
        """Raise the new alerts and record the cleared ones, in one transaction."""
        now = to_stored(self.clock.now())
        with self._transaction():
            for condition in changes.to_raise:
                values = {"session_id": session_id, "key": condition.key,
                          "kind": condition.kind.value, "priority": condition.priority.value,
                          "message": condition.message, "raised_at": now}
                alert_id = self._insert("alerts", values)
                self._audit("alerts.raise", "alerts", alert_id, new_value=values)
            for record in changes.to_clear:
                values = {"alert_id": record.id, "kind": "cleared", "at": now,
                          "user": self.user, "action": None}
                self._insert("alert_events", values)
                self._audit("alerts.clear", "alerts", record.id, new_value=values)

    def acknowledge_alert(self, alert_id: int, action: str) -> None:
        """Who saw the alert, when, and what was done; an alert is acknowledged once."""
        what = acknowledgement_action(action)
        done = self._db.execute("SELECT 1 FROM alert_events WHERE alert_id = ? AND kind = "
                                "'acknowledged'", [alert_id]).fetchone()
        if done:
            raise ValidationError({"action": "this alert has already been acknowledged"})
        values = {"alert_id": alert_id, "kind": "acknowledged",
                  "at": to_stored(self.clock.now()), "user": self.user, "action": what}
        with self._transaction():
            self._insert("alert_events", values)
            self._audit("alerts.acknowledge", "alerts", alert_id, new_value=values,
                        reason=what)
