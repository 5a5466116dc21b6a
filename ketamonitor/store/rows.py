"""Rows to core values and back: the one place that knows both shapes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.amendments import Amendment
from ketamonitor.core.appointments import Appointment
from ketamonitor.core.audit_chain import canonical, sha256_bytes, sha256_text
from ketamonitor.core.dose import Dose, PumpVolume
from ketamonitor.core.escalation import Escalation
from ketamonitor.core.library import ProtocolVersion, VersionState
from ketamonitor.core.monitor_feed import FrameOutcome, MonitorBed, MonitorFrame
from ketamonitor.core.monitor_readings import MonitorReading, ReadingMark, ReadingVerdict
from ketamonitor.core.patient import Patient, PatientDetails
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Protocol, parse_protocol
from ketamonitor.core.records import (
    Administration,
    ChecklistEntry,
    Event,
    MedicationGiven,
    Override,
    ScaleScore,
    SessionRecord,
    VitalsEntry,
)
from ketamonitor.core.times import from_stored
from ketamonitor.core.vitals import Vitals

Row = Mapping[str, Any]


def canonical_json(values: Mapping[str, Any]) -> str:
    """The audit trail's text of a row: sorted keys, no spaces, so equal rows read equal."""
    return canonical(values)


#: Columns added to vitals after its first rows (0005, 0008): empty, they are left out of the
#: audit row, so a set charted before them verifies as it was recorded.
_VITALS_ADDED_LATER = ("late_reason", "oxygen_l_per_min", "etco2")


def audited_values(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A row as its audit row records it: whole, but for a protocol's full text, a password
    hash, the pseudonym key and a monitor frame's bytes, which are recorded by their sha256
    (verify compares the same way)."""
    audited = dict(values)
    if table == "sessions" and "protocol_toml" in audited:
        audited["protocol_toml"] = sha256_text(audited["protocol_toml"])
    if table == "user_changes" and audited.get("field") == "password_hash":
        audited["value"] = sha256_text(audited["value"])
    if table == "account_keys" and "sealed_key" in audited:
        audited["sealed_key"] = sha256_text(audited["sealed_key"])  # sealed, yet kept out
    if table == "settings" and audited.get("key") == "export.pseudonym_key":
        audited["value"] = sha256_text(audited["value"])  # the secret behind pseudonyms
    if table == "signatures" and "key_signature" in audited and audited["key_signature"] is None:
        del audited["key_signature"]  # signed before keys: audited without it
    if table == "monitor_frames" and isinstance(audited.get("raw"), bytes):
        audited["raw"] = sha256_bytes(audited["raw"])  # bytes, up to 16 MB: by their hash
    if table == "vitals":
        for column in _VITALS_ADDED_LATER:
            if column in audited and audited[column] is None:
                del audited[column]  # rows before the column were audited without it
    return audited


def patient(row: Row) -> Patient:
    return Patient(
        id=row["id"],
        details=PatientDetails(
            mrn=row["mrn"],
            family_name=row["family_name"],
            given_name=row["given_name"],
            birth_date=date.fromisoformat(row["birth_date"]),
            weight_kg=row["weight_kg"],
            is_demo=bool(row["is_demo"]),
        ),
        registered_at=from_stored(row["registered_at"]),
    )


@lru_cache(maxsize=32)
def recorded_protocol(text: str) -> Protocol:
    """A session's protocol as recorded, read once per text: every chart read parsed its
    TOML again, and a session's protocol never changes (a Protocol is frozen)."""
    return parse_protocol(text, as_recorded=True)


def session(row: Row) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        patient_id=row["patient_id"],
        protocol=recorded_protocol(row["protocol_toml"]),
        chair=row["chair"],
        nurse=row["nurse"],
        weight_kg=row["weight_kg"],
        dose=Dose(
            total_mg=row["total_mg"],
            mg_per_kg=row["dose_mg_per_kg"],
            devices=row["devices"],
            concentration_mg_per_ml=row["concentration_mg_per_ml"],
            volume_ml=row["volume_ml"],
            pump_rate_ml_per_h=row["pump_rate_ml_per_h"],
        ),
        began_at=from_stored(row["began_at"]),
        created_by=row["created_by"],
        prescriber=row["prescriber"],
    )


