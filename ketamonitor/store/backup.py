"""Backups of the record: an administrator's copy to a file of their choosing, the app's own
rotating copies, and putting a backup back in place with the app closed.

Every copy is made through SQLite's online backup API (consistent while the app runs, never
a copy of a file mid-write) into a temporary file beside the final one, checked with
`PRAGMA integrity_check`, flushed to disk and only then renamed to its final name: a failed
backup leaves nothing under that name, and the database is only ever read. The copy is a
single self-contained file (rollback journal, no -wal beside it), so it can be opened from a
read-only stick. Each copy is audited with its SHA-256 and size.

Who may do what:

- `backup(out)` writes wherever an administrator says: Permission.BACKUP.
- `automatic_backup(now, discharged=...)` is the app acting, triggered by whoever is logged
  in (a nurse discharging a patient): it needs only READ_RECORD, because it can do nothing
  a person chooses. It writes only into the folder the administrator configured, only
  under the app's own name (`ketamonitor-YYYYMMDD-HHMMSS.db`), and rotation deletes only
  files named so in that folder.
- `restore_backup(backup, target, administrator=..., password=...)` runs with the app
  closed (it takes the database's instance lock, so it refuses while a window has the file
  open), for an administrator of the *backup's* accounts (see `restore_backup` for why
  those), who logs in to the restored copy; it appends a `backups.restore` audit row by
  them to the restored record, naming the operating-system account that ran it too. It
  swaps the files with one atomic rename, the current file kept by a second name first,
  so the path never lacks a database.
"""

from __future__ import annotations

import errno
import getpass
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from ketamonitor.core.backups import (
    DEFAULT_FOLDER_NAME,
    BackupMode,
    backup_due,
    backup_name,
    backups_to_delete,
    parse_keep,
)
from ketamonitor.core.clock import Clock, SystemClock
from ketamonitor.core.errors import RuleError
from ketamonitor.core.permissions import Permission
from ketamonitor.core.settings import AUTOMATIC_BACKUP, BACKUP_FOLDER, BACKUP_KEEP
from ketamonitor.core.times import from_stored
from ketamonitor.store.accounts import Accounts
from ketamonitor.store.anchor import carry_anchor, record_restore, remove_carried
from ketamonitor.store.connection import (
    BUSY_TIMEOUT_MS,
    SQLITE_HEADER,
    _check_identity,
    make_owner_folder,
    open_database,
    prepare_new_location,
    primary_code,
)
from ketamonitor.store.copies import (
    SIDE_SUFFIXES,
    CopyNotSound,
    flush,
    flush_folder,
    remove_with_side_files,
    sha256_of,
    write_checked_copy,
)
from ketamonitor.store.errors import StoreError
from ketamonitor.store.lock import InstanceLock
from ketamonitor.store.parts import StoreCore
from ketamonitor.store.schema import APPLICATION_ID

log = logging.getLogger(__name__)

#: The audit entity of backups and restores (no table: the audit row is the record).
BACKUPS = "backups"
CREATED, AUTOMATIC, RESTORED = "backups.create", "backups.automatic", "backups.restore"
_UNTOUCHED = "The database itself is untouched."


class BackupFailed(StoreError):
    title = "The backup could not be made"


class RestoreRefused(StoreError):
    title = "The backup was not restored"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    size: int
    made_at: datetime


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    backup: Path
    #: The SHA-256 of the backup file as chosen (the restored file then gains its audit row).
    sha256: str
    #: Where the database that was replaced is kept (None: there was none).
    kept: Path | None
    #: The administrator (of the backup's accounts) who restored it.
    restored_by: str


