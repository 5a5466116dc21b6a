"""A session's summary as data: JSON (the whole summary) and CSV (one row per vitals set).

The field names are a promise to whoever reads the files: they are documented in
docs/summary-format.md, and a change to them is a new `format_version`. Times are UTC in
the record's own form ("2026-11-23T07:30:00.000Z"); spans are whole seconds.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from typing import Any

from ketamonitor.core.chart_view import (
    AlertRow,
    ArtifactRow,
    ChecklistPart,
    DeviceRow,
    SessionSummary,
    VitalsRow,
    dose_words,
)
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.holds import override_words
from ketamonitor.core.monitor_readings import FROM_MONITOR
from ketamonitor.core.times import to_stored

FORMAT = "ketamonitor-session-summary"
FORMAT_VERSION = 1

CSV_COLUMNS = (
    "session_id", "patient_mrn", "vitals_id", "observed_at", "observed_at_local", "phase",
    "systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate", "source",
    "entered_at", "entered_by", "status", "flags", "late_reason", "oxygen_l_per_min", "etco2",
    "monitor_reading_id", "validated_by", "validated_at", "artifact_reason", "marked_by",
    "marked_at", "monitor_readings_not_validated",
)
#: The `status` of a CSV row that is a monitor's reading marked as an artifact: not a set
#: of the chart, listed with its reason (issue 21).
ARTIFACT = "monitor_artifact"


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else to_stored(moment)


def _seconds(span: timedelta | None) -> int | None:
    return None if span is None else int(span.total_seconds())


def summary_dict(summary: SessionSummary) -> dict[str, Any]:
    """The whole summary as JSON values, in the documented field names and order."""
    patient, session = summary.patient, summary.session
    dose, protocol, timings = session.dose, session.protocol, summary.timings
    signature = summary.signature
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": _time(summary.generated_at),
        "generated_by": {"username": summary.generated_by, "name": summary.generated_by_name},
        "clinic_name": summary.clinic_name,
        "time_zone": summary.zone_label(),
        "patient": {
            "id": patient.id,
            "mrn": patient.mrn,
            "family_name": patient.details.family_name,
            "given_name": patient.details.given_name,
            "birth_date": patient.details.birth_date.isoformat(),
            "age_at_session": summary.patient_age,
            "is_demo": patient.details.is_demo,
        },
        "session": {
            "id": session.id,
            "number_in_course": summary.number_in_course,
            "sessions_in_course": summary.sessions_in_course,
            "date": summary.session_date,
            "began_at": _time(session.began_at),
            "chair": session.chair,
            "route": summary.route.value,
            "route_label": summary.route.label,
            "protocol": {"id": protocol.id, "version": protocol.version,
                         "name": protocol.name},
            "nurse": session.nurse,
            "prescriber": session.prescriber,
            "started_by": session.created_by,
            "weight_kg": session.weight_kg,
            "dose": {
                "mg_per_kg": summary.dose_mg_per_kg,
                "mg_per_kg_prescribed": dose.mg_per_kg is not None,
                "total_mg": dose.total_mg,
                "devices": dose.devices,
                "concentration_mg_per_ml": dose.concentration_mg_per_ml,
                "volume_ml": dose.volume_ml,
                "pump_rate_ml_per_h": dose.pump_rate_ml_per_h,
                "given_mg": summary.given.mg,
                "given_how": summary.given.how,
                "given_volume_ml": summary.given.volume_ml,
                "words": dose_words(summary),
            },
            "phase": summary.phase.value,
            "phase_label": summary.phase_label,
            "stopped_early": _stopped(summary),
        },
        "timings": {
            "arrived_at": _time(timings.arrived_at),
            "dose_started_at": _time(timings.dose_started_at),
            "dose_ended_at": _time(timings.dose_ended_at),
            "observation_started_at": _time(timings.observation_started_at),
            "observation_completed_at": _time(timings.observation_completed_at),
            "finished_at": _time(timings.finished_at),
            "dosing_seconds": _seconds(timings.dosing_time),
            "paused_seconds": _seconds(timings.paused_time),
            "observation_seconds": _seconds(timings.observation_time),
            "planned_dosing_seconds": _seconds(timings.planned_dosing_time),
            "minimum_observation_seconds": _seconds(timings.minimum_observation_time),
        },
        "phases": [
            {"phase": p.phase.value, "label": p.label, "started_at": _time(p.started_at),
             "ended_at": _time(p.ended_at), "duration_seconds": _seconds(p.duration)}
            for p in summary.phases
        ],
        "devices": devices_list(summary),
        "drug_lots": _administered(summary.drug_lots),
        "vitals": [_vitals(row) for row in summary.vitals],
        "monitor_artifacts": [_artifact(row) for row in summary.artifacts],
        "monitor_readings_not_validated": {"count": summary.not_validated,
                                           "words": summary.not_validated_words},
        "checklists": {
            "pre_session": _checklist(summary.pre_session),
            "discharge": _checklist(summary.discharge),
        },
        "dissociation_assessments": [
            {"observed_at": _time(a.observed_at), "present": list(a.present),
             "entered_by": a.entered_by, "status": a.status}
            for a in summary.dissociation
        ],
        "side_effects": [
            {"id": s.id, "observed_at": _time(s.observed_at), "item": s.item,
             "label": s.label, "severity": s.severity, "intervention": s.intervention,
             "intervention_label": s.intervention_label, "note": s.note,
             "entered_by": s.entered_by, "status": s.status, "value": s.value,
             "resolved_at": _time(s.resolved_at), "course": s.course}
            for s in summary.side_effects
        ],
        "medications": [
            {"id": m.id, "given_at": _time(m.given_at), "drug": m.drug, "label": m.label,
             "drug_class": m.drug_class, "dose": m.dose, "unit": m.unit, "route": m.route,
             "ordered_by": m.ordered_by, "given_by": m.given_by, "alert_id": m.alert_id,
             "entered_at": _time(m.entered_at), "entered_by": m.entered_by,
             "status": m.status}
            for m in summary.medications
        ],
        "scores": [
            {"id": s.id, "observed_at": _time(s.observed_at), "scale": s.scale,
             "title": s.title, "timepoint": s.timepoint, "total": s.total,
             "max_total": s.max_total, "band": s.band, "entered_by": s.entered_by,
             "status": s.status,
             "item_scores": [{"item": key, "score": score} for key, score in s.item_scores],
             "flags": list(s.flags)}
            for s in summary.scores
        ],
        "item9": _item9(summary),
        "risk_assessments": [
            {"id": a.id, "outcome": a.outcome, "plan": a.plan, "note": a.note,
             "physician": a.physician, "entered_at": _time(a.entered_at),
             "entered_by": a.entered_by, "words": words}
            for a, words in zip(summary.chart.risk_assessments, summary.risk_words,
                                strict=True)
        ],
        "events": [
            {"id": e.id, "occurred_at": _time(e.occurred_at), "kind": e.kind,
             "label": e.label, "text": e.text, "entered_by": e.entered_by,
             "status": e.status}
            for e in summary.events
        ],
        "alerts": [_alert(alert) for alert in summary.alerts],
        "overrides": [
            {"id": o.id, "action": o.action, "items": list(o.items), "reason": o.reason,
             "physician": o.physician, "physician_name": o.physician_name,
             "overridden_at": _time(o.overridden_at), "entered_by": o.entered_by,
             "words": override_words(o)}
            for o in summary.chart.overrides
        ],
        "held": (None if summary.held_words is None else
                 {"words": summary.held_words, "holds": list(summary.held)}),
        "amendments": [
            {"id": a.id, "subject": a.subject, "observed_at": _time(a.observed_at),
             "field": a.field, "old_value": a.old_value, "new_value": a.new_value,
             "reason": a.reason, "amended_at": _time(a.amended_at),
             "amended_by": a.amended_by}
            for a in summary.amendments
        ],
        "rems": rems_dict(summary),
        "signed": signature is not None,
        "signatures": [
            {"kind": s.kind, "printed_name": s.printed_name, "signer": s.signer,
             "signed_at": _time(s.signed_at), "meaning": s.meaning,
             "content_hash": s.content_hash, "text": s.text,
             "manifestation": s.manifestation, "matches_chart": s.matches_chart}
            for s in summary.signatures
        ],
        "audit_head": {"id": summary.audit_head_id, "hash": summary.audit_head_hash},
    }


def _stopped(summary: SessionSummary) -> dict[str, Any] | None:
    stopped = summary.stopped_early
    if stopped is None:
        return None
    early_end = summary.chart.early_end
    outcome = None if early_end is None else {
        "outcome": early_end.outcome.value, "label": early_end.outcome.label,
        "destination": early_end.destination, "physician_informed": early_end.physician}
    return {"action": stopped.action.value, "label": stopped.label, "at": _time(stopped.at),
            "reason": stopped.reason, "outcome": outcome}


def _item9(summary: SessionSummary) -> dict[str, Any] | None:
    """PHQ-9 item 9 answered above "Not at all": the answer, whether a physician has
    assessed it since, and the session page's banner words; None otherwise."""
    if summary.item9 is None:
        return None
    return {"answer": summary.item9_answer, "assessed": summary.item9_assessed,
            "words": summary.item9}


