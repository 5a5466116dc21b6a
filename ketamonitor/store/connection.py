"""Opening the database file safely, or refusing with a clear reason and writing nothing.

Before anything is written, the file is checked: writable, a SQLite file, a ketamonitor
record (by its application_id), not from a newer version, and passing `PRAGMA quick_check`.
Only then is it opened for writing with the durability pragmas and migrated forward.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ketamonitor.core.backups import DEFAULT_FOLDER_NAME, is_backup_name
from ketamonitor.core.clock import Clock, SystemClock
from ketamonitor.core.errors import ValidationError
from ketamonitor.store.errors import (
    NO_SPACE,
    DatabaseCorrupt,
    DatabaseFromNewerVersion,
    DatabaseInUse,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseUnavailable,
    NotAKetamonitorDatabase,
    StoreBug,
    StoreError,
    disk_full,
)
from ketamonitor.store.schema import APPLICATION_ID, MIGRATION_NAMES, MIGRATION_SET, migrations
from ketamonitor.store.upgrade import UpgradeCopy
from ketamonitor.store.upgrade import copy_before_upgrade as copy_before_upgrade_of

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000

_RESTORE = ("If this is the clinic's record, do not delete it: ask the administrator to "
            "restore the latest backup, and keep this file for investigation.")


def open_database(path: Path, *, clock: Clock | None = None,
                  copy_before_upgrade: bool = True, beside_app: bool = False,
                  create: bool = False) -> tuple[Database, UpgradeCopy | None]:
    """The checked, migrated database at `path`; and, if this version migrated an older
    file forward, the copy of it kept first (see store.upgrade; `copy_before_upgrade=False`
    only where the file is itself a fresh copy of a backup).

    A file that does not exist is made only with `create=True` (the first start of a new
    clinic), and never where one was before (see `refuse_missing`).

    `beside_app=True` is for a command running while an app has the file open (see
    `StoreBase.open_beside_app`): the file must already exist and be of this version, since
    creating or migrating it under a running app could pull the schema from under it."""
    path = Path(path).absolute()
    if no_database_at(path):  # the lock file beside it is the caller's (StoreBase.open)
        refuse_missing(path, create=create and not beside_app, own_lock_file=True)
    applied = _preflight(path) if path.exists() else []
    new = not path.exists()
    if new:
        prepare_new_location(path)
    pending = [name for name in MIGRATION_NAMES if name not in applied]
    if beside_app and pending:
        raise DatabaseInUse(
            path, "The ketamonitor that has this database open is an older version: this "
                  "one must upgrade the file first, which it does only with the app closed.",
            "Close the app (and start this version's instead), then run this again.")
    connection = _connect(path, read_only=False)
    if new:
        _owner_only(path, connection)
    upgrade = None
    try:
        if applied and pending and copy_before_upgrade:
            clock = clock or SystemClock()
            upgrade = copy_before_upgrade_of(
                connection, path, applied=applied, pending=pending,
                local_time=clock.now().astimezone(clock.local_zone))
        _set_pragmas(connection, path)
        db = _Database(connection, execute_plugins=False)
        migrations.apply(db)
    except sqlite3.Error as error:
        connection.close()
        problem = environment_error(path, error)
        if problem is None:
            raise store_bug(path, error) from error
        raise problem from error
    except BaseException:
        connection.close()
        raise
    return db, upgrade



class _Database(Database):
    """sqlite-utils' Database, but a number no SQLite integer can hold (a session id of
    10**20 from a script) is refused as a value, not an OverflowError from the binding."""

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None
                ) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except OverflowError:
            raise ValidationError({"value": "a whole number beyond what the record can "
                                            "hold (±9,223,372,036,854,775,807)"}) from None

def no_database_at(path: Path) -> bool:
    """No file at `path`, or an empty one (0 bytes): either way no record is there.

    An empty file is what a first start killed before its first write leaves, but also what
    a database truncated by a failing disk, a sync tool or a stray `> ketamonitor.db`
    leaves; SQLite would take it for a new database and a command would silently start an
    empty record in it. So it is treated as missing (`refuse_missing`): made into a
    database only by the first start of a new clinic, and never where what a database
    leaves beside it says one was there."""
    try:
        return not path.exists() or (path.is_file() and path.stat().st_size == 0)
    except OSError:
        return False  # cannot be looked at: the opening says why


def refuse_missing(path: Path, *, create: bool, own_lock_file: bool = False) -> None:
    """For a database path with no file, or an empty one (see `no_database_at`): a
    DatabaseMissing unless `create` (the first start of a new clinic) and nothing shows a
    database was here before.

    A command given a mistyped path must not start an empty record there (it used to, and
    answered "wrong username or password"); and a database moved, deleted or emptied must
    not be replaced by an empty one, even at the first-run place, when what it leaves
    behind is beside it: its write-ahead log or lock file, the copies kept before a restore
    or an upgrade, or the app's automatic backups. `own_lock_file`: the lock file beside it
    was made by this very start (see StoreBase.open), so it does not count; nor does it,
    or a rollback journal, beside an empty file, which a first start killed leaves."""
    empty = path.is_file()
    left = _left_behind(path, own_lock_file=own_lock_file, empty=empty)
    here = ("The database file here is empty (0 bytes): it holds no record." if empty
            else "There is no database file here.")
    if left:
        raise DatabaseMissing(
            path, f"{here} Yet files a database leaves beside it are here "
                  f"({', '.join(left)}): the database was "
                  + ("emptied, or moved or deleted and this empty file left in its place."
                     if empty else "moved or deleted."),
            "Do not start a new clinic here. If the file was moved, give its new place with "
            "--db or KETAMONITOR_DB; if it was deleted or lost, the administrator restores "
            "the latest backup with `ketamonitor restore --backup FILE --db PATH --user "
            "ADMIN` (the backups folder beside it holds the app's own).")
    if not create:
        raise DatabaseMissing(
            path, here,
            "Check the path given with --db or KETAMONITOR_DB: a command never makes a new "
            "database. To start a new clinic's record at this path, run `ketamonitor --db "
            "PATH --new-clinic` (or `ketamonitor users add NAME --name ... --role "
            "administrator --new-clinic --db PATH`).")


def _left_behind(path: Path, *, own_lock_file: bool, empty: bool) -> list[str]:
    """The names of what a database that was at `path` leaves beside it (see
    `refuse_missing`); beside an `empty` file, not what a first start killed leaves."""
    folder = path.parent
    if not folder.is_dir():
        return []
    suffixes = ["-wal"]
    if not empty:
        suffixes += ["-journal"] if own_lock_file else ["-journal", ".lock"]
    left = [path.name + suffix for suffix in suffixes
            if path.with_name(path.name + suffix).exists()]
    left += sorted(entry.name for entry in folder.iterdir()
                   if entry.name.startswith((f"{path.name}.before-restore-",
                                             f"{path.name}.before-upgrade-")))[:3]
    backups = folder / DEFAULT_FOLDER_NAME
    if backups.is_dir() and any(is_backup_name(entry.name) for entry in backups.iterdir()):
        left.append(f"{DEFAULT_FOLDER_NAME}/ with backups")
    return left


def prepare_new_location(path: Path) -> None:
    """Make the folder for a database that does not exist yet (the default one, on a fresh
    workstation), refusing one that cannot be written."""
    folder = path.parent
    try:
        make_owner_folder(folder)
    except OSError as error:
        if error.errno in NO_SPACE:
            raise disk_full(path) from None
        raise DatabaseUnavailable(
            path, f"The folder for the database cannot be created ({error.strerror}).",
            "Choose a folder this account can write to with --db or KETAMONITOR_DB.",
        ) from None
    if not os.access(folder, os.W_OK):
        raise DatabaseReadOnly(
            path, "The database does not exist yet and its folder is read-only.",
            "Choose a folder this account can write to with --db or KETAMONITOR_DB.",
        )


#: What ketamonitor creates is its own account's alone: the file holds patients' records
#: and the Argon2 hashes of every password, so no other account on the workstation may
#: read it (SQLite gives the -wal and -shm the database file's own mode).
OWNER_ONLY_FILE = 0o600
OWNER_ONLY_FOLDER = 0o700


def make_owner_folder(folder: Path) -> None:
    """Make `folder` (and any missing parents) if it is not there; the folder made is the
    owner's alone (0700). A folder that was already there keeps the mode the clinic gave
    it, and the parents made on the way keep the usual one."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=OWNER_ONLY_FOLDER)
    except FileExistsError:
        return  # made meanwhile by someone else: theirs to set
    folder.chmod(OWNER_ONLY_FOLDER)  # mkdir's mode passes through the umask


