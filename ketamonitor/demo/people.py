"""Synthetic people: fictional names and the traits a demo patient's numbers are drawn
around."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from ketamonitor.core.patient import PatientDetails

MRN_PREFIX = "DEMO-"

GIVEN_NAMES = (
    "Alex", "Bea", "Cass", "Dara", "Eli", "Fen", "Gale", "Hollis", "Ira", "Jules", "Kit",
    "Lane", "Merritt", "Noor", "Oak", "Pip", "Quinn", "Rue", "Sol", "Tam", "Uma", "Vale",
    "Wren", "Yael", "Zephyr", "Arlo", "Briar", "Cove", "Dune", "Ember",
)
FAMILY_NAMES = (
    "Ashgrove", "Birchley", "Copperfield", "Dunmore", "Elmsworth", "Fernwood", "Greystone",
    "Hazelby", "Ivybridge", "Juniper", "Kestrel", "Larkspur", "Millbrook", "Nettlefield",
    "Oakhurst", "Pemberly", "Quillon", "Rookwood", "Sallowmere", "Thistledown", "Underhill",
    "Violetta", "Wrenfield", "Yarrowby", "Brightwater", "Foxhollow", "Starling", "Willowby",
    "Thornbury", "Redfern",
)


@dataclass(frozen=True)
class Person:
    """A demo patient's fixed traits: what their sessions' numbers are drawn around."""

    key: int
    family_name: str
    given_name: str
    birth_date: date
    weight_kg: float
    systolic: float
    diastolic: float
    heart_rate: float
    spo2: int
    respiratory_rate: float
    bp_reactivity: float
    phq9_start: int
    response: float       # share of the PHQ-9 that the course takes away (0: none)
    self_harm: int        # PHQ-9 item 9 at the start of the course
    dissociation: float   # how readily the patient dissociates, 0-1

    @property
    def responds(self) -> bool:
        return self.response >= 0.3

    def details(self, mrn: str) -> PatientDetails:
        return PatientDetails(mrn=mrn, family_name=self.family_name, given_name=self.given_name,
                              birth_date=self.birth_date, weight_kg=self.weight_kg, is_demo=True)


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


class People:
    """Draws demo patients: fictional names (unique while there are enough pairs), and
    traits scattered around a typical clinic's."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.drawn = 0
        self.names: set[tuple[str, str]] = set()

    def new(self) -> Person:
        rng = self.rng
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        for _ in range(30):
            if (given, family) not in self.names:
                break
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        self.names.add((given, family))
        self.drawn += 1
        systolic = clamp(rng.gauss(121, 10), 100, 148)
        responder = rng.random() < 0.65
        return Person(
            key=self.drawn,
            family_name=family,
            given_name=given,
            birth_date=date(rng.randint(1953, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            weight_kg=round(clamp(rng.gauss(78, 16), 48, 140), 1),
            systolic=systolic,
            diastolic=clamp(systolic * 0.62 + rng.gauss(0, 4), 60, 94),
            heart_rate=clamp(rng.gauss(74, 8), 58, 94),
            spo2=rng.choice((96, 97, 97, 98, 98, 99)),
            respiratory_rate=clamp(rng.gauss(15, 1.5), 12, 18),
            bp_reactivity=clamp(rng.lognormvariate(0, 0.3), 0.5, 1.8),
            phq9_start=rng.randint(14, 24),
            response=rng.uniform(0.35, 0.7) if responder else rng.uniform(0, 0.15),
            self_harm=rng.choice((0, 0, 0, 0, 0, 0, 0, 1, 1, 2)),
            dissociation=rng.uniform(0.15, 0.85),
        )