class Backups(StoreCore):
    """Copies of the record: on demand by an administrator, and the app's own rotation."""

    def backup(self, out: Path | str) -> BackupResult:
        """A checked copy of the database at `out` (a new file; or, for a folder, a file in it
        named `ketamonitor-YYYYMMDD-HHMMSS.db`), audited as backups.create. A BackupFailed
        names the file and what to do; nothing is left under its name and the database is
        untouched."""
        self._require(Permission.BACKUP)
        now = self.clock.now()
        out = Path(out).absolute()
        if out.is_dir():
            out = out / backup_name(now, self.clock.local_zone)
        self._check_new_file(out)
        result = self._write_backup(out, now)
        self._audit_backup(CREATED, result)
        return result

    def backup_folder(self) -> Path:
        """Where automatic backups go: the `backup_folder` setting (a relative folder from the
        database's folder), or a "backups" folder beside the database."""
        configured = self.setting(BACKUP_FOLDER.key).strip()
        if not configured:
            return self.path.parent / DEFAULT_FOLDER_NAME
        folder = Path(configured).expanduser()
        return folder if folder.is_absolute() else self.path.parent / folder

    def last_automatic_backup(self) -> datetime | None:
        """When the app last made an automatic backup, as the audit trail says."""
        found = self._db.execute(
            "SELECT at FROM audit WHERE entity = ? AND action = ? ORDER BY id DESC LIMIT 1",
            [BACKUPS, AUTOMATIC]).fetchone()
        return from_stored(found[0]) if found else None

    def automatic_backup(self, now: datetime, *, discharged: bool) -> Path | None:
        """Make the app's own backup if the `automatic_backup` setting says one is due (see
        core.backups), keep the newest `backup_keep`, and audit it (backups.automatic, with
        the old files rotation deleted); the new file, or None if none was due. All in the
        caller's thread: the window runs the copy on a thread of its own instead (see
        `plan_automatic_backup`).

        Anyone logged in may trigger it, even behind a locked screen: see the module's note.
        A BackupFailed (folder missing, disk full) is for the caller to show without
        stopping the room."""
        plan = self.plan_automatic_backup(now, discharged=discharged)
        if plan is None:
            return None
        made = copy_planned_backup(self.path, plan)
        self.record_automatic_backup(plan, made)
        return made.result.path

    def plan_automatic_backup(self, now: datetime, *, discharged: bool
                              ) -> PlannedBackup | None:
        """Whether an automatic backup is due, and where it goes (the folder made): the part
        that reads the record, so the copy itself (`copy_planned_backup`) can run on any
        thread without the store."""
        self._require(Permission.READ_RECORD)
        mode = BackupMode(self.setting(AUTOMATIC_BACKUP.key))
        zone = self.clock.local_zone
        if not backup_due(mode, last=self.last_automatic_backup(), now=now, zone=zone,
                          discharged=discharged):
            return None
        folder = self.backup_folder()
        try:
            make_owner_folder(folder)  # copies of the record: the owner's alone, 0700
        except OSError as error:
            raise BackupFailed(
                folder, f"The folder for automatic backups cannot be made ({error.strerror}).",
                "An administrator can choose another folder in Settings (automatic backups). "
                + _UNTOUCHED) from None
        why = "after a discharge" if discharged else "the day's backup"
        return PlannedBackup(folder / backup_name(now, zone), now,
                             parse_keep(self.setting(BACKUP_KEEP.key)), f"{why} ({mode.value})")

    def record_automatic_backup(self, plan: PlannedBackup, made: MadeBackup) -> None:
        """The audit row of an automatic backup made (backups.automatic)."""
        self._require(Permission.READ_RECORD)
        self._audit_backup(AUTOMATIC, made.result, deleted=made.deleted, reason=plan.reason)

    # -- the copy ----------------------------------------------------------------------------

    def _check_new_file(self, out: Path) -> None:
        database = self.path.absolute()
        beside = {database.with_name(database.name + suffix)
                  for suffix in (*SIDE_SUFFIXES, ".lock")}
        if out == database or out in beside or out.resolve() == database.resolve():
            raise BackupFailed(out, "This is the database itself (or a file SQLite keeps "
                                    "beside it).",
                               "Choose another file or folder for the backup. " + _UNTOUCHED)
        if out.exists():
            raise BackupFailed(out, "A file with this name already exists.",
                               "Choose a new file name, or a folder (the backup is then "
                               "named by the date and time). " + _UNTOUCHED)

    def _write_backup(self, out: Path, now: datetime) -> BackupResult:
        return _write_backup(self._db.conn, out, now)

    def _audit_backup(self, action: str, result: BackupResult, *,
                      deleted: tuple[Path, ...] | None = None,
                      reason: str | None = None) -> None:
        details: dict[str, Any] = {"file": str(result.path), "sha256": result.sha256,
                                   "size": result.size}
        if deleted is not None:
            details["deleted"] = [path.name for path in deleted]
        with self._transaction():
            self._audit(action, BACKUPS, None, new_value=details, reason=reason)
        self._anchor.anchor(self._db.conn, self.clock.now())  # always after a backup


