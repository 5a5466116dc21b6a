"""Building a session's chart view from what was read of it (no store here: the export
reads the store once and calls `chart_summary`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, tzinfo

from ketamonitor.core.administration import devices_given, drug_lots
from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.amendments import ENTERED_IN_ERROR, STATUS
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.chart_marks import phase_spans
from ketamonitor.core.chart_view.entries import assessments, corrections
from ketamonitor.core.chart_view.rows import (
    AMENDED,
    CHARTED,
    IN_ERROR,
    AlertRow,
    AmendmentRow,
    ArtifactRow,
    AssessmentRow,
    ChecklistPart,
    ChecklistRow,
    DeviceRow,
    EventRow,
    MedicationRow,
    PhaseTime,
    RemsPart,
    ScoreRow,
    SessionSummary,
    SideEffectRow,
    SignatureRow,
    StoppedEarly,
    Timings,
    VitalsRow,
)
from ketamonitor.core.checklists import Checklist, ChecklistKind
from ketamonitor.core.dose import NOT_STARTED, format_amount
from ketamonitor.core.escalation import escalation_text, seen_text
from ketamonitor.core.flags import scale_flags
from ketamonitor.core.gates import next_step
from ketamonitor.core.holds import held_words
from ketamonitor.core.library import Library
from ketamonitor.core.monitor_readings import ReadingVerdict
from ketamonitor.core.monitor_words import (
    artifact_words,
    not_validated_words,
    validated_words,
    values_words,
)
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import DoseUnit
from ketamonitor.core.records import Administration
from ketamonitor.core.rems import rems_form
from ketamonitor.core.risk import (
    ITEM_9,
    assessment_words,
    item9_assessed,
    item9_positive,
    item9_words,
)
from ketamonitor.core.side_effects import course_of, course_words, courses
from ketamonitor.core.signature import Signature, matches
from ketamonitor.core.timers import observation_started_at
from ketamonitor.core.times import format_clock, from_stored
from ketamonitor.core.vitals import LABELS as VITALS_LABELS
from ketamonitor.core.vitals import spo2_words
from ketamonitor.core.wording import action_label, event_label, phase_label


def chart_summary(chart: SessionChart, *, alerts: tuple[AlertRecord, ...],
                  signatures: Sequence[Signature], course: Sequence[int],
                  audit_head: tuple[int, str], generated_by: str, generated_by_name: str,
                  now: datetime, clinic_name: str, zone: tzinfo, library: Library
                  ) -> SessionSummary:
    """The chart view of one session from what was read of it: its chart, its alerts and
    signatures, the ids of its patient's course in order, the audit trail's head, who is
    making it and when."""
    session_id = chart.session.id
    head_id, head_hash = audit_head
    route = chart.protocol.route
    lists = chart.protocol.checklists
    stopped = chart.timeline.stopped_early
    positive = item9_positive(chart)
    step = next_step(chart, library, now)
    held = step.held if step.action is not None else ()

    def shown(moment: datetime) -> str:
        return format_clock(moment, zone)

    return SessionSummary(
        clinic_name=clinic_name,
        generated_at=now,
        generated_by=generated_by,
        generated_by_name=generated_by_name,
        zone=zone,
        patient=chart.patient,
        session=chart.session,
        number_in_course=course.index(session_id) + 1,
        sessions_in_course=len(course),
        route=route,
        phase=chart.phase,
        phase_label=phase_label(chart.phase, route),
        stopped_early=StoppedEarly(stopped.action, action_label(stopped.action, route),
                                   stopped.at, stopped.reason) if stopped else None,
        phases=tuple(PhaseTime(span.phase, phase_label(span.phase, route), span.start,
                               span.end) for span in phase_spans(chart.timeline)),
        timings=_timings(chart, now),
        devices=_administered(devices_given(chart)),
        drug_lots=_administered(drug_lots(chart)),
        vitals=_vitals(chart, shown),
        pre_session=_yes_no(chart, library.checklists.get(lists.pre_session)),
        discharge=_yes_no(chart, library.checklists.get(lists.discharge)),
        dissociation=tuple(
            AssessmentRow(a.observed_at, a.present, a.entered_by,
                          IN_ERROR if a.in_error else CHARTED)
            for a in assessments(chart.entries_of(lists.dissociation))),
        side_effects=_side_effects(chart, library.checklists.get(lists.side_effects), shown),
        medications=_medications(chart),
        scores=_scores(chart, library),
        events=_events(chart),
        alerts=tuple(_alert(alert, zone) for alert in alerts),
        amendments=_amendments(chart, library),
        rems=_rems(chart, library, clinic_name, zone, alerts),
        signatures=tuple(_signature(s, chart, alerts) for s in signatures),
        audit_head_id=head_id,
        audit_head_hash=head_hash,
        chart=chart,
        alert_records=alerts,
        library=library,
        item9=item9_words(chart),
        item9_answer=positive.item_scores[ITEM_9] if positive else None,
        item9_assessed=item9_assessed(chart),
        risk_words=tuple(assessment_words(a, shown) for a in chart.risk_assessments),
        held_words=(held_words(action_label(step.action, route))
                    if held and step.action is not None else None),
        held=held,
        artifacts=_artifacts(chart, shown),
        not_validated=len(chart.pending_readings),
        not_validated_words=not_validated_words(len(chart.pending_readings)),
    )


def _status(in_error: bool, amended: bool = False) -> str:
    if in_error:
        return IN_ERROR
    return AMENDED if amended else CHARTED


def _timings(chart: SessionChart, now: datetime) -> Timings:
    timeline = chart.timeline
    end = timeline.finished_at or now
    completed = next((c.at for c in timeline.changes
                      if c.action is Action.COMPLETE_OBSERVATION), None)
    observing_from = observation_started_at(chart)
    observed = None
    if observing_from is not None:
        observed = max((completed or end) - observing_from, timedelta())
    return Timings(
        arrived_at=timeline.began_at,
        dose_started_at=timeline.dose_started_at,
        dose_ended_at=timeline.infusion_ended_at,
        observation_started_at=observing_from,
        observation_completed_at=completed,
        finished_at=timeline.finished_at,
        dosing_time=timeline.time_in(Phase.INFUSING, end),
        paused_time=timeline.time_in(Phase.PAUSED, end),
        observation_time=observed,
        planned_dosing_time=chart.infusion_time,
        minimum_observation_time=chart.protocol.observation_time,
    )


def _vitals(chart: SessionChart, shown: Callable[[datetime], str]) -> tuple[VitalsRow, ...]:
    route = chart.protocol.route
    accepted = {mark.vitals_id: mark for mark in chart.reading_marks
                if mark.verdict is ReadingVerdict.ACCEPTED and mark.vitals_id is not None
                and mark.vitals_id in chart.accepted_readings}
    rows = []
    for flagged in chart.all_vitals_rows():
        entry, vitals = flagged.entry, flagged.entry.current
        mark = accepted.get(entry.id)
        rows.append(VitalsRow(
            id=entry.id, observed_at=vitals.observed_at, phase=flagged.phase,
            phase_label=phase_label(flagged.phase, route),
            systolic=vitals.systolic, diastolic=vitals.diastolic,
            heart_rate=vitals.heart_rate, spo2=vitals.spo2,
            respiratory_rate=vitals.respiratory_rate, source=entry.source,
            entered_at=entry.entered_at, entered_by=entry.entered_by,
            status=_status(entry.in_error, entry.is_amended),
            flags=tuple(flag.message for flag in flagged.flags),
            flag_codes=tuple(flag.code for flag in flagged.flags),
            late_reason=entry.late_reason,
            oxygen_l_per_min=vitals.oxygen_l_per_min, etco2=vitals.etco2,
            spo2_words=spo2_words(vitals),
            monitor_reading_id=None if mark is None else mark.reading_id,
            validated_by=None if mark is None else mark.marked_by,
            validated_at=None if mark is None else mark.marked_at,
            source_words="" if mark is None else validated_words(mark, shown),
        ))
    return tuple(rows)


def _artifacts(chart: SessionChart, shown: Callable[[datetime], str]
               ) -> tuple[ArtifactRow, ...]:
    rows = []
    for reading, mark in chart.artifacts:
        vitals = reading.vitals
        rows.append(ArtifactRow(
            reading_id=reading.id, mark_id=mark.id, observed_at=reading.observed_at,
            received_at=reading.received_at, phase=chart.timeline.phase_at(vitals.observed_at),
            systolic=vitals.systolic, diastolic=vitals.diastolic,
            heart_rate=vitals.heart_rate, spo2=vitals.spo2,
            respiratory_rate=vitals.respiratory_rate,
            oxygen_l_per_min=vitals.oxygen_l_per_min, etco2=vitals.etco2,
            values=values_words(vitals), reason=mark.reason or "", marked_at=mark.marked_at,
            marked_by=mark.marked_by, words=artifact_words(reading, mark, shown)))
    return tuple(rows)


def _yes_no(chart: SessionChart, checklist: Checklist | None) -> ChecklistPart | None:
    if checklist is None or checklist.kind is not ChecklistKind.YES_NO:
        return None
    answers = chart.answers(checklist.id)
    rows = []
    for item in checklist.items_for(chart.protocol.route):
        found = answers.get(item.key)
        rows.append(ChecklistRow(
            item=item.key, label=item.label, answer=found.value if found else None,
            expected=item.expected.value if item.expected else None,
            observed_at=found.observed_at if found else None,
            entered_by=found.entered_by if found else None))
    return ChecklistPart(checklist.id, checklist.title, tuple(rows))


def _side_effects(chart: SessionChart, checklist: Checklist | None,
                  shown: Callable[[datetime], str]) -> tuple[SideEffectRow, ...]:
    found = courses(chart)
    rows = []
    for entry in chart.entries_of(chart.protocol.checklists.side_effects):
        course = None if entry.in_error else course_of(entry, found)
        label = None
        if entry.intervention:
            label = entry.intervention
            if checklist is not None:
                with contextlib.suppress(KeyError):  # a choice a later version dropped
                    label = checklist.intervention_label(entry.intervention)
        rows.append(SideEffectRow(
            id=entry.id, observed_at=entry.observed_at, item=entry.item, label=entry.label,
            severity=entry.severity, intervention=entry.intervention, intervention_label=label,
            note=entry.note, entered_by=entry.entered_by,
            status=_status(entry.in_error, bool(entry.amendments)), value=entry.value,
            resolved_at=course.resolved_at if course else None,
            course="" if entry.in_error else course_words(entry, found, shown)))
    return tuple(sorted(rows, key=lambda r: (r.observed_at, r.id)))


def _scores(chart: SessionChart, library: Library) -> tuple[ScoreRow, ...]:
    rows = []
    limits, critical = chart.protocol.thresholds, chart.protocol.critical
    for score in chart.scale_scores:
        scale = library.scales.get(score.scale)
        flags = () if scale is None or score.in_error else tuple(
            flag.message for flag in scale_flags(scale, score.total, score.item_scores, limits,
                                                 critical))
        order = [item.key for item in scale.items] if scale else []
        items = sorted(score.item_scores.items(),
                       key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
        rows.append(ScoreRow(
            id=score.id, observed_at=score.observed_at, scale=score.scale,
            title=scale.title if scale else score.scale, timepoint=score.timepoint,
            total=score.total, max_total=scale.max_total if scale else None,
            band=scale.band(score.total) if scale else None, entered_by=score.entered_by,
            status=_status(score.in_error, bool(score.amendments)),
            item_scores=tuple(items), flags=flags))
    return tuple(rows)


def _events(chart: SessionChart) -> tuple[EventRow, ...]:
    route = chart.protocol.route
    return tuple(
        EventRow(id=e.id, occurred_at=e.occurred_at, kind=e.kind,
                 label=event_label(e.kind, route), text=e.text, entered_by=e.entered_by,
                 status=_status(e.in_error, bool(e.amendments)))
        for e in chart.events)


def _alert(alert: AlertRecord, zone: tzinfo) -> AlertRow:
    return AlertRow(
        id=alert.id, raised_at=alert.raised_at, kind=str(alert.kind),
        priority=alert.priority.value, priority_word=alert.priority.word,
        priority_mark=alert.priority.mark, message=alert.message,
        acknowledged_at=alert.acknowledged_at, acknowledged_by=alert.acknowledged_by,
        action=alert.action, cleared_at=alert.cleared_at, escalation=alert.escalation,
        escalation_text=escalation_text(alert, lambda moment: format_clock(moment, zone)),
        seen_by_physician=alert.seen_by_physician, seen=seen_text(alert))


def _amendments(chart: SessionChart, library: Library) -> tuple[AmendmentRow, ...]:
    titles = {scale_id: scale.title for scale_id, scale in library.scales.items()}
    rows = []
    for found in corrections(chart, titles):
        amendment = found.amendment
        rows.append(AmendmentRow(
            id=amendment.id, subject=found.subject, observed_at=found.observed_at,
            field=amendment.field, field_label=_field_label(amendment.field),
            old_value=_shown_value(amendment.field, amendment.old_value),
            new_value=_shown_value(amendment.field, amendment.new_value),
            reason=amendment.reason, amended_at=amendment.amended_at,
            amended_by=amendment.amended_by))
    return tuple(rows)


def _field_label(field: str) -> str:
    if field == STATUS:
        return "Status"
    return VITALS_LABELS.get(field, field.replace("_", " ").capitalize())


def _shown_value(field: str, value: str | None) -> str | None:
    """An amendment's value as text to read: a struck entry says so; a time stays UTC."""
    if value == ENTERED_IN_ERROR:
        return "entered in error"
    if field == "observed_at" and value:
        try:
            return f"{from_stored(value):%Y-%m-%d %H:%M} UTC"
        except ValueError:
            return value
    return value


