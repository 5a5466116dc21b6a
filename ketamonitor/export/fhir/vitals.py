"""Every vitals set as vital-sign Observations with today's LOINC codes and UCUM units, each
flagged reading with its interpretation (H, L, HH, LL), and the session's body weight.

A set accepted from a bedside monitor's reading says so: `device` the monitor, `issued` when
the nurse validated it and a note in the summary's words ("Monitor, validated by nurse.ana at
10:33"); the performer stays the nurse, whose set it became. A reading marked as an artifact
and one never validated are not sets of the chart and are left out: an EHR files each
vital-signs Observation in its flowsheet, and an `entered-in-error` one it never received
before retracts nothing (the PDF, JSON and CSV list the artifacts with their reasons).

The interpretation is read from the flags the chart already gives each set (core.flags,
judged by the protocol's lines): a flag past the critical line (one that `replaces` the
line's own flag) is HH or LL, any other H or L by its direction. No threshold is judged
here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ketamonitor.core import measurements
from ketamonitor.core.chart_view import VitalsRow
from ketamonitor.core.flags import Flag
from ketamonitor.export.fhir.codes import (
    CATEGORIES,
    LOINC,
    PROFILE,
    STATUS,
    coding,
    interpretation,
    quantity,
    time,
)
from ketamonitor.export.fhir.people import Context

Resource = dict[str, Any]

#: The pulse-oximetry code FHIR's oxygen-saturation profile adds beside SpO2's own.
SPO2_PULSE_OXIMETRY = "59408-5"
#: Oxygen flow with a SpO2 (the US Core pulse-oximetry component).
INHALED_O2_FLOW = "3151-8"
BODY_WEIGHT = "29463-7"
#: The `device` of a set accepted from a monitor's reading (issue 21): the record keeps
#: which bed's message it came in, not a Device an EHR would know, so a display only.
MONITOR_DEVICE = "Bedside monitor"
_RANK = {"L": 1, "H": 1, "LL": 2, "HH": 2}


def flag_interpretation(flag: Flag) -> str | None:
    """H, L, HH or LL for a flag on a reading; None for one without a direction."""
    code = flag.replaces or flag.code
    if code.endswith("_high") or code == "bp_above_stop_line":
        letter = "H"
    elif code.endswith("_low"):
        letter = "L"
    else:
        return None
    return letter * 2 if flag.replaces else letter


def interpretations(context: Context) -> dict[int, dict[str, str]]:
    """Each flagged set's interpretation of each field it flags (systolic, heart_rate...),
    by the set's id; the worse one where two flags mark one field."""
    found: dict[int, dict[str, str]] = {}
    for flagged in context.summary.chart.flagged_vitals:
        fields: dict[str, str] = {}
        for flag in flagged.flags:
            said = flag_interpretation(flag)
            for field in flag.fields if said else ():
                if said and _RANK[said] > _RANK.get(fields.get(field, ""), 0):
                    fields[field] = said
        if fields:
            found[flagged.entry.id] = fields
    return found


def vitals(context: Context) -> list[Resource]:
    flagged = interpretations(context)
    found: list[Resource] = []
    for row in context.summary.vitals:
        found += _set(context, row, flagged.get(row.id, {}))
    found.append(_weight(context))
    return found


def _vital(context: Context, row: VitalsRow, name: str, profile: str | None,
           codings: list[dict[str, str]], text: str) -> Resource:
    """A vital-signs Observation; `profile` names its own profile where FHIR has one
    (EtCO2 has none: the general vital-signs profile only). A late entry carries when it
    was charted (`issued`) and a note saying it is late and why."""
    profiles = [f"{PROFILE}vitalsigns"] + ([f"{PROFILE}{profile}"] if profile else [])
    observation: Resource = {
        "resourceType": "Observation", "id": context.ids.of("vitals", row.id, name),
        "meta": {"profile": profiles},
        "status": STATUS.get(row.status, "final"),
        "category": [{"coding": [coding(CATEGORIES, "vital-signs", "Vital Signs")],
                      "text": "Vital Signs"}],
        "code": {"coding": codings, "text": text},
        "subject": context.subject, "encounter": context.encounter,
        "effectiveDateTime": time(row.observed_at),
        "performer": [context.staff(row.entered_by)],
    }
    late = context.summary.late_words(row)
    if late is not None:
        observation.update({"issued": time(row.entered_at), "note": [{"text": late}]})
    if row.validated_at is not None:  # accepted from a bedside monitor's reading
        observation["device"] = {"display": MONITOR_DEVICE}
        observation["issued"] = time(row.validated_at)
        observation["note"] = [*observation.get("note", []), {"text": row.source_words}]
    return observation


