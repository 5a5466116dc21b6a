"""Charts built in memory for the rules' tests: no database, no Qt."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import count

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.dose import device_dose, weight_based_dose
from ketamonitor.core.library import shipped_library
from ketamonitor.core.patient import Patient, PatientDetails
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import DoseUnit
from ketamonitor.core.records import ChecklistEntry, ScaleScore, SessionRecord, VitalsEntry
from ketamonitor.core.timeline import PhaseChange, Timeline
from ketamonitor.core.vitals import Vitals

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
_ids = count(1)

_ENTERS = {
    Phase.INFUSING: [(Action.START_INFUSION, Phase.INFUSING)],
    Phase.PAUSED: [(Action.START_INFUSION, Phase.INFUSING),
                   (Action.PAUSE_INFUSION, Phase.PAUSED)],
    Phase.OBSERVATION: [(Action.START_INFUSION, Phase.INFUSING),
                        (Action.END_INFUSION, Phase.OBSERVATION)],
}


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


class ChartBuilder:
    """A session that began at T0 and, by default, started its dose at T0 + 10 min."""

    def __init__(self, protocol_id: str = "iv-racemic-ketamine", devices: int = 2) -> None:
        library = shipped_library()
        self.library = library
        self.protocol = library.protocol(protocol_id)
        if self.protocol.dosing.unit is DoseUnit.DEVICES:
            dose = device_dose(self.protocol, devices)
        else:
            dose = weight_based_dose(self.protocol, 70, 0.5, 1.0)
        self.session = SessionRecord(1, 1, self.protocol, "1", "Ana", 70, dose, T0, "ana")
        self.patient = Patient(1, PatientDetails("M1", "Doe", "Jo", date(1980, 1, 1), 70), T0)
        self.changes: list[PhaseChange] = []
        self.vitals: list[VitalsEntry] = []
        self.scores: list[ScaleScore] = []
        self.entries: list[ChecklistEntry] = []

    def phase(self, phase: Phase, dose_at: float = 10, end_at: float = 50) -> ChartBuilder:
        """Put the session in `phase`: dose started at `dose_at`, ended at `end_at` minutes."""
        moments = [minutes(dose_at), minutes(end_at)]
        for (action, entered), moment in zip(_ENTERS.get(phase, []), moments, strict=False):
            self.changes.append(PhaseChange(action, entered, moment, "reason"))
        return self

    def reading(self, at: float, systolic: int | None = None, diastolic: int | None = None,
                **others: int) -> ChartBuilder:
        vitals = Vitals(minutes(at), systolic, diastolic, **others)
        self.vitals.append(VitalsEntry(next(_ids), 1, vitals, "manual", minutes(at), "ana"))
        return self

    def score(self, at: float, scale_id: str, scores: dict[str, int],
              timepoint: str | None = None) -> ChartBuilder:
        self.scores.append(ScaleScore(next(_ids), 1, scale_id, timepoint, sum(scores.values()),
                                      scores, minutes(at), minutes(at), "ana"))
        return self

    def side_effect(self, at: float, label: str, severity: str) -> ChartBuilder:
        self.entries.append(ChecklistEntry(next(_ids), 1, "side_effects", label.lower(), label,
                                           "present", minutes(at), minutes(at), "ana",
                                           severity=severity))
        return self

    def build(self) -> SessionChart:
        return SessionChart(self.session, self.patient, Timeline(T0, tuple(self.changes)),
                            tuple(self.vitals), tuple(self.entries), tuple(self.scores))


def monitored(seconds: int) -> SessionChart:
    """A session fed by a monitor: a full set every second from arrival, dose at 10 min,
    ended at 50; the BP rises to a peak over the stop line 40 minutes in, then settles."""
    builder = ChartBuilder().phase(Phase.OBSERVATION, dose_at=10, end_at=50)
    for second in range(seconds):
        at = second / 60
        rise = int(70 * math.exp(-(((at - 40) / 8) ** 2)))
        builder.reading(at, 120 + rise, 78 + rise // 2, heart_rate=76 + second % 5,
                        spo2=97 - second % 2, respiratory_rate=14 + second % 3)
    return builder.build()


def with_reading(chart: SessionChart, at: float, systolic: int, diastolic: int,
                 **others: int) -> SessionChart:
    """The same chart with one more set, taken `at` minutes after T0."""
    more = ChartBuilder().reading(at, systolic, diastolic, **others).vitals
    return replace(chart, vitals=(*chart.vitals, *more))
