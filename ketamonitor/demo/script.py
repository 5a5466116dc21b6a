"""One session's script: its entries at minutes from arrival, and the helpers that add
them, one entry each (the planner and the incidents write through these)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ketamonitor.core.checklists import Answer
from ketamonitor.core.library import Library
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import Protocol, Route
from ketamonitor.demo.body import draw_body
from ketamonitor.demo.courses import Visit
from ketamonitor.demo.incident_kinds import Incident
from ketamonitor.demo.writes import (
    Write,
    answer_write,
    medication_write,
    note_write,
    phase_write,
    scale_write,
    vitals_write,
)


@dataclass(frozen=True)
class Step:
    minute: float
    kind: str
    write: Write
    entries: int = 1
    #: An entry a rule of the room's alerts reads: the chart is judged again after it.
    judged: bool = False
    #: The step that ends the session (discharge): what follows a finished session hooks there.
    finishes: bool = False


@dataclass(frozen=True)
class Medicine:
    """A medicine the nurse gives for a side effect's intervention, as the prescriber orders
    it: the drug's id in the clinic's list, the dose, and the route with a cannula (IV) and
    without (intranasal sessions have no line)."""

    drug: str
    dose: float
    unit: str
    iv_route: str
    nasal_route: str
    #: The alert kinds it answers: the medicine is charted against the latest such alert.
    answers: frozenset[str] = frozenset({"severe_side_effect"})


_BP_ALERTS = frozenset({"bp_above_stop_line", "bp_critical"})
_BREATHING_ALERTS = frozenset({"spo2_low", "spo2_critical", "respiratory_rate_low",
                               "respiratory_rate_critical", "deep_sedation",
                               "sedation_critical"})
#: The side effects' interventions that are medicines given (CLINICAL.md "Usual
#: interventions"; doses the usual ones of resources/medications.toml).
MEDICINES = {
    "ondansetron": Medicine("ondansetron", 4, "mg", "IV", "SL"),
    "clonidine": Medicine("clonidine", 0.1, "mg", "PO", "PO", _BP_ALERTS),
    "lorazepam": Medicine("lorazepam", 1, "mg", "PO", "SL"),
    "midazolam": Medicine("midazolam", 1, "mg", "IV", "IM"),
    "oxygen": Medicine("oxygen", 2, "L/min", "inhaled", "inhaled", _BREATHING_ALERTS),
}


@dataclass
class Plan:
    """One session's entries at minutes from arrival, with the minutes of its milestones."""

    steps: list[Step] = field(default_factory=list)
    start: float = 0.0
    end: float = 0.0
    ready: float = 0.0
    discharge: float = 0.0

    def ordered(self) -> list[Step]:
        return sorted(self.steps, key=lambda step: step.minute)  # stable: same-minute order kept

    def moment_in(self, rng: random.Random, phase: Phase) -> float:
        """A minute at which the session is in `phase` (for today's sessions in the room)."""
        if phase is Phase.PRE_INFUSION:
            return rng.randint(4, int(self.start) - 1)
        if phase is Phase.INFUSING:
            return self.start + max(2, int((self.end - self.start) * rng.uniform(0.3, 0.75)))
        if phase is Phase.OBSERVATION:
            return self.end + rng.randint(10, max(11, int(self.ready - self.end) - 10))
        return self.ready + rng.randint(4, int(self.discharge - self.ready) - 1)


@dataclass(frozen=True)
class Outcome:
    """Where an incident left the infusion: when it runs again (or stopped), and the last
    vitals taken."""

    resumed_at: float
    last_vitals: float
    stopped: bool = False


class Script:
    """A session's script being written: the visit, its protocol and body, and the entries
    so far (what a nurse would chart, minute by minute)."""

    def __init__(self, rng: random.Random, visit: Visit, library: Library,
                 incident: Incident) -> None:
        self.rng = rng
        self.visit = visit
        self.library = library
        self.protocol: Protocol = library.protocol(visit.protocol_id)
        self.incident = incident   # still to happen; NONE once it has
        self.body = draw_body(rng, visit.person, self.protocol.route)
        self.plan = Plan()
        self.started = False
        self.item9 = 0  # PHQ-9 item 9 at arrival: >= 1 asks for the physician's assessment
        self.baseline: dict[str, int] = {}
        self.checklists = self.protocol.checklists
        #: Side effects charted present, to chart resolved before discharge.
        self.present: set[str] = set()
        #: Why the physician lets a held start go ahead, in the override's words.
        self.held_because: list[str] = []

    # writing steps

    def add(self, minute: float, kind: str, write: Write, *, judged: bool = False) -> None:
        self.plan.steps.append(Step(minute, kind, write, judged=judged))

    def every(self, phase: Phase) -> float:
        return self.protocol.vitals_every_minutes[phase]

    def vitals(self, minute: float, **override: int) -> dict[str, int]:
        since = minute - self.plan.start if self.started else None
        values = {**self.body.reading(self.rng, since), **override}
        self.add(minute, "vitals sets", vitals_write(values), judged=True)
        return values

    def answer(self, minute: float, checklist_id: str, item: str, value: str, **extra: str
               ) -> None:
        checklist = self.library.checklist(checklist_id)
        self.add(minute, "checklist entries", answer_write(checklist, item, value, extra))

    def side_effect(self, minute: float, item: str, severity: str,
                    intervention: str | None = None, note: str | None = None) -> None:
        extra = {"severity": severity}
        if intervention:
            extra["intervention"] = intervention
        if note:
            extra["note"] = note
        checklist = self.library.checklist(self.checklists.side_effects)
        self.add(minute, "checklist entries",
                 answer_write(checklist, item, Answer.PRESENT, extra), judged=True)
        self.present.add(item)
        medicine = MEDICINES.get(intervention or "")
        if medicine is not None:
            route = medicine.iv_route if self.protocol.route is Route.IV else medicine.nasal_route
            self.add(minute, "medicines given", medication_write(
                medicine.drug, medicine.dose, medicine.unit, route, medicine.answers))

    def scale(self, minute: float, scale_id: str, scores: dict[str, int],
              timepoint: str | None = None) -> None:
        self.add(minute, "scale scores", scale_write(self.library, scale_id, scores, timepoint),
                 judged=True)

    def moaas(self, minute: float, score: int) -> None:
        self.scale(minute, "moaas", {"moaas": score})

    def note(self, minute: float, text: str) -> None:
        self.add(minute, "notes", note_write(text))

    def phase(self, minute: float, action: Action, reason: str | None = None) -> None:
        self.plan.steps.append(Step(minute, "phase changes", phase_write(action, reason),
                                    judged=True, finishes=action is Action.DISCHARGE))
