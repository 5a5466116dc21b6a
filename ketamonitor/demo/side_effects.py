"""Side effects and dissociation: drawn for a session, charted present with an intervention,
and resolved before discharge."""

from __future__ import annotations

import random

from ketamonitor.core.checklists import Answer
from ketamonitor.core.protocol import Route
from ketamonitor.demo.people import clamp
from ketamonitor.demo.script import Script, Step
from ketamonitor.demo.writes import assessment_write

#: Side effects drawn for a session: item, chance with IV, chance with intranasal
#: (shaped after the Spravato label's frequencies, CLINICAL.md).
SIDE_EFFECTS = (
    ("dizziness", 0.22, 0.34), ("nausea", 0.14, 0.24), ("somnolence", 0.09, 0.18),
    ("headache", 0.08, 0.12), ("dysgeusia", 0.02, 0.18), ("blurred_vision", 0.05, 0.1),
    ("paresthesia", 0.08, 0.1), ("vomiting", 0.03, 0.08), ("anxiety", 0.08, 0.08),
    ("emergence_reaction", 0.03, 0.01),
)
INTERVENTIONS = {
    "nausea": "ondansetron", "vomiting": "ondansetron", "anxiety": "reassurance",
    "emergence_reaction": "reassurance", "dissociation": "reassurance",
}
STRONGER = {"anxiety": "lorazepam", "emergence_reaction": "midazolam"}


def draw_severity(rng: random.Random) -> str:
    return rng.choices(("mild", "moderate", "severe"), (0.76, 0.21, 0.03))[0]


def dissociation(script: Script, minute: float, strength: float, report: bool = True) -> None:
    """One assessment of the dissociation checklist, every item present or absent; at
    the peak, two or more items present are also charted as a side effect."""
    person, number = script.visit.person, script.visit.number
    chance = clamp(person.dissociation * strength * (1 - 0.07 * (number - 1)), 0, 0.95)
    weights = {"detached": 1.0, "unreal": 0.9, "time_altered": 0.9,
               "perception_changed": 0.7, "confused": 0.3, "distressed": 0.1}
    checklist = script.library.checklist(script.checklists.dissociation)
    values = {item.key: Answer.PRESENT if script.rng.random() < chance * weights.get(
        item.key, 0.5) else Answer.ABSENT for item in checklist.items}
    script.plan.steps.append(Step(minute, "checklist entries",
                                  assessment_write(checklist, values), len(values)))
    present = sum(value is Answer.PRESENT for value in values.values())
    if report and strength >= 1 and present >= 2:
        severity = "moderate" if present >= 4 else "mild"
        script.side_effect(minute + 1, "dissociation", severity,
                           INTERVENTIONS["dissociation"] if severity == "moderate" else None)


def side_effects(script: Script, start: float, end: float, ready: float) -> None:
    """Side effects of the session at moments after dosing, some with an intervention."""
    iv = script.protocol.route is Route.IV
    if iv and script.body.rise_systolic >= 30 and script.rng.random() < 0.6:
        script.side_effect(end - 5, "bp_increased", "mild")
    for item, iv_chance, nasal_chance in SIDE_EFFECTS:
        if script.rng.random() >= (iv_chance if iv else nasal_chance):
            continue
        severity = draw_severity(script.rng)
        intervention = INTERVENTIONS.get(item)
        if severity == "severe" and item in STRONGER:
            intervention = STRONGER[item]
        elif severity == "mild" and script.rng.random() < 0.6:
            intervention = None
        minute = script.rng.randint(int(start) + 5, int(ready) - 5)
        script.side_effect(minute, item, severity, intervention)


def resolve_side_effects(script: Script, minute: float) -> None:
    """Every side effect charted present has passed before discharge, as the gate asks."""
    for item in sorted(script.present):
        script.answer(minute, script.checklists.side_effects, item, Answer.RESOLVED)
