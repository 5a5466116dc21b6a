"""The Modified Aldrete's items the chart already knows: SpO2, circulation, consciousness.

A hand-scored Aldrete once gave 2 SpO2 points beside a charted 86 %. The three items that
follow from charted values are worked out here, offered by the form as its default, and a
score that gives more than the chart supports is refused (the form and the store both ask).
Scoring lower than the chart is allowed: the nurse at the bedside may see worse than the
last charted value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.flags import spo2_words

#: The scale's id and the keys of its chart-derived items (resources/checklists/
#: modified_aldrete.toml).
ALDRETE = "modified_aldrete"
SPO2_ITEM = "oxygen_saturation"
CIRCULATION_ITEM = "circulation"
CONSCIOUSNESS_ITEM = "consciousness"

#: CLINICAL.md "Scales": SpO2 > 92 % on room air = 2, kept > 90 % (with oxygen) = 1, else 0.
#: A room-air SpO2 of 91-92 % would need oxygen to reach the 2-point line: scored 1. [U]
SPO2_ROOM_AIR_ABOVE = 92
SPO2_KEPT_ABOVE = 90
#: Circulation: BP within ±20 % of baseline = 2, within ±50 % = 1, beyond = 0 (CLINICAL.md
#: and the scale's own option labels).
CIRCULATION_FULL_WITHIN = 20.0
CIRCULATION_PART_WITHIN = 50.0
#: Consciousness from the MOAA/S: 5 (responds readily to name) = 2 "fully awake"; 3-4
#: (responds to name, loudly or repeatedly) = 1 "arousable on calling"; 0-2 (needs prodding
#: or more) = 0 "not responding" to calling. [U]: no published mapping; ours.
MOAAS_AWAKE = 5
MOAAS_AROUSABLE_AT_LEAST = 3


@dataclass(frozen=True)
class ChartItem:
    """One Aldrete item as the chart gives it: the score and the charted value behind it."""

    key: str
    score: int
    evidence: str


def chart_items(chart: SessionChart, at: datetime) -> dict[str, ChartItem]:
    """The chart-derived items at `at`, from the latest values charted at or before it; an
    item the chart has nothing for is left to the nurse."""
    found = [_spo2_item(chart, at), _circulation_item(chart, at), _consciousness_item(chart, at)]
    return {item.key: item for item in found if item is not None}


def _spo2_item(chart: SessionChart, at: datetime) -> ChartItem | None:
    readings = [e.current for e in chart.valid_vitals
                if e.current.spo2 is not None and e.current.observed_at <= at]
    if not readings:
        return None
    last = readings[-1]
    spo2 = last.spo2 or 0
    if spo2 > SPO2_ROOM_AIR_ABOVE and not last.on_oxygen:
        score = 2
    elif spo2 > SPO2_KEPT_ABOVE:
        score = 1
    else:
        score = 0
    return ChartItem(SPO2_ITEM, score, f"last {spo2_words(last)}")


def bp_change_percent(systolic: int, diastolic: int, base_systolic: int,
                      base_diastolic: int) -> float:
    """The larger change of the two BP numbers from the baseline, in percent either way."""
    changes = [abs(value - base) / base * 100
               for value, base in ((systolic, base_systolic), (diastolic, base_diastolic))
               if base]
    return max(changes, default=0.0)


def _circulation_item(chart: SessionChart, at: datetime) -> ChartItem | None:
    baseline = chart.baseline_bp()
    sets = [e for e in chart.bp_sets() if e.current.observed_at <= at]
    if baseline is None or not sets or sets[-1].id == baseline.id:
        return None
    base, last = baseline.current, sets[-1].current
    change = bp_change_percent(last.systolic or 0, last.diastolic or 0,
                               base.systolic or 0, base.diastolic or 0)
    if change <= CIRCULATION_FULL_WITHIN:
        score = 2
    elif change <= CIRCULATION_PART_WITHIN:
        score = 1
    else:
        score = 0
    return ChartItem(CIRCULATION_ITEM, score,
                     f"last BP {last.systolic}/{last.diastolic}, {change:.0f} % from the "
                     f"baseline {base.systolic}/{base.diastolic}")


def _consciousness_item(chart: SessionChart, at: datetime) -> ChartItem | None:
    scores = [s for s in chart.scale_scores
              if s.scale == "moaas" and not s.in_error and s.observed_at <= at]
    if not scores:
        return None
    last = max(scores, key=lambda s: (s.observed_at, s.id))
    if last.total >= MOAAS_AWAKE:
        score = 2
    elif last.total >= MOAAS_AROUSABLE_AT_LEAST:
        score = 1
    else:
        score = 0
    return ChartItem(CONSCIOUSNESS_ITEM, score, f"last MOAA/S {last.total}")


def contradictions(chart: SessionChart, item_scores: Mapping[str, int],
                   at: datetime) -> dict[str, str]:
    """Each item scored above what the chart gives at `at`, with the chart's value: the
    reason a form shows beside the field."""
    found = {}
    for key, item in chart_items(chart, at).items():
        scored = item_scores.get(key)
        if scored is not None and scored > item.score:
            found[key] = (f"scored {scored} but the chart gives {item.score} "
                          f"({item.evidence})")
    return found


def check_aldrete(chart: SessionChart, scale_id: str, item_scores: Mapping[str, int],
                  at: datetime) -> None:
    """Refuse an Aldrete whose chart-derived items contradict the chart (whatever the path:
    the form asks first, the store again)."""
    if scale_id != ALDRETE:
        return
    found = contradictions(chart, item_scores, at)
    if found:
        raise ValidationError(found)
