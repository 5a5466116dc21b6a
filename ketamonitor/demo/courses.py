"""Courses of sessions: IV racemic ketamine about six times over two to three weeks,
intranasal esketamine twice weekly; each visit one session of a course."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ketamonitor.demo.people import People, Person

IV_PROTOCOL = "iv-racemic-ketamine"
INTRANASAL_PROTOCOL = "intranasal-esketamine"

#: Courses may have begun this many days before the first day shown (a clinic has a past).
LOOKBACK_DAYS = 21


@dataclass(frozen=True)
class Visit:
    """One session of a course: who comes, on which day, and its place in the course."""

    person: Person
    protocol_id: str
    number: int
    day: date
    #: The first of the course in the demo's file: the file's first treatment of the course
    #: (its day 1 of 56 mg, whatever came before the file began).
    first_shown: bool = False


def to_weekday(day: date) -> date:
    """Sessions fall on weekdays: a Saturday or Sunday moves to the Monday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def course_days(rng: random.Random, protocol_id: str, first: date) -> list[date]:
    """IV: about six sessions over two to three weeks; intranasal: twice weekly for four."""
    days = [first]
    if protocol_id == IV_PROTOCOL:
        for _ in range(5):
            days.append(to_weekday(days[-1] + timedelta(days=rng.choice((2, 2, 3, 3, 4)))))
    else:
        gaps = (3, 4) if rng.random() < 0.5 else (4, 3)
        for index in range(7):
            days.append(to_weekday(days[-1] + timedelta(days=gaps[index % 2])))
    return days


def draw_course(rng: random.Random, person: Person, first: date, window: tuple[date, date],
                protocol_id: str | None = None) -> list[Visit]:
    """The course's sessions that fall inside the window shown (earlier ones are history
    before the demo's file began; later ones have not happened yet)."""
    protocol_id = protocol_id or (IV_PROTOCOL if rng.random() < 0.7 else INTRANASAL_PROTOCOL)
    shown = [
        Visit(person, protocol_id, number, day)
        for number, day in enumerate(course_days(rng, protocol_id, first), start=1)
        if window[0] <= day <= window[1]
    ]
    return [replace(visit, first_shown=index == 0) for index, visit in enumerate(shown)]


def draw_courses(rng: random.Random, window: tuple[date, date], people: People
                 ) -> list[list[Visit]]:
    """About one new course per weekday, from a few weeks before the window up to today."""
    courses = []
    day = window[0] - timedelta(days=LOOKBACK_DAYS)
    while day <= window[1]:
        if day.weekday() < 5:
            for _ in range(rng.choices((0, 1, 2), (0.3, 0.45, 0.25))[0]):
                visits = draw_course(rng, people.new(), day, window)
                if visits:
                    courses.append(visits)
        day += timedelta(days=1)
    return courses


def device_count(visit: Visit) -> int:
    """56 mg (two devices) to begin with; half the patients go on to 84 mg (three)."""
    if visit.number == 1 or visit.first_shown:
        return 2
    return 3 if visit.person.key % 2 else 2
