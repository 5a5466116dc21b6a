"""What can happen in a session, how often, and which sessions it happens in; most have
none."""

from __future__ import annotations

import random
from datetime import date
from enum import StrEnum

from ketamonitor.demo.courses import IV_PROTOCOL, Visit


class Incident(StrEnum):
    """Moments that make a session worth a trainer's look; most sessions have none."""

    NONE = "none"
    BP_PAUSE = "infusion held for BP"
    BP_STOP = "infusion stopped early for BP"
    SPO2_PAUSE = "infusion held for low SpO2"
    DISTRESS_PAUSE = "infusion held for distress"
    DISTRESS_STOP = "infusion stopped early at the patient's request"
    BP_HIGH = "BP above the line after dosing"
    SEDATION = "deep sedation"


IV_INCIDENTS = {
    Incident.BP_PAUSE: 0.04, Incident.BP_STOP: 0.012, Incident.SPO2_PAUSE: 0.025,
    Incident.DISTRESS_PAUSE: 0.03, Incident.DISTRESS_STOP: 0.012,
}
INTRANASAL_INCIDENTS = {Incident.BP_HIGH: 0.05, Incident.SEDATION: 0.03}
#: Each of these appears at least once when there are enough past IV sessions to hold them.
ALWAYS_SHOWN = (Incident.BP_PAUSE, Incident.SPO2_PAUSE, Incident.BP_STOP)


def draw_incident(rng: random.Random, protocol_id: str) -> Incident:
    chances = IV_INCIDENTS if protocol_id == IV_PROTOCOL else INTRANASAL_INCIDENTS
    roll = rng.random()
    for incident, chance in chances.items():
        if roll < chance:
            return incident
        roll -= chance
    return Incident.NONE


def assign_incidents(rng: random.Random, visits: list[Visit], today: date) -> dict[Visit, Incident]:
    """An incident for some sessions, and each kind a trainer should see at least once
    (placed before today, whose later sessions may not have happened yet)."""
    drawn = {visit: draw_incident(rng, visit.protocol_id) for visit in visits}
    before_today = [visit for visit in visits if visit.day < today]
    quiet = [visit for visit in before_today
             if visit.protocol_id == IV_PROTOCOL and drawn[visit] is Incident.NONE]
    shown = {drawn[visit] for visit in before_today}
    for incident in ALWAYS_SHOWN:
        if incident not in shown and len(quiet) > 2:
            drawn[quiet.pop(rng.randrange(len(quiet)))] = incident
    return drawn
