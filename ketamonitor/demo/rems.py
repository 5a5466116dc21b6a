"""The demo's REMS answers: for each finished esketamine session, the nurse answers the
Spravato REMS form's questions as the chart shows them (issue 19, item 7), and gives the
time the patient would have been ready to leave without the 2-hour minimum; a few forms
are left for the nurse to finish, as in any clinic.

The answers are read from the chart at the moment they are written, through the same rule
that checks them (core.rems_checks): an answer the chart would contradict is given the
other way, so the demo's forms never contradict their charts. Nothing here draws from the
demo's random stream: the sessions and every other demo value stay as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.checklists import Answer, Checklist, Scale
from ketamonitor.core.entries import checklist_answer
from ketamonitor.core.rems_checks import (
    ACCEPTABLE_BEFORE_DOSING,
    ACCEPTABLE_BEFORE_END,
    DISSOCIATION,
    PULSE_OXIMETRY,
    RESPIRATORY_DEPRESSION,
    SEDATION,
    SEDATION_SCALE,
    SERIOUS_ADVERSE_EVENT,
    rems_contradictions,
    spo2_charted,
)
from ketamonitor.demo.script import Script
from ketamonitor.demo.writes import Write
from ketamonitor.store.store import Store

#: One form in this many is left with its last questions and the ready time unanswered.
INCOMPLETE_EVERY = 7
#: One patient in this many takes a concomitant CNS depressant (a benzodiazepine at night).
CONCOMITANT_EVERY = 5

#: The answers of an uneventful session; the chart turns any it contradicts.
_UNEVENTFUL = {
    "patient_enrolled": Answer.YES, "concomitant_cns_depressants": Answer.NO,
    ACCEPTABLE_BEFORE_DOSING: Answer.YES, ACCEPTABLE_BEFORE_END: Answer.YES,
    SEDATION: Answer.NO, DISSOCIATION: Answer.NO, RESPIRATORY_DEPRESSION: Answer.NO,
    PULSE_OXIMETRY: Answer.YES, SERIOUS_ADVERSE_EVENT: Answer.NO,
}
_OTHER = {Answer.YES: Answer.NO, Answer.NO: Answer.YES}


def answer_rems(script: Script, minute: float) -> None:
    """Add the REMS answers to an esketamine session's script at `minute` (after
    observation is complete, before discharge); nothing for a protocol without them."""
    if script.checklists.rems:
        script.add(minute, "REMS answers", _rems_write(script.library.checklist(
            script.checklists.rems), script))


def _rems_write(questions: Checklist, script: Script) -> Write:
    library = script.library

    def write(store: Store, session_id: int, at: datetime) -> object:
        chart = store.chart(session_id)
        alerts = store.alerts([session_id])[session_id]
        answers = truthful_answers(chart, questions, store, library.scales, alerts)
        left = session_id % INCOMPLETE_EVERY == 0
        if left:  # the nurse was called away: the last questions and the time wait
            answers = dict(list(answers.items())[:-2])
        else:
            store.record_ready_without_minimum(session_id, _ready_at(chart, library.scales, at))
        for key, value in answers.items():
            store.record_checklist_answer(session_id,
                                          checklist_answer(questions, key, value, at))
        return answers
    return write


def truthful_answers(chart: SessionChart, questions: Checklist, store: Store,
                     scales: Mapping[str, Scale], alerts: Sequence[AlertRecord]
                     ) -> dict[str, str]:
    """Every question's answer as the chart shows it: an uneventful session's answers, each
    one the chart contradicts turned the other way (pulse oximetry is left to the record
    where SpO2 was charted)."""
    first = store.patient_sessions(chart.patient.id)
    answers = {"first_treatment": Answer.YES if min(s.session_id for s in first)
               == chart.session.id else Answer.NO, **_UNEVENTFUL}
    if chart.patient.id % CONCOMITANT_EVERY == 0:
        answers["concomitant_cns_depressants"] = Answer.YES
    if spo2_charted(chart):
        del answers[PULSE_OXIMETRY]
    answers = {item.key: answers[item.key] for item in questions.items if item.key in answers}
    zone = store.clock.local_zone
    for contradiction in rems_contradictions(chart, answers, questions, zone, scales=scales,
                                             alerts=alerts):
        answers[contradiction.field] = _OTHER[Answer(answers[contradiction.field])]
    return {key: str(value) for key, value in answers.items()}


def _ready_at(chart: SessionChart, scales: Mapping[str, Scale], at: datetime) -> datetime:
    """When the patient would have been ready without the 2-hour minimum: the first MOAA/S
    charted at the scale's top after the dose, else an hour after it (not before 45 minutes,
    never after `at`)."""
    dose = chart.timeline.dose_started_at
    assert dose is not None
    top = scales[SEDATION_SCALE].max_total
    awake = [s.observed_at for s in chart.scale_scores if s.scale == SEDATION_SCALE
             and not s.in_error and s.observed_at > dose and s.total >= top]
    ready = min(awake) if awake else dose + timedelta(minutes=60)
    return min(max(ready, dose + timedelta(minutes=45)), at)
