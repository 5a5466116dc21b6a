"""A session's summary as a FHIR R4 Bundle (type "collection"): the Patient, the session as
an Encounter, the dose as MedicationAdministration (one per intranasal device, with its lot),
every vitals set as vital-sign Observations with their LOINC codes, the PHQ-9 totals, and
each signature as a Provenance.

Codes from CLINICAL.md ("Codes for exports"): BP panel 85354-9 with systolic 8480-6 and
diastolic 8462-4 as components; heart rate 8867-4; respiratory rate 9279-1; SpO2 2708-6 and
59408-5 (by pulse oximetry); body weight 29463-7; PHQ-9 total 44261-6; quantities in UCUM.
Times are UTC. Resource ids are name-based UUIDs of what they stand for, so the same record
gives the same bundle.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from ketamonitor.core import measurements
from ketamonitor.core.chart_view import (
    AMENDED,
    CHARTED,
    IN_ERROR,
    SessionSummary,
    SignatureRow,
    VitalsRow,
)
from ketamonitor.core.phases import Action
from ketamonitor.core.protocol import Route
from ketamonitor.core.signature import SignatureKind
from ketamonitor.core.times import to_stored

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category"
PROFILE = "http://hl7.org/fhir/StructureDefinition/"
#: The systems of the identifiers ketamonitor gives (local to the clinic's record).
MRN_SYSTEM = "urn:ketamonitor:mrn"
SESSION_SYSTEM = "urn:ketamonitor:session"
CONTENT_HASH_SYSTEM = "urn:ketamonitor:content-hash"

#: The vital signs' LOINC codes, from the one measurements table.
BP_PANEL, SYSTOLIC, DIASTOLIC = (measurements.BLOOD_PRESSURE.loinc, measurements.SYSTOLIC.loinc,
                                 measurements.DIASTOLIC.loinc)
HEART_RATE, RESPIRATORY_RATE, SPO2 = (measurements.HEART_RATE.loinc,
                                      measurements.RESPIRATORY_RATE.loinc,
                                      measurements.SPO2.loinc)
#: The pulse-oximetry code FHIR's oxygen-saturation profile adds beside SpO2's own.
SPO2_PULSE_OXIMETRY = "59408-5"
#: Oxygen flow with a SpO2 (the US Core pulse-oximetry component) and end-tidal CO2: [S],
#: the codes as public FHIR profiles and monitor feeds use them, not read in LOINC itself.
INHALED_O2_FLOW, ETCO2 = "3151-8", measurements.ETCO2.loinc
BODY_WEIGHT, PHQ9_TOTAL = "29463-7", "44261-6"

_ROUTES = {
    Route.IV: ("47625008", "Intravenous route"),
    Route.INTRANASAL: ("46713006", "Nasal route"),
    Route.IM: ("78421000", "Intramuscular route"),
}
_KETAMINE = {"coding": [
    {"system": RXNORM, "code": "6130", "display": "ketamine"},
    {"system": SNOMED, "code": "373464007", "display": "Ketamine"},
    {"system": ATC, "code": "N01AX03", "display": "ketamine"},
], "text": "Ketamine (racemic)"}
_ESKETAMINE = {"coding": [
    {"system": RXNORM, "code": "2201623", "display": "esketamine nasal spray"},
    {"system": ATC, "code": "N06AX27", "display": "esketamine"},
], "text": "Esketamine nasal spray"}
#: ASTM E1762 signature types: a review is a verification; an addendum is authored.
_SIGNATURE_TYPES = {
    SignatureKind.SIGNATURE.value: ("1.2.840.10065.1.12.1.5", "Verification Signature",
                                    "verifier"),
    SignatureKind.ADDENDUM.value: ("1.2.840.10065.1.12.1.1", "Author's Signature", "author"),
}
#: An entry's status in the summary, as an Observation's.
_STATUS = {IN_ERROR: "entered-in-error", AMENDED: "amended", CHARTED: "final"}
_NAMESPACE = uuid.UUID("6f1d3c1e-5b0e-4c53-9a55-0b6d0e9e6a11")


def _time(moment: datetime) -> str:
    return to_stored(moment)


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _quantity(value: float, unit: str, code: str | None = None) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code or unit}


class _Ids:
    """Name-based UUIDs: each resource's id, the same for the same record."""

    def __init__(self, summary: SessionSummary) -> None:
        patient = summary.patient
        self._seed = f"{patient.mrn}/{to_stored(patient.registered_at)}"

    def of(self, *parts: object) -> str:
        return str(uuid.uuid5(_NAMESPACE, "/".join([self._seed, *map(str, parts)])))


