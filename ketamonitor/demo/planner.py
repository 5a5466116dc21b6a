"""One session planned start to discharge: arrival, dosing (an IV infusion or nasal
devices), observation and discharge, as the protocol asks."""

from __future__ import annotations

import math
import random

from ketamonitor.core.administration import charts_drug_lots
from ketamonitor.core.checklists import Answer
from ketamonitor.core.library import Library
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import ObservationStart, Route
from ketamonitor.demo.courses import Visit, device_count
from ketamonitor.demo.incident_kinds import Incident
from ketamonitor.demo.incidents import bp_after_dosing, infusion_incident
from ketamonitor.demo.people import clamp
from ketamonitor.demo.rems import answer_rems
from ketamonitor.demo.script import Plan, Script
from ketamonitor.demo.side_effects import dissociation, resolve_side_effects, side_effects
from ketamonitor.demo.writes import (
    demo_device_lot,
    demo_lot,
    device_write,
    drug_lot_write,
    override_write,
    risk_write,
)

NOTES = (
    "Listened to music with an eye mask throughout; calm.",
    "Partner waited in the lounge as escort.",
    "Asked about driving tomorrow: reminded to wait until after a night's sleep.",
    "Said the week since the last session was the best in months.",
    "Arrived anxious about the session; settled after an explanation of what to expect.",
    "Asked for the lights dimmed during dosing.",
)
IV_NOTES = ("Cannula sited in the left forearm at the first attempt.",
            "Cannula removed intact before discharge, site clean.")
INTRANASAL_NOTES = ("Blew nose before the first device as instructed.",
                    "Reclined at 45 degrees between devices.")


