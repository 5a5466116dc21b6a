"""The scales as Observations: a PHQ-9 as the LOINC panel 44249-1 whose members are the total
(44261-6) and each item's answer (LOINC's item codes, LOINC answer codes), MOAA/S and the
Modified Aldrete (no LOINC code: the clinic's code system, the Aldrete's items as
components), and the physician's risk assessment after a positive item 9 as a
RiskAssessment whose basis is that answer.

A flag the chart gives a score (core.flags.scale_flags: MOAA/S at or below its lines, an item
over its line such as PHQ-9 item 9) is its interpretation: A, or AA past the critical line."""

from __future__ import annotations

from typing import Any

from ketamonitor.core.chart_view import ScoreRow
from ketamonitor.core.flags import Level, scale_flags
from ketamonitor.core.records import ScaleScore
from ketamonitor.core.risk import PHQ9, item9_mark
from ketamonitor.export.fhir.codes import (
    CATEGORIES,
    LOINC,
    STATUS,
    coding,
    concept,
    interpretation,
    time,
)
from ketamonitor.export.fhir.people import Context

Resource = dict[str, Any]

PHQ9_PANEL, PHQ9_TOTAL = "44249-1", "44261-6"
#: The PHQ-9's items in LOINC, by the scale's item keys (q1..q9).
PHQ9_ITEMS = {
    "q1": ("44250-9", "Little interest or pleasure in doing things"),
    "q2": ("44255-8", "Feeling down, depressed, or hopeless"),
    "q3": ("44259-0", "Trouble falling or staying asleep, or sleeping too much"),
    "q4": ("44254-1", "Feeling tired or having little energy"),
    "q5": ("44251-7", "Poor appetite or overeating"),
    "q6": ("44258-2", ("Feeling bad about yourself-or that you are a failure or have let "
                       "yourself or your family down")),
    "q7": ("44252-5", ("Trouble concentrating on things, such as reading the newspaper or "
                       "watching television")),
    "q8": ("44253-3", ("Moving or speaking so slowly that other people could have noticed. "
                       "Or the opposite-being so fidgety or restless that you have been "
                       "moving around a lot more than usual")),
    "q9": ("44260-8", ("Thoughts that you would be better off dead, or of hurting yourself "
                       "in some way")),
}
#: The PHQ's answers (LOINC answer list LL358-3) by their score.
PHQ_ANSWERS = {0: ("LA6568-5", "Not at all"), 1: ("LA6569-3", "Several days"),
               2: ("LA6570-1", "More than half the days"), 3: ("LA6571-9", "Nearly every day")}


def scores(context: Context) -> list[Resource]:
    """Every score charted (struck ones marked entered-in-error)."""
    found: list[Resource] = []
    recorded = {score.id: score for score in context.summary.chart.scale_scores}
    for row in context.summary.scores:
        score = recorded[row.id]
        if row.scale == PHQ9:
            found += _phq9(context, row, score)
        else:
            found.append(_scale(context, row, score))
    return found


def _observation(context: Context, row: ScoreRow, name: str, code: dict[str, Any]
                 ) -> Resource:
    observation: Resource = {
        "resourceType": "Observation", "id": context.ids.of("score", row.id, name),
        "status": STATUS.get(row.status, "final"),
        "category": [{"coding": [coding(CATEGORIES, "survey", "Survey")]}],
        "code": code,
        "subject": context.subject, "encounter": context.encounter,
        "effectiveDateTime": time(row.observed_at),
        "performer": [context.staff(row.entered_by)],
    }
    if row.timepoint:
        observation["note"] = [{"text": f"Timepoint: {row.timepoint}"}]
    return observation


def _flags(context: Context, score: ScaleScore) -> dict[str, str]:
    """The interpretation of each item the chart flags on this score (A, or AA)."""
    scale = context.summary.library.scales.get(score.scale)
    if scale is None:
        return {}
    protocol = context.summary.session.protocol
    found: dict[str, str] = {}
    for flag in scale_flags(scale, score.total, score.item_scores, protocol.thresholds,
                            protocol.critical):
        for field in flag.fields:
            found[field] = "AA" if flag.level is Level.CRITICAL else "A"
    return found


