"""A line fed one reading at a time shows the same as one drawn from all its points."""

from __future__ import annotations

import numpy as np

from ketamonitor.plotting.buffers import Columns
from ketamonitor.plotting.live_curve import Peaks


def reference(x: np.ndarray, y: np.ndarray, step: int, first: int, last: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Bins of `step` readings anchored at the first reading, worked out from scratch."""
    begin, end = first // step, -(-last // step)
    xs, highs, lows = [], [], []
    for b in range(begin, end):
        chunk = slice(b * step, min((b + 1) * step, len(x)))
        if chunk.start >= len(x):
            break
        size = chunk.stop - chunk.start
        xs.append(x[chunk.start + (step // 2 if size == step else (size - 1) // 2)])
        highs.append(y[chunk].max())
        lows.append(y[chunk].min())
    shown_y = np.empty(2 * len(xs))
    shown_y[0::2], shown_y[1::2] = highs, lows
    return np.repeat(xs, 2), shown_y


def test_appending_gives_the_bins_a_full_redraw_would():
    rng = np.random.default_rng(7)
    columns = Columns(("x", "y"))
    peaks = Peaks()
    for _ in range(60):
        added = int(rng.integers(1, 200))
        start = len(columns)
        columns.extend({"x": (np.arange(added) + start) / 60.0,
                        "y": rng.normal(120, 15, added)})
        x, y = columns["x"], columns["y"]
        shown_x, shown_y = peaks.shown(x, y, -1.0, x[-1] + 1, pixels=300)
        if len(x) // 300 > 1:
            expected_x, expected_y = reference(x, y, peaks.step, 0, len(x))
            assert np.array_equal(shown_x, expected_x)
            assert np.array_equal(shown_y, expected_y)
            assert shown_y.max() == y.max() and shown_y.min() == y.min()


def test_few_readings_are_shown_one_by_one_and_clipped_to_the_view():
    x = np.arange(100) / 1.0
    y = x * 2
    shown_x, shown_y = Peaks().shown(x, y, 10.0, 20.0, pixels=500)
    assert list(shown_x) == list(range(9, 22))  # one reading either side of the view
    assert list(shown_y) == [v * 2 for v in range(9, 22)]


def test_a_zoom_far_from_the_last_bin_size_starts_the_bins_over():
    x = np.arange(10_000) / 60.0
    y = np.sin(x)
    peaks = Peaks()
    peaks.shown(x, y, 0, x[-1], pixels=500)
    assert peaks.step == 20
    peaks.shown(x, y, 0, x[-1] / 4, pixels=500)
    assert peaks.step == 5