def _rems(chart: SessionChart, library: Library, setting: str, zone: tzinfo,
          alerts: tuple[AlertRecord, ...]) -> RemsPart | None:
    rems_id = chart.protocol.checklists.rems
    questions = library.checklists.get(rems_id) if rems_id else None
    if questions is None:
        return None
    form = rems_form(chart, questions, setting, zone, scales=library.scales, alerts=alerts)
    return RemsPart(form, tuple((item.key, item.label, form.answers.get(item.key))
                                for item in questions.items))


def _signature(signature: Signature, chart: SessionChart,
               alerts: tuple[AlertRecord, ...]) -> SignatureRow:
    return SignatureRow(
        kind=signature.kind.value, printed_name=signature.printed_name,
        signer=signature.signer, signed_at=signature.signed_at, meaning=signature.meaning,
        content_hash=signature.content_hash, text=signature.text,
        manifestation=signature.manifestation(),
        matches_chart=matches(signature, chart, alerts))


def _medications(chart: SessionChart) -> tuple[MedicationRow, ...]:
    return tuple(
        MedicationRow(id=m.id, given_at=m.given_at, drug=m.drug, label=m.label,
                      drug_class=m.drug_class, dose=m.dose, unit=m.unit, route=m.route,
                      ordered_by=m.ordered_by, given_by=m.given_by, alert_id=m.alert_id,
                      entered_at=m.entered_at, entered_by=m.entered_by,
                      status=_status(m.in_error, bool(m.amendments)))
        for m in chart.medications)


