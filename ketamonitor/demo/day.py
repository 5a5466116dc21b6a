"""A day in the room: the chairs, the nurses, and each day's sessions placed in the chair
that frees up first (today's last ones still in the room)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ketamonitor.core.library import Library
from ketamonitor.core.phases import Phase
from ketamonitor.demo.courses import (
    INTRANASAL_PROTOCOL,
    IV_PROTOCOL,
    Visit,
    draw_course,
    draw_courses,
)
from ketamonitor.demo.incident_kinds import Incident, assign_incidents
from ketamonitor.demo.people import People
from ketamonitor.demo.planner import plan_session
from ketamonitor.demo.script import Plan

CHAIRS = ("1", "2", "3", "4")
NURSES = ("Robin Hale", "Jo Moreau", "Kemi Adeyemi", "Sander Lindqvist")

#: The room opens at this local time; sessions follow each other in each chair.
OPENS = time(8, 0)
#: The phases of today's sessions still in the room when the demo is opened.
LIVE_PHASES = (Phase.PRE_INFUSION, Phase.INFUSING, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE)


@dataclass
class Seat:
    """One session in a chair: its visit, plan, when it began, and its id once started."""

    visit: Visit
    plan: Plan
    incident: Incident
    chair: str
    began: datetime
    nurse: str
    session_id: int | None = None

    @property
    def ends(self) -> datetime:
        return self.began + timedelta(minutes=self.plan.discharge)


def day_seats(rng: random.Random, visits: list[Visit], library: Library,
              incidents: Mapping[Visit, Incident], zone: tzinfo) -> list[Seat]:
    """A day's sessions, each in the chair that frees up first, from opening time."""
    if not visits:
        return []
    opens = datetime.combine(visits[0].day, OPENS, tzinfo=zone)
    free = {chair: opens + timedelta(minutes=rng.choice((0, 5, 10, 15))) for chair in CHAIRS}
    nurses = dict(zip(CHAIRS, rng.sample(NURSES, len(NURSES)), strict=True))
    seats = []
    for visit in visits:
        incident = incidents.get(visit, Incident.NONE)
        plan = plan_session(rng, visit, library, incident)
        chair = min(CHAIRS, key=lambda c: (free[c], c))
        seat = Seat(visit, plan, incident, chair, free[chair], nurses[chair])
        free[chair] = seat.ends + timedelta(minutes=rng.randint(10, 25))
        seats.append(seat)
    return seats


def live_seats(rng: random.Random, visits: list[Visit], library: Library, anchor: datetime,
               new_visit: Callable[[str], Visit]) -> list[Seat]:
    """Today's sessions still in the room at `anchor`, one in each of the live phases: an
    intranasal one takes observation (it is the longest); new patients fill any gap."""
    seats = []
    for index, phase in enumerate(LIVE_PHASES):
        route = INTRANASAL_PROTOCOL if phase is Phase.OBSERVATION else IV_PROTOCOL
        fitting = [visit for visit in visits if visit.protocol_id == route] or visits
        visit = fitting[0] if fitting else new_visit(route)
        if visit in visits:
            visits.remove(visit)
        plan = plan_session(rng, visit, library, Incident.NONE)
        began = anchor - timedelta(minutes=plan.moment_in(rng, phase))
        seats.append(Seat(visit, plan, Incident.NONE, CHAIRS[index % len(CHAIRS)], began,
                          NURSES[index % len(NURSES)]))
    return seats


def schedule(rng: random.Random, library: Library, window: tuple[date, date],
             anchor: datetime, zone: tzinfo) -> Iterator[list[Seat]]:
    """Every session to chart, a day at a time: each day's in the chairs, and last today's,
    with those still in the room at `anchor`. Today's sessions that would not have ended
    before those began have not come in yet, so they are left out."""
    people = People(rng)
    courses = draw_courses(rng, window, people)
    today = window[1]
    by_day: dict[date, list[Visit]] = {}
    for visit in (visit for course in courses for visit in course):
        by_day.setdefault(visit.day, []).append(visit)
    todays = by_day.setdefault(today, [])
    rng.shuffle(todays)

    def new_visit(protocol_id: str) -> Visit:
        return draw_course(rng, people.new(), today, (today, today), protocol_id)[0]

    live = live_seats(rng, todays, library, anchor, new_visit)  # takes them out of todays
    incidents = assign_incidents(rng, [v for day in sorted(by_day) for v in by_day[day]], today)
    in_room_from = min(seat.began for seat in live) - timedelta(minutes=10)
    for day in sorted(by_day):
        visits = by_day[day]
        rng.shuffle(visits)
        seats = [seat for seat in day_seats(rng, visits, library, incidents, zone)
                 if seat.ends <= in_room_from]
        yield seats + live if day == today else seats