def _owner_only(path: Path, connection: sqlite3.Connection) -> None:
    """Make the database file just created (empty: SQLite writes nothing before the first
    statement) the owner's alone, before a byte of the record is in it; its -wal and -shm,
    made later, take the file's mode."""
    try:
        path.chmod(OWNER_ONLY_FILE)
    except OSError as error:
        connection.close()
        raise DatabaseUnavailable(
            path, f"The new database file cannot be made private to this account "
                  f"({error.strerror}).",
            "Choose a folder this account owns with --db or KETAMONITOR_DB.") from None


def is_marked_read_only(path: Path) -> bool:
    """A file someone marked read-only (no write bit) is treated as read-only even for an
    administrator account that could write it anyway: it is likely an archived copy."""
    mode = path.stat().st_mode
    return not mode & stat.S_IWUSR or not os.access(path, os.W_OK)


def check_writable(path: Path) -> None:
    """Refuse a folder, or a file (or folder) that cannot be written, before anything is."""
    if path.is_dir():
        raise NotAKetamonitorDatabase(path, "This is a folder, not a database file.",
                                      "Give the path of the ketamonitor.db file itself.")
    if is_marked_read_only(path) or not os.access(path.parent, os.W_OK):
        raise DatabaseReadOnly(
            path,
            "The database file (or its folder) is read-only, so nothing could be charted.",
            "Ask the administrator to make the file and its folder writable for this account. "
            "To only look at an archived copy, copy it to a writable folder and open the copy "
            "with --db.",
        )


