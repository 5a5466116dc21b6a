"""The anchor log on disk: where it is, appending a head to it, and reading it back (the
rules of what a head proves are in core.anchor).

By default the log is `<database name>.anchor.jsonl` in the backups folder (the
`backup_folder` setting, else "backups" beside the database); the `anchor_log` setting (an
administrator's, audited like any setting) names another folder for it - another disk, so
that whoever can rewrite the database cannot rewrite its anchor too. Each head is appended
with O_APPEND (two processes appending never overwrite each other) and fsynced before the
write returns: a head that was reported anchored survives a power cut.

Writing a head never stops charting: a log that cannot be written (folder gone, disk full)
is logged as an error and tried again at the next anchor."""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from ketamonitor.core.anchor import (
    BACKUP,
    HEAD,
    RESTORE,
    Anchor,
    AnchoredHead,
    anchor_due,
    parse_log,
)
from ketamonitor.core.backups import DEFAULT_FOLDER_NAME
from ketamonitor.core.clock import Clock
from ketamonitor.core.settings import ANCHOR_LOG, BACKUP_FOLDER
from ketamonitor.core.times import to_stored
from ketamonitor.store.connection import OWNER_ONLY_FILE, make_owner_folder
from ketamonitor.store.verify_keys import root_fingerprint

log = logging.getLogger(__name__)

#: The anchor log's name after its database's: `ketamonitor.db.anchor.jsonl`; a backup's
#: copy of it is named the same way after the backup.
SUFFIX = ".anchor.jsonl"


def anchor_log_path(connection: sqlite3.Connection, database: Path) -> Path:
    """The anchor log of `database` as its settings say (see the module's note)."""
    folder = _setting(connection, ANCHOR_LOG.key) or _setting(connection, BACKUP_FOLDER.key)
    place = Path(folder).expanduser() if folder else Path(DEFAULT_FOLDER_NAME)
    if not place.is_absolute():
        place = database.absolute().parent / place
    return place / f"{database.name}{SUFFIX}"


def carried_log_path(copy: Path) -> Path:
    """The copy of the anchor log that travels beside a backup (or any copy of the file)."""
    return copy.with_name(f"{copy.name}{SUFFIX}")


def _setting(connection: sqlite3.Connection, key: str) -> str:
    try:
        found = connection.execute("SELECT value FROM settings WHERE key = ? "
                                   "ORDER BY id DESC LIMIT 1", [key]).fetchone()
    except sqlite3.Error:
        return ""  # a file from before settings: the default place
    return str(found[0]).strip() if found else ""


