"""Columns that grow by appending: every row kept in order across a growth, views of the
filled part only, and rows forgotten or cut without losing the buffers."""

from __future__ import annotations

import numpy as np

from ketamonitor.plotting.buffers import Columns


def test_rows_appended_past_the_capacity_are_all_kept_in_order():
    columns = Columns(("x", "y"), capacity=2)
    columns.extend({"x": [0.0, 1.0], "y": [10.0, 11.0]})
    assert columns.capacity == 2
    columns.extend({"x": np.arange(2.0, 7.0), "y": np.arange(12.0, 17.0)})
    assert len(columns) == 7
    assert columns.capacity == 8  # doubled until the rows fit
    assert columns["x"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert columns["y"].tolist() == [10, 11, 12, 13, 14, 15, 16]


def test_an_empty_append_changes_nothing_and_a_view_holds_the_filled_part_only():
    columns = Columns(("x",), capacity=4)
    columns.extend({"x": []})
    assert len(columns) == 0 and columns["x"].size == 0
    columns.extend({"x": [5.0]})
    assert columns["x"].tolist() == [5.0]


def test_rows_are_cut_or_forgotten_and_the_buffers_kept():
    columns = Columns(("x",), capacity=0)
    assert columns.capacity == 1
    columns.extend({"x": [1.0, 2.0, 3.0]})
    capacity = columns.capacity
    columns.truncate(5)
    assert len(columns) == 3
    columns.truncate(2)
    assert columns["x"].tolist() == [1.0, 2.0]
    columns.truncate(-1)
    assert len(columns) == 0
    columns.extend({"x": [4.0]})
    columns.clear()
    assert (len(columns), columns.capacity) == (0, capacity)
