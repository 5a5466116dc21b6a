"""Which of a session's blood pressures is the worst, by the protocol's own rule.

The protocol stops (or holds) the infusion when EITHER number is over its line
(`Thresholds.stop_systolic_above` / `stop_diastolic_above`; core.flags raises
"bp_above_stop_line" on the same test). Sorting by systolic alone hid 184/114 (both numbers
over 180/110) behind 187/107 (one over). So a reading is ranked by how many of its two
numbers are over their line, then by the larger excess over a line in mmHg (negative when
both are under: the nearer to its line, the worse), then by systolic, then diastolic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ketamonitor.core.protocol import Thresholds


@dataclass(frozen=True)
class BpLines:
    """The two numbers a BP is judged against: the protocol's stop line."""

    systolic: int
    diastolic: int

    @classmethod
    def of(cls, thresholds: Thresholds) -> BpLines:
        return cls(thresholds.stop_systolic_above, thresholds.stop_diastolic_above)


def bp_rank(systolic: int, diastolic: int, lines: BpLines) -> tuple[int, int, int, int]:
    """The reading's rank: the larger, the worse (see the module's rule)."""
    over = int(systolic > lines.systolic) + int(diastolic > lines.diastolic)
    excess = max(systolic - lines.systolic, diastolic - lines.diastolic)
    return over, excess, systolic, diastolic


def worst_bp(readings: Iterable[Sequence[int | None]], lines: BpLines | None) -> str | None:
    """The worst of the readings ([systolic, diastolic]) as "184/114"; None if there is
    none. A reading with no diastolic is judged on its systolic alone; with no lines (a
    protocol that cannot be read) the highest systolic is the worst."""
    worst: tuple[int, int, int, int] | None = None
    shown = None
    for systolic, diastolic in readings:
        if systolic is None:
            continue
        judged = diastolic if diastolic is not None else -1_000
        rank = (bp_rank(systolic, judged, lines) if lines is not None
                else (0, 0, systolic, judged))
        if worst is None or rank > worst:
            worst = rank
            shown = f"{systolic}/{diastolic}" if diastolic is not None else f"{systolic}"
    return shown
