"""What makes two faults (bugs) "the same problem": its kind and the line that raised it,
not its message (which may carry a time or a value that changes every second). A problem
is logged each time but shown in a dialog once, so a fault on every tick or every redraw
never opens a dialog every second."""

from __future__ import annotations

import traceback
from types import TracebackType

Signature = tuple[str, str, int]


def signature(kind: type[BaseException], trace: TracebackType | None) -> Signature:
    """The fault's kind and the file and line where it was raised."""
    where = traceback.extract_tb(trace)[-1:] if trace is not None else []
    if not where:
        return kind.__name__, "", 0
    return kind.__name__, where[0].filename, where[0].lineno or 0


class ShownOnce:
    """The problems already shown: `first_time` is true once per signature."""

    def __init__(self) -> None:
        self._seen: set[Signature] = set()

    def first_time(self, kind: type[BaseException], trace: TracebackType | None) -> bool:
        found = signature(kind, trace)
        if found in self._seen:
            return False
        self._seen.add(found)
        return True