def _vitals(row: VitalsRow) -> dict[str, Any]:
    return {
        "id": row.id, "observed_at": _time(row.observed_at), "phase": row.phase.value,
        "systolic": row.systolic, "diastolic": row.diastolic, "heart_rate": row.heart_rate,
        "spo2": row.spo2, "respiratory_rate": row.respiratory_rate, "source": row.source,
        "entered_at": _time(row.entered_at), "entered_by": row.entered_by,
        "status": row.status,
        "flags": [{"code": code, "message": message}
                  for code, message in zip(row.flag_codes, row.flags, strict=True)],
        "late_reason": row.late_reason,
        "oxygen_l_per_min": row.oxygen_l_per_min, "etco2": row.etco2,
        "spo2_words": row.spo2_words,
        "monitor_reading_id": row.monitor_reading_id,
        "validated_by": row.validated_by, "validated_at": _time(row.validated_at),
        "source_words": row.source_words,
    }


def _artifact(row: ArtifactRow) -> dict[str, Any]:
    return {
        "reading_id": row.reading_id, "observed_at": _time(row.observed_at),
        "received_at": _time(row.received_at), "phase": row.phase.value,
        "systolic": row.systolic, "diastolic": row.diastolic, "heart_rate": row.heart_rate,
        "spo2": row.spo2, "respiratory_rate": row.respiratory_rate,
        "oxygen_l_per_min": row.oxygen_l_per_min, "etco2": row.etco2,
        "values": row.values, "reason": row.reason, "marked_at": _time(row.marked_at),
        "marked_by": row.marked_by, "words": row.words,
    }