@dataclass(frozen=True)
class PlannedBackup:
    """An automatic backup that is due: the file to write, when, how many to keep, why."""

    out: Path
    now: datetime
    keep: int
    reason: str


@dataclass(frozen=True)
class MadeBackup:
    result: BackupResult
    #: The older automatic backups rotation deleted.
    deleted: tuple[Path, ...]


def copy_planned_backup(database: Path, plan: PlannedBackup) -> MadeBackup:
    """Write a planned automatic backup of `database` through a connection of its own, and
    rotate the folder: safe on any thread (the room's window runs it on one of its own, so
    a large record never freezes the timers), while the app goes on writing (the copy is
    one consistent snapshot of the write-ahead-logged file). Raises BackupFailed."""
    source = sqlite3.connect(f"{database.absolute().as_uri()}?mode=ro", uri=True)
    try:
        result = _write_backup(source, plan.out, plan.now)
    finally:
        source.close()
    return MadeBackup(result, _rotate(plan.out.parent, keep=plan.keep, made=plan.out))


def _write_backup(source: sqlite3.Connection, out: Path, now: datetime) -> BackupResult:
    """A checked copy at `out` (see store.copies), or a BackupFailed in the user's words."""
    try:
        digest, size = write_checked_copy(source, out)
    except CopyNotSound as unsound:
        log.error("the backup copy %s failed integrity_check: %s", out, unsound.problems[:10])
        raise BackupFailed(
            out, f"The copy failed its integrity check, so it was not kept: {unsound}",
            "Run `ketamonitor verify` on the database and ask the administrator; "
            "try again once it passes. " + _UNTOUCHED) from None
    except (OSError, sqlite3.Error) as error:
        log.error("backup to %s failed: %s", out, error)
        raise _cannot_write(out, error) from None
    try:
        carry_anchor(source, out, now)  # the backup carries its anchor log beside it
    except (OSError, sqlite3.Error) as error:
        log.error("the anchor log was not copied beside the backup %s: %s", out, error)
    log.info("backup written to %s (%d bytes, sha256 %s)", out, size, digest)
    return BackupResult(out, digest, size, now)


def _rotate(folder: Path, *, keep: int, made: Path) -> tuple[Path, ...]:
    """Delete the automatic backups beyond the newest `keep` (never the one just made, even
    if a clock set back gave it an older name); a file that cannot be deleted is logged and
    left."""
    names = [entry.name for entry in folder.iterdir() if entry.is_file()]
    deleted = []
    for name in backups_to_delete(names, keep):
        if name == made.name:
            continue
        try:
            (folder / name).unlink()
        except OSError as error:
            log.warning("old backup %s not deleted: %s", folder / name, error)
            continue
        remove_carried(folder / name)
        deleted.append(folder / name)
    return tuple(deleted)


def _cannot_write(out: Path, error: OSError | sqlite3.Error) -> BackupFailed:
    """The user's words for a failed write of a backup to `out`, by the error's errno or
    SQLite's result code (never its message, whose words vary by version and locale)."""
    code = getattr(error, "errno", None)
    sqlite = primary_code(error) if isinstance(error, sqlite3.Error) else None
    if code in (errno.ENOSPC, errno.EDQUOT) or sqlite == sqlite3.SQLITE_FULL:
        return BackupFailed(out, "The disk (or drive) for the backup is full.",
                            "Free space there, or choose another drive or folder. "
                            + _UNTOUCHED)
    if (isinstance(error, PermissionError) or code == errno.EROFS
            or sqlite == sqlite3.SQLITE_READONLY):
        return BackupFailed(out, "This account cannot write the backup there (the folder or "
                                 "drive is read-only).",
                            "Choose a folder this account can write to, or ask the "
                            "administrator to make this one writable. " + _UNTOUCHED)
    if isinstance(error, FileNotFoundError | NotADirectoryError):
        return BackupFailed(out, "The folder for the backup does not exist.",
                            "Check the path (is the drive connected?), or choose another "
                            "folder. " + _UNTOUCHED)
    return BackupFailed(out, f"The backup could not be written ({error}).",
                        "Check the drive (connected, with free space?) and try again. "
                        + _UNTOUCHED)


