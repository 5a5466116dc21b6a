"""How the body behaves in a session: a baseline and the blood-pressure rise after dosing."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ketamonitor.core.protocol import Route
from ketamonitor.demo.people import Person, clamp


@dataclass
class Body:
    """One session's vitals: a baseline, and a BP rise that peaks 30-40 min after dosing
    starts (mean about +16/+11 mmHg for IV) and fades back within about an hour after."""

    person: Person
    systolic: float
    diastolic: float
    rise_systolic: float
    rise_diastolic: float
    peak_at: float
    fade_minutes: float
    eased_after: float | None = None   # a hold or clonidine lowers what follows
    stopped_at: float | None = None    # an early stop: the rise fades from there

    def fraction(self, since_dose: float | None) -> float:
        if since_dose is None or since_dose <= 0:
            return 0.0
        top = self.peak_at if self.stopped_at is None else min(self.peak_at, self.stopped_at)
        if since_dose <= top:
            share = math.sin(math.pi / 2 * since_dose / self.peak_at)
        else:
            share = math.sin(math.pi / 2 * top / self.peak_at)
            share *= math.exp(-(since_dose - top) / self.fade_minutes)
        if self.eased_after is not None and since_dose > self.eased_after:
            share *= 0.5
        return share

    def reading(self, rng: random.Random, since_dose: float | None) -> dict[str, int]:
        """A set of vitals, kept inside the protocol's lines (incidents override it)."""
        share = self.fraction(since_dose)
        systolic = round(clamp(self.systolic + self.rise_systolic * share + rng.gauss(0, 3),
                               95, 178))
        diastolic = round(clamp(self.diastolic + self.rise_diastolic * share
                                + rng.gauss(0, 2.5), 55, 108))
        return {
            "systolic": systolic,
            "diastolic": min(diastolic, systolic - 25),
            "heart_rate": round(clamp(self.person.heart_rate + 9 * share + rng.gauss(0, 3),
                                      52, 115)),
            "spo2": int(clamp(self.person.spo2 + round(rng.gauss(0, 0.7)), 94, 100)),
            "respiratory_rate": round(clamp(self.person.respiratory_rate + rng.gauss(0, 1.2),
                                            11, 20)),
        }


def draw_body(rng: random.Random, person: Person, route: Route) -> Body:
    """This session's body: the patient's baseline, and a rise drawn for the route (now and
    then a large one after an IV dose)."""
    if route is Route.IV:
        rise = rng.gauss(14, 6) if rng.random() > 0.06 else rng.gauss(32, 6)
        peak_at, fade = rng.uniform(30, 38), rng.uniform(18, 26)
    else:
        rise, peak_at, fade = rng.gauss(12, 6), rng.uniform(35, 45), rng.uniform(22, 30)
    rise = max(2.0, rise * person.bp_reactivity)
    return Body(
        person=person,
        systolic=person.systolic + rng.gauss(0, 4),
        diastolic=person.diastolic + rng.gauss(0, 3),
        rise_systolic=rise,
        rise_diastolic=max(1.0, rise * 0.68 + rng.gauss(0, 2)),
        peak_at=peak_at,
        fade_minutes=fade,
    )
