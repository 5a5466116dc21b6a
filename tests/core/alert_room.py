"""One chart under the alert rules as the room runs them, without a database: judged with
the alerts raised so far, raised and cleared as the store does, acknowledged by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from itertools import count

from ketamonitor.core.alerts import AlertRecord, alert_conditions, reconcile
from ketamonitor.core.checklists import ItemFlag, Scale
from ketamonitor.core.library import shipped_library
from ketamonitor.core.phases import Phase
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.vitals import Vitals
from tests.core.builders import ChartBuilder, minutes

SCALES = shipped_library().scales
_ids = count(10_000)


class Watched:
    def __init__(self, builder: ChartBuilder) -> None:
        self.builder = builder
        self.records: list[AlertRecord] = []

    def judge(self, at: float) -> list[AlertRecord]:
        """Judge the chart at `at` minutes; the findings newly raised (over ones included;
        not the BP checks due, which these tests leave to the cadence's own)."""
        now = minutes(at)
        conditions = alert_conditions(self.builder.build(), now, SCALES, UTC, self.records)
        changes = reconcile(self.records, conditions)
        cleared = {record.id for record in changes.to_clear}
        self.records = [replace(r, cleared_at=now) if r.id in cleared else r
                        for r in self.records]
        new = [AlertRecord(next(_ids), 1, c.key, c.kind, c.priority, c.message, now)
               for c in changes.to_raise]
        new += [AlertRecord(next(_ids), 1, c.key, c.kind, c.priority, c.message, now,
                            cleared_at=now) for c in changes.raised_over]
        self.records += new
        return [record for record in new if not record.kind.startswith("check")]

    def reading(self, at: float, systolic: int | None = None, diastolic: int | None = None,
                *, entered: float | None = None, **others: float) -> list[AlertRecord]:
        """Chart a set taken at `at` (entered at `entered`, by default then) and judge the
        chart at the moment it was entered, as the room does on saving."""
        entered = at if entered is None else entered
        vitals = Vitals(minutes(at), systolic, diastolic, **others)  # type: ignore[arg-type]
        self.builder.vitals.append(VitalsEntry(next(_ids), 1, vitals, "manual",
                                               minutes(entered), "ana"))
        return self.judge(entered)

    def score(self, at: float, moaas: int) -> list[AlertRecord]:
        self.builder.score(at, "moaas", {"moaas": moaas})
        return self.judge(at)

    def acknowledge_all(self, at: float) -> None:
        """Someone acknowledges every alert waiting, at `at` minutes."""
        self.records = [replace(r, acknowledged_at=minutes(at), acknowledged_by="ana",
                                action="physician called")
                        if r.acknowledged_at is None else r for r in self.records]

    def active(self) -> set[str]:
        return {record.key for record in self.records if record.is_active}


def kinds(records: list[AlertRecord]) -> list[str]:
    return [record.kind for record in records if not record.kind.startswith("check")]


def clinic_scales() -> dict[str, Scale]:
    """A clinic copy of the PHQ-9 under its own id, as the README invites, and a broken
    clinic scale whose item flag cannot be compared."""
    phq9 = SCALES["phq9"]
    broken = replace(SCALES["phq9"], id="broken", item_flags=(
        ItemFlag("q1", "one", "never said"),))  # type: ignore[arg-type]
    return {**SCALES, "phq9-clinic": replace(phq9, id="phq9-clinic"), "broken": broken}


def clinic_builder() -> ChartBuilder:
    builder = ChartBuilder().phase(Phase.INFUSING)
    protocol = builder.protocol
    scales = (*protocol.checklists.scales, "phq9-clinic", "broken")
    protocol = replace(protocol, checklists=replace(protocol.checklists, scales=scales))
    builder.session = replace(builder.session, protocol=protocol)
    return builder
