"""The rest of what the nurse charts, in the clinic's code system (no standard code fits
them): dissociation assessments and side effects as Observations, the room's alerts with
their acknowledgement and escalation as Observations, a physician's override of a hold or
gap as an Observation in the summary's words, and the pre-session and discharge checklists
and the Spravato REMS form's answers as QuestionnaireResponses (one item per question,
answered yes or no; each answer the chart contradicts an Observation of its own).

Alerts are Observations, not Flags or DetectedIssues: R4's Flag has no place for who
acknowledged it and what was done, and R4's DetectedIssue none for the encounter."""

from __future__ import annotations

from typing import Any

from ketamonitor.core.chart_view import AlertRow, ChecklistPart, SideEffectRow
from ketamonitor.core.holds import override_words
from ketamonitor.core.records import Override
from ketamonitor.export.fhir.codes import CATEGORIES, STATUS, coding, interpretation, time
from ketamonitor.export.fhir.people import Context

Resource = dict[str, Any]

_EXAM = {"coding": [coding(CATEGORIES, "exam", "Exam")]}
#: An alert's priority as an interpretation: the critical tier AA, any other A.
_PRIORITY = {"critical": "AA", "high": "A", "medium": "A", "low": "A"}


def _observation(context: Context, rid: str, code: str, display: str, moment: Any,
                 status: str) -> Resource:
    return {
        "resourceType": "Observation", "id": rid, "status": STATUS.get(status, "final"),
        "category": [_EXAM], "code": {"coding": [context.systems.code(code, display)],
                                      "text": display},
        "subject": context.subject, "encounter": context.encounter,
        "effectiveDateTime": time(moment),
    }


def side_effects(context: Context) -> list[Resource]:
    return [side_effect(context, row) for row in context.summary.side_effects]


def alerts(context: Context) -> list[Resource]:
    return [alert_observation(context, alert) for alert in context.summary.alerts]


def checklists(context: Context, part: ChecklistPart | None) -> list[Resource]:
    return [] if part is None else [checklist(context, part)]


def dissociation(context: Context) -> list[Resource]:
    """Each assessment: the items found present as components (none: "None present")."""
    found = []
    for number, row in enumerate(context.summary.dissociation, start=1):
        observation = _observation(context, context.ids.of("dissociation", number),
                                   "dissociation-assessment", "Dissociation assessment",
                                   row.observed_at, row.status)
        observation["performer"] = [context.staff(row.entered_by)]
        observation["valueString"] = ("Present: " + "; ".join(row.present) if row.present
                                      else "None present")
        if row.present:
            observation["component"] = [
                {"code": {"text": label}, "valueBoolean": True} for label in row.present]
        found.append(observation)
    return found


def side_effect(context: Context, row: SideEffectRow) -> Resource:
    """A side effect at onset ("present", with its severity and intervention) or resolved."""
    observation = _observation(context, context.ids.of("side-effect", row.id),
                               f"side-effect-{row.item}", row.label, row.observed_at,
                               row.status)
    observation["performer"] = [context.staff(row.entered_by)]
    observation["valueCodeableConcept"] = {
        "coding": [context.systems.code(f"side-effect-{row.value}", row.value)],
        "text": row.value}
    parts = []
    if row.severity:
        parts.append({"code": {"coding": [context.systems.code("severity", "Severity")]},
                      "valueString": row.severity})
    if row.intervention_label:
        parts.append({"code": {"coding": [context.systems.code("intervention",
                                                               "Intervention")]},
                      "valueString": row.intervention_label})
    if parts:
        observation["component"] = parts
    if row.note:
        observation["note"] = [{"text": row.note}]
    return observation