def fhir_bundle(summary: SessionSummary) -> dict[str, Any]:
    """The bundle as JSON values."""
    ids = _Ids(summary)
    patient_id = ids.of("patient")
    encounter_id = ids.of("session", summary.session_id)
    refs = {"subject": {"reference": f"urn:uuid:{patient_id}",
                        "display": summary.patient.display_name},
            "encounter": {"reference": f"urn:uuid:{encounter_id}"}}
    resources: list[tuple[str, dict[str, Any]]] = [
        (patient_id, _patient(summary, patient_id)),
        (encounter_id, _encounter(summary, encounter_id, refs["subject"])),
    ]
    resources += _administrations(summary, ids, refs)
    weight_id = ids.of("session", summary.session_id, "weight")
    resources.append((weight_id, _weight(summary, weight_id, refs)))
    for row in summary.vitals:
        resources += _vitals(row, ids, refs, summary.late_words(row))
    for score in summary.scores:
        if score.scale == "phq9":
            score_id = ids.of("score", score.id)
            resources.append((score_id, {
                "resourceType": "Observation", "id": score_id,
                "status": _STATUS.get(score.status, "final"),
                "category": [{"coding": [_coding(CATEGORIES, "survey", "Survey")]}],
                "code": {"coding": [_coding(LOINC, PHQ9_TOTAL,
                                            "Patient Health Questionnaire 9 item (PHQ-9) "
                                            "total score [Reported]")],
                         "text": "PHQ-9 total"},
                **refs, "effectiveDateTime": _time(score.observed_at),
                "valueInteger": score.total,
            }))
    for number, signature in enumerate(summary.signatures, start=1):
        provenance_id = ids.of("session", summary.session_id, "signature", number)
        resources.append((provenance_id, _provenance(signature, provenance_id, encounter_id)))
    return {
        "resourceType": "Bundle",
        "id": ids.of("bundle", summary.session_id),
        "identifier": {"system": SESSION_SYSTEM, "value": f"session-{summary.session_id}"},
        "type": "collection",
        "timestamp": _time(summary.generated_at),
        "entry": [{"fullUrl": f"urn:uuid:{rid}", "resource": resource}
                  for rid, resource in resources],
    }


def fhir_bundle_bytes(summary: SessionSummary) -> bytes:
    text = json.dumps(fhir_bundle(summary), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _patient(summary: SessionSummary, patient_id: str) -> dict[str, Any]:
    details = summary.patient.details
    return {
        "resourceType": "Patient", "id": patient_id,
        "identifier": [{
            "type": {"coding": [_coding("http://terminology.hl7.org/CodeSystem/v2-0203",
                                        "MR", "Medical record number")]},
            "system": MRN_SYSTEM, "value": details.mrn}],
        "name": [{"use": "official", "family": details.family_name,
                  "given": [details.given_name]}],
        "birthDate": details.birth_date.isoformat(),
    }


def _encounter(summary: SessionSummary, encounter_id: str,
               subject: dict[str, Any]) -> dict[str, Any]:
    session, timings = summary.session, summary.timings
    period = {"start": _time(timings.arrived_at)}
    if timings.finished_at is not None:
        period["end"] = _time(timings.finished_at)
    encounter: dict[str, Any] = {
        "resourceType": "Encounter", "id": encounter_id,
        "identifier": [{"system": SESSION_SYSTEM, "value": str(session.id)}],
        "status": "finished" if summary.phase.is_finished else "in-progress",
        "class": _coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB",
                         "ambulatory"),
        "type": [{"text": session.protocol.name}],
        "subject": subject,
        "participant": [{"individual": {"display": session.nurse}}],
        "period": period,
    }
    return encounter


