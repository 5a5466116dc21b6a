"""Six chairs in mixed phases with alerts: the room as a nurse sees it at 10:00.

Built through the store's public calls only, like a nurse charting, on a fake clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ketamonitor.core.appointments import parse_appointment
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.entries import checklist_answer, scale_answer
from ketamonitor.core.patient import PatientDetails
from ketamonitor.core.phases import Action
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.core.vitals import Vitals
from ketamonitor.room import Room
from ketamonitor.store.store import Store

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

#: chair, family, given, protocol, arrival (min after 08:00), dose start, story
CHAIRS = [
    ("1", "Okafor", "Chidi", "iv-racemic-ketamine", 0, 12, "high_bp"),
    ("2", "Lindqvist", "Maja", "iv-racemic-ketamine", 35, 45, "steady"),
    ("3", "Tanaka", "Ren", "intranasal-esketamine", 40, 50, "steady"),
    ("4", "Moreau", "Jo", "iv-racemic-ketamine", 30, 40, "overdue"),
    ("5", "Silva", "Ana", "im-racemic-ketamine", 0, 5, "observation"),
    ("6", "Byrne", "Aoife", "iv-racemic-ketamine", 114, None, "arrived"),
]
NOW = START + timedelta(minutes=120)


def build_room(store: Store, clock: FakeClock) -> None:
    """Chart the morning in time order, the room judging alerts as it would live."""
    room = Room(store)
    sessions: dict[str, int] = {}
    steps = sorted(_steps(store, sessions), key=lambda step: step[0])
    for minute, write in steps:
        clock.set(START + timedelta(minutes=minute))
        room.tick()
        chair = write()
        room.reload()  # a new arrival joins the room; charted entries are judged at once
        room.refresh(sessions[chair])
    clock.set(NOW)
    room.tick()


def _arrive(store: Store, clock: FakeClock, chair: str, family: str, given: str,
            protocol_id: str) -> int:
    patient = store.register_patient(PatientDetails(
        mrn=f"KM-{4100 + int(chair)}", family_name=family, given_name=given,
        birth_date=datetime(1975 + int(chair) * 3, 3, int(chair) + 1).date(),
        weight_kg=60 + int(chair) * 4))
    protocol = store.library.protocol(protocol_id)
    session_id = store.start_session(parse_session_setup(
        {"chair": chair, "nurse": "Ana Ruiz", "weight_kg": str(patient.details.weight_kg),
         "mg_per_kg": "0.5", "concentration": "1", "devices": "2"}, patient, protocol))
    store.record_vitals(session_id, Vitals(clock.now(), 122 + int(chair), 78, 74, 98, 14))
    checklist = store.library.checklist(protocol.checklists.pre_session)
    for item in checklist.items_for(protocol.route):
        if item.expected is not None:
            store.record_checklist_answer(session_id, checklist_answer(
                checklist, item.key, item.expected.value, clock.now()))
    return session_id


Step = tuple[float, Callable[[], str]]


def _steps(store: Store, sessions: dict[str, int]) -> list[Step]:
    """Every chair's morning as (minute, write) steps; each write returns its chair."""
    clock = store.clock
    steps: list[Step] = []

    def arrive(chair: str, family: str, given: str, protocol_id: str) -> str:
        sessions[chair] = _arrive(store, clock, chair, family, given, protocol_id)
        return chair

    def phase(chair: str, action: Action, reason: str | None = None) -> str:
        store.change_phase(sessions[chair], action, reason=reason)
        return chair

    def bp(chair: str, systolic: int, diastolic: int, heart_rate: int = 78, spo2: int = 98,
           rate: int = 14) -> str:
        store.record_vitals(sessions[chair], Vitals(clock.now(), systolic, diastolic,
                                                    heart_rate, spo2, rate))
        return chair

    def sedation(chair: str, score: int) -> str:
        scale = store.library.scale("moaas")
        store.record_scale_score(sessions[chair], scale_answer(scale, {"moaas": score},
                                                               clock.now()))
        return chair

    def severe_nausea(chair: str) -> str:
        effects = store.library.checklist("side_effects")
        store.record_checklist_answer(sessions[chair], checklist_answer(
            effects, "nausea", "present", clock.now(), severity="severe",
            intervention="ondansetron"))
        return chair

    def book(chair: str, family: str, given: str, time: str) -> str:
        patient = store.register_patient(PatientDetails(
            mrn=f"KM-42{chair}0", family_name=family, given_name=given,
            birth_date=datetime(1980, 5, int(chair)).date(), weight_kg=70))
        store.schedule_appointment(parse_appointment(
            {"time": time, "chair": chair}, patient,
            store.library.protocol("intranasal-esketamine"), now=clock.now(),
            zone=clock.local_zone))
        return next(iter(sessions))

    steps.append((1, lambda: book("1", "Quinn", "Rosa", "10:30")))
    steps.append((2, lambda: book("2", "Hart", "Elias", "11:15")))
    for chair, family, given, protocol_id, arrival, dose, _story in CHAIRS:
        steps.append((arrival, lambda c=chair, f=family, g=given, p=protocol_id:
                      arrive(c, f, g, p)))
        if dose is not None:
            steps.append((dose, lambda c=chair: phase(c, Action.START_INFUSION)))
    # chair 1, IV: BP climbs over the line at 30 min, infusion held, then back below it
    for minute, (s, d) in [(22, (138, 86)), (32, (164, 98)), (42, (186, 112))]:
        steps.append((minute, lambda s=s, d=d: bp("1", s, d, 88, 97, 16)))
    steps.append((43, lambda: phase("1", Action.PAUSE_INFUSION, "BP above the stop line")))
    steps.append((50, lambda: phase("1", Action.RESUME_INFUSION)))
    for minute in (55, 65, 75):
        steps.append((minute, lambda: bp("1", 168, 100, 84, 97, 15)))
    steps.append((85, lambda: phase("1", Action.END_INFUSION)))
    for minute in (100, 115):
        steps.append((minute, lambda m=minute: bp("1", 150 - m // 10, 92, 80)))
    # chair 2, IV: steady, vitals on time, the pump still running past its time
    for minute in (55, 65, 75, 85, 95, 105, 115):
        steps.append((minute, lambda m=minute: bp("2", 128 + (m - 45) // 10, 82, 76)))
    # chair 3, esketamine: dosing done at 55, sedated at 70, BP at 90
    steps.append((55, lambda: phase("3", Action.END_INFUSION)))
    steps.append((70, lambda: sedation("3", 3)))
    steps.append((90, lambda: bp("3", 142, 88, 80, 96, 13)))
    # chair 4, IV: the last BP at 60, long overdue now; severe nausea
    steps.append((50, lambda: bp("4", 130, 84)))
    steps.append((60, lambda: bp("4", 134, 86, 80)))
    steps.append((62, lambda: severe_nausea("4")))
    # chair 5, IM: given at 5 (the injection ends dosing at once), its observation complete
    for minute in (20, 35, 50, 65, 80, 95, 110):
        steps.append((minute, lambda: bp("5", 126, 80, 72)))
    return steps
