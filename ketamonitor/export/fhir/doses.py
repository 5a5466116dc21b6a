"""What was given as MedicationAdministration: the ketamine or esketamine dose as given (one
per intranasal device with its lot; an IV or IM dose with the amount given, the plan in its
dosage text) and each medicine given besides it (a rescue medicine, linked to the alert it
answered)."""

from __future__ import annotations

from typing import Any

from ketamonitor.core.chart_view import MedicationRow
from ketamonitor.core.phases import Action
from ketamonitor.core.protocol import Route
from ketamonitor.export.fhir.codes import ATC, RXNORM, SNOMED, STATUS, coding, quantity, time
from ketamonitor.export.fhir.people import Context

Resource = dict[str, Any]

_ROUTES = {
    Route.IV: ("47625008", "Intravenous route"),
    Route.INTRANASAL: ("46713006", "Nasal route"),
    Route.IM: ("78421000", "Intramuscular route"),
}
KETAMINE = {"coding": [
    coding(RXNORM, "6130", "ketamine"),
    coding(SNOMED, "373464007", "Ketamine"),
    coding(ATC, "N01AX03", "ketamine"),
], "text": "Ketamine (racemic)"}
ESKETAMINE = {"coding": [
    coding(RXNORM, "2201623", "esketamine nasal spray"),
    coding(ATC, "N06AX27", "esketamine"),
], "text": "Esketamine nasal spray"}
#: A medicine's unit as UCUM codes it (others are sent as text only).
_UCUM = {"mg": "mg", "g": "g", "mcg": "ug", "ug": "ug", "µg": "ug", "mL": "mL", "ml": "mL",
         "L": "L"}


def medications(context: Context, alert_ids: dict[int, str]) -> list[Resource]:
    """Each medicine given besides the dose; `alert_ids`: each alert's resource id (a
    medicine given for an alert names it as its reason)."""
    return [_medication(context, row, alert_ids) for row in context.summary.medications]


def dose(context: Context) -> list[Resource]:
    """The ketamine or esketamine given (nothing while it is not given yet)."""
    summary = context.summary
    session = summary.session
    medication = ESKETAMINE if summary.route is Route.INTRANASAL else KETAMINE
    code, display = _ROUTES[summary.route]
    route = {"coding": [coding(SNOMED, code, display)], "text": summary.route.label}
    common: Resource = {
        "resourceType": "MedicationAdministration",
        "subject": context.subject, "context": context.encounter,
        "performer": [{"actor": context.named(session.nurse)}],
    }
    if session.prescriber:
        common["note"] = [{"text": f"Prescribed by {session.prescriber}"}]
    if summary.devices:  # intranasal: each device with its lot
        return [{
            **common, "id": context.ids.of("device", device.number),
            "contained": [{"resourceType": "Medication", "id": "device",
                           "code": medication, "batch": {"lotNumber": device.lot}}],
            "status": "completed",
            "medicationReference": {"reference": "#device", "display": medication["text"]},
            "effectiveDateTime": time(device.given_at),
            "dosage": {"text": f"Device {device.number} of {session.dose.devices}",
                       "route": route, "dose": quantity(device.amount_mg, "mg")},
        } for device in summary.devices]
    given = summary.given
    dosage: Resource = {"text": f"{session.dose.describe()}; {given.describe()}",
                        "route": route, "dose": quantity(given.mg, "mg")}
    if session.dose.pump_rate_ml_per_h is not None:
        dosage["rateQuantity"] = quantity(session.dose.pump_rate_ml_per_h, "mL/h")
    administration: Resource = {**common, "id": context.ids.of("dose"),
                                "medicationCodeableConcept": medication, "dosage": dosage}
    _add_lots(context, administration, medication)
    return _given_when(context, administration)


def _add_lots(context: Context, administration: Resource, medication: Resource) -> None:
    """The medication with its lot (FHIR's batch holds one: a replaced vial or bag's lots
    are all named in a note)."""
    lots = context.summary.drug_lots
    if not lots:
        return
    administration.pop("medicationCodeableConcept")
    administration["contained"] = [{"resourceType": "Medication", "id": "drug",
                                    "code": medication, "batch": {"lotNumber": lots[0].lot}}]
    administration["medicationReference"] = {"reference": "#drug",
                                             "display": medication["text"]}
    if len(lots) > 1:
        named = ", ".join(lot.lot for lot in lots)
        administration["note"] = [*administration.get("note", []),
                                   {"text": f"Lots given: {named}"}]


def _given_when(context: Context, administration: Resource) -> list[Resource]:
    """The dose's status and time: not given (yet), running, stopped early or completed."""
    summary = context.summary
    timings = summary.timings
    started, ended = timings.dose_started_at, timings.dose_ended_at
    stopped = summary.stopped_early
    if started is None and not summary.phase.is_finished:
        return []  # not given yet
    if started is None:
        administration["status"] = "not-done"
        administration["effectiveDateTime"] = time(timings.arrived_at)
    else:
        infusion_stopped = stopped is not None and (
            stopped.action is Action.STOP_INFUSION_EARLY or ended is None)
        running = ended is None and not summary.phase.is_finished
        administration["status"] = ("in-progress" if running
                                    else "stopped" if infusion_stopped else "completed")
        end = ended or (stopped.at if stopped is not None else None)
        administration["effectivePeriod"] = {"start": time(started),
                                             **({"end": time(end)} if end else {})}
    if stopped is not None and stopped.reason and administration["status"] != "completed":
        administration["statusReason"] = [{"text": stopped.reason}]
    return [administration]


def _medication(context: Context, row: MedicationRow, alert_ids: dict[int, str]) -> Resource:
    unit = _UCUM.get(row.unit)
    dose: Resource = ({"value": row.dose, "unit": row.unit} if unit is None
                      else quantity(row.dose, row.unit, unit))
    status = STATUS.get(row.status, "final")
    given: Resource = {
        "resourceType": "MedicationAdministration", "id": context.ids.of("medication", row.id),
        "status": "entered-in-error" if status == "entered-in-error" else "completed",
        "medicationCodeableConcept": {
            "coding": [context.systems.code(f"medication-{row.drug}", row.label)],
            "text": row.label},
        "subject": context.subject, "context": context.encounter,
        "effectiveDateTime": time(row.given_at),
        "performer": [{"actor": context.named(row.given_by)}],
        "note": [{"text": f"Ordered by {row.ordered_by}; charted by {row.entered_by}"}],
        "dosage": {"text": f"{row.dose:g} {row.unit} {row.route}", "route": {"text": row.route},
                   "dose": dose},
    }
    if row.alert_id is not None and row.alert_id in alert_ids:
        given["reasonReference"] = [{"reference": f"urn:uuid:{alert_ids[row.alert_id]}"}]
    return given
