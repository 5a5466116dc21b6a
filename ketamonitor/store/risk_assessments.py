"""A physician's risk assessment after PHQ-9 item 9 >= 1, and the outcome of an early end:
each an append-only row written with its audit row, re-checked here whatever the caller
checked (a script calling the store is a path in too)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.permissions import Permission
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome, RiskAssessment
from ketamonitor.core.risk import (
    RiskAssessmentDraft,
    check_risk_assessment,
    item9_mark,
    item9_positive,
    risk_wording,
)
from ketamonitor.core.times import from_stored
from ketamonitor.store.parts import StoreCore


class RiskAssessments(StoreCore):
    """Risk assessments (physicians only) and the early-end rows beside their events."""

    def record_risk_assessment(self, session_id: int, draft: RiskAssessmentDraft) -> int:
        """Chart a physician's risk assessment on an unsigned chart with item 9 >= 1, open
        or finished (item 9 may be answered after discharge, and is assessed then)."""
        account = self._require(Permission.ASSESS_RISK)
        self._session_open(session_id, Permission.ASSESS_RISK)
        check_risk_assessment(draft, risk_wording())
        if item9_positive(self.chart(session_id)) is None:
            raise ValidationError({"outcome": "PHQ-9 item 9 is not answered above 'Not at "
                                              "all' on this chart: no assessment is asked"})
        values = {"session_id": session_id, "outcome": draft.outcome, "plan": draft.plan,
                  "note": (draft.note or "").strip() or None,
                  "physician": account.display_name}
        with self._transaction():
            return self._charted("risk_assessments", values)

    def item9_marks(self, session_ids: Iterable[int] | None = None) -> dict[int, str]:
        """The item-9 mark of each unsigned session with PHQ-9 item 9 >= 1 charted ("Item 9:
        2 — assessment needed"), read from its chart; all such sessions when no ids given.
        The review queue, the room and the patients page show it."""
        self._require(Permission.READ_RECORD)
        wanted = None if session_ids is None else set(session_ids)
        found = [row[0] for row in self._db.execute(_POSITIVE_UNSIGNED).fetchall()]
        marks = {}
        for session_id in found:
            if wanted is None or session_id in wanted:
                mark = item9_mark(self.chart(session_id))
                if mark is not None:
                    marks[session_id] = mark
        return marks

    def item9_patients(self) -> dict[int, str]:
        """Patients with an unsigned session flagged by item 9: the mark of the latest."""
        marks = self.item9_marks()
        patients: dict[int, str] = {}
        for session_id in sorted(marks):
            patient = self._db.execute("SELECT patient_id FROM sessions WHERE id = ?",
                                       [session_id]).fetchone()[0]
            patients[patient] = marks[session_id]
        return patients

    def _risk_assessments(self, session_id: int) -> tuple[RiskAssessment, ...]:
        return tuple(_assessment(row) for row in self._rows(
            "SELECT * FROM risk_assessments WHERE session_id = ? ORDER BY id", [session_id]))

    def _early_end(self, session_id: int) -> EarlyEnd | None:
        found = self._rows("SELECT * FROM early_ends WHERE session_id = ? ORDER BY id",
                           [session_id])
        if not found:
            return None
        row = found[0]
        return EarlyEnd(EarlyEndOutcome(row["outcome"]), row["physician"], row["destination"])

    def _record_early_end(self, session_id: int, event_id: int, early_end: EarlyEnd) -> None:
        values = {"event_id": event_id, "session_id": session_id,
                  "outcome": early_end.outcome.value,
                  "destination": (early_end.destination or "").strip() or None,
                  "physician": early_end.physician.strip()}
        self._charted("early_ends", values)


#: Unsigned sessions with a PHQ-9 whose item 9 is 1 or more (the chart decides the rest:
#: a score entered in error, an assessment already made).
_POSITIVE_UNSIGNED = (
    "SELECT DISTINCT c.session_id FROM scale_scores c WHERE c.scale = 'phq9' "
    "AND json_extract(c.item_scores, '$.q9') >= 1 AND NOT EXISTS (SELECT 1 FROM signatures g "
    "WHERE g.session_id = c.session_id AND g.kind = 'signature') ORDER BY c.session_id")


def _assessment(row: dict[str, Any]) -> RiskAssessment:
    return RiskAssessment(id=row["id"], session_id=row["session_id"], outcome=row["outcome"],
                          plan=row["plan"], note=row["note"], physician=row["physician"],
                          entered_at=from_stored(row["entered_at"]),
                          entered_by=row["entered_by"])