def alert_observation(context: Context, alert: AlertRow) -> Resource:
    """An alert the room raised: its message, priority, and the acknowledgement and
    escalation in the words the page shows them."""
    observation = _observation(context, context.ids.of("alert", alert.id),
                               f"alert-{alert.kind}", f"Alert: {alert.kind.replace('_', ' ')}",
                               alert.raised_at, "charted")
    observation["category"] = [{"coding": [context.systems.code("alert", "Alert")]}]
    observation["valueString"] = alert.message
    observation["interpretation"] = interpretation(_PRIORITY.get(alert.priority, "A"))
    observation["component"] = [
        {"code": {"coding": [context.systems.code("alert-priority", "Priority")]},
         "valueString": alert.priority_word}]
    notes = []
    if alert.acknowledged_at is not None:
        notes.append(f"Acknowledged {time(alert.acknowledged_at)} by "
                     f"{alert.acknowledged_by or 'unknown'}"
                     + (f": {alert.action}" if alert.action else ""))
        if alert.acknowledged_by:
            observation["performer"] = [context.staff(alert.acknowledged_by)]
    if alert.escalation_text:
        notes.append(alert.escalation_text)
    if alert.seen_by_physician:
        notes.append(f"Seen by the physician: {alert.seen_by_physician}")
    if alert.cleared_at is not None:
        notes.append(f"Cleared {time(alert.cleared_at)}")
    if notes:
        observation["note"] = [{"text": text} for text in notes]
    return observation


def checklist(context: Context, part: ChecklistPart) -> Resource:
    """A yes/no checklist: completed once every question is answered."""
    answered = [row for row in part.rows if row.answer is not None]
    moments = [row.observed_at for row in answered if row.observed_at is not None]
    response: Resource = {
        "resourceType": "QuestionnaireResponse", "id": context.ids.of("checklist", part.id),
        "questionnaire": f"{context.systems.base.rstrip('/')}/Questionnaire/{part.id}",
        "status": "completed" if len(answered) == len(part.rows) else "in-progress",
        "subject": context.subject, "encounter": context.encounter,
        "item": [{"linkId": row.item, "text": row.label,
                  **({"answer": [{"valueString": row.answer}]} if row.answer else {})}
                 for row in part.rows],
    }
    if moments:
        response["authored"] = time(max(moments))
    who = next((row.entered_by for row in reversed(answered) if row.entered_by), None)
    if who is not None:
        response["author"] = context.staff(who)
    return response


def overrides(context: Context) -> list[Resource]:
    return [override(context, row) for row in context.summary.chart.overrides]


def override(context: Context, row: Override) -> Resource:
    """A physician's override: what it let go ahead despite which holds or gaps, and why, in
    the words the page and the PDF use (core.holds.override_words)."""
    observation = _observation(context, context.ids.of("override", row.id),
                               f"override-{row.action}", "Physician override",
                               row.overridden_at, "charted")
    observation["performer"] = [context.staff(row.physician)]
    observation["valueString"] = override_words(row)
    observation["component"] = [
        {"code": {"coding": [context.systems.code("overridden", "Hold or gap overridden")]},
         "valueString": item} for item in row.items]
    return observation


def rems(context: Context) -> list[Resource]:
    """The REMS form's answers, and each answer the chart contradicts (never filed
    silently: an EHR sees the contradiction beside the answer)."""
    part = context.summary.rems
    if part is None:
        return []
    response: Resource = {
        "resourceType": "QuestionnaireResponse", "id": context.ids.of("rems"),
        "questionnaire": f"{context.systems.base.rstrip('/')}/Questionnaire/rems",
        "status": "completed" if not part.form.gaps else "in-progress",
        "subject": context.subject, "encounter": context.encounter,
        "item": [{"linkId": key, "text": question,
                  **({"answer": [{"valueString": answer}]} if answer else {})}
                 for key, question, answer in part.questions],
    }
    contradicted = [
        {**_observation(context, context.ids.of("rems-contradiction", c.field),
                        "rems-contradiction", "REMS answer the chart contradicts",
                        context.summary.generated_at, "charted"),
         "valueString": c.words, "interpretation": interpretation("A")}
        for c in part.form.contradictions]
    return [response, *contradicted]