# -- restore ---------------------------------------------------------------------------------

_CHOOSE_ANOTHER = ("Choose another backup (the newest sound one); the database in use has not "
                   "been changed.")


def restore_backup(backup: Path | str, target: Path | str, *, administrator: str,
                   password: str, clock: Clock | None = None,
                   hasher: PasswordHasher | None = None) -> RestoreResult:
    """Put `backup` in place of the database at `target`, with the app closed, for an
    administrator of the backup.

    The backup is copied beside the target and checked there (a SQLite file, a ketamonitor
    database by its application_id, not from a newer version, `PRAGMA integrity_check`);
    a RestoreRefused names it and changes nothing. Then `administrator` logs in to the copy
    with `password` and must hold the backup permission: a LoginRefused or PermissionDenied
    (RuleErrors) changes nothing either. The restored record gains the login's and a
    `backups.restore` audit row by that administrator (naming the operating-system account
    too), and is put in place by `_put_in_place`: the current file is kept as
    `<name>.before-restore-YYYYMMDD-HHMMSS` and never leaves the path until one atomic
    rename puts the restored one there.

    Whose accounts: the *backup's*. A restore is run because the current file is damaged,
    lost, deleted or rolled back wrongly, so its accounts may be unreadable or gone; the
    backup's are those of the record being put back, into whose trail the restore is
    written (signed, where rows are signed, by that administrator's key from that file).
    So an administrator added after the backup was made cannot restore it, and one disabled
    since can: choose a recent backup. What the login proves: that the person restoring is
    an administrator of that record and is named in its trail. It is no lock against
    someone who can already write the database's folder (they could copy a file by hand;
    `verify` and the anchor log are what catch that), and a wrong password here is not
    counted against the account (the copy it was tried on is thrown away; it is logged)."""
    clock = clock or SystemClock()
    backup, target = Path(backup).absolute(), Path(target).absolute()
    if not backup.is_file():
        raise RestoreRefused(backup, "There is no backup file here.",
                             "Check the path of the backup (is the drive connected?).")
    if target.exists() and backup.samefile(target):
        raise RestoreRefused(backup, "This is the database itself, not a backup of it.",
                             _CHOOSE_ANOTHER)
    wal = backup.with_name(backup.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise RestoreRefused(backup, "This file is open in a program (it has a -wal file "
                                     "beside it), so it is not a finished backup.",
                             "Close the program using it, or choose a backup made by "
                             "ketamonitor. The database in use has not been changed.")
    prepare_new_location(target)
    lock = InstanceLock(target)
    lock.acquire()  # refuses (DatabaseInUse) while a window has the database open
    try:
        result = _restore_locked(backup, target, clock, _Administrator(administrator,
                                                                        password, hasher))
    except BaseException:
        lock.abandon()  # a refused restore leaves no new lock file either
        raise
    lock.release()
    return result


@dataclass(frozen=True)
class _Administrator:
    """Who restores: a username and password checked against the backup's accounts."""

    username: str
    password: str = field(repr=False)
    hasher: PasswordHasher | None = None


def _restore_locked(backup: Path, target: Path, clock: Clock,
                    administrator: _Administrator) -> RestoreResult:
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".restoring")
    except OSError as error:
        raise RestoreRefused(target, f"The restored copy cannot be written beside the "
                                     f"database ({error.strerror}).",
                             "Make the database's folder writable for this account, with "
                             "free space for one more copy.") from None
    os.close(handle)
    copy = Path(name)
    try:
        try:
            with backup.open("rb") as source, copy.open("wb") as destination:
                while block := source.read(1 << 20):
                    destination.write(block)
        except OSError as error:
            raise RestoreRefused(backup, f"The backup could not be copied ({error}).",
                                 "Check the drive holding the backup, and free space beside "
                                 "the database. The database in use has not been changed."
                                 ) from None
        digest, _ = sha256_of(copy)
        _check_backup(copy, backup)
        aside = _keep_name(target, clock)
        kept = aside if target.exists() else None
        details = {"backup": str(backup), "sha256": digest,
                   "kept": str(kept) if kept else None, "os_account": _os_account()}
        restored_by = _audit_restore(copy, target, clock, details, administrator)
        flush(copy)
        _put_in_place(copy, target, kept, aside)
        record_restore(target, clock)  # a rollback that was meant: anchored as a restore
    finally:
        remove_with_side_files(copy)
    log.warning("%s restored %s from %s (sha256 %s); the previous file is kept as %s",
                restored_by, target, backup, digest, kept)
    return RestoreResult(target, backup, digest, kept, restored_by)


