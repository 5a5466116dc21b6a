"""A session's whole chart as one value: what every view and rule reads from.

The store assembles it from rows; everything here is derived, nothing is kept elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Protocol as Interface

from ketamonitor.core.checklists import Scale
from ketamonitor.core.dose import PumpVolume, planned_infusion_time
from ketamonitor.core.flags import (
    Flag,
    baseline_fall_flag,
    scale_flags,
    side_effect_flags,
    vitals_flags,
)
from ketamonitor.core.monitor_readings import (
    MonitorReading,
    ReadingMark,
    ReadingVerdict,
    latest_pending,
    pending,
)
from ketamonitor.core.patient import Patient
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import Protocol
from ketamonitor.core.records import (
    Administration,
    ChecklistEntry,
    EarlyEnd,
    Event,
    MedicationGiven,
    Override,
    RiskAssessment,
    ScaleScore,
    SessionRecord,
    VitalsEntry,
)
from ketamonitor.core.timeline import Timeline
from ketamonitor.core.vitals import Vitals


@dataclass(frozen=True)
class FlaggedVitals:
    entry: VitalsEntry
    phase: Phase
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class FlaggedReading:
    """A monitor's reading no nurse has validated yet, with the flags it would have as a
    set (the alerts judge it at once; nothing else reads it as validated)."""

    reading: MonitorReading
    phase: Phase
    flags: tuple[Flag, ...]


class Carried(Interface):
    """Something a rule works out from a whole chart and keeps beside it (`SessionChart.keep`)
    that can go on from where it stood when the monitor's readings are appended: at a
    reading a second, working it out again from every reading on each tick is too slow."""

    def grown(self, chart: SessionChart, fresh: tuple[FlaggedReading, ...]) -> Carried | None:
        """The same, on `chart`, this value's chart with `fresh` appended (each pending,
        flagged); None if it cannot go on (then it is worked out again when asked)."""
        ...


#: What appending the monitor's readings leaves as it was: the validated sets, their
#: flags and baseline, and the verdicts (a reading appended has none yet).
_UNCHANGED_BY_READINGS = ("valid_vitals", "flagged_vitals", "_flag_basis",
                          "accepted_readings", "artifacts")


@dataclass(frozen=True)
class SessionChart:
    session: SessionRecord
    patient: Patient
    timeline: Timeline
    vitals: tuple[VitalsEntry, ...] = ()
    checklist_entries: tuple[ChecklistEntry, ...] = ()
    scale_scores: tuple[ScaleScore, ...] = ()
    events: tuple[Event, ...] = ()
    administrations: tuple[Administration, ...] = ()
    #: Medicines given besides the dose, in the order given.
    medications: tuple[MedicationGiven, ...] = ()
    #: Physicians' overrides of the holds before the start or the gaps before discharge.
    overrides: tuple[Override, ...] = ()
    #: A physician's risk assessments after PHQ-9 item 9 >= 1, in the order entered.
    risk_assessments: tuple[RiskAssessment, ...] = ()
    #: The outcome of "End session early", when the session ended so.
    early_end: EarlyEnd | None = None
    #: The pump's "volume infused" as confirmed by the nurse, in the order charted.
    pump_volumes: tuple[PumpVolume, ...] = ()
    #: The sets a bedside monitor sent for this session, in the order charted (issue 21),
    #: and the nurse's verdict on those she validated: accepted ones are among `vitals`
    #: too (as the set each was charted as), artifacts are marks with their reasons.
    monitor_readings: tuple[MonitorReading, ...] = ()
    reading_marks: tuple[ReadingMark, ...] = ()

    @property
    def protocol(self) -> Protocol:
        return self.session.protocol

    @property
    def phase(self) -> Phase:
        return self.timeline.phase

    @property
    def infusion_time(self) -> timedelta:
        """How long this session's dosing should take (pauses not counted)."""
        return planned_infusion_time(self.protocol, self.session.dose)

    @cached_property
    def valid_vitals(self) -> tuple[VitalsEntry, ...]:
        """Sets not marked entered-in-error, in order of the (corrected) time taken."""
        kept = [entry for entry in self.vitals if not entry.in_error]
        return tuple(sorted(kept, key=lambda e: (e.current.observed_at, e.id)))

    @cached_property
    def flagged_vitals(self) -> tuple[FlaggedVitals, ...]:
        """Each valid set with its flags (see `flags_of`)."""
        rows = []
        for entry in self.valid_vitals:
            phase, flags = self.flags_of(entry.current)
            rows.append(FlaggedVitals(entry, phase, flags))
        return tuple(rows)

    @cached_property
    def flagged_pending(self) -> tuple[FlaggedReading, ...]:
        """Each reading not yet validated, with the flags it would have as a set (see
        `flags_of`): what the alerts judge at once."""
        return tuple(FlaggedReading(reading, *self.flags_of(reading.vitals))
                     for reading in self.pending_readings)

    @cached_property
    def _flag_basis(self) -> tuple[Vitals | None, datetime | None]:
        """The baseline BP and when dosing began: what a set's fall is judged from."""
        baseline = self.baseline_bp()
        return (baseline.current if baseline else None), self.timeline.dose_started_at

    def flags_of(self, vitals: Vitals) -> tuple[Phase, tuple[Flag, ...]]:
        """The phase a set was taken in and its flags: the lines it crosses, and a fall from
        the baseline BP for a set taken after dosing began (judged here: only the chart
        knows the baseline). One low-BP flag per set, whichever line it crossed first. A
        typed set and a monitor's reading are flagged alike, here."""
        protocol = self.protocol
        baseline, started = self._flag_basis
        phase = self.timeline.phase_at(vitals.observed_at)
        flags = vitals_flags(vitals, phase, protocol)
        after_dose = started is not None and vitals.observed_at > started
        if baseline is not None and after_dose and all(f.code != "bp_low" for f in flags):
            fall = baseline_fall_flag(vitals, baseline, protocol.low_bp)
            flags = (*flags, fall) if fall is not None else flags
        return phase, flags

    def all_vitals_rows(self) -> tuple[FlaggedVitals, ...]:
        """Every set charted, struck ones included (without flags), for the vitals table."""
        struck = [FlaggedVitals(entry, self.timeline.phase_at(entry.current.observed_at), ())
                  for entry in self.vitals if entry.in_error]
        rows = [*self.flagged_vitals, *struck]
        return tuple(sorted(rows, key=lambda r: (r.entry.current.observed_at, r.entry.id)))

    def bp_sets(self) -> tuple[VitalsEntry, ...]:
        return tuple(entry for entry in self.valid_vitals if entry.current.has_bp)

    def baseline_bp(self) -> VitalsEntry | None:
        """The last BP taken before dosing began: what 'back near baseline' is measured from."""
        started = self.timeline.dose_started_at
        before = [e for e in self.bp_sets() if started is None or e.current.observed_at <= started]
        return before[-1] if before else None

    def latest_bp(self) -> VitalsEntry | None:
        sets = self.bp_sets()
        return sets[-1] if sets else None

    def with_readings(self, readings: tuple[MonitorReading, ...]) -> SessionChart:
        """The chart with more of the monitor's readings appended: what the room does on a
        tick, without reading the chart again (nothing else on it changed). Readings it
        holds already (read with the chart) are not appended twice: this chart itself when
        none is new. What was worked out from this chart and does not depend on the
        readings is passed on as it is, and what a rule kept (`keep`) goes on from there
        with the readings appended, each flagged once. The readings waiting and the latest
        of them go on by one append if they were asked for (`_carry_pending`: the tile and
        the page ask each tick); the pending readings' flags are not carried (the alerts'
        runs hold what they need), and are worked out when asked, as when the chart is read
        whole."""
        held = self.monitor_readings[-1].id if self.monitor_readings else 0
        fresh = tuple(reading for reading in readings if reading.id > held)
        if not fresh:
            return self
        chart = replace(self, monitor_readings=self.monitor_readings + fresh)
        marked = {mark.reading_id for mark in self.reading_marks}
        if any(reading.id in marked for reading in fresh):
            return chart  # a verdict already on a reading just appended: work it all out
        known, passed = vars(self), vars(chart)
        for name in _UNCHANGED_BY_READINGS:
            if name in known:
                passed[name] = known[name]
        _carry_pending(known, passed, fresh)
        kept: dict[str, Carried] = known.get("_kept", {})
        if kept:
            flagged = tuple(FlaggedReading(reading, *chart.flags_of(reading.vitals))
                            for reading in fresh)
            for name, value in kept.items():
                grown = value.grown(chart, flagged)
                if grown is not None:
                    chart.keep(name, grown)
        return chart

    def keep(self, name: str, value: Carried) -> None:
        """Keep beside this chart something worked out from it (the alerts' runs), so that
        it is worked out once per chart and goes on when readings are appended."""
        vars(self).setdefault("_kept", {})[name] = value

    def kept(self, name: str) -> Carried | None:
        kept: dict[str, Carried] = vars(self).get("_kept", {})
        return kept.get(name)

    @cached_property
    def pending_readings(self) -> tuple[MonitorReading, ...]:
        """The monitor's readings no nurse has validated or marked yet."""
        return pending(self.monitor_readings, self.reading_marks)

    @cached_property
    def latest_pending_reading(self) -> MonitorReading | None:
        """The set the one key accepts: the latest one not yet validated."""
        return latest_pending(self.monitor_readings, self.reading_marks)

    @cached_property
    def accepted_readings(self) -> dict[int, MonitorReading]:
        """The monitor's readings a nurse accepted, by the vitals set each was charted as:
        how a vitals set is known to have come from the monitor."""
        by_id = {reading.id: reading for reading in self.monitor_readings}
        return {mark.vitals_id: by_id[mark.reading_id] for mark in self.reading_marks
                if mark.verdict is ReadingVerdict.ACCEPTED and mark.vitals_id is not None
                and mark.reading_id in by_id}

    @cached_property
    def artifacts(self) -> tuple[tuple[MonitorReading, ReadingMark], ...]:
        """The readings marked as artifacts, each with its mark, in the order taken."""
        by_id = {reading.id: reading for reading in self.monitor_readings}
        found = [(by_id[mark.reading_id], mark) for mark in self.reading_marks
                 if mark.verdict is ReadingVerdict.ARTIFACT and mark.reading_id in by_id]
        return tuple(sorted(found, key=lambda pair: (pair[0].observed_at, pair[0].id)))

    def answers(self, checklist_id: str) -> dict[str, ChecklistEntry]:
        """The latest valid answer to each item of a checklist."""
        latest: dict[str, ChecklistEntry] = {}
        entries = sorted(self.checklist_entries, key=lambda e: (e.observed_at, e.id))
        for entry in entries:
            if entry.checklist == checklist_id and not entry.in_error:
                latest[entry.item] = entry
        return latest

    def entries_of(self, checklist_id: str) -> tuple[ChecklistEntry, ...]:
        return tuple(e for e in self.checklist_entries if e.checklist == checklist_id)

    def latest_score(self, scale_id: str, timepoint: str | None = None) -> ScaleScore | None:
        scores = [
            s for s in self.scale_scores
            if s.scale == scale_id and not s.in_error
            and (timepoint is None or s.timepoint == timepoint)
        ]
        return max(scores, key=lambda s: (s.observed_at, s.id)) if scores else None

    def flags(self, scales: dict[str, Scale]) -> tuple[Flag, ...]:
        """Every flag on the chart: vitals (the critical tier, low BP and a fall from the
        baseline, EtCO2 included), scale scores and severe side effects."""
        found = [flag for flagged in self.flagged_vitals for flag in flagged.flags]
        limits = self.protocol.thresholds
        for score in self.scale_scores:
            if not score.in_error and score.scale in scales:
                found.extend(scale_flags(scales[score.scale], score.total, score.item_scores,
                                         limits, self.protocol.critical))
        for entry in self.entries_of(self.protocol.checklists.side_effects):
            if not entry.in_error:
                found.extend(side_effect_flags(entry.label, entry.severity))
        return tuple(found)


def _carry_pending(known: dict[str, object], passed: dict[str, object],
                   fresh: tuple[MonitorReading, ...]) -> None:
    """The readings waiting and the latest of them, carried on to a chart with `fresh`
    appended (none of them marked): one append, not a pass over every reading held, so a
    tile and a page asking each second cost nothing more as the day's readings grow."""
    waiting = known.get("pending_readings")
    if isinstance(waiting, tuple):
        passed["pending_readings"] = waiting + fresh
    if "latest_pending_reading" in known:
        latest = known["latest_pending_reading"]
        candidates = [*fresh, latest] if isinstance(latest, MonitorReading) else list(fresh)
        passed["latest_pending_reading"] = max(candidates, key=lambda r: (r.observed_at, r.id))
