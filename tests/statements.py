"""Counting what one intent costs the file: every SQL statement the store's connection
runs, and how many of them read a session's chart whole (`RecordReads.chart`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ketamonitor.store.store import Store

#: The statement that starts a whole chart's read: one per chart read.
_CHART_READ = re.compile(r"FROM sessions s\s+WHERE s\.id\s*=")


@dataclass
class Statements:
    """The statements run while counting, in order."""

    run: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.run)

    @property
    def chart_reads(self) -> int:
        return sum(1 for sql in self.run if _CHART_READ.search(sql))

    @property
    def transactions(self) -> int:
        return sum(1 for sql in self.run if sql.strip().upper().startswith("BEGIN"))


@contextmanager
def counting(store: Store) -> Iterator[Statements]:
    """Every statement the store's connection runs inside the block (sqlite-utils'
    `Database.conn` is the sqlite3 connection)."""
    seen = Statements()
    connection = store._db.conn
    connection.set_trace_callback(seen.run.append)
    try:
        yield seen
    finally:
        connection.set_trace_callback(None)
