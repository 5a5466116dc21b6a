"""A synthetic clinic for trainers, tests and first looks (filled in by `fill_demo_clinic`).

The demo charts the way a nurse does: every entry goes through the store's public interface
while a fake clock is moved through each session, so validation, the phase gates and the
audit trail treat it exactly like real charting. Nothing reaches the file behind the rules'
back: if a gate refuses a demo session, the demo's data is unrealistic and must be fixed.

How it is built: courses of sessions are drawn for each patient (IV racemic ketamine about
six times over two to three weeks, intranasal esketamine twice weekly); each session is
planned as a script of entries at minutes from arrival; the scripts of a day are placed in
the room's chairs and then charted in time order, as the room would have charted them.
Today's last sessions are cut at the real current time, so a few are still in the room.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher

from ketamonitor.core.accounts import Role
from ketamonitor.core.administration import charts_drug_lots
from ketamonitor.core.checklists import Answer, Checklist
from ketamonitor.core.clock import FakeClock, SystemClock
from ketamonitor.core.entries import checklist_answer, note_draft, scale_answer
from ketamonitor.core.library import Library
from ketamonitor.core.patient import Patient, PatientDetails
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import ObservationStart, Protocol, Route
from ketamonitor.core.risk import RiskAssessmentDraft, risk_wording
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.store import Store

IV_PROTOCOL = "iv-racemic-ketamine"
INTRANASAL_PROTOCOL = "intranasal-esketamine"

CHAIRS = ("1", "2", "3", "4")
NURSES = ("Robin Hale", "Jo Moreau", "Kemi Adeyemi", "Sander Lindqvist")
MRN_PREFIX = "DEMO-"

#: The room opens at this local time; sessions follow each other in each chair.
OPENS = time(8, 0)
#: Courses may have begun this many days before the first day shown (a clinic has a past).
LOOKBACK_DAYS = 21
#: The phases of today's sessions still in the room when the demo is opened.
LIVE_PHASES = (Phase.PRE_INFUSION, Phase.INFUSING, Phase.OBSERVATION, Phase.READY_FOR_DISCHARGE)

_GIVEN_NAMES = (
    "Alex", "Bea", "Cass", "Dara", "Eli", "Fen", "Gale", "Hollis", "Ira", "Jules", "Kit",
    "Lane", "Merritt", "Noor", "Oak", "Pip", "Quinn", "Rue", "Sol", "Tam", "Uma", "Vale",
    "Wren", "Yael", "Zephyr", "Arlo", "Briar", "Cove", "Dune", "Ember",
)
_FAMILY_NAMES = (
    "Ashgrove", "Birchley", "Copperfield", "Dunmore", "Elmsworth", "Fernwood", "Greystone",
    "Hazelby", "Ivybridge", "Juniper", "Kestrel", "Larkspur", "Millbrook", "Nettlefield",
    "Oakhurst", "Pemberly", "Quillon", "Rookwood", "Sallowmere", "Thistledown", "Underhill",
    "Violetta", "Wrenfield", "Yarrowby", "Brightwater", "Foxhollow", "Starling", "Willowby",
    "Thornbury", "Redfern",
)

Write = Callable[[Store, int, datetime], object]


class DemoRefused(Exception):
    """The database is not one the demo may fill; the message says why and what to do."""


@dataclass(frozen=True)
class DemoSummary:
    """What was written, for the person who asked: printed by `ketamonitor demo`."""

    path: Path
    seed: int
    first_day: date
    last_day: date
    patients: int
    sessions: int
    discharged: int
    in_room: tuple[Phase, ...]
    entries: Mapping[str, int]
    incidents: Mapping[str, int]

    def __str__(self) -> str:
        room = ", ".join(phase.label.lower() for phase in self.in_room) or "nobody"
        incidents = ", ".join(f"{count} {name}" for name, count in sorted(self.incidents.items()))
        entries = ", ".join(f"{count} {name}" for name, count in self.entries.items())
        return (
            f"Demo clinic written to {self.path} (seed {self.seed}).\n"
            f"{self.patients} demo patients ({MRN_PREFIX}0001 to {MRN_PREFIX}"
            f"{self.patients:04d}), {self.sessions} sessions from {self.first_day} to "
            f"{self.last_day}: {self.discharged} discharged; in the room now: {room}.\n"
            f"Charted: {entries}.\n"
            f"Incidents: {incidents or 'none'}.\n"
            "Every demo patient is marked as demo data; never chart real patients in this file.\n"
            f"Demo accounts, password {DEMO_PASSWORD}: "
            + ", ".join(f"{name} ({role.value})" for name, _, role in DEMO_ACCOUNTS) + "."
        )


# -- patients and courses -------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
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


@dataclass(frozen=True)
class _Visit:
    """One session of a course: who comes, on which day, and its place in the course."""

    person: _Person
    protocol_id: str
    number: int
    day: date
    #: The first of the course in the demo's file: the file's first treatment of the course
    #: (its day 1 of 56 mg, whatever came before the file began).
    first_shown: bool = False


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


class _People:
    """Draws demo patients: fictional names (unique while there are enough pairs), and
    traits scattered around a typical clinic's."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.drawn = 0
        self.names: set[tuple[str, str]] = set()

    def new(self) -> _Person:
        rng = self.rng
        given, family = rng.choice(_GIVEN_NAMES), rng.choice(_FAMILY_NAMES)
        for _ in range(30):
            if (given, family) not in self.names:
                break
            given, family = rng.choice(_GIVEN_NAMES), rng.choice(_FAMILY_NAMES)
        self.names.add((given, family))
        self.drawn += 1
        systolic = _clamp(rng.gauss(121, 10), 100, 148)
        responder = rng.random() < 0.65
        return _Person(
            key=self.drawn,
            family_name=family,
            given_name=given,
            birth_date=date(rng.randint(1953, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            weight_kg=round(_clamp(rng.gauss(78, 16), 48, 140), 1),
            systolic=systolic,
            diastolic=_clamp(systolic * 0.62 + rng.gauss(0, 4), 60, 94),
            heart_rate=_clamp(rng.gauss(74, 8), 58, 94),
            spo2=rng.choice((96, 97, 97, 98, 98, 99)),
            respiratory_rate=_clamp(rng.gauss(15, 1.5), 12, 18),
            bp_reactivity=_clamp(rng.lognormvariate(0, 0.3), 0.5, 1.8),
            phq9_start=rng.randint(14, 24),
            response=rng.uniform(0.35, 0.7) if responder else rng.uniform(0, 0.15),
            self_harm=rng.choice((0, 0, 0, 0, 0, 0, 0, 1, 1, 2)),
            dissociation=rng.uniform(0.15, 0.85),
        )


def _to_weekday(day: date) -> date:
    """Sessions fall on weekdays: a Saturday or Sunday moves to the Monday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _course_days(rng: random.Random, protocol_id: str, first: date) -> list[date]:
    """IV: about six sessions over two to three weeks; intranasal: twice weekly for four."""
    days = [first]
    if protocol_id == IV_PROTOCOL:
        for _ in range(5):
            days.append(_to_weekday(days[-1] + timedelta(days=rng.choice((2, 2, 3, 3, 4)))))
    else:
        gaps = (3, 4) if rng.random() < 0.5 else (4, 3)
        for index in range(7):
            days.append(_to_weekday(days[-1] + timedelta(days=gaps[index % 2])))
    return days


def _course(rng: random.Random, person: _Person, first: date, window: tuple[date, date],
            protocol_id: str | None = None) -> list[_Visit]:
    """The course's sessions that fall inside the window shown (earlier ones are history
    before the demo's file began; later ones have not happened yet)."""
    protocol_id = protocol_id or (IV_PROTOCOL if rng.random() < 0.7 else INTRANASAL_PROTOCOL)
    shown = [
        _Visit(person, protocol_id, number, day)
        for number, day in enumerate(_course_days(rng, protocol_id, first), start=1)
        if window[0] <= day <= window[1]
    ]
    return [replace(visit, first_shown=index == 0) for index, visit in enumerate(shown)]


def _courses(rng: random.Random, window: tuple[date, date], people: _People
             ) -> list[list[_Visit]]:
    """About one new course per weekday, from a few weeks before the window up to today."""
    courses = []
    day = window[0] - timedelta(days=LOOKBACK_DAYS)
    while day <= window[1]:
        if day.weekday() < 5:
            for _ in range(rng.choices((0, 1, 2), (0.3, 0.45, 0.25))[0]):
                visits = _course(rng, people.new(), day, window)
                if visits:
                    courses.append(visits)
        day += timedelta(days=1)
    return courses


# -- how the body behaves in a session ------------------------------------------------------


@dataclass
class _Body:
    """One session's vitals: a baseline, and a BP rise that peaks 30-40 min after dosing
    starts (mean about +16/+11 mmHg for IV) and fades back within about an hour after."""

    person: _Person
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
        systolic = round(_clamp(self.systolic + self.rise_systolic * share + rng.gauss(0, 3),
                                95, 178))
        diastolic = round(_clamp(self.diastolic + self.rise_diastolic * share
                                 + rng.gauss(0, 2.5), 55, 108))
        return {
            "systolic": systolic,
            "diastolic": min(diastolic, systolic - 25),
            "heart_rate": round(_clamp(self.person.heart_rate + 9 * share + rng.gauss(0, 3),
                                       52, 115)),
            "spo2": int(_clamp(self.person.spo2 + round(rng.gauss(0, 0.7)), 94, 100)),
            "respiratory_rate": round(_clamp(self.person.respiratory_rate + rng.gauss(0, 1.2),
                                             11, 20)),
        }


def _body(rng: random.Random, person: _Person, route: Route) -> _Body:
    if route is Route.IV:
        rise = rng.gauss(14, 6) if rng.random() > 0.06 else rng.gauss(32, 6)
        peak_at, fade = rng.uniform(30, 38), rng.uniform(18, 26)
    else:
        rise, peak_at, fade = rng.gauss(12, 6), rng.uniform(35, 45), rng.uniform(22, 30)
    rise = max(2.0, rise * person.bp_reactivity)
    return _Body(
        person=person,
        systolic=person.systolic + rng.gauss(0, 4),
        diastolic=person.diastolic + rng.gauss(0, 3),
        rise_systolic=rise,
        rise_diastolic=max(1.0, rise * 0.68 + rng.gauss(0, 2)),
        peak_at=peak_at,
        fade_minutes=fade,
    )


# -- what can happen in a session -----------------------------------------------------------


class _Incident(StrEnum):
    """Moments that make a session worth a trainer's look; most sessions have none."""

    NONE = "none"
    BP_PAUSE = "infusion held for BP"
    BP_STOP = "infusion stopped early for BP"
    SPO2_PAUSE = "infusion held for low SpO2"
    DISTRESS_PAUSE = "infusion held for distress"
    DISTRESS_STOP = "infusion stopped early at the patient's request"
    BP_HIGH = "BP above the line after dosing"
    SEDATION = "deep sedation"


_IV_INCIDENTS = {
    _Incident.BP_PAUSE: 0.04, _Incident.BP_STOP: 0.012, _Incident.SPO2_PAUSE: 0.025,
    _Incident.DISTRESS_PAUSE: 0.03, _Incident.DISTRESS_STOP: 0.012,
}
_INTRANASAL_INCIDENTS = {_Incident.BP_HIGH: 0.05, _Incident.SEDATION: 0.03}
#: Each of these appears at least once when there are enough past IV sessions to hold them.
_ALWAYS_SHOWN = (_Incident.BP_PAUSE, _Incident.SPO2_PAUSE, _Incident.BP_STOP)


def _draw_incident(rng: random.Random, protocol_id: str) -> _Incident:
    chances = _IV_INCIDENTS if protocol_id == IV_PROTOCOL else _INTRANASAL_INCIDENTS
    roll = rng.random()
    for incident, chance in chances.items():
        if roll < chance:
            return incident
        roll -= chance
    return _Incident.NONE


#: Side effects drawn for a session: item, chance with IV, chance with intranasal
#: (shaped after the Spravato label's frequencies, CLINICAL.md).
_SIDE_EFFECTS = (
    ("dizziness", 0.22, 0.34), ("nausea", 0.14, 0.24), ("somnolence", 0.09, 0.18),
    ("headache", 0.08, 0.12), ("dysgeusia", 0.02, 0.18), ("blurred_vision", 0.05, 0.1),
    ("paresthesia", 0.08, 0.1), ("vomiting", 0.03, 0.08), ("anxiety", 0.08, 0.08),
    ("emergence_reaction", 0.03, 0.01),
)
_INTERVENTIONS = {
    "nausea": "ondansetron", "vomiting": "ondansetron", "anxiety": "reassurance",
    "emergence_reaction": "reassurance", "dissociation": "reassurance",
}
_STRONGER = {"anxiety": "lorazepam", "emergence_reaction": "midazolam"}

_NOTES = (
    "Listened to music with an eye mask throughout; calm.",
    "Partner waited in the lounge as escort.",
    "Asked about driving tomorrow: reminded to wait until after a night's sleep.",
    "Said the week since the last session was the best in months.",
    "Arrived anxious about the session; settled after an explanation of what to expect.",
    "Asked for the lights dimmed during dosing.",
)
_IV_NOTES = ("Cannula sited in the left forearm at the first attempt.",
             "Cannula removed intact before discharge, site clean.")
_INTRANASAL_NOTES = ("Blew nose before the first device as instructed.",
                     "Reclined at 45 degrees between devices.")


def _devices(visit: _Visit) -> int:
    """56 mg (two devices) to begin with; half the patients go on to 84 mg (three)."""
    if visit.number == 1 or visit.first_shown:
        return 2
    return 3 if visit.person.key % 2 else 2


def _severity(rng: random.Random) -> str:
    return rng.choices(("mild", "moderate", "severe"), (0.76, 0.21, 0.03))[0]


# -- one session's script -------------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    minute: float
    kind: str
    write: Write
    entries: int = 1


@dataclass
class _Plan:
    """One session's entries at minutes from arrival, with the minutes of its milestones."""

    steps: list[_Step] = field(default_factory=list)
    start: float = 0.0
    end: float = 0.0
    ready: float = 0.0
    discharge: float = 0.0

    def ordered(self) -> list[_Step]:
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


class _SessionPlanner:
    """Writes one session's script: what a nurse would chart, minute by minute."""

    def __init__(self, rng: random.Random, visit: _Visit, library: Library,
                 incident: _Incident) -> None:
        self.rng = rng
        self.visit = visit
        self.library = library
        self.protocol: Protocol = library.protocol(visit.protocol_id)
        self.incident = incident   # still to happen; NONE once it has
        self.body = _body(rng, visit.person, self.protocol.route)
        self.plan = _Plan()
        self.started = False
        self.item9 = 0  # PHQ-9 item 9 at arrival: >= 1 asks for the physician's assessment
        self.baseline: dict[str, int] = {}
        self.checklists = self.protocol.checklists
        #: Side effects charted present, to chart resolved before discharge.
        self.present: set[str] = set()

    # writing steps

    def add(self, minute: float, kind: str, write: Write) -> None:
        self.plan.steps.append(_Step(minute, kind, write))

    def every(self, phase: Phase) -> float:
        return self.protocol.vitals_every_minutes[phase]

    def vitals(self, minute: float, **override: int) -> dict[str, int]:
        since = minute - self.plan.start if self.started else None
        values = {**self.body.reading(self.rng, since), **override}
        self.add(minute, "vitals sets", _vitals_write(values))
        return values

    def answer(self, minute: float, checklist_id: str, item: str, value: str, **extra: str
               ) -> None:
        checklist = self.library.checklist(checklist_id)
        self.add(minute, "checklist entries", _answer_write(checklist, item, value, extra))

    def side_effect(self, minute: float, item: str, severity: str,
                    intervention: str | None = None, note: str | None = None) -> None:
        extra = {"severity": severity}
        if intervention:
            extra["intervention"] = intervention
        if note:
            extra["note"] = note
        self.answer(minute, self.checklists.side_effects, item, Answer.PRESENT, **extra)
        self.present.add(item)

    def scale(self, minute: float, scale_id: str, scores: dict[str, int],
              timepoint: str | None = None) -> None:
        self.add(minute, "scale scores", _scale_write(self.library, scale_id, scores, timepoint))

    def moaas(self, minute: float, score: int) -> None:
        self.scale(minute, "moaas", {"moaas": score})

    def note(self, minute: float, text: str) -> None:
        self.add(minute, "notes", _note_write(text))

    def phase(self, minute: float, action: Action, reason: str | None = None) -> None:
        self.add(minute, "phase changes", _phase_write(action, reason))

    # the session, start to discharge

    def session(self) -> _Plan:
        start = self.arrival()
        if charts_drug_lots(self.protocol):
            self.add(start - 1, "drug lots", _drug_lot_write(_demo_lot(self.visit.day)))
        self.add(start, "overrides", _override_write(
            Action.START_INFUSION, "Discussed with the patient: benefit outweighs the risk; "
                                   "proceed with closer BP checks."))
        self.phase(start, Action.START_INFUSION)
        self.plan.start, self.started = start, True
        if self.protocol.route is Route.IV:
            end, last_vitals = self.infusion(start)
        else:
            end, last_vitals = self.devices(start)
        self.plan.end = end
        ready = self.observation(end, last_vitals)
        self.plan.ready = ready
        self.plan.discharge = self.discharge(ready)
        self.side_effects(start, end, ready)
        self.resolve_side_effects(ready + 1)
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
        for _ in range(int(_clamp(total - self_harm, 0, 24))):
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
        incident_due = 30 if self.incident in (_Incident.BP_PAUSE, _Incident.BP_STOP) else 20
        while infused + (last_vitals + every - minute) < length:
            infused += last_vitals + every - minute
            minute = last_vitals = last_vitals + every
            if self.incident is not _Incident.NONE and infused >= incident_due:
                outcome = self.infusion_incident(minute, start)
                self.incident = _Incident.NONE
                if outcome.stopped:
                    return outcome.resumed_at, outcome.last_vitals
                minute, last_vitals = outcome.resumed_at, outcome.last_vitals
                continue
            self.vitals(minute)
            if not scored and infused >= 20:
                self.moaas(minute + 1, self.rng.choice((5, 5, 4, 4, 3)))
                scored = True
            if not assessed and infused >= 30:
                self.dissociation(minute + 1, strength=1.0)
                assessed = True
        end = minute + (length - infused)
        if end - last_vitals >= 2:
            self.vitals(end)
            last_vitals = end
        if not assessed:
            self.dissociation(end, strength=1.0)
        self.phase(end, Action.END_INFUSION)
        return end, last_vitals

    def infusion_incident(self, minute: float, start: float) -> _Outcome:
        """The reading that goes wrong at `minute`, and what the nurse does about it."""
        if self.incident in (_Incident.BP_PAUSE, _Incident.BP_STOP):
            return self.bp_incident(minute, minute - start)
        if self.incident is _Incident.SPO2_PAUSE:
            return self.spo2_incident(minute)
        return self.distress_incident(minute, minute - start)

    def bp_incident(self, minute: float, since_dose: float) -> _Outcome:
        """BP above the stop line: held and the physician called; resumed once it is back
        under the line (sometimes with clonidine), or stopped if it stays above."""
        limits = self.protocol.thresholds
        line = f"{limits.stop_systolic_above}/{limits.stop_diastolic_above}"
        high = self.vitals(minute, systolic=self.rng.randint(182, 198),
                           diastolic=self.rng.randint(100, 116))
        self.phase(minute + 1, Action.PAUSE_INFUSION,
                   f"BP {high['systolic']}/{high['diastolic']} above the stop line ({line}): "
                   "infusion held, physician called")
        if self.incident is _Incident.BP_STOP:
            still = self.vitals(minute + 9, systolic=self.rng.randint(181, 190),
                                diastolic=self.rng.randint(104, 114))
            self.side_effect(minute + 10, "bp_increased", "severe", "infusion_stopped")
            self.phase(minute + 10, Action.STOP_INFUSION_EARLY,
                       f"BP {still['systolic']}/{still['diastolic']} still above the stop line "
                       "after a 10 min hold: stopped on the physician's instruction")
            self.body.stopped_at = since_dose + 10
            return _Outcome(minute + 10, minute + 9, stopped=True)
        clonidine = self.rng.random() < 0.5
        self.side_effect(minute + 2, "bp_increased", "moderate",
                         "clonidine" if clonidine else "infusion_paused")
        if clonidine:
            self.note(minute + 3, "Physician ordered clonidine 0.1 mg by mouth; given.")
        self.body.eased_after = since_dose
        self.vitals(minute + 9)
        self.phase(minute + 10, Action.RESUME_INFUSION,
                   "BP back under the line; physician agreed to resume")
        return _Outcome(minute + 10, minute + 9)

    def spo2_incident(self, minute: float) -> _Outcome:
        """SpO2 under the floor with shallow breathing: held, airway, then resumed."""
        low = self.rng.randint(87, 91)
        self.vitals(minute, spo2=low, respiratory_rate=self.rng.randint(8, 10))
        self.moaas(minute + 1, self.rng.choice((2, 3)))
        self.side_effect(minute + 1, "respiratory_depression", "moderate",
                         self.rng.choice(("stimulation_airway", "oxygen")))
        self.phase(minute + 1, Action.PAUSE_INFUSION,
                   f"SpO2 {low} % with shallow breathing: infusion held, airway repositioned")
        self.vitals(minute + 5, spo2=self.rng.randint(95, 97), respiratory_rate=12)
        self.moaas(minute + 6, 4)
        self.phase(minute + 6, Action.RESUME_INFUSION, "SpO2 and breathing back to normal")
        return _Outcome(minute + 6, minute + 5)

    def distress_incident(self, minute: float, since_dose: float) -> _Outcome:
        """Distressing dissociation: a short hold with reassurance, or the patient asks to
        stop and the infusion is stopped early."""
        self.vitals(minute)
        self.dissociation(minute + 1, strength=1.6, report=False)
        if self.incident is _Incident.DISTRESS_STOP:
            self.side_effect(minute + 2, "dissociation", "severe", "infusion_stopped")
            self.phase(minute + 2, Action.STOP_INFUSION_EARLY,
                       "Patient asked to stop: distressing dissociation despite reassurance")
            self.body.stopped_at = since_dose + 2
            return _Outcome(minute + 2, minute, stopped=True)
        self.side_effect(minute + 1, "anxiety", "moderate", "infusion_paused")
        self.phase(minute + 2, Action.PAUSE_INFUSION,
                   "Distressing dissociation: infusion held, reassurance in a quieter room")
        self.vitals(minute + 7)
        self.phase(minute + 8, Action.RESUME_INFUSION, "Settled; happy to continue")
        return _Outcome(minute + 8, minute + 7)

    def devices(self, start: float) -> tuple[float, float]:
        """Intranasal dosing: one device every few minutes, the first starting the clock."""
        devices = _devices(self.visit)
        gap = self.protocol.dosing.minutes_between_devices or 5
        for device in range(2, devices + 1):
            self.note(start + gap * (device - 1), f"Device {device} of {devices} given.")
        end = start + gap * (devices - 1)
        self.phase(end, Action.END_INFUSION)
        return end, self.plan.start

    def observation(self, end: float, last_vitals: float) -> float:
        """Vitals on the observation cadence until the protocol's time is met; returns the
        minute observation is complete."""
        starts = (self.plan.start
                  if self.protocol.observation_starts_at is ObservationStart.DOSE_START else end)
        done = starts + self.protocol.observation_minutes
        minute = max(last_vitals, end)
        for readings, check in enumerate(self.observation_checks(minute, done), start=1):
            minute = check
            if readings == 1 and self.incident is _Incident.BP_HIGH:
                self.bp_after_dosing(minute)
            else:
                self.vitals(minute)
            if readings == 1:
                self.first_check(minute)
            if readings == 2:
                self.dissociation(minute + 1, strength=0.15)
        if self.protocol.until_resolved:
            # esketamine: observation ends only once sedation, dissociation and respiratory
            # depression have resolved, so the last look says so
            self.moaas(done - 4, 5)
            self.dissociation(done - 3, strength=0.0)
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
        if self.incident is _Incident.SEDATION:
            self.moaas(minute + 1, 2)
            self.side_effect(minute + 1, "sedation", "moderate", "stimulation_airway")
            self.note(minute + 2, "Responds only to a shake of the shoulder; airway open, "
                      "SpO2 fine. Physician informed.")
            self.moaas(minute + 20, 4)
            self.incident = _Incident.NONE
        else:
            self.moaas(minute + 1, self.rng.choice((5, 5, 5, 4)))
        if self.protocol.route is not Route.IV:
            self.dissociation(minute + 2, strength=1.0)

    def bp_after_dosing(self, minute: float) -> None:
        high = self.vitals(minute, systolic=self.rng.randint(182, 192),
                           diastolic=self.rng.randint(98, 112))
        clonidine = self.rng.random() < 0.4
        self.side_effect(minute + 1, "bp_increased", "moderate",
                         "clonidine" if clonidine else None)
        self.note(minute + 2, f"BP {high['systolic']}/{high['diastolic']}: physician "
                  "informed; recheck in 15 min.")
        self.body.eased_after = minute - self.plan.start
        self.vitals(minute + 15)
        self.incident = _Incident.NONE

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
            self.add(ready + 1, "risk assessments", _risk_write(self.item9))
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
            values[name] = round(_clamp(values[name], base * (1 - share), base * (1 + share)))
        values["diastolic"] = min(values["diastolic"], values["systolic"] - 25)
        self.vitals(minute, **values)

    def dissociation(self, minute: float, strength: float, report: bool = True) -> None:
        """One assessment of the dissociation checklist, every item present or absent; at
        the peak, two or more items present are also charted as a side effect."""
        person, number = self.visit.person, self.visit.number
        chance = _clamp(person.dissociation * strength * (1 - 0.07 * (number - 1)), 0, 0.95)
        weights = {"detached": 1.0, "unreal": 0.9, "time_altered": 0.9,
                   "perception_changed": 0.7, "confused": 0.3, "distressed": 0.1}
        checklist = self.library.checklist(self.checklists.dissociation)
        values = {item.key: Answer.PRESENT if self.rng.random() < chance * weights.get(
            item.key, 0.5) else Answer.ABSENT for item in checklist.items}
        self.plan.steps.append(_Step(minute, "checklist entries",
                                     _assessment_write(checklist, values), len(values)))
        present = sum(value is Answer.PRESENT for value in values.values())
        if report and strength >= 1 and present >= 2:
            severity = "moderate" if present >= 4 else "mild"
            self.side_effect(minute + 1, "dissociation", severity,
                             _INTERVENTIONS["dissociation"] if severity == "moderate" else None)

    def side_effects(self, start: float, end: float, ready: float) -> None:
        """Side effects of the session at moments after dosing, some with an intervention."""
        iv = self.protocol.route is Route.IV
        if iv and self.body.rise_systolic >= 30 and self.rng.random() < 0.6:
            self.side_effect(end - 5, "bp_increased", "mild")
        for item, iv_chance, nasal_chance in _SIDE_EFFECTS:
            if self.rng.random() >= (iv_chance if iv else nasal_chance):
                continue
            severity = _severity(self.rng)
            intervention = _INTERVENTIONS.get(item)
            if severity == "severe" and item in _STRONGER:
                intervention = _STRONGER[item]
            elif severity == "mild" and self.rng.random() < 0.6:
                intervention = None
            minute = self.rng.randint(int(start) + 5, int(ready) - 5)
            self.side_effect(minute, item, severity, intervention)

    def resolve_side_effects(self, minute: float) -> None:
        """Every side effect charted present has passed before discharge, as the gate asks."""
        for item in sorted(self.present):
            self.answer(minute, self.checklists.side_effects, item, Answer.RESOLVED)

    def general_note(self, start: float, ready: float) -> None:
        own = _IV_NOTES if self.protocol.route is Route.IV else _INTRANASAL_NOTES
        text = self.rng.choice(_NOTES + own)
        self.note(self.rng.randint(int(start) + 1, int(ready) - 1), text)


@dataclass(frozen=True)
class _Outcome:
    """Where an incident left the infusion: when it runs again (or stopped), and the last
    vitals taken."""

    resumed_at: float
    last_vitals: float
    stopped: bool = False


def _vitals_write(values: Mapping[str, int]) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_vitals(session_id, Vitals(observed_at=at, **values))
    return write


def _answer_write(checklist: Checklist, item: str, value: str, extra: Mapping[str, str]
                  ) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_checklist_answer(
            session_id, checklist_answer(checklist, item, value, at, **extra))
    return write


def _assessment_write(checklist: Checklist, values: Mapping[str, str]) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_assessment(session_id, [
            checklist_answer(checklist, item, value, at) for item, value in values.items()])
    return write


def _scale_write(library: Library, scale_id: str, scores: Mapping[str, int],
                 timepoint: str | None) -> Write:
    scale = library.scale(scale_id)

    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_scale_score(session_id, scale_answer(scale, scores, at, timepoint))
    return write


def _demo_lot(day: date) -> str:
    """The clinic's ketamine stock: a new lot every ten days or so (no draw from the random
    stream, so every other demo value stays as it was)."""
    return f"KET{day:%y%m}-{(day.day - 1) // 10 + 1:02d}"


def _drug_lot_write(lot: str) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_drug_lot(session_id, lot, at)
    return write


def _note_write(text: str) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.record_note(session_id, note_draft(text, at))
    return write


def _override_write(action: Action, reason: str) -> Write:
    """The demo physician's override, given only when something holds the action then (a
    pre-dose BP still above the line, a patient who had eaten)."""
    def write(store: Store, session_id: int, at: datetime) -> object:
        if not store.override_items(session_id, action):
            return None
        return store.override(session_id, action, reason, "physician", DEMO_PASSWORD)
    return write


def _risk_write(item9: int) -> Write:
    """The physician's risk assessment after PHQ-9 item 9 >= 1 (the discharge gate asks for
    it): the demo physician logs in for it, and the nurse again after."""
    wording = risk_wording()
    draft = RiskAssessmentDraft(wording.outcomes[min(item9, 2) - 1], wording.plans[0])

    def write(store: Store, session_id: int, at: datetime) -> object:
        store.logout()
        store.login("physician", DEMO_PASSWORD)
        try:
            return store.record_risk_assessment(session_id, draft)
        finally:
            store.logout()
            store.login("nurse", DEMO_PASSWORD)
    return write


def _phase_write(action: Action, reason: str | None) -> Write:
    def write(store: Store, session_id: int, at: datetime) -> object:
        return store.change_phase(session_id, action, reason=reason)
    return write


# -- the room: chairs, the day's order, and charting in time order ---------------------------


@dataclass
class _Seat:
    """One session in a chair: its visit, plan, when it began, and its id once started."""

    visit: _Visit
    plan: _Plan
    incident: _Incident
    chair: str
    began: datetime
    nurse: str
    session_id: int | None = None

    @property
    def ends(self) -> datetime:
        return self.began + timedelta(minutes=self.plan.discharge)


def _plan(rng: random.Random, visit: _Visit, library: Library, incident: _Incident) -> _Plan:
    return _SessionPlanner(rng, visit, library, incident).session()


def _day_seats(rng: random.Random, visits: list[_Visit], library: Library,
               incidents: Mapping[_Visit, _Incident], zone: tzinfo) -> list[_Seat]:
    """A day's sessions, each in the chair that frees up first, from opening time."""
    if not visits:
        return []
    opens = datetime.combine(visits[0].day, OPENS, tzinfo=zone)
    free = {chair: opens + timedelta(minutes=rng.choice((0, 5, 10, 15))) for chair in CHAIRS}
    nurses = dict(zip(CHAIRS, rng.sample(NURSES, len(NURSES)), strict=True))
    seats = []
    for visit in visits:
        incident = incidents.get(visit, _Incident.NONE)
        plan = _plan(rng, visit, library, incident)
        chair = min(CHAIRS, key=lambda c: (free[c], c))
        seat = _Seat(visit, plan, incident, chair, free[chair], nurses[chair])
        free[chair] = seat.ends + timedelta(minutes=rng.randint(10, 25))
        seats.append(seat)
    return seats


def _incidents(rng: random.Random, visits: list[_Visit], today: date) -> dict[_Visit, _Incident]:
    """An incident for some sessions, and each kind a trainer should see at least once
    (placed before today, whose later sessions may not have happened yet)."""
    drawn = {visit: _draw_incident(rng, visit.protocol_id) for visit in visits}
    before_today = [visit for visit in visits if visit.day < today]
    quiet = [visit for visit in before_today
             if visit.protocol_id == IV_PROTOCOL and drawn[visit] is _Incident.NONE]
    shown = {drawn[visit] for visit in before_today}
    for incident in _ALWAYS_SHOWN:
        if incident not in shown and len(quiet) > 2:
            drawn[quiet.pop(rng.randrange(len(quiet)))] = incident
    return drawn


def _live_seats(rng: random.Random, visits: list[_Visit], library: Library, anchor: datetime,
                new_visit: Callable[[str], _Visit]) -> list[_Seat]:
    """Today's sessions still in the room at `anchor`, one in each of the live phases: an
    intranasal one takes observation (it is the longest); new patients fill any gap."""
    seats = []
    for index, phase in enumerate(LIVE_PHASES):
        route = INTRANASAL_PROTOCOL if phase is Phase.OBSERVATION else IV_PROTOCOL
        fitting = [visit for visit in visits if visit.protocol_id == route] or visits
        visit = fitting[0] if fitting else new_visit(route)
        if visit in visits:
            visits.remove(visit)
        plan = _plan(rng, visit, library, _Incident.NONE)
        began = anchor - timedelta(minutes=plan.moment_in(rng, phase))
        seats.append(_Seat(visit, plan, _Incident.NONE, CHAIRS[index % len(CHAIRS)], began,
                           NURSES[index % len(NURSES)]))
    return seats


@dataclass
class _Room:
    """Charts seats' steps in time order, moving the clock as the room's clock moved."""

    store: Store
    clock: FakeClock
    patients: dict[int, Patient] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    incidents: Counter[str] = field(default_factory=Counter)
    expected: set[int] = field(default_factory=set)   # patients whose registration is planned

    def chart(self, seats: list[_Seat], until: datetime) -> None:
        """Chart everything that happened by `until`, interleaved across chairs."""
        moments: list[tuple[datetime, int, int, Callable[[], None]]] = []
        for order, seat in enumerate(sorted(seats, key=lambda s: (s.began, s.chair))):
            person = seat.visit.person.key
            if person not in self.expected:
                self.expected.add(person)
                moments.append((seat.began - timedelta(minutes=5), order, -1,
                                lambda seat=seat: self.register(seat)))
            moments.append((seat.began, order, 0, lambda seat=seat: self.start(seat)))
            for index, step in enumerate(seat.plan.ordered(), start=1):
                at = seat.began + timedelta(minutes=step.minute)
                moments.append((at, order, index,
                                lambda seat=seat, step=step: self.write(seat, step)))
        moments.sort(key=lambda moment: moment[:3])
        for at, _order, _index, act in moments:
            if at <= until:
                self.clock.set(at)
                act()

    def register(self, seat: _Seat) -> None:
        person = seat.visit.person
        mrn = f"{MRN_PREFIX}{len(self.patients) + 1:04d}"
        self.patients[person.key] = self.store.register_patient(person.details(mrn))

    def start(self, seat: _Seat) -> None:
        """Open the session through the session form's own checks, as a nurse would."""
        visit = seat.visit
        patient = self.patients[visit.person.key]
        protocol = self.store.library.protocol(visit.protocol_id)
        weight = visit.person.weight_kg + (visit.number - 1) * 0.1 * (-1) ** visit.person.key
        typed = {"chair": seat.chair, "nurse": seat.nurse, "weight_kg": f"{weight:.1f}"}
        if protocol.route is Route.IV:
            titrated = not visit.person.responds and visit.number >= 4
            typed |= {"mg_per_kg": "0.75" if titrated else "0.5", "concentration": "1"}
        else:
            typed["devices"] = str(_devices(visit))
        seat.session_id = self.store.start_session(parse_session_setup(typed, patient, protocol))
        self.counts["sessions"] += 1
        if seat.incident is not _Incident.NONE:
            self.incidents[seat.incident.value] += 1

    def write(self, seat: _Seat, step: _Step) -> None:
        assert seat.session_id is not None
        step.write(self.store, seat.session_id, self.clock.now())
        self.counts[step.kind] += step.entries


# -- the entry point ------------------------------------------------------------------------


def fill_demo_clinic(path: Path, *, seed: int = 1, days: int = 30,
                     now: datetime | None = None, zone: tzinfo | None = None,
                     hasher: PasswordHasher | None = None) -> DemoSummary:
    """Fill an empty database at `path` with a synthetic clinic: `days` days of sessions
    before today, today's so far, and four sessions still in the room at `now` (the real
    current time unless given; never later, so nothing is charted in the future).

    Refuses (DemoRefused) a file that already holds any patient or account, so demo data
    is never mixed into a clinic's real record. It creates the demo accounts (admin, nurse,
    physician; password `ketamonitor-demo`) and charts as the nurse. The same seed, `now`
    and `zone` give the same clinic.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    real_now = datetime.now(UTC)
    if now is not None and now > real_now:
        raise ValueError("now must not be in the future")
    zone = zone or SystemClock().local_zone
    anchor = (now or real_now).astimezone(UTC).replace(second=0, microsecond=0)
    today = anchor.astimezone(zone).date()
    window = (today - timedelta(days=days), today)
    clock = FakeClock(anchor, local_zone=zone)
    with Store.open(path, clock, hasher=hasher) as store:
        _refuse_unless_empty(store)
        _demo_accounts(store)
        room = _Room(store, clock)
        for seats in _schedule(random.Random(seed), store.library, window, anchor, zone):
            with store.batch():  # a commit a day: seconds, not minutes, and a small WAL
                room.chart(seats, until=anchor)
        return _summary(store, path, seed, window, room)


def _refuse_unless_empty(store: Store) -> None:
    """Demo data goes only into a file of its own: never beside real patients, and never
    twice (two demo clinics in one file would collide in chairs and MRNs)."""
    counts = store.record_counts()
    if counts.real:
        raise DemoRefused(
            f"{store.path} holds real patients' records, and demo data is never mixed into a "
            "clinic's record. Give a new file with --db.")
    if counts.demo:
        raise DemoRefused(
            f"{store.path} already holds demo data ({counts.demo} demo patients). "
            "To make a fresh demo clinic, give a new file with --db.")
    if counts.accounts:
        raise DemoRefused(
            f"{store.path} already has accounts, and the demo's accounts go only into a file "
            "of their own. Give a new file with --db.")


#: The demo's accounts: only demo databases hold them (the README says so).
DEMO_PASSWORD = "ketamonitor-demo"
_DEMO_GIVEN = "demo-given-by-admin"  # the administrator's, replaced at each first login
DEMO_ACCOUNTS = (("admin", "Demo Administrator", Role.ADMINISTRATOR),
                 ("nurse", "Demo Nurse", Role.NURSE),
                 ("physician", "Demo Physician", Role.PHYSICIAN))


def _demo_accounts(store: Store) -> None:
    (admin, admin_name, _), *others = DEMO_ACCOUNTS
    store.create_first_administrator(admin, admin_name, DEMO_PASSWORD)
    store.login(admin, DEMO_PASSWORD)
    for username, name, role in others:
        store.add_account(username, name, frozenset({role}), _DEMO_GIVEN)
    for username, _name, _role in others:  # as each would at their first login
        store.logout()
        store.login(username, _DEMO_GIVEN)
        store.set_password(username, DEMO_PASSWORD)
    store.logout()
    store.login("nurse", DEMO_PASSWORD)


def _schedule(rng: random.Random, library: Library, window: tuple[date, date],
              anchor: datetime, zone: tzinfo) -> Iterator[list[_Seat]]:
    """Every session to chart, a day at a time: each day's in the chairs, and last today's,
    with those still in the room at `anchor`. Today's sessions that would not have ended
    before those began have not come in yet, so they are left out."""
    people = _People(rng)
    courses = _courses(rng, window, people)
    today = window[1]
    by_day: dict[date, list[_Visit]] = {}
    for visit in (visit for course in courses for visit in course):
        by_day.setdefault(visit.day, []).append(visit)
    todays = by_day.setdefault(today, [])
    rng.shuffle(todays)

    def new_visit(protocol_id: str) -> _Visit:
        return _course(rng, people.new(), today, (today, today), protocol_id)[0]

    live = _live_seats(rng, todays, library, anchor, new_visit)  # takes them out of todays
    incidents = _incidents(rng, [v for day in sorted(by_day) for v in by_day[day]], today)
    in_room_from = min(seat.began for seat in live) - timedelta(minutes=10)
    for day in sorted(by_day):
        visits = by_day[day]
        rng.shuffle(visits)
        seats = [seat for seat in _day_seats(rng, visits, library, incidents, zone)
                 if seat.ends <= in_room_from]
        yield seats + live if day == today else seats


def _summary(store: Store, path: Path, seed: int, window: tuple[date, date], room: _Room
             ) -> DemoSummary:
    in_room = tuple(listing.phase for listing in store.unfinished_sessions())
    entries = {kind: room.counts[kind] for kind in
               ("vitals sets", "checklist entries", "scale scores", "notes", "phase changes")}
    return DemoSummary(
        path=Path(path),
        seed=seed,
        first_day=window[0],
        last_day=window[1],
        patients=len(room.patients),
        sessions=room.counts["sessions"],
        discharged=room.counts["sessions"] - len(in_room),
        in_room=in_room,
        entries=entries,
        incidents=dict(room.incidents),
    )