def pump_volume(row: Row) -> PumpVolume:
    return PumpVolume(
        id=row["id"],
        session_id=row["session_id"],
        volume_ml=row["volume_ml"],
        observed_at=from_stored(row["observed_at"]),
        entered_at=from_stored(row["entered_at"]),
        entered_by=row["entered_by"],
    )


def administration(row: Row) -> Administration:
    return Administration(
        id=row["id"],
        session_id=row["session_id"],
        item=row["item"],
        number=row["number"],
        amount_mg=row["amount_mg"],
        lot=row["lot"],
        given_at=from_stored(row["given_at"]),
        entered_at=from_stored(row["entered_at"]),
        entered_by=row["entered_by"],
    )


def alert(row: Row) -> AlertRecord:
    def moment(column: str) -> datetime | None:
        return from_stored(row[column]) if row[column] else None

    return AlertRecord(
        id=row["id"],
        session_id=row["session_id"],
        key=row["key"],
        kind=row["kind"],
        priority=Priority.CRITICAL if row["tier"] == "critical" else Priority(row["priority"]),
        message=row["message"],
        raised_at=from_stored(row["raised_at"]),
        acknowledged_at=moment("acknowledged_at"),
        acknowledged_by=row["acknowledged_by"],
        action=row["action"],
        cleared_at=moment("cleared_at"),
        escalation=escalation(row),
        seen_by_physician=row.get("seen_by_physician"),
    )


def escalation(row: Row) -> Escalation | None:
    """An alert's escalation from the `escalation_*` columns of the alerts query; None
    where there is none (or a query that does not join it)."""
    if row.get("escalation_done") is None:
        return None
    called_at = row["escalation_called_at"]
    return Escalation(
        done=tuple(json.loads(row["escalation_done"])),
        note=row["escalation_note"],
        physician_called=bool(row["escalation_physician_called"]),
        physician=row["escalation_physician"],
        called_at=from_stored(called_at) if called_at else None,
        ordered=row["escalation_ordered"],
        entered_at=from_stored(row["escalation_entered_at"]),
        entered_by=row["escalation_entered_by"],
    )


def appointment(row: Row) -> Appointment:
    return Appointment(
        id=row["id"],
        patient_id=row["patient_id"],
        patient_name=f"{row['family_name'].upper()}, {row['given_name']}",
        mrn=row["mrn"],
        protocol_id=row["protocol_id"],
        chair=row["chair"],
        scheduled_for=from_stored(row["scheduled_for"]),
        session_id=row["session_id"],
        cancelled_at=from_stored(row["cancelled_at"]) if row["cancelled_at"] else None,
        cancel_reason=row["cancel_reason"],
    )


