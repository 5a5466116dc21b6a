"""What must be on the chart before a phase change: listed, never just refused.

Each gate returns the missing pieces in the nurse's words, so the screen can show a list
to work through rather than a bare "not allowed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ketamonitor.core.aldrete import ALDRETE, bp_change_percent, contradictions
from ketamonitor.core.chart import FlaggedVitals, SessionChart
from ketamonitor.core.checklists import Checklist, Scale
from ketamonitor.core.errors import PhaseChangeRefused, ValidationError
from ketamonitor.core.flags import Level, spo2_words
from ketamonitor.core.holds import covered, start_holds
from ketamonitor.core.library import Library
from ketamonitor.core.parsing import entry_time_problem
from ketamonitor.core.phases import Action, Phase, next_phase
from ketamonitor.core.protocol import Resolution
from ketamonitor.core.records import ChecklistEntry, EarlyEnd
from ketamonitor.core.risk import early_end_gaps, risk_gaps
from ketamonitor.core.side_effects import MUST_RESOLVE, still_present
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
        return ((f"The infusion has run {format_duration(infused)} of "
                f"{format_duration(chart.infusion_time)}: to end it now, use "
                f"“{Action.STOP_INFUSION_EARLY.label}” and give a reason"),)
    return ()


def observation_gaps(chart: SessionChart, now: datetime,
                     scales: dict[str, Scale] | None = None) -> tuple[str, ...]:
    """Observation ends when its time is met and, where the protocol asks (esketamine),
    sedation, dissociation and respiratory depression have resolved."""
    return (*_observation_time_gap(chart, now), *_unresolved(chart, scales or {}))


def _observation_time_gap(chart: SessionChart, now: datetime) -> list[str]:
    remaining = observation_remaining(chart, now)
    if remaining is None or remaining > timedelta():
        left = format_duration(remaining) if remaining is not None else "not started"
        return [f"Observation time ({chart.protocol.observation_minutes:g} min): {left} left"]
    return []


#: The scale whose top score means sedation has resolved ("responds readily to name").
SEDATION_SCALE = "moaas"


def _unresolved(chart: SessionChart, scales: dict[str, Scale],
                skip: tuple[Resolution, ...] = ()) -> list[str]:
    """What the protocol asks to have resolved before observation ends (`skip`: what the
    discharge gate judges its own stricter way)."""
    dose = chart.timeline.dose_started_at
    if dose is None:
        return []
    gaps = []
    for what in chart.protocol.until_resolved:
        if what in skip:
            continue
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
        return [(f"Dissociation resolved: still present at the last assessment "
                f"({'; '.join(present)})")]
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
    """The discharge gate, judged on the chart for every route from entries observed after
    dosing ended and not after `now` (the discharge time: what is charted later cannot have
    satisfied it): observation time met, the last vitals fresh and inside every line, MOAA/S
    back to its top, an Aldrete at or above the line that agrees with the chart, no moderate
    or severe side effect still present, and each discharge item answered yes."""
    missing = [*_observation_time_gap(chart, now),
               *_unresolved(chart, library.scales, skip=(Resolution.SEDATION,))]
    ended = chart.timeline.infusion_ended_at or chart.timeline.dose_started_at
    if ended is None:
        return (*missing, "Dosing has not begun: nothing after it is charted yet",
                *risk_gaps(chart))
    missing += _vitals_gaps(chart, ended, now)
    missing += _mental_status_gaps(chart, library.scales, ended, now)
    missing += _aldrete_gaps(chart, ended, now)
    missing += _side_effect_gaps(chart, now)
    missing += _discharge_answer_gaps(chart, library, now)
    missing += risk_gaps(chart)
    return tuple(missing)


def _between(moment: datetime, ended: datetime, at: datetime) -> bool:
    """Observed after dosing ended and not after the discharge time."""
    return ended < moment <= at


def _ago(moment: datetime, at: datetime) -> str:
    minutes = max(int((at - moment).total_seconds() // 60), 0)
    return f"{minutes} min before"


#: What the discharge gate asks of the last vitals: each measurement, with the fields its
#: flags name (core.flags).
_MEASURED = (
    ("BP", ("systolic", "diastolic")),
    ("heart rate", ("heart_rate",)),
    ("SpO2", ("spo2",)),
    ("respiratory rate", ("respiratory_rate",)),
)
#: The pre-dose line does not apply after the dose.
_NOT_AFTER_DOSE = ("predose_bp_high",)


def _vitals_gaps(chart: SessionChart, ended: datetime, at: datetime) -> list[str]:
    """The last reading of each measurement since dosing ended: fresh (the protocol's
    window) and inside every line, judged by the flags the chart already carries."""
    window = timedelta(minutes=chart.protocol.checks.before_discharge_minutes)
    minutes = f"{chart.protocol.checks.before_discharge_minutes:g}"
    sets = [f for f in chart.flagged_vitals if _between(f.entry.current.observed_at, ended, at)]
    gaps = []
    for name, fields in _MEASURED:
        taken = [f for f in sets if getattr(f.entry.current, fields[0]) is not None]
        if not taken:
            gaps.append(f"Chart a {name} before discharge (none since dosing ended)")
            continue
        last = taken[-1]
        observed = last.entry.current.observed_at
        if at - observed > window:
            gaps.append(f"Chart a {name} before discharge (the last is more than {minutes} "
                        f"min old: {_ago(observed, at)})")
        gaps += _line_gaps(last, fields, name, chart.protocol.thresholds.spo2_below)
    gaps += _bp_gaps(chart, ended, at)
    return gaps


def _line_gaps(flagged: FlaggedVitals, fields: tuple[str, ...], name: str,
               spo2_line: int) -> list[str]:
    """The lines the last reading crosses (high and critical flags; the pre-dose line no
    longer applies), in words that say what to do."""
    out = []
    for flag in flagged.flags:
        if flag.code in _NOT_AFTER_DOSE or flag.level < Level.HIGH \
                or not set(flag.fields) & set(fields):
            continue
        if fields == ("spo2",):
            out.append(f"Last {spo2_words(flagged.entry.current)} is below {spo2_line} %: "
                       "recheck on room air")
        else:
            out.append(f"Last {name} is outside its line ({flag.message}): recheck")
    return out


def _bp_gaps(chart: SessionChart, ended: datetime, at: datetime) -> list[str]:
    """The last BP since dosing back within the protocol's percentage of the baseline."""
    protocol = chart.protocol
    baseline = chart.baseline_bp()
    sets = [e for e in chart.bp_sets() if _between(e.current.observed_at, ended, at)]
    if baseline is None or not sets:
        return []  # said by _vitals_gaps
    base, last = baseline.current, sets[-1].current
    within = protocol.discharge.bp_within_percent_of_baseline
    change = bp_change_percent(last.systolic or 0, last.diastolic or 0,
                               base.systolic or 0, base.diastolic or 0)
    if change > within:
        return [(f"BP back near baseline: {last.systolic}/{last.diastolic} is not within "
                f"{within:g} % of {base.systolic}/{base.diastolic}: recheck")]
    return []