def _phq9(context: Context, row: ScoreRow, score: ScaleScore) -> list[Resource]:
    flagged = _flags(context, score)
    total = _observation(context, row, "total", concept(
        LOINC, PHQ9_TOTAL, "Patient Health Questionnaire 9 item (PHQ-9) total score "
        "[Reported]", "PHQ-9 total"))
    total["valueInteger"] = row.total
    items = []
    for key, answer in _in_order(context, score):
        code, display = PHQ9_ITEMS[key]
        item = _observation(context, row, key, concept(LOINC, code, display))
        answer_code, words = PHQ_ANSWERS[answer]
        item["valueCodeableConcept"] = {"coding": [coding(LOINC, answer_code, words)],
                                        "text": f"{words} ({answer})"}
        if key in flagged:
            item["interpretation"] = interpretation(flagged[key])
        items.append(item)
    panel = _observation(context, row, "panel", concept(
        LOINC, PHQ9_PANEL, "PHQ-9 quick depression assessment panel [Reported.PHQ]",
        "PHQ-9"))
    panel["hasMember"] = [{"reference": f"urn:uuid:{member['id']}"}
                          for member in (total, *items)]
    mark = item9_mark(context.summary.chart)
    if mark is not None and flagged:
        panel["note"] = [*panel.get("note", []), {"text": mark}]
    return [panel, total, *items]


def _scale(context: Context, row: ScoreRow, score: ScaleScore) -> Resource:
    """A scale without a LOINC code (MOAA/S, the Modified Aldrete, a clinic's own): the
    clinic's code `scale-<id>`, the total, each item of a multi-item scale a component."""
    systems = context.systems
    observation = _observation(context, row, "total", {
        "coding": [systems.code(f"scale-{row.scale}", row.title)], "text": row.title})
    observation["valueInteger"] = row.total
    flagged = _flags(context, score)
    if flagged:
        worst = "AA" if "AA" in flagged.values() else "A"
        observation["interpretation"] = interpretation(worst)
    if len(score.item_scores) > 1:
        labels = _labels(context, score)
        observation["component"] = [
            {"code": {"coding": [systems.code(f"scale-{row.scale}-{key}", labels[key])]},
             "valueInteger": value} for key, value in _in_order(context, score)]
    return observation


def _labels(context: Context, score: ScaleScore) -> dict[str, str]:
    scale = context.summary.library.scales.get(score.scale)
    found = {item.key: item.label for item in scale.items} if scale else {}
    return {key: found.get(key, key) for key in score.item_scores}


def _in_order(context: Context, score: ScaleScore) -> list[tuple[str, int]]:
    """The item scores in the scale's order of items (one it no longer has, last)."""
    scale = context.summary.library.scales.get(score.scale)
    order = [item.key for item in scale.items] if scale else []
    return sorted(score.item_scores.items(),
                  key=lambda pair: (order.index(pair[0]) if pair[0] in order else len(order),
                                    pair[0]))


def risk_assessments(context: Context) -> list[Resource]:
    """Each physician's risk assessment after PHQ-9 item 9 was answered above "Not at
    all": its basis the item's answer (the latest one charted before it)."""
    chart = context.summary.chart
    found = []
    for assessment in chart.risk_assessments:
        before = [s for s in chart.scale_scores if s.scale == PHQ9 and not s.in_error
                  and s.item_scores.get("q9", 0) >= 1 and s.entered_at <= assessment.entered_at]
        basis = max(before, key=lambda s: (s.entered_at, s.id), default=None)
        resource: Resource = {
            "resourceType": "RiskAssessment", "id": context.ids.of("risk", assessment.id),
            "status": "final",
            "code": {"coding": [context.systems.code(
                "phq9-item9-risk-assessment", "Risk assessment after PHQ-9 item 9")],
                "text": "PHQ-9 item 9: physician's risk assessment"},
            "subject": context.subject, "encounter": context.encounter,
            "occurrenceDateTime": time(assessment.entered_at),
            "performer": context.staff(assessment.entered_by),
            "prediction": [{"outcome": {"text": assessment.outcome}}],
            "mitigation": assessment.plan,
        }
        if basis is not None:
            resource["basis"] = [{"reference": "urn:uuid:" + context.ids.of(
                "score", basis.id, "q9")}]
        if assessment.note:
            resource["note"] = [{"text": assessment.note}]
        found.append(resource)
    return found