def _administered(given: Iterable[Administration]) -> tuple[DeviceRow, ...]:
    return tuple(DeviceRow(a.number, a.amount_mg, a.lot, a.given_at, a.entered_by)
                 for a in given)


def dose_words(summary: SessionSummary) -> str:
    """The dose as the summary prints it, mg/kg and total mg both, planned and given."""
    session, dose = summary.session, summary.session.dose
    if summary.session.protocol.dosing.unit is DoseUnit.DEVICES or dose.devices is not None:
        per_device = session.protocol.dosing.mg_per_device or 0
        per_kg = summary.dose_mg_per_kg
        text = (f"{dose.total_mg:g} mg total ({dose.devices} devices of {per_device:g} mg"
                + (f"; {per_kg:g} mg/kg at {session.weight_kg:g} kg)" if per_kg else ")"))
    else:
        text = (f"{dose.mg_per_kg:g} mg/kg × {session.weight_kg:g} kg = {dose.total_mg:g} mg "
                "total")
        if dose.pump_rate_ml_per_h is not None:
            text += (f" ({format_amount(dose.volume_ml, 'mL')} at "
                     f"{dose.concentration_mg_per_ml:g} mg/mL, pump "
                     f"{format_amount(dose.pump_rate_ml_per_h, 'mL/h')})")
    given = summary.given
    return text if given.how == NOT_STARTED else f"{text}; {given.describe()}"
