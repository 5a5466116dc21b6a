"""An open session's intents: each entry a page makes, charted through the store and read
back once by the room, which judges the alerts at once and returns one `ChartChange`.

Parsing stays with the caller where it asks the nurse about what was typed (an extreme
value to confirm); where a core parser needs nothing more than the text, the intent takes
the text and parses it here."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from ketamonitor.core.administration import DeviceDraft, DrugLot
from ketamonitor.core.amendments import AmendmentDraft
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.dose import parse_pump_volume
from ketamonitor.core.entries import ChecklistAnswer, LateVitals, NoteDraft, ScaleAnswer
from ketamonitor.core.medications import MedicationEntry
from ketamonitor.core.phases import Action
from ketamonitor.core.records import EarlyEnd, Override, VitalsEntry
from ketamonitor.core.risk import RiskAssessmentDraft
from ketamonitor.core.signature import Signature
from ketamonitor.core.timeline import PhaseChange
from ketamonitor.core.vitals import Vitals
from ketamonitor.room.chair import ChairState
from ketamonitor.room.change import ChartChange
from ketamonitor.store.errors import UnknownRecord

if TYPE_CHECKING:
    from ketamonitor.room.room import Room

Result = TypeVar("Result")


class OpenSession:
    """One session's entries, through the room (`Room.open`)."""

    def __init__(self, room: Room, session_id: int) -> None:
        self.room = room
        self.session_id = session_id

    @property
    def state(self) -> ChairState:
        return self.room.state(self.session_id)

    @property
    def chart(self) -> SessionChart:
        """The room's copy of the chart, as last read."""
        return self.state.chart

    def vitals_entry(self, entry_id: int) -> VitalsEntry:
        """A set as charted, from the room's copy (the store's own look-up reads the whole
        chart again)."""
        for entry in self.chart.vitals:
            if entry.id == entry_id:
                return entry
        raise UnknownRecord(f"no vitals {entry_id} in session {self.session_id}")

    def signatures(self) -> list[Signature]:
        return self.room.signatures(self.session_id)

    def _charted(self, write: Callable[[], Result]) -> ChartChange[Result]:
        return self.room.charted(self.session_id, write)

    # -- entries ---------------------------------------------------------------------------

    def record_vitals(self, vitals: Vitals, *,
                      confirmed: frozenset[str] = frozenset()) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_vitals(
            self.session_id, vitals, confirmed=confirmed))

    def record_late_vitals(self, late: LateVitals, *,
                           confirmed: frozenset[str] = frozenset()) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_late_vitals(
            self.session_id, late, confirmed=confirmed))

    def answer(self, answer: ChecklistAnswer) -> ChartChange[int]:
        """A checklist's answer (a side effect, its resolution, a REMS question)."""
        return self._charted(lambda: self.room.store.record_checklist_answer(
            self.session_id, answer))

    def assess(self, answers: list[ChecklistAnswer]) -> ChartChange[list[int]]:
        """A whole assessment (the dissociation checklist) at once."""
        return self._charted(lambda: self.room.store.record_assessment(
            self.session_id, answers))

    def score(self, answer: ScaleAnswer) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_scale_score(
            self.session_id, answer))

    def add_note(self, note: NoteDraft) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_note(self.session_id, note))

    def give_device(self, lot: str) -> ChartChange[DeviceDraft]:
        return self._charted(lambda: self.room.store.record_device(self.session_id, lot))

    def chart_drug_lot(self, lot: str) -> ChartChange[DrugLot]:
        return self._charted(lambda: self.room.store.record_drug_lot(self.session_id, lot))

    def ready_without_minimum(self, at: datetime) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_ready_without_minimum(
            self.session_id, at))

    def record_medication(self, entry: MedicationEntry) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_medication(
            self.session_id, entry))

    def record_pump_volume(self, typed: str) -> ChartChange[int]:
        """The pump's volume infused, as typed (parsed here: refused with its reason)."""
        return self._charted(lambda: self.room.store.record_pump_volume(
            self.session_id, parse_pump_volume(typed)))

    def record_risk_assessment(self, draft: RiskAssessmentDraft) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_risk_assessment(
            self.session_id, draft))

    def amend(self, drafts: tuple[AmendmentDraft, ...]) -> ChartChange[list[int]]:
        """Corrections or strikes ("entered in error") of what was charted."""
        return self._charted(lambda: self.room.store.amend(self.session_id, drafts))

    # -- phases, people --------------------------------------------------------------------

    def change_phase(self, action: Action, *, reason: str | None = None,
                     early_end: EarlyEnd | None = None) -> ChartChange[PhaseChange]:
        return self._charted(lambda: self.room.store.change_phase(
            self.session_id, action, reason=reason, early_end=early_end))

    def override(self, action: Action, reason: str, physician: str,
                 password: str) -> ChartChange[Override]:
        return self._charted(lambda: self.room.store.override(
            self.session_id, action, reason, physician, password))

    def hand_over(self, nurse: str) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.hand_over(self.session_id, nurse))

    def sign(self, password: str,
             seen_alerts: Collection[int] | None = None) -> ChartChange[Signature]:
        """The physician's signature: the chart and the signatures read back."""
        return self.room.charted(self.session_id, lambda: self.room.store.sign(
            self.session_id, password, seen_alerts), signing=True)

    def add_addendum(self, text: str, password: str) -> ChartChange[Signature]:
        return self.room.charted(self.session_id, lambda: self.room.store.add_addendum(
            self.session_id, text, password), signing=True)
