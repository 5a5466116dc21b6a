"""Columns of numbers that grow by appending, for curves fed one reading at a time.

Each column is a numpy buffer that doubles its capacity when full, so appending a reading
costs O(1) amortised, and the plot is given views of the filled part, never copies or
per-point Python objects (pyqtgraph #1737: a curve rebuilt on every sample slows to a crawl).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

_FIRST_CAPACITY = 64


class Columns:
    """Named float columns of equal length."""

    def __init__(self, names: Sequence[str], capacity: int = _FIRST_CAPACITY) -> None:
        self.names = tuple(names)
        self._data = {name: np.empty(max(capacity, 1), dtype=float) for name in self.names}
        self._length = 0

    def __len__(self) -> int:
        return self._length

    @property
    def capacity(self) -> int:
        return len(self._data[self.names[0]])

    def clear(self) -> None:
        """Forget the rows; the buffers are kept for the next ones."""
        self._length = 0

    def truncate(self, length: int) -> None:
        """Keep the first `length` rows only."""
        self._length = min(self._length, max(length, 0))

    def extend(self, rows: Mapping[str, Sequence[float] | np.ndarray]) -> None:
        """Append rows given column by column (every column the same length)."""
        added = len(rows[self.names[0]])
        if not added:
            return
        needed = self._length + added
        if needed > self.capacity:
            self._grow(needed)
        for name in self.names:
            self._data[name][self._length:needed] = rows[name]
        self._length = needed

    def __getitem__(self, name: str) -> np.ndarray:
        """A view of the filled part of a column (valid until the next append)."""
        return self._data[name][:self._length]

    def _grow(self, needed: int) -> None:
        capacity = self.capacity
        while capacity < needed:
            capacity *= 2
        for name in self.names:
            grown = np.empty(capacity, dtype=float)
            grown[:self._length] = self._data[name][:self._length]
            self._data[name] = grown