def chain_head(connection: sqlite3.Connection, database: Path, now: datetime,
               event: str = HEAD, root: str | None = None) -> AnchoredHead | None:
    """The last audit row's id and hash (and its signature, where rows are signed, and the
    root key's fingerprint: `root` if the caller knows it already); None for a trail with
    no chained row."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(audit)")}
    if "hash" not in columns:
        return None
    signature = "signature" if "signature" in columns else "NULL"
    found = connection.execute(f"SELECT id, hash, {signature} FROM audit "
                               "ORDER BY id DESC LIMIT 1").fetchone()
    if found is None or found[1] is None:
        return None
    return AnchoredHead(found[0], found[1], to_stored(now), event, database.name,
                        None if found[2] is None else str(found[2]),
                        root or root_fingerprint(connection))


def append_head(path: Path, head: AnchoredHead) -> None:
    """Append one head to the log at `path` and fsync it (the folder too when the log is
    new, so its name survives a power cut). Raises OSError."""
    new = not path.exists()
    make_owner_folder(path.parent)  # the backups folder, when the log comes first: 0700
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, OWNER_ONLY_FILE)
    try:
        os.write(descriptor, head.line().encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if new:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def read_anchor(path: Path) -> Anchor:
    """The heads of the log at `path`. Raises OSError."""
    return parse_log(path.read_text(encoding="utf-8", errors="replace"), str(path))


class AnchorWriter:
    """A store's anchoring: a head after a commit at most once a minute by the store's
    clock, and always at close and after a backup. A writer for no database anchors
    nothing (a store made for one audit row of a copy, e.g. while restoring)."""

    def __init__(self, database: Path | None) -> None:
        self._database = database
        self._last_at: datetime | None = None
        self._last: tuple[int, str] | None = None
        #: The root key's fingerprint once the file has one: it never changes after (the
        #: first key of an administrator), so it is looked up until found, then kept.
        self._root: str | None = None

    def after_commit(self, connection: sqlite3.Connection, now: datetime) -> None:
        if anchor_due(self._last_at, now):
            self.anchor(connection, now)

    def anchor(self, connection: sqlite3.Connection, now: datetime) -> None:
        """Anchor the head now, unless it is the one anchored last."""
        if self._database is None:
            return
        try:
            head = chain_head(connection, self._database, now, root=self._root)
            if head is None or (head.id, head.hash) == self._last:
                return
            self._root = head.root
            path = anchor_log_path(connection, self._database)
            append_head(path, head)
        except (OSError, sqlite3.Error) as error:
            log.error("the chain's head could not be anchored for %s: %s", self._database,
                      error)
            return
        self._last_at, self._last = now, (head.id, head.hash)


def carry_anchor(source: sqlite3.Connection, copy: Path, now: datetime) -> Path | None:
    """Beside a copy of the database (a backup), the copy of its anchor log: the heads
    anchored up to the copy's own head, then that head (event "backup"), so the copy can be
    verified against it wherever it goes. The path written, or None if the database has no
    anchor log yet (only the copy's own head is then written). Raises OSError."""
    database = Path(source.execute("PRAGMA database_list").fetchone()[2])
    with closing(_read_only(copy)) as reading:
        head = chain_head(reading, copy, now, event=BACKUP)
    if head is None:
        return None
    carried = carried_log_path(copy)
    live = anchor_log_path(source, database)
    heads = read_anchor(live).heads if live.is_file() else ()
    text = "".join(entry.line() for entry in heads if entry.id <= head.id) + head.line()
    part = carried.with_name(carried.name + ".part")
    with part.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    part.replace(carried)
    return carried


def record_restore(target: Path, clock: Clock) -> None:
    """A restore anchors itself (event "restore"): the record was rolled back to the
    restored head on purpose, and `verify` holds it to that head from then on."""
    try:
        # a plain connection, only read: closing it as the last one removes any -wal it
        # made (a read-only one would leave it beside the restored file)
        with closing(sqlite3.connect(target)) as reading:
            reading.execute("PRAGMA query_only = 1")
            head = chain_head(reading, target, clock.now(), event=RESTORE)
            path = anchor_log_path(reading, target)
        if head is not None:
            append_head(path, head)
    except (OSError, sqlite3.Error) as error:
        log.error("the restore of %s could not be anchored: %s", target, error)


def configured_anchor(database: Path) -> tuple[Path, Path | None]:
    """For `verify` without --anchor: the log the database's settings name, and the log
    to use - that one, else a copy carried beside the file (a backup's), else None."""
    try:
        with closing(_read_only(database)) as reading:
            configured = anchor_log_path(reading, database)
    except sqlite3.Error:  # not a database: verify says so; the log is looked for by default
        configured = (database.absolute().parent / DEFAULT_FOLDER_NAME
                      / f"{database.name}{SUFFIX}")
    for candidate in (configured, carried_log_path(database)):
        if candidate.is_file():
            return configured, candidate
    return configured, None


def _read_only(database: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{database.absolute().as_uri()}?mode=ro", uri=True)


def remove_carried(copy: Path) -> None:
    """The carried log of a backup deleted by rotation goes with it."""
    carried = carried_log_path(copy)
    try:
        carried.unlink(missing_ok=True)
    except OSError as error:
        log.warning("old anchor copy %s not deleted: %s", carried, error)

