"""One session in the chair: timer, phase actions, vitals entry, chart, checklists and notes;
and, once it is finished, the physician's review and signature.

The page holds no rule and no SQL: each intent goes to core (to parse) and the store (to
chart), and the page redraws from the chart the store reads back. Whatever was typed stays
in its field until it is charted, whatever goes wrong.

A signed chart, or an account that may not chart, makes the page read-only: the entry forms
and buttons go, and one line says why. The store refuses those writes anyway; this is so
nobody types into a form that cannot be saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.administration import charts_drug_lots, device_spacing
from ketamonitor.core.aldrete import chart_items
from ketamonitor.core.alerts import (
    AlertRecord,
    attention_order,
    flags_not_alerted,
)
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.corrections import entered_in_error, vitals_amendments
from ketamonitor.core.dose import dose_given, takes_pump_volume
from ketamonitor.core.entries import (
    checklist_answer,
    note_draft,
    parse_late_vitals,
    scale_answer,
)
from ketamonitor.core.errors import PhaseChangeRefused, RuleError, ValidationError
from ketamonitor.core.gates import next_step
from ketamonitor.core.holds import held_words, override_words
from ketamonitor.core.medications import parse_medication
from ketamonitor.core.permissions import Permission, allowed
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import (
    EarlyEnd,
    Override,
)
from ketamonitor.core.rems import parse_rems_time
from ketamonitor.core.review import (
    ChartAccess,
    chart_access,
)
from ketamonitor.core.risk import (
    RiskAssessmentDraft,
    assessment_words,
    item9_assessed,
    item9_mark,
    item9_words,
    risk_wording,
)
from ketamonitor.core.side_effects import RESOLVED
from ketamonitor.core.signature import Signature
from ketamonitor.core.timers import session_timers
from ketamonitor.core.times import (
    format_clock,
    format_local,
    format_moment,
    format_on_day,
    local_day,
)
from ketamonitor.core.vitals import (
    ALDRETE_OXYGEN_ITEM,
    ConfirmationNeeded,
    aldrete_oxygen_hint,
    oxygen_in_use,
    parse_vitals,
)
from ketamonitor.core.wording import (
    DOSING_WORDS,
    action_label,
    offered_actions,
    phase_label,
)
from ketamonitor.export.files import ExportFailed
from ketamonitor.export.summary_formats import summary_format_of
from ketamonitor.room import ChartChange, Room
from ketamonitor.store.interface import LoginRefused, PasswordNotConfirmed, StoreError
from ketamonitor.ui import theme
from ketamonitor.ui.alert_views import AlertList
from ketamonitor.ui.checklist_views import (
    PresenceChecklistView,
    ScaleForm,
    SideEffectForm,
    YesNoChecklistView,
)
from ketamonitor.ui.correction_dialog import CorrectionDialog
from ketamonitor.ui.course_view import CourseDialog
from ketamonitor.ui.drug_lot_panel import DrugLotPanel
from ketamonitor.ui.early_end_dialog import EarlyEndDialog
from ketamonitor.ui.esketamine_views import DevicePanel, RemsView
from ketamonitor.ui.export_progress import StagedRun
from ketamonitor.ui.export_summary_dialog import (
    ExportSummaryDialog,
    SummaryExportChoice,
    summary_stages,
)
from ketamonitor.ui.handover_dialog import HandoverDialog
from ketamonitor.ui.late_entry_dialog import LateEntryDialog
from ketamonitor.ui.medication_dialog import MedicationDialog
from ketamonitor.ui.monitor_panel import ACCEPT_KEY, ArtifactDialog, MonitorPanel
from ketamonitor.ui.override_dialog import OverrideDialog
from ketamonitor.ui.prompts import Prompts
from ketamonitor.ui.pump_volume_dialog import PumpVolumeDialog
from ketamonitor.ui.risk_dialog import RiskAssessmentDialog
from ketamonitor.ui.session.action_bar import ActionBar
from ketamonitor.ui.session.alerts_tab import AlertsTab
from ketamonitor.ui.session.corrections_tab import CorrectionsTab
from ketamonitor.ui.session.discharge_tab import DischargeTab
from ketamonitor.ui.session.dissociation_tab import DissociationTab
from ketamonitor.ui.session.header import SessionHeader
from ketamonitor.ui.session.medicines_tab import MedicinesTab
from ketamonitor.ui.session.notes_tab import NotesTab
from ketamonitor.ui.session.pre_session_tab import PreSessionTab
from ketamonitor.ui.session.rems_tab import RemsTab
from ketamonitor.ui.session.scales_tab import ScalesTab
from ketamonitor.ui.session.side_effects_tab import SideEffectsTab
from ketamonitor.ui.session.vitals_tab import VitalsTab
from ketamonitor.ui.session_chart import SessionChartView
from ketamonitor.ui.signature_views import (
    AddendumDialog,
    ShowReasons,
    SignaturePanel,
    SignDialog,
)
from ketamonitor.ui.timer_panel import TimerPanel
from ketamonitor.ui.unsaved_typing import TypedField, UnsavedTypingKeeper
from ketamonitor.ui.views import restyle, scrolled
from ketamonitor.ui.vitals_form import VitalsForm, asking
from ketamonitor.ui.writes import attempt, tell_refusal

Result = TypeVar("Result")
Signing = TypeVar("Signing", SignDialog, AddendumDialog)

#: The height kept for the next step and the alerts beside the chart (about three alerts):
#: constant, so that nothing they show moves anything else on the page.
ATTENTION_HEIGHT = 120

_CONFIRM = {
    Action.START_INFUSION: "Start the infusion now? The infusion clock starts at this moment.",
    Action.RESUME_INFUSION: "Resume the infusion now?",
    Action.END_INFUSION: "Mark the infusion complete now? Observation starts.",
    Action.COMPLETE_OBSERVATION: "Mark observation complete? The session becomes ready "
                                 "for discharge.",
    Action.DISCHARGE: "Discharge the patient now?",
}


class SessionPage(QWidget):
    """Emits `charted` with the room's `ChartChange` after every entry (the window sounds
    the alerts it raised), and `signed` after a signature or an addendum (the review queue
    changes). The page keeps no chart of its own: it draws the room's copy."""

    charted = Signal(object)
    signed = Signal(int)
    back_requested = Signal()
    acknowledge_requested = Signal(int)

    def __init__(self, room: Room, session_id: int, prompts: Prompts,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.room = room
        self.session = room.open(session_id)
        #: The store goes only to what the page opens that keeps its own reads (the
        #: patient's course, the unsaved typing), once, here: the page keeps none.
        store = self.session.dialog_store()
        self._new_course = partial(CourseDialog, store)
        self.session_id = session_id
        self.prompts = prompts
        self.zone = self.session.zone
        #: The room's calendar day the session began: times on it show without a date.
        self.day = local_day(self.chart.session.began_at, self.zone)
        library = self.session.library
        protocol = self.chart.protocol
        names = protocol.checklists
        self.pre_session = YesNoChecklistView(library.checklist(names.pre_session),
                                              protocol.route)
        self.discharge_checklist = YesNoChecklistView(library.checklist(names.discharge),
                                                      protocol.route)
        self.dissociation = PresenceChecklistView(library.checklist(names.dissociation),
                                                  protocol.route)
        self.side_effects = SideEffectForm(library.checklist(names.side_effects))
        self.scales = {scale_id: ScaleForm(library.scale(scale_id))
                       for scale_id in names.scales}
        self.route = protocol.route
        self.timer = TimerPanel(DOSING_WORDS[protocol.route],
                                [phase_label(phase, protocol.route) for phase in Phase])
        self.devices = DevicePanel(self.zone)
        self.rems_questions = (YesNoChecklistView(library.checklist(names.rems), protocol.route)
                               if names.rems else None)
        self.rems = (RemsView(self.zone, self.rems_questions) if self.rems_questions
                     else None)
        self.vitals_form = VitalsForm()
        self.monitor_panel = MonitorPanel(self.zone)
        self.artifact_dialog: ArtifactDialog | None = None
        #: The chart last drawn whole: on a tick, a chart the room grew with a monitor's
        #: readings since is drawn in its readings only (the chart and the panel).
        self._drawn: SessionChart | None = None
        self.drug_lot = DrugLotPanel(self.zone) if charts_drug_lots(protocol) else None
        self.chart_view = SessionChartView(self.zone, library)
        self.course: CourseDialog | None = None
        self.vitals_tab = VitalsTab(self.zone, self.day)
        self.vitals_model = self.vitals_tab.vitals_model
        self.vitals_table = self.vitals_tab.vitals_table
        self.correct_button = self.vitals_tab.correct_button
        self.strike_button = self.vitals_tab.strike_button
        self.late_button = self.vitals_tab.late_button
        self.notes_tab = NotesTab(self._time, protocol.route)
        self.events_model = self.notes_tab.events_model
        self.note_text = self.notes_tab.note_text
        self.note_button = self.notes_tab.note_button
        self.note_error = self.notes_tab.note_error
        self.note_guard = self.notes_tab.note_guard
        self.alerts_tab = AlertsTab(self._time)
        self.alerts_model = self.alerts_tab.alerts_model
        self.alerts_table = self.alerts_tab.alerts_table
        self.medicines_tab = MedicinesTab(self._time)
        self.medications_model = self.medicines_tab.medications_model
        self.medications_table = self.medicines_tab.medications_table
        self.medication_button = self.medicines_tab.medication_button
        self.strike_medication_button = self.medicines_tab.strike_medication_button
        self.dissociation_tab = DissociationTab(self.dissociation, self._time)
        self.assessments_model = self.dissociation_tab.assessments_model
        self.dissociation_form = self.dissociation_tab.dissociation_form
        self.scales_tab = ScalesTab(self.scales, self._time)
        self.scores_model = self.scales_tab.scores_model
        self.scale_forms = self.scales_tab.scale_forms
        self.side_effects_tab = SideEffectsTab(self.side_effects, self._time)
        self.side_effect_model = self.side_effects_tab.side_effect_model
        self.pre_session_tab = PreSessionTab(self.pre_session, self.drug_lot)
        self.discharge_tab = DischargeTab(self.discharge_checklist)
        self.rems_tab = (RemsTab(self.rems, self.rems_questions, library.scales)
                         if self.rems is not None and self.rems_questions is not None
                         else None)
        self.corrections_tab_view = CorrectionsTab(self._time)
        self.corrections_model = self.corrections_tab_view.corrections_model
        self.header = SessionHeader()
        self.back = self.header.back
        self.title = self.header.title
        self.handover_button = self.header.handover_button
        self.course_button = self.header.course_button
        self.export_button = self.header.export_button
        self.action_bar = ActionBar(self.route)
        self.action_buttons = self.action_bar.action_buttons
        self.pump_volume_button = self.action_bar.pump_volume_button
        self.override_button = self.action_bar.override_button
        self.access: ChartAccess | None = None
        self.alert_records: list[AlertRecord] = []
        self.sign_dialog: SignDialog | AddendumDialog | None = None
        self.handover_dialog: HandoverDialog | None = None
        self.late_dialog: LateEntryDialog | None = None
        self.medication_dialog: MedicationDialog | None = None
        self.export_dialog: ExportSummaryDialog | None = None
        self.export_run: StagedRun | None = None
        self.override_dialog: OverrideDialog | None = None
        #: The action a physician's override would let go ahead now, if something holds it.
        self.held_action: Action | None = None
        self.risk_dialog: RiskAssessmentDialog | None = None
        self.early_end_dialog: EarlyEndDialog | None = None
        self.pump_volume_dialog: PumpVolumeDialog | None = None
        self._split_done = False
        self._build()
        self._connect()
        self.unsaved = UnsavedTypingKeeper(store, session_id, [
            TypedField("vitals", "vitals", self.vitals_form.typed_text, self.vitals_form.put_back,
                       self.vitals_form, self.vitals_form.edited),
            TypedField("note", "a note", self.note_text.toPlainText, self.note_text.setPlainText,
                       self.note_text, self.note_text.textChanged),
        ], self.unsaved_notice, self.zone, self)
        self.draw()
        self.vitals_form.show_oxygen(oxygen_in_use(
            entry.current for entry in self.chart.vitals if not entry.in_error))
        if self.access is not None and self.access.can_chart:
            self.unsaved.put_back()

    # -- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        layout.addWidget(self.header)
        self.read_only_reason = QLabel("")
        self.read_only_reason.setObjectName("read_only_reason")
        self.read_only_reason.setWordWrap(True)
        self.read_only_reason.setStyleSheet(
            f"QLabel {{ background: {theme.PANEL}; border: 1px solid {theme.MUTED}; "
            "border-radius: 4px; padding: 4px 8px; font-weight: bold; }")
        self.read_only_reason.hide()
        layout.addWidget(self.read_only_reason)
        layout.addWidget(self._item9_bar())
        layout.addWidget(self.timer)
        layout.addWidget(self.action_bar)
        layout.addWidget(self.devices)
        self.signature_panel = SignaturePanel()
        self.signature_panel.hide()
        layout.addWidget(self.signature_panel)
        self.unsaved_notice = QLabel("")
        self.unsaved_notice.setObjectName("unsaved_notice")
        self.unsaved_notice.setWordWrap(True)
        self.unsaved_notice.setStyleSheet(
            f"QLabel {{ color: {theme.CAUTION}; background: {theme.CAUTION_BG}; "
            f"border: 2px solid {theme.CAUTION}; border-radius: 4px; padding: 4px 8px; "
            "font-weight: bold; }")
        self.unsaved_notice.setMinimumWidth(300)
        self.unsaved_notice.setMaximumWidth(420)
        self.unsaved_notice.hide()
        form_frame = QFrame()
        form_frame.setProperty("role", "panel")
        # the notice sits beside the fields it speaks of, in the room the row has to spare,
        # so a 768-pixel screen loses none of the chart's height to it
        frame_layout = QHBoxLayout(form_frame)
        frame_layout.setContentsMargins(0, 0, 6, 0)
        frame_layout.addWidget(self.vitals_form, 1)
        frame_layout.addWidget(self.monitor_panel)
        frame_layout.addWidget(self.unsaved_notice, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(form_frame)
        self.form_frame = form_frame
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.chart_view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self._attention())
        right_layout.addWidget(self._tabs(), 1)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        layout.addWidget(splitter, 1)

    def _attention(self) -> QScrollArea:
        """What asks for the nurse now: the next step, the alerts waiting, and any flag no
        alert speaks for; each said once, in this one place. Its height is fixed, and it is
        beside the chart, not above the vitals form: a reminder that comes due moves
        nothing a nurse is typing into or aiming at, and more than fits scrolls here."""
        self.next_step = QLabel("")
        self.next_step.setObjectName("next_step")
        self.next_step.setWordWrap(True)
        self.next_step.setTextFormat(Qt.TextFormat.RichText)
        self.alerts = AlertList(self.zone)
        self.alerts.acknowledge.connect(self.acknowledge_requested.emit)
        self.flags = QLabel("")
        self.flags.setObjectName("chart_flags")
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(f"QLabel {{ color: {theme.HIGH}; background: {theme.HIGH_BG}; "
                                 f"border: 2px solid {theme.HIGH}; border-radius: 4px; "
                                 "padding: 4px; font-weight: bold; }")
        self.flags.hide()
        self.overrides_note = QLabel("")
        self.overrides_note.setObjectName("overrides_note")
        self.overrides_note.setWordWrap(True)
        self.overrides_note.setTextFormat(Qt.TextFormat.PlainText)
        self.overrides_note.setStyleSheet(
            f"QLabel {{ color: {theme.CAUTION}; background: {theme.CAUTION_BG}; "
            f"border: 1px solid {theme.CAUTION}; border-radius: 4px; padding: 4px; }}")
        self.overrides_note.hide()
        inside = QWidget()
        inside.setObjectName("attention_inside")
        column = QVBoxLayout(inside)
        column.setContentsMargins(0, 0, 4, 0)
        column.setSpacing(3)
        column.addWidget(self.alerts)
        column.addWidget(self.flags)
        column.addWidget(self.next_step)
        column.addWidget(self.overrides_note)
        column.addStretch(1)
        self.attention = scrolled(inside)
        self.attention.setObjectName("attention")
        self.attention.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.attention.setFixedHeight(ATTENTION_HEIGHT)
        return self.attention

    def _item9_bar(self) -> QWidget:
        """PHQ-9 item 9 >= 1 on this chart: the mark, each physician's assessment, and for a
        physician the way to record one (hidden on every other chart)."""
        bar = QFrame()
        bar.setObjectName("item9_bar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(8, 2, 8, 2)
        self.item9_line = QLabel("")
        self.item9_line.setObjectName("item9_line")
        self.item9_line.setWordWrap(True)
        self.item9_line.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.item9_line, 1)
        self.risk_button = QPushButton("Risk assessment…")
        self.risk_button.setObjectName("risk_assessment")
        self.risk_button.clicked.connect(lambda: self.open_risk_dialog())
        row.addWidget(self.risk_button)
        bar.hide()
        self.item9_bar = bar
        return bar

    def _show_item9(self, chart: SessionChart, access: ChartAccess) -> None:
        mark = item9_mark(chart)
        self.item9_bar.setVisible(mark is not None)
        if mark is None:
            return
        lines = [f"{theme.FLAG_MARK} {item9_words(chart)}"]
        lines += [assessment_words(a, lambda moment: format_clock(moment, self.zone))
                  for a in chart.risk_assessments]
        self.item9_line.setText("\n".join(lines))
        ink = theme.MUTED if item9_assessed(chart) else theme.HIGH
        restyle(self.item9_bar, f"QFrame#item9_bar {{ border: 2px solid {ink}; "
                                "border-radius: 4px; }")
        self.risk_button.setVisible(not access.is_signed
                                    and allowed(self.session.account, Permission.ASSESS_RISK))

    def open_risk_dialog(self) -> RiskAssessmentDialog:
        """The physician's risk assessment, in the clinic's words."""
        if self.risk_dialog is not None:
            self.risk_dialog.close()
        self.risk_dialog = RiskAssessmentDialog(
            self, risk_wording(), item9_mark(self.chart) or "PHQ-9 item 9",
            self.record_risk_assessment)
        self.risk_dialog.open()
        return self.risk_dialog

    def record_risk_assessment(self, draft: RiskAssessmentDraft,
                               show_reasons: Callable[[Mapping[str, str]], None]) -> bool:
        return self._attempt(
            lambda: self.session.record_risk_assessment(draft),
            show_reasons) is not None

    def open_early_end_dialog(self) -> EarlyEndDialog:
        """End session early: the outcome and the physician informed, asked together."""
        if self.early_end_dialog is not None:
            self.early_end_dialog.close()
        action = Action.END_SESSION_EARLY
        self.early_end_dialog = EarlyEndDialog(
            self, action_label(action, self.route), self.end_early,
            self.session.library.reasons_for(action.value))
        self.early_end_dialog.open()
        return self.early_end_dialog

    def end_early(self, early_end: EarlyEnd, typed: str) -> bool:
        change = self._attempt(
            lambda: self.session.change_phase(Action.END_SESSION_EARLY,
                                              reason=typed or None, early_end=early_end),
            self._show_general_reasons)
        return change is not None

    def open_pump_volume_dialog(self) -> PumpVolumeDialog:
        """The pump's "volume infused", once the infusion has ended."""
        if self.pump_volume_dialog is not None:
            self.pump_volume_dialog.close()
        self.pump_volume_dialog = PumpVolumeDialog(
            self, dose_given(self.chart).describe(), self.record_pump_volume)
        self.pump_volume_dialog.open()
        return self.pump_volume_dialog

    def record_pump_volume(self, typed: str,
                           show_reasons: Callable[[Mapping[str, str]], None]) -> bool:
        return self._attempt(
            lambda: self.session.record_pump_volume(typed),
            show_reasons) is not None

    def _tabs(self) -> QTabWidget:
        tabs = QTabWidget()
        tabs.setObjectName("session_tabs")
        tabs.addTab(self.vitals_tab, "Vitals")
        tabs.addTab(self.pre_session_tab, "Pre-session")
        tabs.addTab(self.dissociation_tab, "Dissociation")
        tabs.addTab(self.side_effects_tab, "Side effects")
        tabs.addTab(self.medicines_tab, "Medicines")
        tabs.addTab(self.scales_tab, "Scales")
        tabs.addTab(self.discharge_tab, "Discharge")
        if self.rems_tab is not None:
            tabs.addTab(self.rems_tab, "REMS")
        tabs.addTab(self.notes_tab, "Notes")
        tabs.addTab(self.alerts_tab, "Alerts")
        self.corrections_tab = tabs.addTab(self.corrections_tab_view, "Corrections")
        self.tabs = tabs
        return tabs

    def _connect(self) -> None:
        self.back.clicked.connect(self.back_requested.emit)
        self.handover_button.clicked.connect(self.open_handover_dialog)
        self.export_button.clicked.connect(self.choose_export)
        self.pump_volume_button.clicked.connect(lambda: self.open_pump_volume_dialog())
        self.override_button.clicked.connect(lambda: self.open_override_dialog())
        for action, button in self.action_buttons.items():
            button.clicked.connect(lambda _checked=False, a=action: self.request(a))
        self.medication_button.clicked.connect(lambda: self.open_medication_dialog())
        self.strike_medication_button.clicked.connect(self._strike_selected_medication)
        self.course_button.clicked.connect(self.show_course)
        self.vitals_form.submitted.connect(self.save_vitals)
        self.monitor_panel.accept_requested.connect(self.accept_reading)
        self.monitor_panel.artifact_requested.connect(lambda: self.open_artifact_dialog())
        # the window's key, live only while this page is the one shown
        self.accept_key = QShortcut(QKeySequence(ACCEPT_KEY), self, self.accept_reading)
        self.devices.give.connect(self.give_device)
        if self.drug_lot is not None:
            self.drug_lot.chart_lot.connect(self.chart_drug_lot)
        if self.rems is not None and self.rems_questions is not None:
            rems_id = self.rems_questions.checklist.id
            self.rems_questions.answered.connect(
                lambda key, value: self.answer(rems_id, key, value))
            self.rems.ready_time.connect(self.chart_ready_without_minimum)
        self.pre_session.answered.connect(
            lambda key, value: self.answer(self.pre_session.checklist.id, key, value))
        self.discharge_checklist.answered.connect(
            lambda key, value: self.answer(self.discharge_checklist.checklist.id, key, value))
        self.dissociation.assessed.connect(self.assess_dissociation)
        self.side_effects.submitted.connect(self.chart_side_effect)
        self.side_effects.resolved.connect(self.resolve_side_effect)
        for scale_id, form in self.scales.items():
            form.submitted.connect(
                lambda scores, timepoint, s=scale_id: self.score(s, scores, timepoint))
        self.note_button.clicked.connect(lambda: self.add_note(self.note_text.toPlainText()))
        self.correct_button.clicked.connect(self._open_correction)
        self.strike_button.clicked.connect(self._strike_selected)
        self.late_button.clicked.connect(self.open_late_entry)
        self.signature_panel.sign_requested.connect(self.open_sign_dialog)
        self.signature_panel.addendum_requested.connect(self.open_addendum_dialog)

    def hideEvent(self, event: QHideEvent) -> None:
        """Back to the room or another chart: keep the typing now, not after the pause.
        A late entry's dialog goes with its page (the window closing, or the screen locked)."""
        self.unsaved.keep_now()
        for dialog in (self.late_dialog, self.medication_dialog, self.override_dialog,
                       self.artifact_dialog):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Split chart and tabs once the page has its real width."""
        super().showEvent(event)
        if not self._split_done:
            # half each, unless the tabs need more to show every tab's name
            right = max(self.width() // 2, self.tabs.tabBar().sizeHint().width() + 24)
            self.splitter.setSizes([max(self.width() - right, 1), right])
            self._split_done = True

    # -- intents -------------------------------------------------------------------------

    def _attempt(self, write: Callable[[], ChartChange[Result]],
                 show_reasons: Callable[[dict[str, str]], None]) -> Result | None:
        """Run one write through the room; say why if it did not happen; if it did, draw
        the chart and the alerts the room read back (one read for the page and the tile)."""
        change = attempt(write, show_reasons, self.prompts, self, self._show_refusal)
        if change is None:
            return None
        self.draw()
        self.show_alerts(change.alerts)
        self.charted.emit(change)
        return change.result

    def save_vitals(self, typed: dict[str, str]) -> int | None:
        now = self.session.now()

        form = self.vitals_form
        confirmed = form.confirmed()

        def write() -> ChartChange[int]:
            with asking(form.ask):
                vitals = parse_vitals(typed, now=now, session_began=self.chart.session.began_at,
                                      zone=self.zone, confirmed=confirmed)
                return self.session.record_vitals(vitals, confirmed=confirmed)

        vitals_id = self._attempt(write, form.show_reasons)
        if vitals_id is not None:
            saved = [f for f in self.chart.flagged_vitals if f.entry.id == vitals_id]
            self.vitals_form.saved(saved[0].flags if saved else ())
            self.unsaved.saved("vitals")
        return vitals_id

    # -- the monitor's readings ------------------------------------------------------------

    def accept_reading(self) -> int | None:
        """The one key: the latest reading waiting charted as the nurse's set (an extreme
        value once its box is ticked, as for a typed set); the set's id, or None when
        nothing waits or it was refused (said in the panel)."""
        panel = self.monitor_panel
        reading = self.chart.latest_pending_reading
        if reading is None or self.access is None or not self.access.can_chart:
            return None
        confirmed = panel.confirmed(reading.id)

        def write() -> ChartChange[int]:
            try:
                return self.session.accept_reading(reading.id, confirmed=confirmed)
            except ConfirmationNeeded as asked:
                panel.ask(reading.id, asked.questions)
                raise

        vitals_id = self._attempt(write, panel.show_reasons)
        if vitals_id is not None:
            panel.verdict_given()
        return vitals_id

    def open_artifact_dialog(self, reading_id: int | None = None) -> ArtifactDialog | None:
        """Why a reading waiting (the latest, unless one is named) is an artifact."""
        waiting = {reading.id: reading for reading in self.chart.pending_readings}
        reading = (waiting.get(reading_id) if reading_id is not None
                   else self.chart.latest_pending_reading)
        if reading is None:
            return None
        self.artifact_dialog = ArtifactDialog(self, reading, self.zone, self.mark_artifact,
                                              self.chart.pending_readings)
        self.artifact_dialog.open()
        return self.artifact_dialog

    def mark_artifact(self, reading_id: int, reason: str,
                      show_reasons: Callable[[Mapping[str, str]], None]) -> bool:
        return self._attempt(lambda: self.session.mark_artifact(reading_id, reason),
                             show_reasons) is not None

    def _show_readings(self) -> None:
        """What a tick's readings change: the chart's faint points and the panel (the
        table and the gates read validated sets only, which a reading does not change)."""
        chart = self.chart
        self._drawn = chart
        self.chart_view.show_chart(chart, self.session.now())
        self.monitor_panel.show_chart(chart)

    def answer(self, checklist_id: str, item_key: str, value: str) -> int | None:
        checklist = self.session.library.checklist(checklist_id)
        now = self.session.now()
        result = self._attempt(
            lambda: self.session.answer(checklist_answer(checklist, item_key, value, now)),
            self._show_general_reasons)
        if result is None:
            self.draw()  # put the buttons back to what is charted
        return result

    def assess_dissociation(self, values: dict[str, str]) -> list[int] | None:
        checklist = self.dissociation.checklist
        now = self.session.now()
        result = self._attempt(
            lambda: self.session.assess([
                checklist_answer(checklist, key, value, now) for key, value in values.items()]),
            self._show_general_reasons)
        if result is not None:
            self.dissociation.saved()
        return result

    def chart_side_effect(self, item: str, severity: str, intervention: str,
                          note: str) -> int | None:
        checklist = self.side_effects.checklist
        now = self.session.now()

        result = self._attempt(
            lambda: self.session.answer(checklist_answer(
                checklist, item, "present", now, severity=severity or None,
                intervention=intervention or None, note=note)),
            self.side_effects.errors.show)
        if result is not None:
            self.side_effects.saved()
        return result

    def resolve_side_effect(self, item: str) -> int | None:
        """Chart a side effect still present as resolved now (a new entry; its onset stays)."""
        checklist = self.side_effects.checklist
        now = self.session.now()
        return self._attempt(
            lambda: self.session.answer(checklist_answer(
                checklist, item, RESOLVED, now)),
            lambda reasons: self.side_effects.errors.show(
                {"resolve": "; ".join(reasons.values())}))

    def score(self, scale_id: str, scores: dict[str, int | None],
              timepoint: str | None) -> int | None:
        form = self.scales[scale_id]
        now = self.session.now()
        result = self._attempt(
            lambda: self.session.score(scale_answer(
                form.scale, scores, now, timepoint)),
            form.errors.show)
        if result is not None:
            form.saved()
        return result

    def add_note(self, text: str) -> int | None:
        now = self.session.now()
        result = self._attempt(
            lambda: self.session.add_note(note_draft(text, now)),
            lambda reasons: self.note_error.setText("; ".join(reasons.values())))
        if result is not None:
            self.note_text.clear()
            self.note_error.setText("")
            self.unsaved.saved("note")
        return result

    def give_device(self, lot: str) -> bool:
        """Chart the next intranasal device with its lot (the first starts the clock)."""
        done = self._attempt(lambda: self.session.give_device(lot),
                             self.devices.errors.show)
        if done is not None:
            self.devices.saved()
        return done is not None

    def chart_drug_lot(self, lot: str) -> bool:
        """The lot of the IV or IM dose's vial or bag (a second when it was replaced)."""
        assert self.drug_lot is not None
        done = self._attempt(lambda: self.session.chart_drug_lot(lot),
                             self.drug_lot.errors.show)
        if done is not None:
            self.drug_lot.saved()
        return done is not None

    def chart_ready_without_minimum(self, typed: str) -> bool:
        if self.rems is None:
            return False
        now = self.session.now()

        def write() -> ChartChange[int]:
            at = parse_rems_time(typed, now, self.zone, self.chart.session.began_at)
            return self.session.ready_without_minimum(at)

        done = self._attempt(write, self.rems.errors.show)
        if done is not None:
            self.rems.saved()
        return done is not None

    def request(self, action: Action) -> bool:
        """Ask what the action needs (a confirmation or a reason), then chart it."""
        if not self._go_on_past_typing(action):
            return False
        if action is Action.END_SESSION_EARLY:
            self.open_early_end_dialog()  # it charts the end itself, once it has the outcome
            return False
        reason = None
        if action.needs_reason:
            words = action_label(action, self.route)
            reason = self.prompts.reason(self, words, f"{words}: why?",
                                         self.session.library.reasons_for(action.value))
            if reason is None:
                return False
        elif not self.prompts.confirm(self, action_label(action, self.route),
                                      _CONFIRM[action]):
            return False
        return self.perform(action, reason)

    def perform(self, action: Action, reason: str | None = None) -> bool:
        change = self._attempt(
            lambda: self.session.change_phase(action, reason=reason),
            self._show_general_reasons)
        if change is not None:
            self.vitals_form.inputs["systolic"].setFocus()  # the next thing charted is vitals
        return change is not None

    def open_override_dialog(self, action: Action | None = None) -> OverrideDialog | None:
        """The physician's override of what holds `action` (by default the one held now),
        listing the holds or gaps as they are now; the logged-in physician is chosen."""
        action = action or self.held_action
        if action is None:
            return None
        if self.override_dialog is not None:
            self.override_dialog.close()
        account = self.session.account
        chosen = account.username if account is not None else None
        words = action_label(action, self.route)
        self.override_dialog = OverrideDialog(
            self, words, self.session.override_items(action),
            self.session.physicians(), chosen,
            lambda physician, password, reason, show: self.give_override(
                action, physician, password, reason, show))
        self.override_dialog.open()
        return self.override_dialog

    def give_override(self, action: Action, physician: str, password: str, reason: str,
                      show_reasons: Callable[[dict[str, str]], None]) -> bool:
        """A physician's override, charted; a wrong password (or a physician who must wait)
        is shown beside the password field, nothing overridden."""
        def write() -> ChartChange[Override]:
            try:
                return self.session.override(action, reason, physician, password)
            except (PasswordNotConfirmed, LoginRefused) as refused:
                raise ValidationError({"password": str(refused)}) from None

        return self._attempt(write, show_reasons) is not None

    def correct_vitals(self, entry_id: int, typed: dict[str, str], reason: str, *,
                       confirmed: frozenset[str] = frozenset(),
                       ask: Callable[[Mapping[str, str]], None] | None = None) -> bool:
        """Amend a set; a value corrected to an extreme is asked about (`ask`) and charted
        once `confirmed` names it."""
        now = self.session.now()

        def write() -> ChartChange[list[int]]:
            entry = self.session.vitals_entry(entry_id)
            with asking(ask):
                drafts = vitals_amendments(entry, typed, reason, now=now,
                                           session_began=self.chart.session.began_at,
                                           zone=self.zone, confirmed=confirmed)
            return self.session.amend(drafts)

        return self._attempt(write, self._show_general_reasons) is not None

    def strike_vitals(self, entry_id: int, reason: str) -> bool:
        return self._attempt(
            lambda: self.session.amend((entered_in_error("vitals", entry_id, reason),)),
            self._show_general_reasons) is not None

    def _selected_entry_id(self) -> int | None:
        rows = self.vitals_table.selectionModel().selectedRows()
        if not rows:
            self.prompts.show_problem(self, "Choose a set", "Select a vitals set in the table "
                                      "first.")
            return None
        return self.vitals_model.row_value(rows[0].row()).entry.id

    def _open_correction(self) -> None:
        entry_id = self._selected_entry_id()
        if entry_id is not None:
            entry = self.session.vitals_entry(entry_id)
            CorrectionDialog(self, entry, self.correct_vitals).open()

    def _strike_selected(self) -> None:
        entry_id = self._selected_entry_id()
        if entry_id is None:
            return
        reason = self.prompts.reason(self, "Entered in error", "Why was this set entered in "
                                     "error? It stays on the record, struck through.",
                                     self.session.library.reasons_for("entered_in_error"))
        if reason:
            self.strike_vitals(entry_id, reason)

    def open_late_entry(self) -> LateEntryDialog:
        """The late entry's dialog: the session's day filled in, the time to be typed."""
        if self.late_dialog is not None:
            self.late_dialog.close()
        timeline = self.chart.timeline
        ended = timeline.finished_at or self.session.now()
        span = (f"{format_local(self.chart.session.began_at, self.zone)} to "
                f"{format_local(ended, self.zone)}")
        self.late_dialog = LateEntryDialog(self, span, self.day.isoformat(),
                                           self.chart_late_vitals)
        self.late_dialog.open()
        return self.late_dialog

    def chart_late_vitals(self, typed: dict[str, str],
                          show_reasons: Callable[[dict[str, str]], None]) -> bool:
        """A set taken during the finished session, charted now with its reason."""
        now = self.session.now()
        ended = self.chart.timeline.finished_at or now

        dialog = self.late_dialog
        confirmed = dialog.confirmed() if dialog is not None else frozenset()

        def write() -> ChartChange[int]:
            with asking(dialog.ask if dialog is not None else None):
                late = parse_late_vitals(typed, now=now,
                                         session_began=self.chart.session.began_at,
                                         session_ended=ended, zone=self.zone,
                                         confirmed=confirmed)
                return self.session.record_late_vitals(late, confirmed=confirmed)

        return self._attempt(write, show_reasons) is not None

    def open_medication_dialog(self, alert_id: int | None = None) -> MedicationDialog:
        """The dialog for a medicine given: ordered by the session's prescriber and given by
        the person logged in unless changed; `alert_id` the alert it answers, if any."""
        if self.medication_dialog is not None:
            self.medication_dialog.close()
        account = self.session.account
        self.medication_dialog = MedicationDialog(
            self, self.session.library.medicines, self.chart.session.prescriber or "",
            account.display_name if account is not None else "",
            lambda typed, show: self.chart_medication(typed, show, alert_id))
        self.medication_dialog.open()
        return self.medication_dialog

    def chart_medication(self, typed: dict[str, str],
                         show_reasons: Callable[[dict[str, str]], None],
                         alert_id: int | None = None) -> bool:
        """A medicine given, from the dialog's text; refused with every reason at once."""
        now = self.session.now()

        def write() -> ChartChange[int]:
            entry = parse_medication(typed, self.session.library.medicines, now=now,
                                     session_began=self.chart.session.began_at,
                                     zone=self.zone, alert_id=alert_id)
            return self.session.record_medication(entry)

        return self._attempt(write, show_reasons) is not None

    def _strike_selected_medication(self) -> None:
        rows = self.medications_table.selectionModel().selectedRows()
        if not rows:
            self.prompts.show_problem(self, "Choose a medicine", "Select a medicine given in "
                                      "the table first.")
            return
        given = self.medications_model.row_value(rows[0].row())
        reason = self.prompts.reason(self, "Entered in error", "Why was this medicine "
                                     "entered in error? It stays on the record, struck "
                                     "through.",
                                     self.session.library.reasons_for("entered_in_error"))
        if reason:
            self._attempt(lambda: self.session.amend(
                (entered_in_error("medications", given.id, reason),)),
                self._show_general_reasons)

    def focus_entry(self) -> None:
        """Where typing goes on opening the page: the vitals form's first field on a chart
        still charted; on a read-only chart the vitals table, where keys chart nothing."""
        if self.access is not None and self.access.can_chart:
            self.vitals_form.inputs["systolic"].setFocus()
        else:
            self.vitals_table.setFocus()

    def _time(self, moment: datetime) -> str:
        """A time of this chart as its tables show it: with its date when not on the
        session's day."""
        return format_on_day(moment, self.zone, self.day)

    def choose_export(self) -> ExportSummaryDialog:
        """Export summary…: the dialog asks the format, the paper (the clinic's first) and
        the file; once it is accepted the export runs."""
        if self.export_dialog is not None:
            self.export_dialog.close()
        dialog = ExportSummaryDialog(self, self.prompts, self.session_id,
                                     self.session.summary_page_size())
        dialog.chosen.connect(lambda choice: self.export_summary(choice.path, choice.page_size))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def export_summary(self, path: Path, page_size: str | None = None) -> StagedRun | None:
        """Write the summary in the format its file name asks for, a PDF on `page_size`
        paper (the clinic's unless given). It runs in stages while the window stays
        responsive, with progress shown when it takes over a second; once written, the
        file's whole path is said. Any refusal is said and nothing is left under that
        name. None when it could not start."""
        fmt = summary_format_of(path)
        if fmt is None:
            self.prompts.show_problem(self, "Not exported", "End the file name with .pdf, "
                                      ".fhir.json, .json or .csv to choose the format.")
            return None
        choice = SummaryExportChoice(fmt, page_size or self.session.summary_page_size(), path)
        run = StagedRun(self, "Exporting the summary", summary_stages(self.session, choice))
        run.finished.connect(self._summary_written)
        run.failed.connect(self._summary_not_written)
        run.cancelled.connect(lambda: self.export_button.setEnabled(True))
        self.export_run = run
        self.export_button.setEnabled(False)  # one export at a time
        run.start()
        return run

    def _summary_written(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.prompts.show_info(self, "Summary exported",
                               f"The summary was written to:\n\n{path}")

    def _summary_not_written(self, error: Exception) -> None:
        """A refusal or a failure of the disk is said; anything else is a bug: raised."""
        self.export_button.setEnabled(True)
        if isinstance(error, ExportFailed):
            self.prompts.show_problem(self, error.title, error.message)
        elif isinstance(error, RuleError):
            self.prompts.show_problem(self, "Not exported", str(error))
        elif isinstance(error, StoreError):
            self.prompts.show_problem(self, error.title, error.message)
        else:
            raise error

    def show_course(self) -> CourseDialog:
        """The patient's course in a window of its own, beside the session."""
        if self.course is not None:
            self.course.close()
        self.course = self._new_course(self.chart.patient.id, self)
        self.course.open()
        return self.course

    # -- the session's nurse --------------------------------------------------------------

    def open_handover_dialog(self) -> HandoverDialog | None:
        """Choose the nurse who takes the session over; recorded only when confirmed."""
        try:
            choices = self.session.handover_choices()
        except RuleError as refused:
            tell_refusal(self.prompts, self, refused)
            return None
        if self.handover_dialog is not None:
            self.handover_dialog.close()
        self.handover_dialog = HandoverDialog(self, self.chart.session.nurse, choices,
                                              self.hand_over)
        self.handover_dialog.open()
        return self.handover_dialog

    def hand_over(self, nurse: str, show_reasons: ShowReasons | None = None) -> bool:
        """Record the handover to `nurse` (a username); the header then names them."""
        show = show_reasons or self._show_general_reasons
        return self._attempt(lambda: self.session.hand_over(nurse),
                             show) is not None

    # -- review and signature ------------------------------------------------------------

    def sign(self, password: str, show_reasons: ShowReasons | None = None,
             seen_alerts: Sequence[int] | None = None) -> bool:
        """Sign the finished chart as reviewed and approved, after the password again.
        A refusal (a wrong password above all) is shown by `show_reasons` (the dialog's,
        beside its field), else on the signature panel; nothing is signed then.
        `seen_alerts`: the high and critical alerts the signer was shown as not yet seen
        by a physician (the signature records that the signer has seen them)."""
        return self._signing(lambda: self.session.sign(password, seen_alerts),
                             show_reasons)

    def add_addendum(self, text: str, password: str,
                     show_reasons: ShowReasons | None = None) -> bool:
        """A signed addendum to the signed chart (which itself stays as it was)."""
        return self._signing(lambda: self.session.add_addendum(text, password),
                             show_reasons)

    def _signing(self, write: Callable[[], ChartChange[Signature]],
                 show_reasons: ShowReasons | None) -> bool:
        show = show_reasons or self.signature_panel.show_reasons

        def signed() -> ChartChange[Signature]:
            try:
                return write()
            except (PasswordNotConfirmed, LoginRefused) as refused:  # wrong, or must wait
                raise ValidationError({"password": str(refused)}) from None
            except ValidationError:
                raise
            except RuleError as refused:  # no longer permitted, already signed, logged out
                raise ValidationError({"signature": str(refused)}) from None

        signature = attempt(signed, show, self.prompts, self)
        if signature is None:
            return False
        self.signature_panel.show_reasons({})
        self.draw()
        self.signed.emit(self.session_id)
        return True

    def open_sign_dialog(self) -> SignDialog:
        """The signing dialog, listing the chart's high and critical alerts that no
        physician has seen yet (signing records that the signer has)."""
        unseen = self.session.alerts_unseen_by_physician()
        seen = [record.id for record in unseen]
        lines = [f"{self._time(r.raised_at)}  {r.priority.mark} {r.priority.word}: {r.message}"
                 for r in unseen]
        dialog = SignDialog(self, *self._signer(), self.session.now(),
                            lambda password, show: self.sign(password, show, seen), lines)
        return self._open_signing(dialog)

    def open_addendum_dialog(self) -> AddendumDialog:
        dialog = AddendumDialog(self, *self._signer(), self.session.now(),
                                self.add_addendum)
        return self._open_signing(dialog)

    def _signer(self) -> tuple[str, str]:
        account = self.session.account
        return ("", "") if account is None else (account.display_name, account.username)

    def _open_signing(self, dialog: Signing) -> Signing:
        if self.sign_dialog is not None:
            self.sign_dialog.close()
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    # -- showing -------------------------------------------------------------------------

    def _show_general_reasons(self, reasons: dict[str, str]) -> None:
        self.prompts.show_problem(self, "Not charted", "\n".join(reasons.values()))

    def _show_refusal(self, refused: PhaseChangeRefused) -> None:
        lines = "\n".join(f"• {gap}" for gap in refused.missing)
        self.prompts.show_problem(self, "Not yet", f"{refused.summary}:\n{lines}"
                                  if lines else refused.summary)

    def _hint_aldrete_oxygen(self, chart: SessionChart) -> None:
        """Beside the Aldrete's oxygen item, the latest SpO2 and what it was read on; the
        items the chart gives (SpO2, circulation, consciousness) are offered as the default
        and their score shown (core.aldrete: a higher score is refused)."""
        scale_id, item_key = ALDRETE_OXYGEN_ITEM
        form = self.scales.get(scale_id)
        if form is None:
            return
        derived = chart_items(chart, self.session.now())
        for key, item in derived.items():
            form.default(key, item.score)
            if key != item_key:
                form.hint(key, f"the chart gives {item.score}: {item.evidence}")
        oxygen = aldrete_oxygen_hint(entry.current for entry in chart.vitals
                                     if not entry.in_error)
        if item_key in derived:
            oxygen += f" (the chart gives {derived[item_key].score})"
        form.hint(item_key, oxygen)

    @property
    def chart(self) -> SessionChart:
        """The room's copy of the session's chart (the page keeps none of its own)."""
        return self.session.chart

    def reload(self) -> None:
        """Read the chart again through the room (charted behind the page's back), and
        redraw."""
        self.room.reread(self.session_id)
        self.draw()

    def draw(self) -> None:
        """Redraw everything from the room's copy of the chart: no read of the chart."""
        chart = self.chart
        self._drawn = chart
        self.header.draw(chart)
        self.monitor_panel.show_chart(chart)
        self.vitals_tab.draw(chart)
        self._hint_aldrete_oxygen(chart)
        self.notes_tab.draw(chart)
        self.side_effects_tab.draw(chart, self.zone)
        self.pre_session_tab.draw(chart, self.zone)
        self.discharge_tab.draw(chart, self.zone, self.session.now())
        self.dissociation_tab.draw(chart, self.zone)
        self.scales_tab.draw(chart, self.zone)
        self.chart_view.show_chart(chart, self.session.now())
        self._show_flags()
        if self.rems_tab is not None:
            self.rems_tab.draw(chart, self.zone, self.session.clinic_name())
        found = self.corrections_tab_view.draw(chart, {
            scale_id: self.scales_tab.scale_title(scale_id) for scale_id in self.scales})
        self.tabs.setTabVisible(self.corrections_tab, bool(found))
        self.tabs.setTabText(self.corrections_tab, f"Corrections ({found})")
        self.medicines_tab.draw(chart)
        self._show_access(chart_access(self.session.account, chart,
                                       self.session.signatures(),
                                       self.session.state.alerts,
                                       zone=self.zone))
        self.tick()

    def _show_access(self, access: ChartAccess) -> None:
        """What the person logged in may do here: recomputed on every reload, since another
        person may log in while the page is open."""
        self.access = access
        self._show_item9(self.chart, access)
        can_chart = access.can_chart
        self.header.show_access(allowed(self.session.account, Permission.EXPORT),
                                can_chart and not self.chart.phase.is_finished)
        self.read_only_reason.setText(access.read_only_reason or "")
        self.read_only_reason.setVisible(access.read_only_reason is not None)
        offered = set(offered_actions(self.chart.phase, self.route)) if can_chart else set()
        self.action_bar.draw(offered)
        self.form_frame.setVisible(can_chart)
        for form in (self.vitals_form, self.devices, self.pre_session, self.discharge_checklist,
                     self.dissociation, self.side_effects, *self.scales.values(),
                     self.note_text, self.note_button):
            form.setEnabled(can_chart)
        self.side_effects.setVisible(can_chart)
        self.dissociation_form.setVisible(can_chart)
        self.scale_forms.setVisible(can_chart)
        self.note_text.setVisible(can_chart)
        self.note_button.setVisible(can_chart)
        if self.rems is not None:
            self.rems.setEnabled(can_chart)
        if self.drug_lot is not None:
            for widget in (self.drug_lot.lot, self.drug_lot.button):
                widget.setVisible(can_chart)
        self.correct_button.setVisible(access.can_amend)
        self.strike_button.setVisible(access.can_amend)
        self.alerts.set_acknowledge_offered(access.can_acknowledge)
        self.late_button.setVisible(access.can_late_entry)
        self.medication_button.setVisible(can_chart)
        self.strike_medication_button.setVisible(access.can_amend)
        focused = self.focusWidget()
        if not can_chart and focused is not None and self.form_frame.isAncestorOf(focused):
            self.focus_entry()  # a chart that became read-only while its form had the keys
        finished = self.chart.phase.is_finished
        # a finished chart that is only read has no clock to watch: its phase and end time
        # show on the review panel instead, and the chart gets the room
        self.timer.setVisible(not (finished and not can_chart))
        at = format_moment(self.chart.timeline.phase_since, self.zone, self.session.now())
        ended = f"{phase_label(self.chart.phase, self.route)} at {at}" if finished else ""
        self.signature_panel.show_access(access, finished, ended)

    def tick(self) -> None:
        """Repaint what depends on the time: derived from the clock and the record only."""
        now = self.session.now()
        if self.chart is not self._drawn:
            self._show_readings()
        timers = session_timers(self.chart, now)
        self.timer.show_timers(timers, self.zone, phase_label(self.chart.phase, self.route))
        self.devices.show_chart(self.chart, now)
        if self.access is not None and not self.access.can_chart:
            self.devices.hide()  # the lots given show on the REMS form
        self._show_next_step(now)

    def _show_next_step(self, now: datetime) -> None:
        step = next_step(self.chart, self.session.library, now)
        can_chart = self.access is not None and self.access.can_chart
        self.held_action = step.action if step.held and can_chart else None
        self.override_button.setVisible(self.held_action is not None)
        self.pump_volume_button.setVisible(can_chart and not self.chart.phase.is_finished
                                           and takes_pump_volume(self.chart))
        self.overrides_note.setText("\n".join(
            f"{theme.FLAG_MARK} {self._time(o.overridden_at)} {override_words(o)}"
            for o in self.chart.overrides))
        self.overrides_note.setVisible(bool(self.chart.overrides))
        if step.action is None:
            self.next_step.setText(f"Session "
                                   f"{phase_label(self.chart.phase, self.route).lower()}.")
            restyle(self.next_step, "")
            # a finished session's phase shows on its badge, or on the review panel
            self.next_step.setVisible(not self.chart.phase.is_finished)
            self._show_attention()
            return
        self.next_step.setVisible(True)
        self._show_attention()
        parts = []
        if step.gaps:
            items = "".join(f"<li>{gap}</li>" for gap in step.gaps)
            words = self._next_words(step.action)
            parts.append(f"<b>Before “{words}”:</b><ul style='margin:0'>{items}</ul>")
        held = [item for item in step.held if item not in step.gaps]
        if held:
            items = "".join(f"<li>{theme.FLAG_MARK} {escape(h)}</li>" for h in held)
            words = self._next_words(step.action)
            parts.append(f"<b style='color:{theme.HIGH}'>{escape(held_words(words))}</b>"
                         f"<ul style='margin:0'>{items}</ul>")
        elif not step.gaps:
            parts.append(f"<b>Next: {self._next_words(step.action)}</b>")
        if step.cautions:
            items = "".join(f"<li>{theme.FLAG_MARK} {c}</li>" for c in step.cautions)
            parts.append(f"<b style='color:{theme.CAUTION}'>For the physician:</b>"
                         f"<ul style='margin:0'>{items}</ul>")
        self.next_step.setText("".join(parts))

    def _next_words(self, action: Action) -> str:
        spacing = device_spacing(self.chart)
        if action is Action.START_INFUSION and spacing is not None:
            return f"Give device 1 of {spacing.of}"
        if action is Action.END_INFUSION and spacing is not None:
            return f"Give device {spacing.number} of {spacing.of}"
        return action_label(action, self.route)

    def show_alerts(self, records: list[AlertRecord]) -> None:
        """The session's alerts: those waiting above the chart, every one in the log."""
        if list(records) != self.alert_records or not self.alerts_model.rowCount():
            self.alerts_model.set_rows(records)  # once per change, not every tick
        self.alert_records = list(records)
        self.alerts.show_alerts(attention_order(records))
        self.chart_view.show_alerts(records)
        self._show_flags()

    def _show_flags(self) -> None:
        """The chart's flags that no alert speaks for (an alert shows its own, once)."""
        flags = flags_not_alerted(self.chart.flags(self.session.library.scales),
                                  self.alert_records)
        self.flags.setText("\n".join(f"{theme.FLAG_MARK} {flag.message}" for flag in flags))
        # a finished chart's flags are history ("hold the infusion" no longer can be): the
        # vitals table and the chart's rings keep them
        self.flags.setVisible(bool(flags) and not self.chart.phase.is_finished)
        self._show_attention()

    def _show_attention(self) -> None:
        """The slot is there while the session runs (its height constant); a finished
        chart gives it up unless something still waits, and the tabs get the room."""
        self.attention.setVisible(not self.next_step.isHidden() or bool(self.alerts.rows)
                                  or not self.flags.isHidden()
                                  or not self.overrides_note.isHidden())

    def has_typing(self) -> bool:
        """Typing that can still be saved here (a read-only chart's forms are gone)."""
        if self.access is not None and not self.access.can_chart:
            return False
        return self.vitals_form.has_typing() or self._note_typed()

    def _note_typed(self) -> bool:
        return bool(self.note_text.toPlainText().strip())

    def _go_on_past_typing(self, action: Action) -> bool:
        """Discharge vitals typed and never entered are the slip this catches: the nurse
        moves the session on with a reading that is not in the record. Cancel takes her back to
        the field, typing intact."""
        typed = [what for what, present in (
            ("vitals", self.vitals_form.has_typing()),
            ("a note", self._note_typed())) if present]
        if not typed:
            return True
        words = action_label(action, self.route)
        if self.prompts.confirm(
                self, f"{words}: typing not saved",
                f"{' and '.join(typed).capitalize()} typed on this chart but not saved, so "
                f"not in the record. {words} anyway, leaving it unsaved?\n\n"
                "Cancel goes back to the typing, to save it first."):
            return True
        if self.vitals_form.has_typing():
            self.vitals_form.focus_first_typed()
        else:
            notes = self.note_text.parentWidget()
            if notes is not None:
                self.tabs.setCurrentIndex(self.tabs.indexOf(notes))
            self.note_text.setFocus()
        return False