def _mental_status_gaps(chart: SessionChart, scales: dict[str, Scale], ended: datetime,
                        at: datetime) -> list[str]:
    """MOAA/S at its top, charted after dosing ended and after the last lower score."""
    scale = scales.get(SEDATION_SCALE)
    awake = scale.max_total if scale else 5
    scores = sorted((s for s in chart.scale_scores if s.scale == SEDATION_SCALE
                     and not s.in_error and s.observed_at <= at),
                    key=lambda s: (s.observed_at, s.id))
    lower = [s for s in scores if s.total < awake]
    last_lower = lower[-1] if lower else None
    back = [s for s in scores if s.total >= awake and s.observed_at > ended
            and (last_lower is None or s.observed_at > last_lower.observed_at)]
    if back:
        return []
    if last_lower is not None and last_lower.observed_at > ended:
        return [(f"MOAA/S must be {awake} after the last lower score (last: "
                f"{last_lower.total}, {_ago(last_lower.observed_at, at)})")]
    return [f"MOAA/S must be {awake}: score it (none at {awake} since dosing ended)"]


def _aldrete_gaps(chart: SessionChart, ended: datetime, at: datetime) -> list[str]:
    needs = chart.protocol.discharge.aldrete_at_least
    scores = [s for s in chart.scale_scores if s.scale == ALDRETE and not s.in_error
              and _between(s.observed_at, ended, at)]
    if not scores:
        return [f"Modified Aldrete score after dosing ended (needs {needs} or more)"]
    latest = max(scores, key=lambda s: (s.observed_at, s.id))
    gaps = []
    if latest.total < needs:
        gaps.append(f"Modified Aldrete score is {latest.total} (needs {needs} or more)")
    for key, why in contradictions(chart, latest.item_scores, latest.observed_at).items():
        gaps.append(f"Modified Aldrete {key.replace('_', ' ')} {why}: score it again")
    return gaps