def _put_in_place(copy: Path, target: Path, kept: Path | None, aside: Path) -> None:
    """Swap the checked copy in for the database at `target`; at every step the path holds
    the whole current database or the restored one, so a restore killed anywhere (a power
    cut) leaves one there.

    1. The current file's write-ahead log (the last committed entries, perhaps a whole
       day's) is folded into it by a checkpoint (`_fold_log_in`), so the file is whole on
       its own: SQLite would otherwise read a log left beside the restored file into it,
       and a file set apart from its log can look like an empty new database.
    2. The current file is kept under `kept` by a second name (a hard link; a copy where
       the disk has no links): it never leaves the path.
    3. One `os.replace` of the copy onto the path: the current file before it, the restored
       one after (atomic on POSIX and on NTFS), then the folder flushed.

    Only where the log cannot be folded in (the current file is damaged) are the files
    beside it renamed to `aside`'s names (`kept`'s; with no database there, what a deleted
    one left) just before the swap: killed in that instant, the path holds the current
    file as of its last checkpoint, and the kept one with its log all of it; run the
    restore again. Any step that fails puts back what the earlier ones moved: a
    RestoreRefused, and the database as it was."""
    if kept is not None:
        _fold_log_in(target)
        _keep_whole(target, kept)
    moved: list[tuple[Path, Path]] = []
    try:
        _move_side_files(target, aside, moved)
        if moved:
            flush_folder(target.parent)
        copy.replace(target)
    except OSError as error:
        for original, moved_to in reversed(moved):
            moved_to.replace(original)
        if kept is not None:
            kept.unlink(missing_ok=True)  # the current file is still at the path
        raise RestoreRefused(target, f"The backup could not be put in place ({error}).",
                             "Nothing was changed: the database is as it was. Check that no "
                             "other program has the file open, that its folder is writable "
                             "and has free space, and try again.") from None
    flush_folder(target.parent)


def _fold_log_in(target: Path) -> None:
    """Checkpoint the current database's -wal into it (and roll back a hot -journal), as
    its next opening would, so it is whole without the files beside it; closing the last
    connection then removes them. A file that cannot be (damaged) is left as it is: its
    side files are moved aside with it instead (see `_put_in_place`)."""
    if not any(target.with_name(target.name + suffix).exists() for suffix in SIDE_SUFFIXES):
        return
    try:
        connection = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        log.warning("the write-ahead log of %s could not be folded in before the restore: "
                    "%s; it is kept beside the kept copy", target, error)
        return
    if busy:
        log.warning("the write-ahead log of %s is in use by another program; it is kept "
                    "beside the kept copy", target)


def _keep_whole(target: Path, kept: Path) -> None:
    """A second name for the current file, `kept`: a hard link, so it never leaves the
    path; where the disk has none (FAT, some shares) a flushed copy."""
    try:
        kept.hardlink_to(target)
    except OSError:
        temp = kept.with_name(f".{kept.name}.part")
        try:
            shutil.copyfile(target, temp)
            flush(temp)
            temp.replace(kept)
        except OSError as error:
            temp.unlink(missing_ok=True)
            raise RestoreRefused(target, f"The current database could not be kept beside it "
                                         f"({error}).",
                                 "Nothing was changed. Free space in the database's folder "
                                 "(the kept file is as large as the database) and make it "
                                 "writable for this account, then try again.") from None
    flush_folder(target.parent)


def _move_side_files(target: Path, aside: Path, moved: list[tuple[Path, Path]]) -> None:
    """Rename the -journal, -wal and -shm beside `target` to `aside`'s, so the kept copy
    opens whole and the restored one reads none of them; each (original, moved to) added
    to `moved` as it is done, for the caller to put back if the swap fails."""
    for suffix in SIDE_SUFFIXES:
        original = target.with_name(target.name + suffix)
        if original.exists():
            moved_to = aside.with_name(aside.name + suffix)
            original.replace(moved_to)
            moved.append((original, moved_to))


