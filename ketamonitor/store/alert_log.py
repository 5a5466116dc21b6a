"""Alerts as raised, cleared and acknowledged, each with its audit row."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ketamonitor.core.accounts import Role
from ketamonitor.core.alerts import (
    AlertCondition,
    AlertRecord,
    Priority,
    Reconciliation,
    acknowledgement_action,
)
from ketamonitor.core.errors import ChartSigned, ValidationError
from ketamonitor.core.escalation import (
    Escalation,
    alerts_for_physician,
    check_escalation,
    physician_choices,
)
from ketamonitor.core.permissions import Permission
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.store import rows
from ketamonitor.store.parts import StoreCore

_ALERTS = """
    SELECT a.*, ack.at AS acknowledged_at, ack.user AS acknowledged_by, ack.action AS action,
           cleared.at AS cleared_at,
           esc.done AS escalation_done, esc.note AS escalation_note,
           esc.physician_called AS escalation_physician_called,
           esc.physician AS escalation_physician, esc.called_at AS escalation_called_at,
           esc.ordered AS escalation_ordered, esc.entered_at AS escalation_entered_at,
           esc.entered_by AS escalation_entered_by,
           review.reviewed_by AS seen_by_physician
    FROM alerts a
    LEFT JOIN alert_events ack ON ack.alert_id = a.id AND ack.kind = 'acknowledged'
    LEFT JOIN alert_events cleared ON cleared.alert_id = a.id AND cleared.kind = 'cleared'
    LEFT JOIN escalations esc ON esc.alert_id = a.id
    LEFT JOIN alert_reviews review ON review.alert_id = a.id
"""


#: Who raises and clears alerts: the room, judging the protocol's rules as time runs, not
#: whoever happens to be logged in (the audit row names the workstation beside it).
ROOM = "room"


class AlertLog(StoreCore):
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

    def acknowledge_alert(self, alert_id: int, action: str,
                          escalation: Escalation | None = None) -> None:
        """Who saw the alert, when, and what was done; an alert is acknowledged once.

        A high or critical alert is acknowledged with its escalation (what was done, the
        physician called, what was ordered), re-checked here and written with the
        acknowledgement in one transaction; without one it is refused. A physician who
        acknowledges such an alert has seen it: that is recorded in the same transaction."""
        account = self._require(Permission.ACKNOWLEDGE_ALERT)
        found = self._db.execute("SELECT session_id, priority, raised_at FROM alerts "
                                 "WHERE id = ?", [alert_id]).fetchone()
        if found is None:
            raise ValidationError({"action": f"there is no alert {alert_id} in the record"})
        session_id, priority, raised_at = found
        if self._is_signed(session_id):
            raise ChartSigned("this chart is signed: its alerts can no longer be acknowledged")
        what = acknowledgement_action(action)
        done = self._db.execute("SELECT 1 FROM alert_events WHERE alert_id = ? AND kind = "
                                "'acknowledged'", [alert_id]).fetchone()
        if done:
            raise ValidationError({"action": "this alert has already been acknowledged"})
        acts_now = Priority(priority).acts_now  # a critical alert is stored as a high one
        if acts_now and escalation is None:
            raise ValidationError({"escalation": "a high or critical alert is acknowledged "
                                                 "with what was done, whether a physician "
                                                 "was called and what was ordered"})
        now = self.clock.now()
        if escalation is not None:
            escalation = check_escalation(escalation, raised_at=from_stored(raised_at),
                                          now=now)
        values = {"alert_id": alert_id, "kind": "acknowledged",
                  "at": to_stored(now), "user": self.user, "action": what}
        with self._transaction():
            self._record("alert_events", values, action="alerts.acknowledge", reason=what)
            if escalation is not None:
                self._record("escalations", _escalation_values(alert_id, escalation, now,
                                                               self.user),
                             action="alerts.escalation")
            if acts_now and Role.PHYSICIAN in account.roles:
                self._record("alert_reviews", {
                    "alert_id": alert_id, "how": "acknowledged", "signature_id": None,
                    "reviewed_by": self.user, "reviewed_at": to_stored(now)},
                    action="alerts.seen_by_physician")

    def escalation_physicians(self, session_id: int) -> list[str]:
        """Who may have been called about an alert of this session, as the escalation
        dialog offers them: the session's prescriber, then the clinic's active physicians
        by printed name (any other name may be typed)."""
        self._require(Permission.ACKNOWLEDGE_ALERT)
        found = self._db.execute("SELECT prescriber FROM sessions WHERE id = ?",
                                 [session_id]).fetchone()
        names = [row[0] for row in self._db.execute("SELECT username FROM users ORDER BY id")]
        accounts = [a for name in names
                    if (a := self._account(name)) is not None]
        return physician_choices(found[0] if found else None,
                                 [a.display_name for a in accounts
                                  if Role.PHYSICIAN in a.roles and not a.disabled])

    def _record_seen_at_signing(self, session_id: int, signature_id: int,
                                seen: list[AlertRecord]) -> None:
        """Inside the signing transaction: the signer has seen each high or critical alert
        no physician had (the list the signing dialog showed)."""
        now = to_stored(self.clock.now())
        for record in seen:
            self._record("alert_reviews", {
                "alert_id": record.id, "how": "signed", "signature_id": signature_id,
                "reviewed_by": self.user, "reviewed_at": now},
                action="alerts.seen_by_physician")

    def alerts_unseen_by_physician(self, session_id: int) -> list[AlertRecord]:
        """The chart's high and critical alerts no physician has seen yet: what signing
        lists, and marks as seen by the signer."""
        return alerts_for_physician(self.alerts([session_id])[session_id])


def _escalation_values(alert_id: int, escalation: Escalation, now: datetime,
                       user: str) -> dict[str, Any]:
    called_at = escalation.called_at
    done = json.dumps(list(escalation.done), ensure_ascii=False, separators=(",", ":"))
    return {"alert_id": alert_id, "done": done,
            "note": escalation.note, "physician_called": int(escalation.physician_called),
            "physician": escalation.physician,
            "called_at": to_stored(called_at) if called_at is not None else None,
            "ordered": escalation.ordered, "entered_at": to_stored(now), "entered_by": user}
