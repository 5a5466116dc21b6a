"""What must be on the chart before a phase change: listed, never just refused.

Each gate returns the missing pieces in the nurse's words, so the screen can show a list
to work through rather than a bare "not allowed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Checklist, Scale
from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.library import Library
from ketamonitor.core.parsing import entry_time_problem
from ketamonitor.core.phases import Action, Phase, next_phase
from ketamonitor.core.protocol import Resolution
from ketamonitor.core.records import EarlyEnd
from ketamonitor.core.risk import early_end_gaps, risk_gaps
from ketamonitor.core.timeline import PhaseChange
from ketamonitor.core.timers import observation_remaining
from ketamonitor.core.times import format_clock, format_duration


def _unanswered(chart: SessionChart, checklist: Checklist) -> list[str]:
    answers = chart.answers(checklist.id)
    return [f"{checklist.title}: {item.label}"
            for item in checklist.items_for(chart.protocol.route) if item.key not in answers]


def start_gaps(chart: SessionChart, library: Library) -> tuple[str, ...]:
    """Before the dose: a baseline BP and every pre-session item answered."""
    missing = []
    if chart.baseline_bp() is None:
        missing.append("Baseline vitals with BP")
    missing += _unanswered(chart, library.checklist(chart.protocol.checklists.pre_session))
    return tuple(missing)


def unexpected_answers(chart: SessionChart, checklist: Checklist) -> tuple[str, ...]:
    """Answers that differ from the expected one: charted and shown, for the physician."""
    answers = chart.answers(checklist.id)
    return tuple(
        f"{item.label}: {answers[item.key].value}"
        for item in checklist.items_for(chart.protocol.route)
        if item.key in answers and item.expected and answers[item.key].value != item.expected
    )


def infusion_end_gaps(chart: SessionChart, at: datetime) -> tuple[str, ...]:
    """'Infusion complete' means the planned time ran; ending sooner is a stop with a reason,
    so the record says so."""
    infused = chart.timeline.time_in(Phase.INFUSING, at)
    tolerance = timedelta(minutes=chart.protocol.dosing.end_tolerance_minutes)
    if infused + tolerance < chart.infusion_time:
        return (f"The infusion has run {format_duration(infused)} of "
                f"{format_duration(chart.infusion_time)}: to end it now, use "
                f"“{Action.STOP_INFUSION_EARLY.label}” and give a reason",)
    return ()


def observation_gaps(chart: SessionChart, now: datetime,
                     scales: dict[str, Scale] | None = None) -> tuple[str, ...]:
    """Observation ends when its time is met and, where the protocol asks (esketamine),
    sedation, dissociation and respiratory depression have resolved."""
    gaps = []
    remaining = observation_remaining(chart, now)
    if remaining is None or remaining > timedelta():
        left = format_duration(remaining) if remaining is not None else "not started"
        gaps.append(f"Observation time ({chart.protocol.observation_minutes:g} min): "
                    f"{left} left")
    gaps += _unresolved(chart, scales or {})
    return tuple(gaps)


#: The scale whose top score means sedation has resolved ("responds readily to name").
SEDATION_SCALE = "moaas"


def _unresolved(chart: SessionChart, scales: dict[str, Scale]) -> list[str]:
    dose = chart.timeline.dose_started_at
    if dose is None:
        return []
    gaps = []
    for what in chart.protocol.until_resolved:
        if what is Resolution.SEDATION:
            gaps += _sedation_gap(chart, dose, scales)
        elif what is Resolution.DISSOCIATION:
            gaps += _dissociation_gap(chart, dose)
        else:
            gaps += _respiration_gap(chart, dose)
    return gaps


def _sedation_gap(chart: SessionChart, dose: datetime, scales: dict[str, Scale]) -> list[str]:
    scale = scales.get(SEDATION_SCALE)
    awake = scale.max_total if scale else 5
    latest = chart.latest_score(SEDATION_SCALE)
    if latest is None or latest.observed_at < dose:
        return [f"Sedation resolved: score MOAA/S after the dose (needs {awake})"]
    if latest.total < awake:
        return [f"Sedation resolved: MOAA/S is {latest.total} (needs {awake})"]
    return []


def _dissociation_gap(chart: SessionChart, dose: datetime) -> list[str]:
    entries = [e for e in chart.entries_of(chart.protocol.checklists.dissociation)
               if not e.in_error and e.observed_at >= dose]
    if not entries:
        return ["Dissociation resolved: assess the dissociation checklist after the dose"]
    latest = max(e.observed_at for e in entries)
    present = [e.label for e in entries if e.observed_at == latest and e.value == "present"]
    if present:
        return [f"Dissociation resolved: still present at the last assessment "
                f"({'; '.join(present)})"]
    return []


def _respiration_gap(chart: SessionChart, dose: datetime) -> list[str]:
    limits = chart.protocol.thresholds
    readings = [e.current for e in chart.valid_vitals if e.current.observed_at >= dose
                and (e.current.respiratory_rate is not None or e.current.spo2 is not None)]
    if not readings:
        return ["Respiratory depression resolved: chart RR and SpO2 after the dose"]
    last = readings[-1]
    low = []
    if last.respiratory_rate is not None and last.respiratory_rate < limits.respiratory_rate_below:
        low.append(f"RR {last.respiratory_rate}")
    if last.spo2 is not None and last.spo2 < limits.spo2_below:
        low.append(f"SpO2 {last.spo2} %")
    if low:
        return [f"Respiratory depression resolved: last {' and '.join(low)} below the line"]
    return []


def discharge_gaps(chart: SessionChart, library: Library, now: datetime) -> tuple[str, ...]:
    """The discharge gate: observation time met, Modified Aldrete at or above the line, a
    fresh BP back near baseline, and each discharge item answered yes."""
    protocol = chart.protocol
    rules = protocol.discharge
    missing = list(observation_gaps(chart, now, library.scales))
    aldrete = chart.latest_score("modified_aldrete")
    if aldrete is None:
        missing.append(f"Modified Aldrete score (needs {rules.aldrete_at_least} or more)")
    elif aldrete.total < rules.aldrete_at_least:
        missing.append(f"Modified Aldrete score is {aldrete.total} "
                       f"(needs {rules.aldrete_at_least} or more)")
    missing += _bp_gaps(chart, now)
    checklist = library.checklist(protocol.checklists.discharge)
    answers = chart.answers(checklist.id)
    for item in checklist.items_for(protocol.route):
        answer = answers.get(item.key)
        if answer is None:
            missing.append(f"{checklist.title}: {item.label}")
        elif item.expected and answer.value != item.expected:
            missing.append(f"{checklist.title}: {item.label} (answered {answer.value})")
    missing += risk_gaps(chart)
    return tuple(missing)


def _bp_gaps(chart: SessionChart, now: datetime) -> list[str]:
    protocol = chart.protocol
    fresh_within = timedelta(minutes=protocol.checks.before_discharge_minutes)
    baseline, latest = chart.baseline_bp(), chart.latest_bp()
    if baseline is None or latest is None or latest.id == baseline.id:
        return ["A BP before discharge (none taken since dosing)"]
    if now - latest.current.observed_at > fresh_within:
        minutes = int(fresh_within.total_seconds() // 60)
        return [f"A BP before discharge (the last is more than {minutes} min old)"]
    tolerance = protocol.discharge.bp_within_percent_of_baseline / 100
    base, last = baseline.current, latest.current
    pairs = ((last.systolic or 0, base.systolic or 0), (last.diastolic or 0, base.diastolic or 0))
    if any(abs(now_value - base_value) > tolerance * base_value for now_value, base_value in pairs):
        return [f"BP back near baseline: {last.systolic}/{last.diastolic} is not within "
                f"{protocol.discharge.bp_within_percent_of_baseline:g} % of "
                f"{base.systolic}/{base.diastolic}"]
    return []


def check_action(
    chart: SessionChart,
    action: Action,
    at: datetime,
    now: datetime,
    library: Library,
    *,
    zone: tzinfo,
    reason: str | None = None,
    early_end: EarlyEnd | None = None,
) -> PhaseChange:
    """The phase change `action` makes, or a refusal listing what is missing. Ending a
    session early needs its outcome and the physician informed (`early_end`): its reason
    says them, then what was typed, so every view of the event carries them."""
    if action is Action.END_SESSION_EARLY:
        if gaps := early_end_gaps(early_end):
            raise PhaseChangeRefused(f"{action.label} needs", gaps)
        typed = (reason or "").strip()
        summary = early_end.summary  # type: ignore[union-attr]
        reason = f"{summary} — {typed}" if typed else summary
    phase = next_phase(chart.phase, action, reason)
    problem = entry_time_problem(at, now=now, session_began=chart.timeline.began_at, zone=zone)
    if problem is None and at < chart.timeline.phase_since:
        last = format_clock(chart.timeline.phase_since, zone)
        problem = f"is before the last phase change ({last})"
    if problem:
        raise PhaseChangeRefused(f"{action.label}: the time {problem}")
    gaps: tuple[str, ...] = ()
    if action is Action.START_INFUSION:
        gaps = start_gaps(chart, library)
    elif action is Action.END_INFUSION:
        gaps = infusion_end_gaps(chart, at)
    elif action is Action.COMPLETE_OBSERVATION:
        gaps = observation_gaps(chart, at, library.scales)
    elif action is Action.DISCHARGE:
        gaps = discharge_gaps(chart, library, at)
    if gaps:
        raise PhaseChangeRefused(f"{action.label} needs", gaps)
    return PhaseChange(action=action, phase=phase, at=at, reason=(reason or "").strip() or None)


@dataclass(frozen=True)
class NextStep:
    """The phase change the session is heading for and what it still needs, for the screen
    to show before the nurse presses anything."""

    action: Action | None
    gaps: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()


def next_step(chart: SessionChart, library: Library, now: datetime) -> NextStep:
    phase = chart.phase
    if phase is Phase.PRE_INFUSION:
        pre_session = library.checklist(chart.protocol.checklists.pre_session)
        return NextStep(Action.START_INFUSION, start_gaps(chart, library),
                        unexpected_answers(chart, pre_session))
    if phase in (Phase.INFUSING, Phase.PAUSED):
        return NextStep(Action.END_INFUSION)  # the timer shows what is left
    if phase is Phase.OBSERVATION:
        return NextStep(Action.COMPLETE_OBSERVATION,
                        observation_gaps(chart, now, library.scales))
    if phase is Phase.READY_FOR_DISCHARGE:
        return NextStep(Action.DISCHARGE, discharge_gaps(chart, library, now))
    return NextStep(None)


def follow_on(chart: SessionChart, change: PhaseChange) -> PhaseChange | None:
    """A change that follows another at once: an injection given all at once (IM, with no
    dosing time) is both the start and the end of dosing."""
    if change.action is Action.START_INFUSION and chart.infusion_time <= timedelta():
        return PhaseChange(Action.END_INFUSION, next_phase(change.phase, Action.END_INFUSION),
                           change.at)
    return None


def dosing_complete(chart: SessionChart, at: datetime) -> PhaseChange:
    """The last intranasal device given: dosing is complete whatever the clock says (the
    devices' spacing is shown to the nurse, not enforced on what was actually done)."""
    return PhaseChange(Action.END_INFUSION, next_phase(chart.phase, Action.END_INFUSION), at)


def check_ready_without_minimum(chart: SessionChart, at: datetime, *, now: datetime,
                                zone: tzinfo) -> None:
    """The REMS question's time must lie after the first device and not in the future."""
    dose = chart.timeline.dose_started_at
    if dose is None:
        raise ValidationError({"ready_without_minimum": "no device has been given yet"})
    if at > now:
        raise ValidationError({"ready_without_minimum": "is in the future"})
    if at < dose:
        raise ValidationError({"ready_without_minimum": "is before the first device "
                                                        f"({format_clock(dose, zone)})"})