def amendment(row: Row) -> Amendment:
    return Amendment(
        id=row["id"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        field=row["field"],
        old_value=row["old_value"],
        new_value=row["new_value"],
        reason=row["reason"],
        amended_at=from_stored(row["amended_at"]),
        amended_by=row["amended_by"],
    )


def _vitals(row: Row) -> Vitals:
    """A set's measurements from a row of `vitals` or `monitor_readings` (which has no
    oxygen column: a monitor does not say it; the etco2 column came later to vitals)."""
    return Vitals(
        observed_at=from_stored(row["observed_at"]),
        systolic=row["systolic"],
        diastolic=row["diastolic"],
        heart_rate=row["heart_rate"],
        spo2=row["spo2"],
        respiratory_rate=row["respiratory_rate"],
        oxygen_l_per_min=row.get("oxygen_l_per_min"),
        etco2=row.get("etco2"),
    )


def vitals(row: Row, amendments: tuple[Amendment, ...] = ()) -> VitalsEntry:
    return VitalsEntry(
        id=row["id"],
        session_id=row["session_id"],
        original=_vitals(row),
        source=row["source"],
        entered_at=from_stored(row["entered_at"]),
        entered_by=row["entered_by"],
        amendments=amendments,
        late_reason=row.get("late_reason"),
    )


def checklist_entry(row: Row, amendments: tuple[Amendment, ...] = ()) -> ChecklistEntry:
    return ChecklistEntry(
        id=row["id"],
        session_id=row["session_id"],
        checklist=row["checklist"],
        item=row["item"],
        label=row["label"],
        value=row["value"],
        severity=row["severity"],
        intervention=row["intervention"],
        note=row["note"],
        observed_at=from_stored(row["observed_at"]),
        entered_at=from_stored(row["entered_at"]),
        entered_by=row["entered_by"],
        amendments=amendments,
    )


def scale_score(row: Row, amendments: tuple[Amendment, ...] = ()) -> ScaleScore:
    return ScaleScore(
        id=row["id"],
        session_id=row["session_id"],
        scale=row["scale"],
        timepoint=row["timepoint"],
        total=row["total"],
        item_scores=json.loads(row["item_scores"]),
        observed_at=from_stored(row["observed_at"]),
        entered_at=from_stored(row["entered_at"]),
        entered_by=row["entered_by"],
        amendments=amendments,
    )


def event(row: Row, amendments: tuple[Amendment, ...] = ()) -> Event:
    return Event(
        id=row["id"],
        session_id=row["session_id"],
        kind=row["kind"],
        phase=Phase(row["phase"]) if row["phase"] else None,
        text=row["text"],
        occurred_at=from_stored(row["occurred_at"]),
        entered_at=from_stored(row["entered_at"]),
        entered_by=row["entered_by"],
        amendments=amendments,
    )


def medication(row: Row, amendments: tuple[Amendment, ...] = ()) -> MedicationGiven:
    return MedicationGiven(
        id=row["id"],
        session_id=row["session_id"],
        drug=row["drug"],
        label=row["label"],
        drug_class=row["drug_class"],
        dose=row["dose"],
        unit=row["unit"],
        route=row["route"],
        given_at=from_stored(row["given_at"]),
        ordered_by=row["ordered_by"],
        given_by=row["given_by"],
        entered_at=from_stored(row["entered_at"]),
        entered_by=row["entered_by"],
        alert_id=row["alert_id"],
        amendments=amendments,
    )


def override(row: Row) -> Override:
    return Override(
        id=row["id"],
        session_id=row["session_id"],
        action=row["action"],
        items=tuple(json.loads(row["items"])),
        reason=row["reason"],
        physician=row["physician"],
        physician_name=row["physician_name"],
        overridden_at=from_stored(row["overridden_at"]),
        entered_by=row["entered_by"],
    )


def protocol_version(row: Row) -> ProtocolVersion:
    """A `protocols` row, with its state when the query gave it (see store.clinic)."""
    return ProtocolVersion(
        protocol_id=row["protocol_id"],
        version=row["version"],
        name=row["name"],
        text=row["toml"],
        based_on=row["based_on"],
        created_at=from_stored(row["created_at"]),
        created_by=row["created_by"],
        state=VersionState(row.get("state", VersionState.COUNTERSIGNED.value)),
        decided_by=row.get("decided_by"),
        decision_reason=row.get("decision_reason"),
    )


def monitor_frame(row: Row) -> MonitorFrame:
    return MonitorFrame(
        id=row["id"],
        received_at=from_stored(row["received_at"]),
        peer=row["peer"],
        sending_application=row["sending_application"],
        sending_facility=row["sending_facility"],
        control_id=row["control_id"],
        message_type=row["message_type"],
        raw=row["raw"],
        size=row["size"],
        outcome=FrameOutcome(row["outcome"]),
        reason=row["reason"],
    )


def monitor_reading(row: Row) -> MonitorReading:
    return MonitorReading(
        id=row["id"],
        session_id=row["session_id"],
        frame_id=row["frame_id"],
        vitals=_vitals(row),
        received_at=from_stored(row["received_at"]),
    )


def reading_mark(row: Row) -> ReadingMark:
    return ReadingMark(
        id=row["id"],
        reading_id=row["reading_id"],
        session_id=row["session_id"],
        verdict=ReadingVerdict(row["verdict"]),
        vitals_id=row["vitals_id"],
        reason=row["reason"],
        marked_at=from_stored(row["entered_at"]),
        marked_by=row["entered_by"],
    )


def monitor_bed(row: Row) -> MonitorBed:
    return MonitorBed(
        id=row["id"],
        sending_application=row["sending_application"],
        sending_facility=row["sending_facility"],
        bed=row["bed"],
        chair=row["chair"],
        set_at=from_stored(row["set_at"]),
        set_by=row["set_by"],
    )