class SessionPlanner(Script):
    """Writes one session's script: what a nurse would chart, minute by minute."""

    def session(self) -> Plan:
        start = self.arrival()
        if charts_drug_lots(self.protocol):
            self.add(start - 1, "drug lots", drug_lot_write(demo_lot(self.visit.day)))
        why = " ".join(self.held_because) or "Discussed with the patient."
        self.add(start, "overrides", override_write(
            Action.START_INFUSION, f"{why} Benefit outweighs the risk; proceed."))
        self.plan.start, self.started = start, True
        if self.protocol.route is Route.IV:
            self.phase(start, Action.START_INFUSION)
            end, last_vitals = self.infusion(start)
        else:
            end, last_vitals = self.devices(start)
        self.plan.end = end
        ready = self.observation(end, last_vitals)
        self.plan.ready = ready
        self.plan.discharge = self.discharge(ready)
        answer_rems(self, ready + 5)  # demo/rems.py (the REMS slice): the form's answers
        side_effects(self, start, end, ready)
        resolve_side_effects(self, ready + 1)
        if self.rng.random() < 0.2:
            self.general_note(start, ready)
        return self.plan

    def arrival(self) -> float:
        """PHQ-9 in the waiting chair, the pre-session checklist, baseline vitals; returns
        the minute dosing starts."""
        phq9 = self.phq9()
        self.scale(1, "phq9", phq9, "before session")
        self.item9 = phq9["q9"]
        checklist = self.library.checklist(self.checklists.pre_session)
        for item in checklist.items_for(self.protocol.route):
            assert item.expected is not None
            value, note = item.expected.value, None
            if item.key == "fasting" and self.rng.random() < 0.03:
                value = Answer.NO.value
                note = "Light breakfast 1 h ago; physician informed and agreed to proceed."
                self.held_because.append("Light breakfast 1 h ago, no nausea.")
            self.answer(3, checklist.id, item.key, value, **({"note": note} if note else {}))
        minute = 5
        self.baseline = self.vitals(minute)
        if self.predose_high():
            minute += 5  # repeated after a rest, as most clinics do
            lower = self.rng.randint(4, 10)
            self.baseline = self.vitals(minute, systolic=self.baseline["systolic"] - lower,
                                        diastolic=self.baseline["diastolic"] - lower // 2)
            if self.predose_high():
                bp = f"{self.baseline['systolic']}/{self.baseline['diastolic']}"
                self.note(minute + 1, f"Pre-dose BP {bp} on repeat; physician informed and "
                          "agreed to proceed.")
                self.held_because.append(f"Pre-dose BP {bp} on repeat after a rest: closer BP "
                                         "checks.")
        return minute + self.rng.randint(3, 6)

    def predose_high(self) -> bool:
        limits = self.protocol.thresholds
        return (self.baseline["systolic"] > limits.predose_systolic_above
                or self.baseline["diastolic"] > limits.predose_diastolic_above)

    def phq9(self) -> dict[str, int]:
        """Item scores whose total falls over the course for a patient who responds."""
        person, number = self.visit.person, self.visit.number
        progress = 1 - math.exp(-(number - 1) / 2)
        total = round(person.phq9_start * (1 - person.response * progress)
                      + self.rng.gauss(0, 1.5))
        self_harm = max(0, person.self_harm - (number >= 3 and person.responds)
                        - (number >= 5 and person.responds))
        items = [0] * 8
        for _ in range(int(clamp(total - self_harm, 0, 24))):
            open_items = [index for index, score in enumerate(items) if score < 3]
            items[self.rng.choice(open_items)] += 1
        return {**{f"q{index + 1}": score for index, score in enumerate(items)},
                "q9": self_harm}

    def infusion(self, start: float) -> tuple[float, float]:
        """IV dosing with vitals on the protocol's cadence; an incident may hold or stop it.
        Returns the minutes the infusion ended and the last vitals were taken."""
        length = self.protocol.dosing.infusion_minutes
        every = self.every(Phase.INFUSING)
        minute, infused, last_vitals = start, 0.0, start
        assessed, scored = False, False
        incident_due = 30 if self.incident in (Incident.BP_PAUSE, Incident.BP_STOP) else 20
        while infused + (last_vitals + every - minute) < length:
            infused += last_vitals + every - minute
            minute = last_vitals = last_vitals + every
            if self.incident is not Incident.NONE and infused >= incident_due:
                outcome = infusion_incident(self, minute, start)
                self.incident = Incident.NONE
                if outcome.stopped:
                    return outcome.resumed_at, outcome.last_vitals
                minute, last_vitals = outcome.resumed_at, outcome.last_vitals
                continue
            self.vitals(minute)
            if not scored and infused >= 20:
                self.moaas(minute + 1, self.rng.choice((5, 5, 4, 4, 3)))
                scored = True
            if not assessed and infused >= 30:
                dissociation(self, minute + 1, strength=1.0)
                assessed = True
        end = minute + (length - infused)
        if end - last_vitals >= 2:
            self.vitals(end)
            last_vitals = end
        if not assessed:
            dissociation(self, end, strength=1.0)
        self.phase(end, Action.END_INFUSION)
        return end, last_vitals

    def devices(self, start: float) -> tuple[float, float]:
        """Intranasal dosing: one device every few minutes, each with its lot, as the device
        panel charts them (the first starts the dose's clock, the last completes dosing)."""
        devices = device_count(self.visit)
        gap = self.protocol.dosing.minutes_between_devices or 5
        lot = demo_device_lot(self.visit.day)
        for device in range(devices):
            self.add(start + gap * device, "devices given", device_write(lot), judged=True)
        return start + gap * (devices - 1), self.plan.start

    def observation(self, end: float, last_vitals: float) -> float:
        """Vitals on the observation cadence until the protocol's time is met; returns the
        minute observation is complete."""
        starts = (self.plan.start
                  if self.protocol.observation_starts_at is ObservationStart.DOSE_START else end)
        done = starts + self.protocol.observation_minutes
        minute = max(last_vitals, end)
        for readings, check in enumerate(self.observation_checks(minute, done), start=1):
            minute = check
            if readings == 1 and self.incident is Incident.BP_HIGH:
                bp_after_dosing(self, minute)
            else:
                self.vitals(minute)
            if readings == 1:
                self.first_check(minute)
            if readings == 2:
                dissociation(self, minute + 1, strength=0.15)
        if self.protocol.until_resolved:
            # esketamine: observation ends only once sedation, dissociation and respiratory
            # depression have resolved, so the last look says so
            self.moaas(done - 4, 5)
            dissociation(self, done - 3, strength=0.0)
        ready = max(done, minute) + self.rng.choice((0, 1, 2))
        self.phase(ready, Action.COMPLETE_OBSERVATION)
        return ready

    def observation_checks(self, after: float, done: float) -> list[float]:
        """The minutes of the BP checks in observation: on the protocol's cadence, or where
        it has none (esketamine), its fixed checks after the dose and one before the end."""
        every = self.every(Phase.OBSERVATION)
        if every:
            return [after + every * n for n in range(1, int((done - after) // every) + 1)]
        fixed = [self.plan.start + minutes
                 for minutes in self.protocol.checks.after_dose_minutes
                 if self.plan.start + minutes > after]
        window = self.protocol.checks.before_discharge_minutes
        return sorted({*fixed, done - min(10.0, window - 1)})

    def first_check(self, minute: float) -> None:
        """MOAA/S (and, after a nasal dose, the dissociation checklist) at the first
        observation set: about 40 minutes after dosing for esketamine."""
        if self.incident is Incident.SEDATION:
            self.moaas(minute + 1, 2)
            self.side_effect(minute + 1, "sedation", "moderate", "stimulation_airway")
            self.note(minute + 2, "Responds only to a shake of the shoulder; airway open, "
                      "SpO2 fine. Physician informed.")
            self.moaas(minute + 20, 4)
            self.incident = Incident.NONE
        else:
            self.moaas(minute + 1, self.rng.choice((5, 5, 5, 4)))
        if self.protocol.route is not Route.IV:
            dissociation(self, minute + 2, strength=1.0)

    def discharge(self, ready: float) -> float:
        """Modified Aldrete, a fresh BP near baseline and the discharge checklist; returns
        the minute of discharge (later when the escort is late)."""
        fresh = self.protocol.checks.before_discharge_minutes
        aldrete = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2,
                   "oxygen_saturation": 2}
        if self.rng.random() < 0.15:
            aldrete["consciousness"] = 1
        # the gate judges the chart: awake and the last set inside the lines before the
        # Aldrete (its SpO2, circulation and consciousness follow them)
        self.moaas(ready + 2, 5)
        if self.item9:
            self.add(ready + 1, "risk assessments", risk_write(self.item9))
        last_bp = ready + 3
        self.discharge_vitals(last_bp)
        self.scale(ready + 4, "modified_aldrete", aldrete)
        checklist = self.library.checklist(self.checklists.discharge)
        for item in checklist.items_for(self.protocol.route):
            self.answer(ready + 5, checklist.id, item.key, Answer.YES.value)
        leave = ready + self.rng.randint(8, 12)
        if self.rng.random() < 0.08:
            self.note(ready + 6, "Escort running late; resting in the recliner meanwhile.")
            leave = ready + self.rng.randint(20, 40)
            while leave - last_bp > fresh - 2:
                last_bp += fresh - 2
                self.discharge_vitals(last_bp)
        self.phase(leave, Action.DISCHARGE)
        return leave

    def discharge_vitals(self, minute: float) -> None:
        """Back near baseline, as the discharge gate asks (within its percentage)."""
        values = self.body.reading(self.rng, minute - self.plan.start)
        share = self.protocol.discharge.bp_within_percent_of_baseline / 100 * 0.5
        for name in ("systolic", "diastolic"):
            base = self.baseline[name]
            values[name] = round(clamp(values[name], base * (1 - share), base * (1 + share)))
        values["diastolic"] = min(values["diastolic"], values["systolic"] - 25)
        self.vitals(minute, **values)

    def general_note(self, start: float, ready: float) -> None:
        own = IV_NOTES if self.protocol.route is Route.IV else INTRANASAL_NOTES
        text = self.rng.choice(NOTES + own)
        self.note(self.rng.randint(int(start) + 1, int(ready) - 1), text)


def plan_session(rng: random.Random, visit: Visit, library: Library, incident: Incident) -> Plan:
    return SessionPlanner(rng, visit, library, incident).session()