def _administrations(summary: SessionSummary, ids: _Ids, refs: dict[str, Any]
                     ) -> list[tuple[str, dict[str, Any]]]:
    session, timings = summary.session, summary.timings
    medication = _ESKETAMINE if summary.route is Route.INTRANASAL else _KETAMINE
    code, display = _ROUTES[summary.route]
    route = {"coding": [_coding(SNOMED, code, display)], "text": summary.route.label}
    common = {
        "resourceType": "MedicationAdministration",
        "subject": refs["subject"], "context": refs["encounter"],
        "performer": [{"actor": {"display": session.nurse}}],
    }
    if session.prescriber:
        common["note"] = [{"text": f"Prescribed by {session.prescriber}"}]
    if summary.devices:  # intranasal: each device with its lot
        found = []
        for device in summary.devices:
            rid = ids.of("session", summary.session_id, "device", device.number)
            found.append((rid, {
                **common, "id": rid,
                "contained": [{"resourceType": "Medication", "id": "device",
                               "code": medication, "batch": {"lotNumber": device.lot}}],
                "status": "completed",
                "medicationReference": {"reference": "#device", "display": medication["text"]},
                "effectiveDateTime": _time(device.given_at),
                "dosage": {"text": f"Device {device.number} of {session.dose.devices}",
                           "route": route, "dose": _quantity(device.amount_mg, "mg")},
            }))
        return found
    rid = ids.of("session", summary.session_id, "dose")
    given = summary.given
    dosage: dict[str, Any] = {"text": f"{session.dose.describe()}; {given.describe()}",
                              "route": route, "dose": _quantity(given.mg, "mg")}
    if session.dose.pump_rate_ml_per_h is not None:
        dosage["rateQuantity"] = _quantity(session.dose.pump_rate_ml_per_h, "mL/h")
    administration = {**common, "id": rid, "medicationCodeableConcept": medication,
                      "dosage": dosage}
    if summary.drug_lots:
        # the medication with its lot (FHIR's batch holds one: a replaced vial or bag's
        # lots are all named in a note)
        first = summary.drug_lots[0]
        administration.pop("medicationCodeableConcept")
        administration["contained"] = [{"resourceType": "Medication", "id": "drug",
                                        "code": medication,
                                        "batch": {"lotNumber": first.lot}}]
        administration["medicationReference"] = {"reference": "#drug",
                                                 "display": medication["text"]}
        if len(summary.drug_lots) > 1:
            lots = ", ".join(lot.lot for lot in summary.drug_lots)
            administration["note"] = [*administration.get("note", []),
                                      {"text": f"Lots given: {lots}"}]
    started, ended = timings.dose_started_at, timings.dose_ended_at
    stopped = summary.stopped_early
    if started is None and not summary.phase.is_finished:
        return []  # not given yet
    if started is None:
        administration["status"] = "not-done"
        administration["effectiveDateTime"] = _time(timings.arrived_at)
    else:
        infusion_stopped = stopped is not None and (
            stopped.action is Action.STOP_INFUSION_EARLY or ended is None)
        running = ended is None and not summary.phase.is_finished
        administration["status"] = ("in-progress" if running
                                    else "stopped" if infusion_stopped else "completed")
        end = ended or (stopped.at if stopped is not None else None)
        administration["effectivePeriod"] = {"start": _time(started),
                                             **({"end": _time(end)} if end else {})}
    if stopped is not None and stopped.reason and administration["status"] != "completed":
        administration["statusReason"] = [{"text": stopped.reason}]
    return [(rid, administration)]


def _vital(resource_id: str, profile: str | None, status: str, refs: dict[str, Any],
           moment: datetime, codings: list[dict[str, str]], text: str) -> dict[str, Any]:
    """A vital-signs Observation; `profile` names its own profile where FHIR has one
    (EtCO2 has none: the general vital-signs profile only)."""
    profiles = [f"{PROFILE}vitalsigns"] + ([f"{PROFILE}{profile}"] if profile else [])
    return {
        "resourceType": "Observation", "id": resource_id,
        "meta": {"profile": profiles},
        "status": status,
        "category": [{"coding": [_coding(CATEGORIES, "vital-signs", "Vital Signs")],
                      "text": "Vital Signs"}],
        "code": {"coding": codings, "text": text},
        **refs,
        "effectiveDateTime": _time(moment),
    }


