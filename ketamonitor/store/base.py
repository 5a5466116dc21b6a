"""The store's foundation: the connection, one transaction per entry, and the audit row
written with it."""

from __future__ import annotations

import logging
import socket
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from ketamonitor.core.clock import Clock
from ketamonitor.core.library import Library, load_library, shipped_library
from ketamonitor.core.times import to_stored
from ketamonitor.store import rows
from ketamonitor.store.connection import (
    check_writable,
    environment_error,
    open_database,
    pragmas,
    prepare_new_location,
)
from ketamonitor.store.lock import InstanceLock

log = logging.getLogger(__name__)


class StoreBase:
    """A ketamonitor database, opened for one person charting at one workstation."""

    def __init__(
        self,
        db: Database,
        path: Path,
        clock: Clock,
        *,
        user: str,
        workstation: str | None = None,
        library: Library | None = None,
        lock: InstanceLock | None = None,
    ) -> None:
        self._db = db
        self.path = path
        self.clock = clock
        self.user = user
        self.workstation = workstation or socket.gethostname()
        self._base_library = library or shipped_library()
        self._library = self._with_clinic_protocols()
        self._lock = lock

    @classmethod
    def open(cls, path: Path | str, clock: Clock, *, user: str, lock: bool = True,
             library: Library | None = None,
             extra_protocol_folders: Sequence[Path] = ()) -> Self:
        """Take the one-instance lock, check and migrate the file; refuse with a StoreError
        (naming the file and what to do) and write nothing if it cannot be used.

        The clinic's own protocol and checklist files in `extra_protocol_folders` join the
        shipped ones (each bad file refused alone, listed in `library.problems`)."""
        if library is None and extra_protocol_folders:
            library = load_library(extra_protocol_folders)
        path = Path(path).absolute()
        instance_lock = None
        if lock:
            if path.exists():
                check_writable(path)  # before the lock file is made beside it
            else:
                prepare_new_location(path)
            instance_lock = InstanceLock(path)
            instance_lock.acquire()
        try:
            db = open_database(path)
        except BaseException:
            if instance_lock:
                instance_lock.abandon()
            raise
        return cls(db, path, clock, user=user, library=library, lock=instance_lock)

    def close(self) -> None:
        self._db.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One atomic, durable write; environment failures become StoreErrors."""
        try:
            with self._db.atomic():
                yield
        except sqlite3.OperationalError as error:
            log.error("write to %s failed: %s", self.path, error)
            raise environment_error(self.path, error) from error

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many entries in one commit, all or none: for generated or imported data (the demo
        clinic, a monitor's backlog), never for a nurse's entries, which commit one by one."""
        with self._transaction():
            yield

    def _insert(self, table: str, values: Mapping[str, Any]) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self._db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
        row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    def _audit(self, action: str, entity: str, entity_id: int | None, *,
               new_value: Mapping[str, Any] | None = None, old_value: str | None = None,
               reason: str | None = None, at: datetime | None = None) -> None:
        self._insert("audit", {
            "at": to_stored(at or self.clock.now()),
            "user": self.user,
            "workstation": self.workstation,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "old_value": old_value,
            "new_value": None if new_value is None else rows.canonical_json(new_value),
            "reason": reason,
        })

    def _charted(self, table: str, values: dict[str, Any], *, reason: str | None = None) -> int:
        """Insert a charted row stamped with who and when, with its audit row."""
        now = to_stored(self.clock.now())
        values = {**values, "entered_at": now, "entered_by": self.user}
        row_id = self._insert(table, values)
        self._audit(f"{table}.create", table, row_id, new_value=values, reason=reason)
        return row_id

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self._db.execute(sql, list(params))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def audit_rows(self, entity: str | None = None) -> list[dict[str, Any]]:
        if entity is None:
            return self._rows("SELECT * FROM audit ORDER BY id")
        return self._rows("SELECT * FROM audit WHERE entity = ? ORDER BY id", [entity])

    def integrity_check(self) -> list[str]:
        return [row[0] for row in self._db.execute("PRAGMA integrity_check")]

    def pragmas(self) -> dict[str, object]:
        return pragmas(self._db)