def _set(context: Context, row: VitalsRow, flagged: dict[str, str]) -> list[Resource]:
    found = []
    if row.systolic is not None and row.diastolic is not None:
        panel = measurements.BLOOD_PRESSURE
        bp = _vital(context, row, "bp", "bp",
                    [coding(LOINC, panel.loinc, panel.loinc_display)], panel.label)
        bp["component"] = [_component(measurements.SYSTOLIC, row.systolic,
                                      flagged.get("systolic")),
                           _component(measurements.DIASTOLIC, row.diastolic,
                                      flagged.get("diastolic"))]
        worst = max((flagged[f] for f in ("systolic", "diastolic") if f in flagged),
                    key=lambda said: _RANK[said], default=None)
        found.append(_interpreted(bp, worst))
    single = (
        (measurements.HEART_RATE, row.heart_rate, "heartrate", "beats/minute", ()),
        (measurements.RESPIRATORY_RATE, row.respiratory_rate, "resprate", "breaths/minute",
         ()),
        (measurements.SPO2, row.spo2, "oxygensat", "%",
         ((SPO2_PULSE_OXIMETRY, "Oxygen saturation in Arterial blood by Pulse oximetry"),)),
        (measurements.ETCO2, row.etco2, None, measurements.ETCO2.unit, ()),
    )
    for measure, value, profile, unit, more_codes in single:
        if value is None:
            continue
        codes = ((measure.loinc, measure.loinc_display), *more_codes)
        observation = _vital(context, row, measure.key, profile,
                             [coding(LOINC, code, display) for code, display in codes],
                             measure.label)
        observation["valueQuantity"] = quantity(value, unit, measure.ucum)
        if measure is measurements.SPO2 and row.oxygen_l_per_min is not None:
            observation["component"] = [_oxygen_flow(row.oxygen_l_per_min)]
        found.append(_interpreted(observation, flagged.get(measure.key)))
    return found


def _interpreted(observation: Resource, said: str | None) -> Resource:
    return observation if said is None else {**observation,
                                             "interpretation": interpretation(said)}


def _component(measure: measurements.Measurement, value: int, said: str | None) -> Resource:
    """One number of a panel (systolic, diastolic) with its code, unit and interpretation."""
    return _interpreted(
        {"code": {"coding": [coding(LOINC, measure.loinc, measure.loinc_display)]},
         "valueQuantity": quantity(value, measure.unit, measure.ucum)}, said)


def _oxygen_flow(litres_per_minute: float) -> Resource:
    """The oxygen the SpO2 was read on, as the pulse-oximetry profiles carry it: a
    component of the SpO2 Observation (a SpO2 without it was read on room air)."""
    return {"code": {"coding": [coding(LOINC, INHALED_O2_FLOW, "Inhaled oxygen flow rate")],
                     "text": "Inhaled oxygen flow rate"},
            "valueQuantity": quantity(litres_per_minute, "L/min", "L/min")}


def _weight(context: Context) -> Resource:
    session = context.summary.session
    moment: datetime = session.began_at
    return {
        "resourceType": "Observation", "id": context.ids.of("weight"),
        "meta": {"profile": [f"{PROFILE}vitalsigns", f"{PROFILE}bodyweight"]},
        "status": "final",
        "category": [{"coding": [coding(CATEGORIES, "vital-signs", "Vital Signs")],
                      "text": "Vital Signs"}],
        "code": {"coding": [coding(LOINC, BODY_WEIGHT, "Body weight")], "text": "Body weight"},
        "subject": context.subject, "encounter": context.encounter,
        "effectiveDateTime": time(moment),
        "valueQuantity": quantity(session.weight_kg, "kg"),
    }
