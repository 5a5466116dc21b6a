"""The people of a session as FHIR: the Patient (with the clinic's MRN), the session as an
Encounter, and a Practitioner for each person who acted (the nurse and the prescriber named
on the session form, the staff who charted, the signing physician).

`Context` is what every part of the bundle is built with: the summary, the clinic's systems,
the ids, the references to the patient and the encounter, and the practitioners met so far
(each made once, the first time someone refers to them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ketamonitor.core.chart_view import SessionSummary
from ketamonitor.export.fhir.codes import ClinicSystems, Ids, coding, reference, time

_V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


class Context:
    """What each resource is built from, and the practitioners it referred to."""

    def __init__(self, summary: SessionSummary, systems: ClinicSystems,
                 names: Mapping[str, str] | None = None) -> None:
        self.summary = summary
        self.systems = systems
        self.ids = Ids(systems, summary.session_id)
        self.patient_id = self.ids.clinic_wide("patient", summary.patient.mrn)
        self.encounter_id = self.ids.of("encounter")
        self._staff: dict[str, dict[str, Any]] = {}
        #: Display names of usernames: as the accounts say (`names`), else the exporter's
        #: and the signers' printed names.
        self._names = {summary.generated_by: summary.generated_by_name}
        self._names.update({s.signer: s.printed_name for s in summary.signatures})
        self._names.update(names or {})

    @property
    def subject(self) -> dict[str, str]:
        return reference(self.patient_id, self.summary.patient.display_name)

    @property
    def encounter(self) -> dict[str, str]:
        return reference(self.encounter_id)

    def staff(self, username: str) -> dict[str, str]:
        """A reference to the Practitioner of a ketamonitor account (identifier: the
        username under the clinic's staff system)."""
        name = self._names.get(username)
        return self._practitioner(self.systems.staff, username, name)

    def named(self, name: str) -> dict[str, str]:
        """A reference to the Practitioner of a person known by name only (the nurse and
        the prescriber as typed on the session form, who gave a medicine)."""
        return self._practitioner(self.systems.staff_name, name, name)

    def _practitioner(self, system: str, value: str, name: str | None) -> dict[str, str]:
        rid = self.ids.clinic_wide("practitioner", system, value)
        if rid not in self._staff:
            practitioner: dict[str, Any] = {
                "resourceType": "Practitioner", "id": rid,
                "identifier": [{"system": system, "value": value}]}
            if name:
                practitioner["name"] = [{"text": name}]
            self._staff[rid] = practitioner
        return reference(rid, name or value)

    def practitioners(self) -> list[dict[str, Any]]:
        return list(self._staff.values())


def usernames(summary: SessionSummary) -> set[str]:
    """The accounts named in the summary: who charted, acknowledged, assessed, signed."""
    found = {summary.generated_by, *(s.signer for s in summary.signatures)}
    for rows in (summary.vitals, summary.scores, summary.side_effects, summary.dissociation,
                 summary.medications, summary.events):
        found.update(row.entered_by for row in rows)
    found.update(a.acknowledged_by for a in summary.alerts if a.acknowledged_by)
    found.update(a.entered_by for a in summary.chart.risk_assessments)
    found.update(o.physician for o in summary.chart.overrides)
    for part in (summary.pre_session, summary.discharge):
        found.update(row.entered_by for row in (part.rows if part else ()) if row.entered_by)
    return found


def patient(context: Context) -> dict[str, Any]:
    details = context.summary.patient.details
    return {
        "resourceType": "Patient", "id": context.patient_id,
        "identifier": [{
            "use": "usual",
            "type": {"coding": [coding(_V2_0203, "MR", "Medical record number")]},
            "system": context.systems.mrn, "value": details.mrn}],
        "name": [{"use": "official", "family": details.family_name,
                  "given": [details.given_name]}],
        "birthDate": details.birth_date.isoformat(),
    }


def encounter(context: Context) -> dict[str, Any]:
    """The session: its nurse (primary performer), prescriber (referrer) and signing
    physician (attender) as participants."""
    summary = context.summary
    session, timings = summary.session, summary.timings
    period = {"start": time(timings.arrived_at)}
    if timings.finished_at is not None:
        period["end"] = time(timings.finished_at)
    participants = [_participant("PPRF", "primary performer", context.named(session.nurse))]
    if session.prescriber:
        participants.append(_participant("REF", "referrer", context.named(session.prescriber)))
    signature = summary.signature
    if signature is not None:
        participants.append(_participant("ATND", "attender", context.staff(signature.signer)))
    return {
        "resourceType": "Encounter", "id": context.encounter_id,
        "identifier": [{"system": context.systems.session, "value": str(session.id)}],
        "status": "finished" if summary.phase.is_finished else "in-progress",
        "class": coding(_ACT_CODE, "AMB", "ambulatory"),
        "type": [{"text": session.protocol.name}],
        "subject": context.subject,
        "participant": participants,
        "period": period,
    }


def _participant(code: str, display: str, who: dict[str, str]) -> dict[str, Any]:
    return {"type": [{"coding": [coding(_PARTICIPATION, code, display)]}], "individual": who}