def _preflight(path: Path) -> list[str]:
    """Refuse the file (writing nothing) unless it is a sound ketamonitor database of this
    version or an older one; the migrations it has had, in order ([] for a new file)."""
    check_writable(path)
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise NotAKetamonitorDatabase(
            path, "This file is not a ketamonitor database (it is not a SQLite file at all).",
            "Check the path given with --db or KETAMONITOR_DB. " + _RESTORE,
        )
    if not header:
        return []  # an empty file: a new database
    _roll_back_hot_journal(path)
    side_files = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    connection = _connect_to_look(path, side_files_there=any(s.exists() for s in side_files))
    try:
        _check_identity(connection, path)
        _check_integrity(connection, path)
        return _applied_names(connection)
    except sqlite3.DatabaseError as error:
        raise (environment_error(path, error) or _damaged(path, error)) from None
    finally:
        connection.close()


def _connect_to_look(path: Path, *, side_files_there: bool) -> sqlite3.Connection:
    """A connection that only reads, for the check before the file is opened for writing.

    A look at a write-ahead-logged file makes `-wal` and `-shm` files beside it, and a file
    that is refused must be left as it was found. They are never deleted by hand: another
    program (a second opener, a backup tool) may have begun writing into them during the
    check, and deleting a live log loses what it committed and can corrupt the file. So
    where there were none, the look is a read-write connection that writes nothing
    (`query_only`): when it closes, SQLite itself removes them if, and only if, no other
    connection has them open. Where there were some (a crash left a log), a read-only
    connection leaves them for the opening to recover."""
    if side_files_there:
        return _connect(path, read_only=True)
    connection = _connect(path, read_only=False)
    connection.execute("PRAGMA query_only = ON")
    return connection


def _damaged(path: Path, error: sqlite3.Error) -> DatabaseCorrupt:
    return DatabaseCorrupt(
        path, f"The database file is damaged and cannot be read ({error}).", _RESTORE)


def _roll_back_hot_journal(path: Path) -> None:
    """A process killed while creating the file (before it went to write-ahead logging)
    leaves a hot rollback journal, which a read-only look cannot roll back ("attempt to
    write a readonly database"). Rolling it back restores the file's last committed state,
    which is what any open does; only then can the file be checked read-only."""
    journal = path.with_name(path.name + "-journal")
    if not journal.exists() or journal.stat().st_size == 0:
        return
    connection = _connect(path, read_only=False)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise _damaged(path, error) from None
    finally:
        connection.close()


def _check_identity(connection: sqlite3.Connection, path: Path) -> None:
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if application_id == 0 and tables <= {"_sqlite_migrations"} and not _applied_count(
            connection, tables):
        # An empty file, or one whose first start was cut off (a kill or power cut) after
        # sqlite-utils made its migrations table and before the schema: a new database.
        return
    if application_id != APPLICATION_ID:
        raise NotAKetamonitorDatabase(
            path, "This is a SQLite file, but not a ketamonitor database.",
            "Check the path given with --db or KETAMONITOR_DB; ketamonitor will not write "
            "into another program's file.",
        )
    if "_sqlite_migrations" in tables:
        applied = {row[0] for row in connection.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
        newer = applied - set(MIGRATION_NAMES)
        if newer:
            raise DatabaseFromNewerVersion(
                path, "This database was written by a newer version of ketamonitor.",
                "Install the newer ketamonitor on this workstation; an older one could "
                "misread the record.",
            )


def _applied_names(connection: sqlite3.Connection) -> list[str]:
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                              "'_sqlite_migrations'").fetchone():
        return []
    return [row[0] for row in connection.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET])]