def _vitals(row: VitalsRow, ids: _Ids, refs: dict[str, Any], late: str | None = None
            ) -> list[tuple[str, dict[str, Any]]]:
    """A set's Observations; a late entry's carry when it was charted (`issued`) and a
    note saying it is late and why."""
    status = _STATUS.get(row.status, "final")
    found = []
    late_parts = {} if late is None else {"issued": _time(row.entered_at),
                                          "note": [{"text": late}]}

    def add(observation: dict[str, Any]) -> None:
        found.append((observation["id"], {**observation, **late_parts}))

    if row.systolic is not None and row.diastolic is not None:
        rid = ids.of("vitals", row.id, "bp")
        panel = measurements.BLOOD_PRESSURE
        add({**_vital(rid, "bp", status, refs, row.observed_at,
                      [_coding(LOINC, panel.loinc, panel.loinc_display)], panel.label),
             "component": [_component(measurements.SYSTOLIC, row.systolic),
                           _component(measurements.DIASTOLIC, row.diastolic)]})
    single = (
        (measurements.HEART_RATE, row.heart_rate, "heartrate", "beats/minute", ()),
        (measurements.RESPIRATORY_RATE, row.respiratory_rate, "resprate", "breaths/minute",
         ()),
        (measurements.SPO2, row.spo2, "oxygensat", "%",
         ((SPO2_PULSE_OXIMETRY, "Oxygen saturation in Arterial blood by Pulse oximetry"),)),
    )
    for measure, value, profile, unit, more_codes in single:
        if value is None:
            continue
        name = measure.key
        rid = ids.of("vitals", row.id, name)
        codes = ((measure.loinc, measure.loinc_display), *more_codes)
        observation = {**_vital(rid, profile, status, refs, row.observed_at,
                                [_coding(LOINC, code, display) for code, display in codes],
                                measure.label),
                       "valueQuantity": _quantity(value, unit, measure.ucum)}
        if name == "spo2" and row.oxygen_l_per_min is not None:
            observation["component"] = [_oxygen_flow(row.oxygen_l_per_min)]
        add(observation)
    if row.etco2 is not None:
        rid = ids.of("vitals", row.id, "etco2")
        capnography = measurements.ETCO2
        add({**_vital(rid, None, status, refs, row.observed_at,
                      [_coding(LOINC, capnography.loinc, capnography.loinc_display)],
                      capnography.label),
             "valueQuantity": _quantity(row.etco2, capnography.unit, capnography.ucum)})
    return found


def _component(measure: measurements.Measurement, value: int) -> dict[str, Any]:
    """One number of a panel (systolic, diastolic) with its code and unit."""
    return {"code": {"coding": [_coding(LOINC, measure.loinc, measure.loinc_display)]},
            "valueQuantity": _quantity(value, measure.unit, measure.ucum)}


def _oxygen_flow(litres_per_minute: float) -> dict[str, Any]:
    """The oxygen the SpO2 was read on, as the pulse-oximetry profiles carry it: a
    component of the SpO2 Observation (a SpO2 without it was read on room air)."""
    return {"code": {"coding": [_coding(LOINC, INHALED_O2_FLOW, "Inhaled oxygen flow rate")],
                     "text": "Inhaled oxygen flow rate"},
            "valueQuantity": _quantity(litres_per_minute, "L/min", "L/min")}


def _weight(summary: SessionSummary, rid: str, refs: dict[str, Any]) -> dict[str, Any]:
    return {**_vital(rid, "bodyweight", "final", refs, summary.session.began_at,
                     [_coding(LOINC, BODY_WEIGHT, "Body weight")], "Body weight"),
            "valueQuantity": _quantity(summary.session.weight_kg, "kg")}


def _provenance(signature: SignatureRow, rid: str, encounter_id: str) -> dict[str, Any]:
    code, display, role = _SIGNATURE_TYPES[signature.kind]
    who = {"display": signature.printed_name,
           "identifier": {"system": "urn:ketamonitor:username", "value": signature.signer}}
    provenance: dict[str, Any] = {
        "resourceType": "Provenance", "id": rid,
        "target": [{"reference": f"urn:uuid:{encounter_id}"}],
        "recorded": _time(signature.signed_at),
        "reason": [{"text": signature.meaning}],
        "agent": [{"type": {"coding": [_coding(
            "http://terminology.hl7.org/CodeSystem/provenance-participant-type", role,
            role.capitalize())]}, "who": who}],
        "entity": [{"role": "source", "what": {
            "identifier": {"system": CONTENT_HASH_SYSTEM, "value": signature.content_hash},
            "display": "The chart content signed"}}],
        "signature": [{"type": [_coding("urn:iso-astm:E1762-95:2013", code, display)],
                       "when": _time(signature.signed_at), "who": who}],
    }
    if signature.text:
        provenance["activity"] = {"text": f"Addendum: {signature.text}"}
    return provenance