def _checklist(part: ChecklistPart | None) -> dict[str, Any] | None:
    if part is None:
        return None
    return {"id": part.id, "title": part.title, "items": [
        {"item": r.item, "label": r.label, "answer": r.answer, "expected": r.expected,
         "observed_at": _time(r.observed_at), "entered_by": r.entered_by}
        for r in part.rows]}


def _alert(alert: AlertRow) -> dict[str, Any]:
    return {
        "id": alert.id, "raised_at": _time(alert.raised_at), "kind": alert.kind,
        "priority": alert.priority, "message": alert.message,
        "acknowledged_at": _time(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by, "action": alert.action,
        "cleared_at": _time(alert.cleared_at),
        "escalation": _escalation(alert.escalation),
        "seen_by_physician": alert.seen_by_physician,
        "escalation_words": alert.escalation_text,
        "seen": alert.seen,
    }


def _escalation(escalation: Escalation | None) -> dict[str, Any] | None:
    """What was done about a high or critical alert, who was called, what was ordered."""
    if escalation is None:
        return None
    return {"done": list(escalation.done), "note": escalation.note,
            "physician_called": escalation.physician_called,
            "physician": escalation.physician, "called_at": _time(escalation.called_at),
            "ordered": escalation.ordered, "entered_at": _time(escalation.entered_at),
            "entered_by": escalation.entered_by}


def devices_list(summary: SessionSummary) -> list[dict[str, Any]]:
    """Each device given, with its lot (intranasal)."""
    return _administered(summary.devices)


def _administered(rows: tuple[DeviceRow, ...]) -> list[dict[str, Any]]:
    return [{"number": d.number, "amount_mg": d.amount_mg, "lot": d.lot,
             "given_at": _time(d.given_at), "entered_by": d.entered_by} for d in rows]


def rems_dict(summary: SessionSummary) -> dict[str, Any] | None:
    if summary.rems is None:
        return None
    form = summary.rems.form
    return {
        "prescriber": form.prescriber,
        "monitored_by": form.monitored_by,
        "setting": form.setting,
        "treatment_date": form.treatment_date.isoformat() if form.treatment_date else None,
        "dose_mg": form.dose_mg,
        "devices": form.devices,
        "lots": list(form.lots),
        "first_device_at": _time(form.first_device_at),
        "monitoring_ended_at": _time(form.monitoring_ended_at),
        "total_minutes": form.total_minutes,
        "ready_without_minimum_at": _time(form.ready_without_minimum_at),
        "bp_before_dosing": form.bp_before_dosing,
        "bp_at_40_minutes": form.bp_at_40_minutes,
        "bp_before_end": form.bp_before_end,
        "answers": [{"item": key, "question": question, "answer": answer}
                    for key, question, answer in summary.rems.questions],
        "missing": list(form.missing),
        "contradictions": [{"item": c.field, "words": c.words} for c in form.contradictions],
    }


def summary_json(summary: SessionSummary) -> bytes:
    """UTF-8 JSON, indented, fields in the documented order; ends with a newline."""
    text = json.dumps(summary_dict(summary), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def summary_csv(summary: SessionSummary) -> bytes:
    """One row per vitals set charted (struck ones too, with their status), then one per
    monitor reading marked as an artifact (status `monitor_artifact`, no vitals id), each
    part oldest first, after a header row; every row says how many monitor readings were
    never validated. UTF-8, comma-separated, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    pending = str(summary.not_validated)
    for row in summary.vitals:
        writer.writerow([
            summary.session_id, _cell(summary.patient.mrn), row.id, _time(row.observed_at),
            summary.local(row.observed_at).isoformat(timespec="seconds"), row.phase.value,
            _number(row.systolic), _number(row.diastolic), _number(row.heart_rate),
            _number(row.spo2), _number(row.respiratory_rate), _cell(row.source),
            _time(row.entered_at), _cell(row.entered_by), row.status,
            _cell("; ".join(row.flags)), _cell(row.late_reason or ""),
            _flow(row.oxygen_l_per_min), _number(row.etco2),
            _number(row.monitor_reading_id), _cell(row.validated_by or ""),
            _time(row.validated_at), "", "", "", pending,
        ])
    for artifact in summary.artifacts:
        writer.writerow([
            summary.session_id, _cell(summary.patient.mrn), "", _time(artifact.observed_at),
            summary.local(artifact.observed_at).isoformat(timespec="seconds"),
            artifact.phase.value, _number(artifact.systolic), _number(artifact.diastolic),
            _number(artifact.heart_rate), _number(artifact.spo2),
            _number(artifact.respiratory_rate), FROM_MONITOR, "", "", ARTIFACT, "", "",
            _flow(artifact.oxygen_l_per_min), _number(artifact.etco2),
            artifact.reading_id, "", "", _cell(artifact.reason), _cell(artifact.marked_by),
            _time(artifact.marked_at), pending,
        ])
    return buffer.getvalue().encode("utf-8")


def _flow(litres_per_minute: float | None) -> str:
    return "" if litres_per_minute is None else f"{litres_per_minute:g}"


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _cell(text: str) -> str:
    """Text as a spreadsheet shows it, never run as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
