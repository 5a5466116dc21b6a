"""Charted entries: each written with its audit row, re-checked by the core rules
whatever the caller checked, so nothing invalid reaches the file from any path."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from ketamonitor.core.administration import (
    DEVICE,
    DeviceDraft,
    DrugLot,
    next_device,
    next_drug_lot,
)
from ketamonitor.core.aldrete import ALDRETE, check_aldrete
from ketamonitor.core.amendments import AmendmentDraft
from ketamonitor.core.dose import check_dose, check_pump_volume
from ketamonitor.core.entries import (
    ChecklistAnswer,
    LateVitals,
    NoteDraft,
    ScaleAnswer,
    check_chart_open_for_entries,
    check_entry_time,
    check_free_text,
    check_late_vitals,
    note_draft,
)
from ketamonitor.core.errors import ChartSigned, ValidationError
from ketamonitor.core.gates import (
    check_action,
    check_ready_without_minimum,
    dosing_complete,
    follow_on,
)
from ketamonitor.core.patient import Patient, PatientDetails, check_details
from ketamonitor.core.permissions import Permission
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import EarlyEnd, EventKind
from ketamonitor.core.risk import SCORED_AFTER_FINISH
from ketamonitor.core.setup import SessionSetup, check_no_open_session
from ketamonitor.core.side_effects import RESOLVED, check_resolution
from ketamonitor.core.text import check_free_text as check_text
from ketamonitor.core.timeline import PhaseChange
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.core.vitals import MEASUREMENTS, Vitals, check_vitals
from ketamonitor.store import rows
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.parts import StoreCore

#: The tables of a session's chart whose rows an amendment may correct.
_SESSION_ENTRIES = frozenset({"vitals", "checklist_entries", "scale_scores", "events",
                              "administrations", "medications"})


class EntryWrites(StoreCore):
    """Charting: every method checks who may, re-checks what is charted, and writes the row
    with its audit row in one transaction."""

    def register_patient(self, details: PatientDetails) -> Patient:
        self._require(Permission.REGISTER_PATIENT)
        details = check_details(  # the form's checks, again: a script is not the form
            details, today=self.clock.now().astimezone(self.clock.local_zone).date())
        existing = self.patient_by_mrn(details.mrn)
        if existing is not None:
            raise ValidationError({"mrn": f"already registered to {existing.display_name}"})
        values = {
            "mrn": details.mrn,
            "family_name": details.family_name,
            "given_name": details.given_name,
            "birth_date": details.birth_date.isoformat(),
            "weight_kg": details.weight_kg,
            "is_demo": int(details.is_demo),
            "registered_at": to_stored(self.clock.now()),
            "registered_by": self.user,
        }
        with self._transaction():
            patient_id = self._record("patients", values)
        return self.patient(patient_id)

    def start_session(self, setup: SessionSetup, began_at: datetime | None = None,
                      appointment_id: int | None = None) -> int:
        """Open a session in the pre-infusion phase; its protocol's text is kept with it.
        Checking in for an appointment links the two (an appointment is checked in once)."""
        self._require(Permission.START_SESSION)
        if appointment_id is not None:
            self._check_appointment_open(appointment_id, setup.patient_id)
        self.patient(setup.patient_id)
        self._check_in_force(setup.protocol)
        dose = setup.dose
        check_dose(setup.protocol, setup.weight_kg, dose,
                   first_treatment=self.first_esketamine_treatment(setup.patient_id))
        values = {
            "patient_id": setup.patient_id,
            "route": setup.protocol.route.value,
            "protocol_id": setup.protocol.id,
            "protocol_version": setup.protocol.version,
            "protocol_name": setup.protocol.name,
            "protocol_toml": setup.protocol.source_text,
            "chair": setup.chair,
            "nurse": setup.nurse,
            "weight_kg": setup.weight_kg,
            "dose_mg_per_kg": dose.mg_per_kg,
            "devices": dose.devices,
            "total_mg": dose.total_mg,
            "concentration_mg_per_ml": dose.concentration_mg_per_ml,
            "volume_ml": dose.volume_ml,
            "pump_rate_ml_per_h": dose.pump_rate_ml_per_h,
            "began_at": to_stored(began_at or self.clock.now()),
            "created_by": self.user,
            "prescriber": setup.prescriber,
            "appointment_id": appointment_id,
        }
        with self._transaction():  # checked and written at once: no second one between
            check_no_open_session(
                self.patient_sessions(setup.patient_id))
            return self._record("sessions", values)

    def first_esketamine_treatment(self, patient_id: int) -> bool:
        """Whether a new esketamine session would be the first treatment of the patient's
        course: no earlier esketamine session of theirs began dosing (the label's day 1 is
        56 mg). A session ended before its first device was no treatment."""
        self._require(Permission.READ_RECORD)
        found = self._db.execute(
            "SELECT 1 FROM sessions s JOIN events e ON e.session_id = s.id "
            "WHERE s.patient_id = ? AND s.route = ? AND e.kind = ? LIMIT 1",
            [patient_id, Route.INTRANASAL.value, Action.START_INFUSION.value]).fetchone()
        return found is None

    def record_pump_volume(self, session_id: int, volume_ml: float,
                           at: datetime | None = None) -> int:
        """The pump's "volume infused" read when the IV infusion ended (complete or stopped
        early): from then on the dose given is this volume x the concentration. Refused at
        or below 0 and above the planned volume plus a small tolerance."""
        self._session_open(session_id)
        now = self.clock.now()
        observed = at or now
        _check_moment("at", observed)
        if isinstance(volume_ml, bool) or not isinstance(volume_ml, int | float):
            raise ValidationError({"volume_ml": "must be a number"})  # its range: below
        with self._transaction():
            chart = self.chart(session_id)
            check_entry_time(observed, now=now, session_began=chart.session.began_at,
                             zone=self.clock.local_zone)
            check_pump_volume(chart, volume_ml)
            return self._charted("pump_volumes", {
                "session_id": session_id, "volume_ml": volume_ml,
                "observed_at": to_stored(observed)})

    def record_vitals(self, session_id: int, vitals: Vitals, source: str = "manual", *,
                      confirmed: frozenset[str] = frozenset()) -> int:
        """Chart a set; an extreme reading (RR 0, SpO2 42) only when `confirmed` names its
        field, so a script is asked the same question as the form (ConfirmationNeeded)."""
        values = self._checked_vitals(session_id, vitals, source, confirmed)
        with self._transaction():
            return self._charted("vitals", values)

    def _checked_vitals(self, session_id: int, vitals: Vitals, source: str,
                        confirmed: frozenset[str]) -> dict[str, Any]:
        """A set's row, once it has passed every check a set charted as it happens passes,
        whoever charts it (typed, or accepted from the monitor): the chart open for
        entries, whole numbers, values a patient can have, extremes confirmed."""
        began = self._session_charting(session_id)
        _check_vitals_types(vitals)
        check_vitals(vitals, now=self.clock.now(), session_began=began,
                     zone=self.clock.local_zone, confirmed=confirmed)
        return {"session_id": session_id, "observed_at": to_stored(vitals.observed_at),
                **_vitals_values(vitals), "source": source}

    def record_late_vitals(self, session_id: int, late: LateVitals, *,
                           confirmed: frozenset[str] = frozenset()) -> int:
        """A set observed during a finished (discharged or stopped early), unsigned session
        and charted after it ended: its time within the session, its reason kept on the row
        (and in its audit row), entered_at saying when it was charted."""
        began = self._session_open(session_id)
        finished = self._finished(session_id)
        if finished is None:
            raise ValidationError({"session": "this session is still open: chart the set on "
                                              "its page as usual (type the time it was "
                                              "taken for one taken earlier)"})
        _check_vitals_types(late.vitals)
        check_text("reason", late.reason)
        check_late_vitals(late, now=self.clock.now(), session_began=began,
                          session_ended=finished[1], zone=self.clock.local_zone,
                          confirmed=confirmed)
        values = {"session_id": session_id, "observed_at": to_stored(late.vitals.observed_at),
                  **_vitals_values(late.vitals), "source": "manual",
                  "late_reason": late.reason}
        with self._transaction():
            return self._charted("vitals", values, reason=late.reason)

    def record_checklist_answer(self, session_id: int, answer: ChecklistAnswer) -> int:
        check_free_text("note", answer.note)
        self._session_charting(session_id)
        self._check_time(session_id, answer.observed_at)
        if answer.value == RESOLVED:
            # re-checked here: a script must not resolve what was never charted present
            check_resolution(self.chart(session_id), answer.item, answer.observed_at)
        values = {
            "session_id": session_id,
            "checklist": answer.checklist,
            "item": answer.item,
            "label": answer.label,
            "value": answer.value,
            "severity": answer.severity,
            "intervention": answer.intervention,
            "note": answer.note,
            "observed_at": to_stored(answer.observed_at),
        }
        with self._transaction():
            return self._charted("checklist_entries", values)

    def record_assessment(self, session_id: int, answers: list[ChecklistAnswer]) -> list[int]:
        """Several answers given at one assessment (the dissociation checklist), all or none."""
        if not answers:
            raise ValidationError({"value": "answer at least one item"})
        ids = []
        with self._transaction():
            for answer in answers:
                ids.append(self.record_checklist_answer(session_id, answer))
        return ids

    def record_scale_score(self, session_id: int, answer: ScaleAnswer) -> int:
        """A scale's score; the PHQ-9 also on a finished, unsigned chart (answered at the
        desk after discharge: its item 9 counts until the chart is signed)."""
        if answer.scale in SCORED_AFTER_FINISH:
            self._session_open(session_id)
        else:
            self._session_charting(session_id)
        self._check_time(session_id, answer.observed_at)
        if answer.scale == ALDRETE:
            # its chart-derived items may not give more than the chart: re-checked here
            check_aldrete(self.chart(session_id), answer.scale, answer.item_scores,
                          answer.observed_at)
        values = {
            "session_id": session_id,
            "scale": answer.scale,
            "timepoint": answer.timepoint,
            "total": answer.total,
            "item_scores": rows.canonical_json(answer.item_scores),
            "observed_at": to_stored(answer.observed_at),
        }
        with self._transaction():
            return self._charted("scale_scores", values)

    def record_note(self, session_id: int, note: NoteDraft) -> int:
        """A note; its text re-checked as the form checks it (written, at most
        NOTE_MAX_CHARACTERS)."""
        note = note_draft(note.text, note.occurred_at)
        self._session_charting(session_id)
        self._check_time(session_id, note.occurred_at)
        values = {"session_id": session_id, "kind": EventKind.NOTE, "phase": None,
                  "text": note.text, "occurred_at": to_stored(note.occurred_at)}
        with self._transaction():
            return self._charted("events", values)

    def change_phase(self, session_id: int, action: Action, *, reason: str | None = None,
                     at: datetime | None = None,
                     early_end: EarlyEnd | None = None) -> PhaseChange:
        """Apply `action` if the session's chart allows it; refusals list what is missing.
        "End session early" needs `early_end` (outcome, destination, physician informed),
        stored beside its phase event."""
        check_free_text("reason", reason)
        self._session_open(session_id)
        now = self.clock.now()
        with self._transaction():
            chart = self.chart(session_id)
            change = check_action(chart, action, at or now, now, self.library,
                                  zone=self.clock.local_zone, reason=reason,
                                  early_end=early_end)
            event_id = self._phase_event(session_id, change)
            if early_end is not None and action is Action.END_SESSION_EARLY:
                self._record_early_end(session_id, event_id,
                                       early_end)
            following = follow_on(chart, change)
            if following is not None:
                self._phase_event(session_id, following)
        return change

    def _phase_event(self, session_id: int, change: PhaseChange) -> int:
        values = {"session_id": session_id, "kind": change.action.value,
                  "phase": change.phase.value, "text": change.reason,
                  "occurred_at": to_stored(change.at)}
        return self._charted("events", values, reason=change.reason)

    def record_device(self, session_id: int, lot: str,
                      at: datetime | None = None) -> DeviceDraft:
        """An intranasal device given, with its lot: the first starts the dose's clock (its
        start gate applies), the last completes dosing; all in one transaction."""
        self._session_charting(session_id)
        now = self.clock.now()
        given_at = at or now
        with self._transaction():
            chart = self.chart(session_id)
            draft = next_device(chart, lot, given_at)
            if draft.is_first:
                self._phase_event(session_id, check_action(
                    chart, Action.START_INFUSION, given_at, now, self.library,
                    zone=self.clock.local_zone))
            else:
                check_entry_time(given_at, now=now, session_began=chart.session.began_at,
                                 zone=self.clock.local_zone)
            self._charted("administrations", {
                "session_id": session_id, "item": DEVICE, "number": draft.number,
                "amount_mg": draft.amount_mg, "lot": draft.lot,
                "given_at": to_stored(given_at)})
            if draft.is_last:
                self._phase_event(session_id, dosing_complete(self.chart(session_id),
                                                               given_at))
        return draft

    def record_drug_lot(self, session_id: int, lot: str,
                        at: datetime | None = None) -> DrugLot:
        """The lot of a vial or bag of an IV or IM dose (the controlled-substance record
        traces a dose by it), charted with its audit row."""
        self._session_charting(session_id)
        now = self.clock.now()
        given_at = at or now
        with self._transaction():
            chart = self.chart(session_id)
            check_entry_time(given_at, now=now, session_began=chart.session.began_at,
                             zone=self.clock.local_zone)
            drug = next_drug_lot(chart, lot, given_at)
            self._charted("administrations", {
                "session_id": session_id, "item": drug.item, "number": drug.number,
                "amount_mg": drug.amount_mg, "lot": drug.lot,
                "given_at": to_stored(given_at)})
        return drug

    def record_ready_without_minimum(self, session_id: int, at: datetime) -> int:
        """REMS: when the patient would have been ready to leave without the 2-hour minimum."""
        self._session_charting(session_id)
        chart = self.chart(session_id)
        check_ready_without_minimum(chart, at, now=self.clock.now(), zone=self.clock.local_zone)
        values = {"session_id": session_id, "kind": EventKind.READY_WITHOUT_MINIMUM,
                  "phase": None, "text": None, "occurred_at": to_stored(at)}
        with self._transaction():
            return self._charted("events", values)

    def amend(self, session_id: int | None, drafts: tuple[AmendmentDraft, ...]) -> list[int]:
        """Chart corrections; the rows they correct are never touched. A phase change is not
        struck: the timers and gates that followed it stand on it (end the session early, or
        note the slip, instead)."""
        self._require(Permission.AMEND)
        if session_id is not None:
            self._session_open(session_id, Permission.AMEND)
        ids = []
        now = to_stored(self.clock.now())
        with self._transaction():
            for draft in drafts:
                check_free_text("reason", draft.reason)
                check_free_text("new_value", draft.new_value)
                self._check_in_chart(session_id, draft)
                if draft.entity == "events" and self._is_phase_change(draft.entity_id):
                    raise ValidationError({"reason": "a phase change cannot be struck or "
                                                     "corrected; add a note to explain it"})
                values = {"session_id": session_id, "entity": draft.entity,
                          "entity_id": draft.entity_id, "field": draft.field,
                          "old_value": draft.old_value, "new_value": draft.new_value,
                          "reason": draft.reason, "amended_at": now, "amended_by": self.user}
                ids.append(self._record("amendments", values, action=f"{draft.entity}.amend",
                                        old_value=draft.old_value, reason=draft.reason))
        return ids

    def _check_in_chart(self, session_id: int | None, draft: AmendmentDraft) -> None:
        """A correction of a charted entry is filed under that entry's own session: else it
        could slip past the check that the chart is open (a signed chart never changes)."""
        if draft.entity not in _SESSION_ENTRIES:
            return
        found = self._db.execute(f"SELECT session_id FROM {draft.entity} WHERE id = ?",
                                 [draft.entity_id]).fetchone()
        if found is None or found[0] != session_id:
            raise ValidationError({"entity": f"{draft.entity} {draft.entity_id} is not an "
                                             "entry of this session's chart"})

    def _is_phase_change(self, event_id: int) -> bool:
        found = self._db.execute("SELECT phase FROM events WHERE id = ?", [event_id]).fetchone()
        return found is not None and found[0] is not None

    def _session_open(self, session_id: int,
                      permission: Permission = Permission.CHART) -> datetime:
        """Who may chart, and that the chart is still open: a signed chart never changes
        (a physician adds a signed addendum instead). Returns when the session began."""
        self._require(permission)
        if self._is_signed(session_id):
            raise ChartSigned("this chart is signed and can no longer be changed; a physician "
                              "may add an addendum")
        return self._session_began(session_id)

    def _session_charting(self, session_id: int) -> datetime:
        """As `_session_open`, and the session not finished: an entry stamped as it happens
        on a discharged chart would read as charted during the session (a late entry is
        the way to add to it). Returns when the session began."""
        began = self._session_open(session_id)
        finished = self._finished(session_id)
        phase, since = finished or (None, None)
        check_chart_open_for_entries(phase, since, self.clock.local_zone)
        return began

    def _finished(self, session_id: int) -> tuple[Phase, datetime] | None:
        """The phase a session finished in and when, if it has (both phases are final)."""
        row = self._db.execute(
            "SELECT phase, occurred_at FROM events WHERE session_id = ? "
            "AND phase IN ('discharged', 'stopped_early') ORDER BY id LIMIT 1",
            [session_id]).fetchone()
        return None if row is None else (Phase(row[0]), from_stored(row[1]))

    def _session_began(self, session_id: int) -> datetime:
        row = self._db.execute("SELECT began_at FROM sessions WHERE id = ?",
                               [session_id]).fetchone()
        if row is None:
            raise UnknownRecord(f"no session {session_id}")
        return from_stored(row[0])

    def _check_time(self, session_id: int, moment: datetime) -> None:
        check_entry_time(moment, now=self.clock.now(),
                         session_began=self._session_began(session_id),
                         zone=self.clock.local_zone)


def _check_moment(field: str, moment: object) -> None:
    """A time given to the store must be a datetime that knows its zone (as the form's)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValidationError({field: "must be a date and time with its time zone"})


def _check_vitals_types(vitals: Vitals) -> None:
    """Each measurement a whole number and the oxygen flow a finite number, before the
    ranges are compared (a str or a float given by a script is refused as the form would,
    not met as a TypeError or the file's STRICT column)."""
    _check_moment("observed_at", vitals.observed_at)
    reasons = {}
    for name in MEASUREMENTS:
        value = getattr(vitals, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            reasons[name] = "must be a whole number"
    flow = vitals.oxygen_l_per_min
    if flow is not None and (isinstance(flow, bool) or not isinstance(flow, int | float)
                             or not math.isfinite(flow)):
        reasons["oxygen_l_per_min"] = "must be a finite number"
    if reasons:
        raise ValidationError(reasons)


def _vitals_values(vitals: Vitals) -> dict[str, int | float | None]:
    """A set's columns: its measurements and the oxygen it was read on."""
    return {**vitals.measurements(), "oxygen_l_per_min": vitals.oxygen_l_per_min}
