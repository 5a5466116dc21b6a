"""The room's alerts in the demo: judged after each entry with the room's own rules, and
acknowledged by the nurse soon after, with the escalation a high alert asks for.

The judging is the room's (`room.judging` calls the same two core functions): the chart as
charted so far and the clock's now go through `alert_conditions`, `reconcile` says what to
raise and clear, and the store records it at that moment. Only entries a rule reads are
followed by a judging (vitals, scores, side effects, phase changes, devices): notes, the
other checklists, lots and medicines change no alert, and reading the chart after each of
them would make a year's demo minutes slower. The reminders that only the clock raises
between two entries (a check due, observation time met) are not replayed: the demo charts
every check on time, and such a reminder clears by the charting that answers it.

The nurse acknowledges every alert that asks for it a minute or three after it was raised,
before the patient leaves (a clinic's record has none left unanswered at discharge); only
the sessions still in the room at the demo's now may show one waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ketamonitor.core.alerts import (
    RESOLVED_BY_CHARTING,
    AlertRecord,
    Priority,
    alert_conditions,
    reconcile,
)
from ketamonitor.core.escalation import NO_NEW_ORDERS, Escalation
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Route
from ketamonitor.store.store import Store


def judge(store: Store, session_id: int) -> list[AlertRecord]:
    """Judge the session's chart at the clock's now as the room does, record what is raised
    and cleared, and return the newly raised alerts that wait for an acknowledgement."""
    raised = store.alerts([session_id])[session_id]
    conditions = alert_conditions(store.chart(session_id), store.clock.now(),
                                  store.library.scales, store.clock.local_zone, raised)
    changes = reconcile(raised, conditions)
    if not changes:
        return []
    store.apply_alert_changes(session_id, changes)
    known = {record.id for record in raised}
    return [record for record in store.alerts([session_id])[session_id]
            if record.id not in known and record.kind not in RESOLVED_BY_CHARTING]


def acknowledged_at(record: AlertRecord, leaves: datetime) -> datetime:
    """When the nurse acknowledges it: one to three minutes after it was raised (by its id:
    no draw from the demo's random stream), and before the patient leaves (never before
    it was raised)."""
    return max(record.raised_at,
               min(record.raised_at + timedelta(minutes=1 + record.id % 3), leaves))


@dataclass(frozen=True)
class Answer:
    """What the nurse did about one kind of alert, in the escalation dialog's words
    (resources/reasons.toml "escalation_done"); `called`: the prescriber was called."""

    done: tuple[str, ...]
    called: bool = True
    ordered: str | None = None
    #: The order after a nasal dose, when it differs (no infusion to hold).
    ordered_nasal: str | None = None


_BP_HIGH = Answer(("BP rechecked",),
                  ordered="Hold the infusion; recheck BP and resume only under the stop line",
                  ordered_nasal="Recheck BP in 15 min")
_BREATHING = Answer(("Airway positioned", "Patient stimulated"),
                    ordered="Continue SpO2 monitoring; resume when breathing is back to normal")
#: The answer for each kind the demo's charts raise; any other kind gets `_ANY`.
ANSWERS = {
    "bp_above_stop_line": _BP_HIGH,
    "bp_critical": _BP_HIGH,
    "predose_bp_high": Answer(("Resting before a repeat BP",), called=False),
    "spo2_low": _BREATHING,
    "spo2_critical": _BREATHING,
    "respiratory_rate_low": _BREATHING,
    "deep_sedation": _BREATHING,
    "sedation_critical": _BREATHING,
    "severe_side_effect": Answer(("Reassured, less stimulation",), ordered=NO_NEW_ORDERS),
    "phq9_q9": Answer(("Stayed with the patient",),
                      ordered="Risk assessment by the physician before discharge"),
}
_ANY = Answer(("BP rechecked",), ordered=NO_NEW_ORDERS)


def acknowledge(store: Store, record: AlertRecord) -> None:
    """The nurse's acknowledgement at the clock's now: what was done, and for a high or
    critical alert the escalation (the session's prescriber called at once)."""
    chart = store.chart(record.session_id)
    answer = ANSWERS.get(record.kind, _ANY)
    done = answer.done
    if chart.phase is Phase.PAUSED:
        done = (*done, "Infusion paused")
    if any(medicine.alert_id == record.id for medicine in chart.medications):
        done = (*done, "Medicine given (see medicines)")
    ordered = answer.ordered
    if answer.ordered_nasal and chart.protocol.route is Route.INTRANASAL:
        ordered = answer.ordered_nasal
    escalation = Escalation(
        done=done, physician_called=answer.called,
        physician=chart.session.prescriber if answer.called else None,
        called_at=store.clock.now() if answer.called else None,
        ordered=ordered if answer.called else None)
    if record.priority.rank >= Priority.HIGH.rank:
        store.acknowledge_alert(record.id, escalation.action_text(), escalation)
    else:
        called = "; physician informed" if answer.called else ""
        store.acknowledge_alert(record.id, escalation.action_text() + called)