def _side_effect_gaps(chart: SessionChart, at: datetime) -> list[str]:
    return [f"Side effect still present: {course.label} ({course.severity}) for "
            f"{_ago(course.onset, at).replace(' before', '')} — chart it resolved or ask "
            "the physician"
            for course in still_present(chart, at) if course.severity in MUST_RESOLVE]


def discharge_answers(chart: SessionChart, checklist_id: str,
                      at: datetime) -> dict[str, ChecklistEntry]:
    """The latest answer to each discharge item that counts at `at`: observed after dosing
    ended and not after `at` ("escort present" charted on arrival does not). Until dosing
    has ended, every answer (nothing counts for the gate yet; the form shows what it has)."""
    ended = chart.timeline.infusion_ended_at
    if ended is None:
        return chart.answers(checklist_id)
    latest: dict[str, ChecklistEntry] = {}
    for entry in sorted(chart.entries_of(checklist_id), key=lambda e: (e.observed_at, e.id)):
        if not entry.in_error and _between(entry.observed_at, ended, at):
            latest[entry.item] = entry
    return latest


def _discharge_answer_gaps(chart: SessionChart, library: Library, at: datetime) -> list[str]:
    """Each discharge item answered as expected, at discharge: an answer charted before
    dosing ended ("escort present" on arrival) does not count."""
    protocol = chart.protocol
    checklist = library.checklist(protocol.checklists.discharge)
    latest = discharge_answers(chart, checklist.id, at)
    missing = []
    for item in checklist.items_for(protocol.route):
        answer = latest.get(item.key)
        if answer is None:
            missing.append(f"{checklist.title}: {item.label} (answer it after dosing ended)")
        elif item.expected and answer.value != item.expected:
            missing.append(f"{checklist.title}: {item.label} (answered {answer.value})")
    return missing


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
    gaps = ()  # typed at the walrus above
    if action is Action.START_INFUSION:
        gaps = start_gaps(chart, library)
    elif action is Action.END_INFUSION:
        gaps = infusion_end_gaps(chart, at)
    elif action is Action.COMPLETE_OBSERVATION:
        gaps = observation_gaps(chart, at, library.scales)
    if gaps:
        raise PhaseChangeRefused(f"{action.label} needs", gaps)
    held = uncovered(chart, action, library, at)
    if held and action is Action.DISCHARGE:
        raise PhaseChangeRefused(f"{action.label} needs", held)  # or a physician's override
    if held:
        raise PhaseChangeRefused(f"{action.label} is held until a physician overrides", held)
    return PhaseChange(action=action, phase=phase, at=at, reason=(reason or "").strip() or None)


def override_items(chart: SessionChart, action: Action, library: Library,
                   now: datetime) -> tuple[str, ...]:
    """What a physician's override of `action` would cover now: the holds on the start,
    or every gap before discharge (nothing else is overridden)."""
    if action is Action.START_INFUSION:
        return start_holds(chart, library)
    if action is Action.DISCHARGE:
        return discharge_gaps(chart, library, now)
    return ()


def uncovered(chart: SessionChart, action: Action, library: Library,
              now: datetime) -> tuple[str, ...]:
    """The holds or gaps that stop `action` now: all of them, unless the latest override
    of it covers each one (a new one after it makes the override stand for nothing)."""
    items = override_items(chart, action, library, now)
    return () if covered(chart, action, items) else items


@dataclass(frozen=True)
class NextStep:
    """The phase change the session is heading for and what it still needs, for the screen
    to show before the nurse presses anything."""

    action: Action | None
    gaps: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    #: What holds the action until a physician overrides it (the holds on the start, the
    #: gaps before discharge); empty when nothing does or an override covers them.
    held: tuple[str, ...] = ()


def next_step(chart: SessionChart, library: Library, now: datetime) -> NextStep:
    phase = chart.phase
    if phase is Phase.PRE_INFUSION:
        pre_session = library.checklist(chart.protocol.checklists.pre_session)
        held = uncovered(chart, Action.START_INFUSION, library, now)
        holds = set(start_holds(chart, library))
        cautions = tuple(c for c in unexpected_answers(chart, pre_session) if c not in holds)
        return NextStep(Action.START_INFUSION, start_gaps(chart, library), cautions, held)
    if phase in (Phase.INFUSING, Phase.PAUSED):
        return NextStep(Action.END_INFUSION)  # the timer shows what is left
    if phase is Phase.OBSERVATION:
        return NextStep(Action.COMPLETE_OBSERVATION,
                        observation_gaps(chart, now, library.scales))
    if phase is Phase.READY_FOR_DISCHARGE:
        held = uncovered(chart, Action.DISCHARGE, library, now)
        return NextStep(Action.DISCHARGE, held, held=held)
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
