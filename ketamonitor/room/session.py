"""An open session's intents: each entry a page makes, charted through the store and read
back once by the room, which judges the alerts at once and returns one `ChartChange`.

Parsing stays with the caller where it asks the nurse about what was typed (an extreme
value to confirm); where a core parser needs nothing more than the text, the intent takes
the text and parses it here."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ketamonitor.core.accounts import Account
from ketamonitor.core.administration import DeviceDraft, DrugLot
from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.amendments import AmendmentDraft
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.dose import parse_pump_volume
from ketamonitor.core.entries import ChecklistAnswer, LateVitals, NoteDraft, ScaleAnswer
from ketamonitor.core.library import Library
from ketamonitor.core.medications import MedicationEntry
from ketamonitor.core.phases import Action
from ketamonitor.core.records import EarlyEnd, Override, VitalsEntry
from ketamonitor.core.risk import RiskAssessmentDraft
from ketamonitor.core.settings import SUMMARY_PAGE_SIZE
from ketamonitor.core.signature import Signature
from ketamonitor.core.timeline import PhaseChange
from ketamonitor.core.vitals import Vitals
from ketamonitor.room.chair import ChairState
from ketamonitor.room.change import ChartChange
from ketamonitor.store.errors import UnknownRecord
from ketamonitor.store.interface import StoreApi

if TYPE_CHECKING:
    from ketamonitor.export.summary import SummaryRead
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

    # -- what a page reads besides the chart ------------------------------------------------
    # The page never calls the store: what it shows besides the chart (the time, who is
    # charting, the clinic's lists, the people to choose from) it asks of its session here.

    def now(self) -> datetime:
        """The room's clock (a fake one in tests): every time the page shows or stamps."""
        return self.room.store.clock.now()

    @property
    def zone(self) -> tzinfo:
        """The room's time zone, in which every time on the page is shown."""
        return self.room.store.clock.local_zone

    @property
    def library(self) -> Library:
        """The clinic's checklists, scales, medicines and reasons the page's forms offer."""
        return self.room.store.library

    @property
    def account(self) -> Account | None:
        """Who is charting now (held in memory; None when locked out): what the page lets
        them do. The store refuses anything else anyway."""
        return self.room.store.account

    def clinic_name(self) -> str:
        """The clinic's name, printed on the REMS form."""
        return self.room.store.setting("clinic_name")

    def override_items(self, action: Action) -> tuple[str, ...]:
        """What holds `action` back now, as a physician's override would list it."""
        return self.room.store.override_items(self.session_id, action)

    def physicians(self) -> list[tuple[str, str]]:
        """The physicians who may override a gate (username, name)."""
        return self.room.store.physicians()

    def handover_choices(self) -> list[Account]:
        """The nurses who may take this session over (refused with a RuleError if the
        one charting may not hand it over)."""
        return self.room.store.handover_choices(self.session_id)

    def alerts_unseen_by_physician(self) -> list[AlertRecord]:
        """The session's alerts no physician has seen: the signer is shown them first."""
        return self.room.store.alerts_unseen_by_physician(self.session_id)

    def summary_page_size(self) -> str:
        """The clinic's paper for a summary PDF (Settings: A4 or Letter), offered first."""
        return self.room.store.setting(SUMMARY_PAGE_SIZE.key)

    def read_summary(self, fmt: str, page_size: str) -> SummaryRead:
        """export.summary's `export_summary` in two halves around the rendering, for the
        window to render off the thread the store's connection is bound to: this half
        refuses or reads. Here rather than on the page so that the page holds no store;
        the export reads the record itself (what is exported is what is stored, not the
        room's copy)."""
        from ketamonitor.export.summary import read_summary

        return read_summary(self.room.store, self.session_id, fmt, page_size=page_size)

    def write_summary(self, read: SummaryRead, data: bytes, path: Path) -> Path:
        """The other half: the rendered bytes written whole or not at all, audited."""
        from ketamonitor.export.summary import write_summary

        return write_summary(self.room.store, read, data, path)

    def dialog_store(self) -> StoreApi:
        """The store for what a page opens that keeps reads and writes of its own (the
        patient's course, the unsaved typing kept across a restart): handed to them once,
        when the page is built, so the page itself keeps no store."""
        return self.room.store

    def _charted(self, write: Callable[[], Result]) -> ChartChange[Result]:
        return self.room.charted(self.session_id, write)

    # -- entries ---------------------------------------------------------------------------

    def record_vitals(self, vitals: Vitals, *,
                      confirmed: frozenset[str] = frozenset()) -> ChartChange[int]:
        return self._charted(lambda: self.room.store.record_vitals(
            self.session_id, vitals, confirmed=confirmed))

    def accept_reading(self, reading_id: int, *,
                       confirmed: frozenset[str] = frozenset()) -> ChartChange[int]:
        """A monitor's reading accepted by the nurse: charted as her vitals set (an extreme
        one only once confirmed, as a typed one); the set's id."""
        return self._charted(lambda: self.room.store.accept_monitor_reading(
            reading_id, confirmed=confirmed))

    def mark_artifact(self, reading_id: int, reason: str) -> ChartChange[int]:
        """A monitor's reading marked as an artifact, with why: it then counts for nothing."""
        return self._charted(lambda: self.room.store.mark_monitor_artifact(reading_id, reason))

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
