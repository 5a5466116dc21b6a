"""Each planned entry as a write through the store's public interface, run when the clock
reaches its minute."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from ketamonitor.core.checklists import Checklist
from ketamonitor.core.entries import checklist_answer, note_draft, scale_answer
from ketamonitor.core.library import Library
from ketamonitor.core.medications import MedicationEntry
from ketamonitor.core.phases import Action
from ketamonitor.core.risk import RiskAssessmentDraft, risk_wording
from ketamonitor.core.vitals import Vitals
from ketamonitor.demo.accounts import DEMO_PASSWORD
from ketamonitor.store.store import Store

#: One entry's write: given the store, the session's id and the clock's time.
Write = Callable[[Store, int, datetime], object]


def vitals_write(values: Mapping[str, int]) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_vitals(session_id, Vitals(observed_at=at, **values))
    return write


def answer_write(checklist: Checklist, item: str, value: str, extra: Mapping[str, str]
                 ) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_checklist_answer(
            session_id, checklist_answer(checklist, item, value, at, **extra))
    return write


def assessment_write(checklist: Checklist, values: Mapping[str, str]) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_assessment(session_id, [
            checklist_answer(checklist, item, value, at) for item, value in values.items()])
    return write


def scale_write(library: Library, scale_id: str, scores: Mapping[str, int],
                timepoint: str | None) -> Write:
    scale = library.scale(scale_id)

    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_scale_score(session_id, scale_answer(scale, scores, at, timepoint))
    return write


def demo_lot(day: date) -> str:
    """The clinic's ketamine stock: a new lot every ten days or so (no draw from the random
    stream, so every other demo value stays as it was)."""
    return f"KET{day:%y%m}-{(day.day - 1) // 10 + 1:02d}"


def drug_lot_write(lot: str) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_drug_lot(session_id, lot, at)
    return write


def demo_device_lot(day: date) -> str:
    """The clinic's esketamine device stock: a new lot each month (no draw from the random
    stream, as for `demo_lot`)."""
    return f"ESK{day:%y%m}"


def device_write(lot: str) -> Write:
    """One nasal device given, with its lot: the first starts dosing, the last ends it (the
    store's own rules, as the device panel charts them)."""
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_device(session_id, lot, at)
    return write


def medication_write(drug: str, dose: float, unit: str, route: str,
                     answers: frozenset[str] = frozenset()) -> Write:
    """A medicine given on the prescriber's order by the session's nurse; linked to the
    session's latest alert of a kind in `answers` when there is one (the clonidine given for
    a BP over the stop line answers that alert)."""
    def write(store: Store, session_id: int, at: datetime) -> object:
        chart = store.chart(session_id)
        alerts = [alert for alert in store.alerts([session_id])[session_id]
                  if alert.kind in answers]
        return store.record_medication(session_id, MedicationEntry(
            drug, dose, unit, route, at, ordered_by=chart.session.prescriber or "",
            given_by=chart.session.nurse, alert_id=alerts[-1].id if alerts else None))
    return write


def note_write(text: str) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_note(session_id, note_draft(text, at))
    return write


def override_write(action: Action, reason: str) -> Write:
    """The demo physician's override, given only when something holds the action then (a
    pre-dose BP still above the line, a patient who had eaten)."""
    def write(store: Store, session_id: int, at: datetime) -> object:
        if not store.override_items(session_id, action):
            return None
        return store.override(session_id, action, reason, "physician", DEMO_PASSWORD)
    return write


def risk_write(item9: int) -> Write:
    """The physician's risk assessment after PHQ-9 item 9 >= 1 (the discharge gate asks for
    it): the demo physician logs in for it, and the nurse again after."""
    wording = risk_wording()
    draft = RiskAssessmentDraft(wording.outcomes[min(item9, 2) - 1], wording.plans[0])

    def write(store: Store, session_id: int, at: datetime) -> object:
        store.logout()
        store.login("physician", DEMO_PASSWORD)
        try:
            return store.record_risk_assessment(session_id, draft)
        finally:
            store.logout()
            store.login("nurse", DEMO_PASSWORD)
    return write


def phase_write(action: Action, reason: str | None) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.change_phase(session_id, action, reason=reason)
    return write
