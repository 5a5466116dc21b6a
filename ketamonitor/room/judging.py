"""Judging one chair's alerts on its cached chart and the clock, and recording what
changed. One chair's rules that fail (a bug, a clinic file the rules did not foresee) never
stop the other chairs: that chair gets a "could not judge" alert, raised once, and the log
one entry with the traceback."""

from __future__ import annotations

import logging
import traceback

from ketamonitor.core.alerts import (
    AlertCondition,
    AlertKind,
    AlertRecord,
    Priority,
    Reconciliation,
    alert_conditions,
    reconcile,
)
from ketamonitor.room.chair import ChairState
from ketamonitor.store.errors import StoreError
from ketamonitor.store.interface import StoreApi

#: The room's log (the package's name, whichever module of it writes).
log = logging.getLogger(__package__)

#: The key of the alert that says a chair's alerts could not be judged at all, numbered
#: per session: a rule failing on every tick raises it once, and a fault that comes back
#: after the rules recovered (its alert cleared) raises the next.
JUDGING_FAILED_KEY = "rule_failed:judging"


def judge(store: StoreApi, state: ChairState) -> list[AlertRecord]:
    """Judge the chair's alerts at the clock's now; record the raised and cleared ones and
    re-read its alerts only if something changed. Returns the newly raised alerts."""
    try:
        changes = _changes(store, state)
    except StoreError:
        raise  # the file, not the rules: the window says so for every chair
    except Exception:  # a bug in the rules for this chair: the others go on
        changes = _judging_failed(state, traceback.format_exc())
    if not changes:
        return []
    store.apply_alert_changes(state.session_id, changes)
    known = {record.id for record in state.alerts}
    state.alerts = store.alerts([state.session_id])[state.session_id]
    _log_failures(state, changes.to_raise)
    return [record for record in state.alerts if record.id not in known]


def _changes(store: StoreApi, state: ChairState) -> Reconciliation:
    conditions = alert_conditions(state.chart, store.clock.now(), store.library.scales,
                                  store.clock.local_zone, state.alerts)
    return reconcile(state.alerts, conditions)


def _judging_failed(state: ChairState, trace: str) -> Reconciliation:
    """The chair's alerts could not be judged: say so once, and clear nothing (a line
    crossed stays raised while the rules cannot look at it)."""
    earlier = [record for record in state.alerts
               if record.key.startswith(f"{JUDGING_FAILED_KEY}:")]
    if any(record.is_active for record in earlier):
        return Reconciliation(to_raise=(), to_clear=())
    failed = AlertCondition(
        f"{JUDGING_FAILED_KEY}:{len(earlier) + 1}", AlertKind.RULE_FAILED, Priority.HIGH,
        f"Could not judge the alerts for chair {state.listing.chair} (a fault, written to "
        "the log): watch this chair's readings and times yourself",
        detail=trace)
    return Reconciliation(to_raise=(failed,), to_clear=())


def _log_failures(state: ChairState, raised: tuple[AlertCondition, ...]) -> None:
    """A failed rule's traceback, logged once: when its alert is raised, not on each tick."""
    for condition in raised:
        if condition.detail:
            log.error("chair %s (session %s): %s\n%s", state.listing.chair,
                      state.session_id, condition.message, condition.detail)
