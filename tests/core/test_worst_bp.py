"""The worst BP of a session by the protocol's rule, "either number over its line": a
reading with both numbers over the stop line is worse than one with a higher systolic alone
over it (184/114 was hidden behind 187/107 when the log sorted by systolic)."""

from __future__ import annotations

import pytest

from ketamonitor.core.worst_bp import BpLines, bp_rank, worst_bp


@pytest.fixture
def lines(library) -> BpLines:
    """The default IV protocol's stop line (180/110)."""
    lines = BpLines.of(library.protocol("iv-racemic-ketamine").thresholds)
    assert lines == BpLines(180, 110)
    return lines


def test_both_numbers_over_their_line_is_worse_than_a_higher_systolic_alone(lines):
    assert bp_rank(184, 114, lines) > bp_rank(187, 107, lines)
    assert worst_bp([[187, 107], [184, 114], [150, 90]], lines) == "184/114"


@pytest.mark.parametrize(("readings", "worst"), [
    ([[187, 107], [181, 109]], "187/107"),   # one over each: the larger excess (7 > 1)
    ([[181, 125], [193, 100]], "181/125"),   # one over each: 15 over beats 13 over
    ([[170, 96], [142, 104]], "142/104"),    # none over: 104 is 6 under its line, 170 is 10
    ([[150, 100], [160, 90]], "150/100"),    # none over: -10 against -20
    ([[182, 100], [172, 110]], "182/100"),   # 110 is at its line, not over it
    ([[150, 90], [150, 90]], "150/90"),
])
def test_then_the_larger_excess_over_a_line_then_the_systolic(lines, readings, worst):
    assert worst_bp(readings, lines) == worst


def test_equal_excess_goes_to_the_higher_systolic(lines):
    assert worst_bp([[185, 100], [170, 115]], lines) == "185/100"  # both 5 over one line


def test_no_reading_gives_none_and_a_missing_diastolic_is_judged_on_the_systolic(lines):
    assert worst_bp([], lines) is None
    assert worst_bp([[190, None], [185, 112]], lines) == "185/112"
    assert worst_bp([[190, None]], lines) == "190"


def test_without_lines_the_highest_systolic_is_the_worst():
    assert worst_bp([[184, 114], [187, 107]], None) == "187/107"
