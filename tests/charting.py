"""A test's hands: chart a session through the store's public interface, step by step."""

from __future__ import annotations

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.entries import checklist_answer, scale_answer
from ketamonitor.core.patient import Patient, parse_patient
from ketamonitor.core.phases import Action
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome
from ketamonitor.core.risk import RiskAssessmentDraft, risk_wording
from ketamonitor.core.setup import parse_session_setup
from ketamonitor.core.vitals import parse_vitals
from ketamonitor.store.store import Store

#: An early end's outcome for tests that are not about it: the patient asked to stop.
EARLY_END = EarlyEnd(EarlyEndOutcome.PATIENT_REQUEST, "Dr Ada Obi")
#: A physician's risk assessment after PHQ-9 item 9 >= 1, in the shipped wording.
ASSESSMENT = RiskAssessmentDraft(risk_wording().outcomes[0], risk_wording().plans[0],
                                 "Seen with the patient; safety plan agreed")


class Charting:
    def __init__(self, store: Store, clock: FakeClock) -> None:
        self.store = store
        self.clock = clock

    def patient(self, mrn: str = "MRN-1001", weight: str = "72") -> Patient:
        return self.store.register_patient(parse_patient(
            {"mrn": mrn, "family_name": "Rivera", "given_name": "Ana", "birth_date": "1984-05-06",
             "weight_kg": weight}, today=self.clock.now().date()))

    def session(self, protocol_id: str = "iv-racemic-ketamine", patient: Patient | None = None,
                **typed: str) -> int:
        patient = patient or self.patient()
        protocol = self.store.library.protocol(protocol_id)
        fields = {"chair": "3", "nurse": "Ana Nurse", "weight_kg": "72", "mg_per_kg": "0.5",
                  "concentration": "1", "devices": "2", "prescriber": "Dr Ada Obi", **typed}
        return self.store.start_session(parse_session_setup(fields, patient, protocol))

    def vitals(self, session_id: int, confirmed: frozenset[str] = frozenset(),
               **typed: str) -> int:
        """Chart a typed set; `confirmed` names the extreme readings the nurse confirmed."""
        chart = self.store.chart(session_id)
        vitals = parse_vitals(typed, now=self.clock.now(), session_began=chart.session.began_at,
                              zone=self.clock.local_zone, confirmed=confirmed)
        return self.store.record_vitals(session_id, vitals, confirmed=confirmed)

    def bp(self, session_id: int, systolic: int, diastolic: int) -> int:
        return self.vitals(session_id, systolic=str(systolic), diastolic=str(diastolic),
                           heart_rate="76", spo2="98", respiratory_rate="14")

    def answer_all(self, session_id: int, checklist_id: str) -> None:
        """Answer every item of a yes/no checklist as expected."""
        chart = self.store.chart(session_id)
        checklist = self.store.library.checklist(checklist_id)
        for item in checklist.items_for(chart.protocol.route):
            assert item.expected is not None
            self.store.record_checklist_answer(session_id, checklist_answer(
                checklist, item.key, item.expected.value, self.clock.now()))

    def aldrete(self, session_id: int, score: int = 2, *, awake: bool = True) -> int:
        """The Modified Aldrete; `awake`: MOAA/S 5 charted first, as the discharge gate asks
        (and the Aldrete's consciousness item follows it)."""
        if awake:
            self.store.record_scale_score(session_id, scale_answer(
                self.store.library.scale("moaas"), {"moaas": 5}, self.clock.now()))
        scale = self.store.library.scale("modified_aldrete")
        return self.store.record_scale_score(session_id, scale_answer(
            scale, {item.key: score for item in scale.items}, self.clock.now()))

    def phq9(self, session_id: int, item9: int, timepoint: str = "before session") -> int:
        """A PHQ-9 with every item at 1 but item 9 (thoughts of self-harm) at `item9`."""
        scale = self.store.library.scale("phq9")
        scores = {item.key: 1 for item in scale.items} | {"q9": item9}
        return self.store.record_scale_score(session_id, scale_answer(
            scale, scores, self.clock.now(), timepoint))

    def ready_to_start(self, session_id: int) -> None:
        self.bp(session_id, 124, 80)
        self.answer_all(session_id, "pre_session")

    def started(self, protocol_id: str = "iv-racemic-ketamine", **typed: str) -> int:
        session_id = self.session(protocol_id, **typed)
        self.ready_to_start(session_id)
        self.clock.advance(minutes=2)
        self.store.change_phase(session_id, Action.START_INFUSION)
        return session_id

    def through_observation(self, session_id: int) -> None:
        """From a running infusion to ready for discharge, vitals on the protocol's cadence."""
        chart = self.store.chart(session_id)
        protocol = chart.protocol
        infusing = int(chart.infusion_time.total_seconds() // 60)
        for _ in range(infusing // 10):
            self.clock.advance(minutes=10)
            self.bp(session_id, 132, 84)
        self.clock.advance(minutes=infusing % 10)
        self.store.change_phase(session_id, Action.END_INFUSION)
        for _ in range(int(protocol.observation_minutes) // 15):
            self.clock.advance(minutes=15)
            self.bp(session_id, 126, 80)
        self.store.change_phase(session_id, Action.COMPLETE_OBSERVATION)

    def course_begun(self, patient: Patient) -> None:
        """The patient's first esketamine treatment already given (one device, then the
        session ended early), so that 84 mg may follow: the label's day 1 is 56 mg."""
        session_id = self.session("intranasal-esketamine", patient=patient, devices="2")
        self.ready_to_start(session_id)
        self.store.record_device(session_id, "LOT-DAY1")
        self.store.change_phase(session_id, Action.END_SESSION_EARLY, reason="course begun",
                                 early_end=EARLY_END)