def _check_backup(copy: Path, backup: Path) -> None:
    """The copy is a sound ketamonitor database, else a RestoreRefused naming the backup."""
    with copy.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise RestoreRefused(backup, "This file is not a ketamonitor backup (it is not a "
                                     "SQLite database).", _CHOOSE_ANOTHER)
    connection = sqlite3.connect(copy)
    try:
        if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise RestoreRefused(backup, "This is a SQLite file, but not a ketamonitor "
                                         "database.", _CHOOSE_ANOTHER)
        try:
            _check_identity(connection, backup)
        except StoreError as refused:
            raise RestoreRefused(backup, refused.problem, refused.advice) from None
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        raise RestoreRefused(backup, f"The backup is damaged and cannot be read ({error}).",
                             _CHOOSE_ANOTHER) from None
    finally:
        connection.close()
    if problems != ["ok"]:
        log.error("integrity_check failed on backup %s: %s", backup, problems[:10])
        raise RestoreRefused(backup, "The backup failed its integrity check: "
                             + "; ".join(problems[:3]), _CHOOSE_ANOTHER)


def _audit_restore(copy: Path, target: Path, clock: Clock, details: dict[str, Any],
                   administrator: _Administrator) -> str:
    """The administrator's login and the restore's audit row, chained onto the restored
    record's own trail (the copy is migrated forward first, as opening it would); the
    username that restored. A LoginRefused, or a PermissionDenied for an account that may
    not restore, leaves the copy to be thrown away.

    The login is to the copy, with the backup's accounts (see `restore_backup`). A backup
    with none (made before its clinic had any) is checked against the current database's
    administrators instead; with no accounts in either there is no one to ask, as for the
    first administrator of a new clinic, and the row names only the operating-system
    account."""
    from ketamonitor.store.store import Store  # the whole store: this part is one of it

    # the backup the copy came from is itself the file as it was before any upgrade
    db, _ = open_database(copy, clock=clock, copy_before_upgrade=False)
    try:
        store = Store(db, copy, clock, hasher=administrator.hasher)
    except BaseException:
        db.close()
        raise
    try:
        if store.has_accounts():
            restored_by: str | None = _logged_in(store, administrator)
        else:
            restored_by = _administrator_of_current(target, clock, administrator)
        with store._transaction():
            store._audit(RESTORED, BACKUPS, None, new_value=details,
                         reason="the database was restored from a backup",
                         user=restored_by or "ketamonitor")
        return restored_by or f"os:{details['os_account']}"
    finally:
        store.close()


def _logged_in(store: Accounts, administrator: _Administrator) -> str:
    """Log `administrator` in to `store` and require the backup permission (an account
    that must first choose its own password may not either); their username."""
    try:
        store.login(administrator.username, administrator.password)
        store._require(Permission.BACKUP)
    except RuleError as refused:
        log.warning("restore refused for %r (accounts of %s): %s", administrator.username,
                    store.path, refused)
        raise
    return store.user


def _administrator_of_current(target: Path, clock: Clock,
                              administrator: _Administrator) -> str | None:
    """For a backup with no accounts: the administrator logged in to the current database
    (its lock held by the restore), or None where it holds no accounts, or none is there."""
    from ketamonitor.store.store import Store

    if not target.is_file() or target.stat().st_size == 0:
        return None
    try:
        current = Store.open(target, clock, lock=False, hasher=administrator.hasher)
    except StoreError as problem:
        raise RestoreRefused(
            target, "The backup holds no accounts (it was made before its clinic had any), "
                    f"and the database it would replace cannot be opened to ask one of its "
                    f"administrators instead: {problem.problem}",
            "Restore it to a new path (`--db NEW`), or choose a backup made since the "
            "clinic's first administrator was added. The database has not been changed."
        ) from None
    try:
        return _logged_in(current, administrator) if current.has_accounts() else None
    finally:
        current.close()


def _keep_name(target: Path, clock: Clock) -> Path:
    stamp = clock.now().astimezone(clock.local_zone).strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    number = 2
    while kept.exists():
        kept = target.with_name(f"{target.name}.before-restore-{stamp}-{number}")
        number += 1
    return kept


def _os_account() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
