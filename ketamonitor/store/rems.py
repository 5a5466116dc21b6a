"""The Spravato REMS forms still to file, and the mark that one was submitted.

The mark is an audit row (`rems_forms.submitted`, entity `rems_forms`, the session's id),
like an export's, and so is its withdrawal (`rems_forms.withdrawn`) when it was made by
mistake: the hash-chained, append-only trail is the record of both, so no table and no
migration are needed, and `verify` vouches for them with the rest of the chain. Which
sessions need a form, and how many days are left, are core rules (core.rems).
"""

from __future__ import annotations

import json
from typing import Any

from ketamonitor.core.clock import local_today
from ketamonitor.core.permissions import Permission
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.rems import (
    RemsCandidate,
    RemsForm,
    RemsPending,
    RemsSubmission,
    check_confirmed_gaps,
    check_rems_submission,
    check_rems_withdrawal,
    rems_form,
    rems_pending,
    rems_window,
)
from ketamonitor.core.times import from_stored
from ketamonitor.store.parts import StoreCore

#: The audit entity of REMS submissions (no table: the audit row is the record).
REMS_FORMS = "rems_forms"
SUBMITTED = "rems_forms.submitted"

_CANDIDATES = """
    SELECT s.id, s.patient_id, p.family_name, p.given_name, p.mrn, s.route,
           COALESCE((SELECT phase FROM events
                     WHERE session_id = s.id AND phase IS NOT NULL
                     ORDER BY occurred_at DESC, id DESC LIMIT 1), 'pre_infusion') AS phase,
           (SELECT min(occurred_at) FROM events
            WHERE session_id = s.id AND kind = 'start_infusion') AS first_dose_at
    FROM sessions s JOIN patients p ON p.id = s.patient_id
"""
WITHDRAWN = "rems_forms.withdrawn"
#: A session's marks that stand: submitted, and not withdrawn by a later audit row.
_STANDING = f"""
    SELECT a.entity_id AS session_id, a.at, a.user,
           json_extract(a.new_value, '$.reference') AS reference,
           json_extract(a.new_value, '$.gaps') AS gaps
    FROM audit a
    WHERE a.entity = '{REMS_FORMS}' AND a.action = '{SUBMITTED}'
      AND NOT EXISTS (SELECT 1 FROM audit w WHERE w.entity = a.entity
                      AND w.action = '{WITHDRAWN}' AND w.entity_id = a.entity_id
                      AND w.id > a.id)
"""


class RemsForms(StoreCore):
    """An administrator's list of REMS forms to file, and marking each one submitted."""

    def rems_pending(self) -> list[RemsPending]:
        """Finished esketamine sessions with a dose given whose form is not marked submitted,
        with the days left of the 7-day window: overdue ones first, then the fewest days
        left."""
        self._require(Permission.FILE_REMS)
        rows = self._rows(
            f"{_CANDIDATES} WHERE s.route = ? AND s.id NOT IN "
            f"(SELECT session_id FROM ({_STANDING}))", [Route.INTRANASAL.value])
        return rems_pending((_candidate(row) for row in rows), today=local_today(self.clock),
                            zone=self.clock.local_zone)

    def rems_submission(self, session_id: int) -> RemsSubmission | None:
        """The mark that the session's form was submitted, if it was."""
        self._require(Permission.READ_RECORD)
        found = self._rows(f"{_STANDING} AND a.entity_id = ? ORDER BY a.id DESC LIMIT 1",
                           [session_id])
        return _submission(found[0]) if found else None

    def rems_submitted(self, limit: int = 200) -> list[tuple[RemsSubmission, RemsCandidate]]:
        """The marks that stand, the newest first, with their sessions: where a mark made
        by mistake is found to withdraw."""
        self._require(Permission.FILE_REMS)
        marks = self._rows(f"{_STANDING} ORDER BY a.id DESC LIMIT ?", [limit])
        sessions = {row["id"]: _candidate(row) for row in self._rows(
            f"{_CANDIDATES} WHERE s.id IN (SELECT session_id FROM ({_STANDING}))")}
        return [(_submission(mark), sessions[mark["session_id"]]) for mark in marks
                if mark["session_id"] in sessions]

    def withdraw_rems_submission(self, session_id: int, reason: str) -> None:
        """Take back a session's submitted mark, with the reason: its form is to file
        again. The mark and its withdrawal both stay in the audit trail."""
        self._require(Permission.FILE_REMS)
        with self._transaction():
            current = self.rems_submission(session_id)
            why = check_rems_withdrawal(session_id, current, reason)
            assert current is not None
            self._audit(WITHDRAWN, REMS_FORMS, session_id, old_value=current.reference,
                        reason=why)

    def rems_form_of(self, session_id: int) -> RemsForm | None:
        """The session's REMS form as the record fills it, with what it still lacks and what
        the chart contradicts; None for a protocol that asks no REMS questions."""
        self._require(Permission.READ_RECORD)
        chart = self.chart(session_id)
        rems_id = chart.protocol.checklists.rems
        questions = self.library.checklists.get(rems_id) if rems_id else None
        if questions is None:
            return None
        return rems_form(chart, questions, self.setting("clinic_name"), self.clock.local_zone,
                         scales=self.library.scales,
                         alerts=self.alerts([session_id])[session_id])

    def mark_rems_submitted(self, session_id: int, reference: str, *,
                            confirm_incomplete: bool = False) -> RemsSubmission:
        """Mark the session's REMS form submitted, once, with the submission's reference; a
        ValidationError for an unknown, non-esketamine, unfinished or undosed session, one
        already marked, or an empty reference. A form with fields missing or answers the
        chart contradicts is marked only with `confirm_incomplete` (the person saw the list
        and confirmed it), and the audit row keeps what it lacked."""
        self._require(Permission.FILE_REMS)
        with self._transaction():
            found = self._rows(f"{_CANDIDATES} WHERE s.id = ?", [session_id])
            session = _candidate(found[0]) if found else None
            cleaned = check_rems_submission(session_id, session,
                                            self.rems_submission(session_id), reference)
            assert session is not None and session.first_dose_at is not None
            form = self.rems_form_of(session_id)
            gaps = check_confirmed_gaps(session_id, form, confirm_incomplete) if form else ()
            treatment_date, due_by, days_left = rems_window(
                session.first_dose_at, local_today(self.clock), self.clock.local_zone)
            self._audit(SUBMITTED, REMS_FORMS, session_id, new_value={
                "session_id": session_id, "reference": cleaned,
                "treatment_date": treatment_date.isoformat(), "due_by": due_by.isoformat(),
                "days_left": days_left,
                **({"confirmed_incomplete": True, "gaps": list(gaps)} if gaps else {})})
        submission = self.rems_submission(session_id)
        assert submission is not None
        return submission


def _submission(row: dict[str, Any]) -> RemsSubmission:
    gaps = tuple(json.loads(row["gaps"])) if row["gaps"] else ()
    return RemsSubmission(row["session_id"], row["reference"], from_stored(row["at"]),
                          row["user"], gaps)


def _candidate(row: dict[str, Any]) -> RemsCandidate:
    return RemsCandidate(
        session_id=row["id"],
        patient_id=row["patient_id"],
        patient_name=f"{row['family_name'].upper()}, {row['given_name']}",
        mrn=row["mrn"],
        route=Route(row["route"]),
        phase=Phase(row["phase"]),
        first_dose_at=from_stored(row["first_dose_at"]) if row["first_dose_at"] else None,
    )