def _applied_count(connection: sqlite3.Connection, tables: set[str]) -> int:
    if "_sqlite_migrations" not in tables:
        return 0
    count: int = connection.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    return count


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        log.error("quick_check failed on %s: %s", path, problems[:10])
        raise DatabaseCorrupt(
            path, "The database file failed its integrity check: "
            + "; ".join(problems[:3]), _RESTORE,
        )


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    return sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)


def _set_pragmas(connection: sqlite3.Connection, path: Path) -> None:
    """WAL with synchronous=FULL: a committed entry survives a power cut; foreign keys on."""
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise DatabaseUnavailable(
            path, f"The database could not be switched to write-ahead logging (got {mode}).",
            "Keep the database on a local disk, never on a network share.",
        )
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def pragmas(db: Database) -> dict[str, object]:
    """The pragmas in force on a connection, for tests and `verify`."""
    return {name: db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


#: SQLite's primary result codes that the environment explains (sqlite3's constants, named
#: here so the table below reads as SQLite's documentation does).
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_PROTOCOL}
_IO = {sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN}
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code of a failed statement (an extended code's low byte), or
    None for an error sqlite3 raised itself (a misuse of the module: always a bug)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def environment_error(path: Path, error: sqlite3.Error) -> StoreError | None:
    """The user-facing error for a failed statement that the disk, the file or another
    program explains (full, read-only, locked, I/O, damaged), by SQLite's result code; None
    when nothing outside the program explains it (a constraint, bad SQL, a misuse): a bug,
    which the caller re-raises rather than telling the user to check the disk."""
    code = primary_code(error)
    if code == sqlite3.SQLITE_FULL:
        return disk_full(path)
    if code == sqlite3.SQLITE_READONLY:
        return DatabaseReadOnly(path, "The database file is read-only.",
                                "Ask the administrator to make it writable for this account.")
    if code in _BUSY:
        return DatabaseUnavailable(path, "The database is locked by another program.",
                                   "Close any other program that has the file open (a backup "
                                   "tool, the sqlite3 shell) and try again.")
    if code in _IO:
        return DatabaseUnavailable(path, f"The database cannot be used ({error}).",
                                   "Check the disk, then try again; if it persists, ask the "
                                   "administrator.")
    if code in _DAMAGED:
        return _damaged_if_checked(path, error)
    return None


def _damaged_if_checked(path: Path, error: sqlite3.Error) -> StoreError:
    """"Damaged" only once `PRAGMA quick_check` on the file says so: told "damaged", a
    person restores the latest backup and rolls the record back, so a passing error (a
    file replaced, a read cut short) must never be called damage. A file that passes, or
    cannot be checked at all, is "cannot be used just now"."""
    try:
        if not path.is_file():
            raise sqlite3.OperationalError("no file to check")
        checking = _connect(path, read_only=True)
        try:
            problems = [row[0] for row in checking.execute("PRAGMA quick_check")]
        finally:
            checking.close()
    except sqlite3.DatabaseError as check_failed:
        if primary_code(check_failed) in _DAMAGED:
            return _damaged(path, error)
        problems = None
    if problems is not None and problems != ["ok"]:
        log.error("quick_check failed on %s: %s", path, problems[:10])
        return _damaged(path, error)
    log.error("%s reported damage, but its quick_check %s: %s", path,
              "passed" if problems else "could not run", error)
    return DatabaseUnavailable(
        path, f"The database could not be read just now ({error}), but its integrity "
              "check finds it sound.",
        "Nothing charted has been lost. Try again; if it keeps happening, check the disk "
        "and ask the administrator. Do not restore a backup for this.")


def store_bug(path: Path, error: sqlite3.Error) -> StoreBug:
    """The error for a failed statement that is a bug (see `environment_error`), logged
    with its traceback; the original is its `__cause__` once raised `from error`."""
    log.error("a statement on %s failed, a bug (%s, %s)", path,
              getattr(error, "sqlite_errorname", "no SQLite code"), error, exc_info=error)
    return StoreBug(f"a statement failed ({error}); this is a bug in ketamonitor, not a "
                    "problem with the database file")
