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
from typing import Any, NamedTuple, Self

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlite_utils import Database

from ketamonitor.core.accounts import Account
from ketamonitor.core.audit_chain import GENESIS, SIGNED_RULE, row_hash
from ketamonitor.core.clock import Clock
from ketamonitor.core.library import Library, load_library, shipped_library
from ketamonitor.core.permissions import (
    REFUSALS,
    WHILE_LOCKED,
    NotLoggedIn,
    Permission,
    PermissionDenied,
    allowed,
    refused_action,
    require,
)
from ketamonitor.core.times import to_stored
from ketamonitor.store import rows
from ketamonitor.store.anchor import AnchorWriter
from ketamonitor.store.connection import (
    check_writable,
    environment_error,
    no_database_at,
    open_database,
    pragmas,
    prepare_new_location,
    refuse_missing,
    store_bug,
)
from ketamonitor.store.errors import DatabaseInUse, StoreError
from ketamonitor.store.identity import FileIdentity
from ketamonitor.store.keys import sign
from ketamonitor.store.lock import InstanceLock
from ketamonitor.store.rows import audited_values
from ketamonitor.store.upgrade import UPGRADED, UpgradeCopy
from ketamonitor.store.values import check_row, refused_by_file

log = logging.getLogger(__name__)
#: The user of the rows the room writes (alerts raised and cleared): signed by whoever is
#: logged in at the workstation, if anyone.
ROOM = "room"


class RecordCounts(NamedTuple):
    accounts: int
    real: int
    demo: int


class StoreBase:
    """A ketamonitor database, opened for one person charting at one workstation."""

    def __init__(
        self,
        db: Database,
        path: Path,
        clock: Clock,
        *,
        workstation: str | None = None,
        library: Library | None = None,
        lock: InstanceLock | None = None,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._db = db
        self.path = path
        self.clock = clock
        self.account: Account | None = None
        #: The screen is locked (idle, or someone stepped away): the account stays, but only
        #: the room's reading and alert recording go on until someone logs in again.
        self.screen_locked = False
        self._account_checked: tuple[Account | None, int | None] = (None, None)
        #: The permissions asked since the last write began: re-asked there if an account
        #: has changed meanwhile (see `_require`).
        self._used_since_write: set[Permission] = set()
        self.workstation = workstation or socket.gethostname()
        self._hasher = hasher or PasswordHasher()
        self._base_library = library or shipped_library()
        self._library = self._with_clinic_protocols()
        self._lock = lock
        #: The logged-in account's username and private key, opened at login (store.keys):
        #: every audit row it writes is signed with it. None while no one is logged in.
        self._signing: tuple[str, Ed25519PrivateKey] | None = None
        self._anchor = AnchorWriter(None)  # anchors nothing until opened (see `open`)
        self._file = FileIdentity(path)

    @property
    def library(self) -> Library:
        """The protocols, checklists and scales in use: the shipped and clinic files, and the
        latest countersigned version of each clinic protocol saved in the app (rebuilt after
        a countersignature). A draft is in no session's choice; a session keeps the text of
        the version it started with, whatever is saved later."""
        return self._library

    def _with_clinic_protocols(self) -> Library:
        """The library with the clinic protocols saved in the app (the clinic part reads
        them; the core alone, e.g. for one audit row of a restored copy, has none)."""
        return self._base_library

    @classmethod
    def open(cls, path: Path | str, clock: Clock, *, lock: bool = True,
             library: Library | None = None,
             extra_protocol_folders: Sequence[Path] = (),
             hasher: PasswordHasher | None = None, create: bool = False) -> Self:
        """Take the one-instance lock, check and migrate the file; refuse with a StoreError
        (naming the file and what to do) and write nothing if it cannot be used.

        A path with no file is refused (DatabaseMissing) unless `create`: only the first
        start of a new clinic makes one, and never where a database was before (see
        `connection.refuse_missing`).

        The clinic's own protocol and checklist files in `extra_protocol_folders` join the
        shipped ones (each bad file refused alone, listed in `library.problems`)."""
        if library is None and extra_protocol_folders:
            library = load_library(extra_protocol_folders)
        path = Path(path).absolute()
        instance_lock = None
        if no_database_at(path):
            refuse_missing(path, create=create)  # before a lock file is made beside it
        if lock:
            if path.exists():
                check_writable(path)  # before the lock file is made beside it
            else:
                prepare_new_location(path)
            instance_lock = InstanceLock(path)
            instance_lock.acquire()
        try:
            db, upgrade = open_database(path, clock=clock, create=create)
        except BaseException:
            if instance_lock:
                instance_lock.abandon()
            raise
        if instance_lock:
            try:
                instance_lock.hold_file()  # a file just made: its lock by inode only now
            except BaseException:
                db.close()
                instance_lock.abandon()
                raise
        store = cls(db, path, clock, library=library, lock=instance_lock, hasher=hasher)
        store._anchor = AnchorWriter(path)
        if upgrade:
            store._audit_upgrade(upgrade)
        return store

    @classmethod
    def open_beside_app(cls, path: Path | str, clock: Clock, *,
                        hasher: PasswordHasher | None = None) -> Self:
        """Open the file for a command that reads the record and writes only its own audit
        rows (an export, a backup, the list of accounts), even while an app has it open.

        The instance lock keeps out a second *app*: two windows could chart over each other.
        A command like this charts nothing; write-ahead logging lets it read beside the
        app, and its few short writes (its login's and its own audit row) take their turn
        under the busy timeout (see `_transaction`). With no app running, the lock is taken
        only while the file is checked and, if need be, migrated forward, then let go, so
        the nurse can start the app while a nightly job runs."""
        path = Path(path).absolute()
        if no_database_at(path):
            refuse_missing(path, create=False)  # a command never makes a database
        instance_lock = InstanceLock(path)
        try:
            check_writable(path)  # before the lock file is made beside it
            instance_lock.acquire()
        except DatabaseInUse:
            db, _ = open_database(path, clock=clock, beside_app=True)
            return cls(db, path, clock, hasher=hasher)
        try:
            store = cls.open(path, clock, lock=False, hasher=hasher)
        except BaseException:
            instance_lock.abandon()
            raise
        instance_lock.release()
        return store

    def _audit_upgrade(self, upgrade: UpgradeCopy) -> None:
        """Say in the trail which version's schema the file left, and where the copy of it
        as it was is kept: the app acting at start, before anyone logs in."""
        with self._transaction():
            self._audit(UPGRADED, "database", None, user="ketamonitor",
                        reason="a newer ketamonitor migrated the file forward",
                        new_value={"from": upgrade.applied_last,
                                   "applied": list(upgrade.pending),
                                   "copy": str(upgrade.path), "sha256": upgrade.sha256,
                                   "size": upgrade.size})

    def close(self) -> None:
        self._signing = None
        self._anchor.anchor(self._db.conn, self.clock.now())
        self._db.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- who -----------------------------------------------------------------------------

    @property
    def user(self) -> str:
        """The username of the person charting: every row and audit row carries it."""
        if self.account is None:
            raise NotLoggedIn("log in first: nothing is read or charted without a named "
                              "account")
        return self.account.username

    def _require(self, permission: Permission) -> Account:
        """The one check of who may do what, made by the store for every path in.

        The roles are those the record holds, not those remembered at login: a script that
        hands itself an Account with more roles gains nothing (it is re-read at once), and
        a role taken or an account disabled at another workstation counts at the next
        write, whose transaction looks once at the newest account change under the write
        lock (`_permission_taken`) and re-asks every permission used since the last
        write. One look per write, not one per check: a vitals save asks a dozen."""
        if self.screen_locked and permission not in WHILE_LOCKED:
            raise NotLoggedIn("the screen is locked: log in again to go on")
        if self.account is not None:
            if self.account != self._account_checked[0]:  # a login, or a crafted Account
                self._read_account()
            if (self.account is not None and self.account.must_choose_password
                    and permission not in WHILE_LOCKED):
                raise NotLoggedIn(f"{self.account.username} must first choose their own "
                                  "password (an administrator set the one they have): log "
                                  "in to the app to choose it")
        self._used_since_write.add(permission)
        try:
            return require(self.account, permission)
        except PermissionDenied as refused:
            self._audit_refusal(permission, refused)
            raise

    def _read_account(self) -> None:
        """The account as the record holds it now, with the newest account change seen."""
        assert self.account is not None
        changes = self._db.execute("SELECT max(id) FROM user_changes").fetchone()[0]
        self.account = self._account_as_recorded(self.account.id)
        self._account_checked = (self.account, changes)

    def _permission_taken(self) -> Permission | None:
        """At the start of a write (the write lock held): if any account changed since the
        roles were last read, read them again; a permission used since the last write that
        they no longer give (the write is then refused, failing closed), or None."""
        used, self._used_since_write = self._used_since_write, set()
        if self.account is None:
            return None
        changes = self._db.execute("SELECT max(id) FROM user_changes").fetchone()[0]
        if (self.account, changes) == self._account_checked:
            return None
        self.account = self._account_as_recorded(self.account.id)
        self._account_checked = (self.account, changes)
        for permission in sorted(used, key=lambda p: p.value):
            if self.account is None or not allowed(self.account, permission) or (
                    self.account.must_choose_password and permission not in WHILE_LOCKED):
                return permission
        return None

    def _audit_refusal(self, permission: Permission, refused: PermissionDenied) -> None:
        """A refused attempt is recorded as what it is (`export.refused`: who tried what),
        in its own transaction, so the trail shows attempts as well as acts. Inside a
        larger write that the refusal then rolls back, it goes with it; a file that cannot
        take the row (full, read-only) loses only the row, never the refusal itself."""
        assert self.account is not None
        try:
            with self._transaction(check_account=False):
                self._audit(refused_action(permission), REFUSALS, None,
                            new_value={"attempted": permission.value,
                                       "roles": sorted(self.account.roles)},
                            reason=str(refused), user=self.account.username)
        except StoreError as problem:
            log.error("refusal not recorded: %s", problem)

    def _account_as_recorded(self, account_id: int) -> Account | None:
        raise NotImplementedError  # the Accounts part reads it

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, check_account: bool = True) -> Iterator[None]:
        """One atomic, durable write; environment failures become StoreErrors, and a
        statement that nothing outside the program explains a StoreBug (logged with its
        traceback, see `connection.environment_error`).

        The outermost transaction begins IMMEDIATE, taking the write lock before its first
        read: a transaction that read first (the audit chain's last hash) and then had to
        wait for another writer (an export beside the app, the app beside a nightly job)
        would fail at once instead of waiting its turn, its snapshot being stale. It then
        makes the write's one check that no account changed meanwhile (see `_require`);
        `check_account=False` only for a write about the login itself (a refusal, a login,
        a lock), which a changed account must not stop.

        Before and after its commit it confirms that the path still leads to the file
        opened (`check_file`): a write into a file deleted or replaced meanwhile is rolled
        back (or, replaced during the commit itself, not acknowledged)."""
        try:
            if self._db.conn.in_transaction:
                with self._db.atomic():  # nested: a savepoint
                    yield
                return
            self._db.conn.execute("BEGIN IMMEDIATE")
            try:
                taken = self._permission_taken() if check_account else None
            except BaseException:
                self._db.conn.execute("ROLLBACK")
                raise
            if taken is not None:
                self._db.conn.execute("ROLLBACK")
                self._require(taken)  # refused, and the refusal recorded in its own write
                raise AssertionError(f"{taken} was taken, yet not refused")
            try:
                yield
                self._file.confirm()  # the file at the path is still the one written
                self._db.conn.execute("COMMIT")
                self._file.confirm()  # and was so at the commit: else not acknowledged
                self._anchor.after_commit(self._db.conn, self.clock.now())
            except BaseException:
                if self._db.conn.in_transaction:
                    self._db.conn.execute("ROLLBACK")
                raise
        except sqlite3.IntegrityError as error:
            raise refused_by_file(error) from error
        except sqlite3.Error as error:
            problem = environment_error(self.path, error)
            if problem is None:
                raise store_bug(self.path, error) from error
            log.error("write to %s failed: %s", self.path, error)
            raise problem from error

    def check_file(self) -> None:
        """A DatabaseMoved if the file at the path is no longer the one opened (deleted,
        moved or replaced), and every write refused from then on (see store.identity).
        Each write checks before acknowledging; the room's tick calls this, so an idle room
        says so too."""
        self._file.confirm()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Many entries in one commit, all or none: for generated or imported data (the demo
        clinic, a monitor's backlog), never for a nurse's entries, which commit one by one."""
        with self._transaction():
            yield

    @contextmanager
    def _signed_by(self, username: str, private: Ed25519PrivateKey) -> Iterator[None]:
        """Rows written as `username` within are signed with `private`: a person who is not
        the one logged in, who confirmed with their password (a physician's override at the
        nurse's workstation), or the first administrator making their own account."""
        held = self._signing
        self._signing = (username, private)
        try:
            yield
        finally:
            self._signing = held

    def _insert(self, table: str, values: Mapping[str, Any]) -> int:
        check_row(table, values)  # text, numbers and types, whoever called (store.values)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self._db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
        row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    def _audit(self, action: str, entity: str, entity_id: int | None, *,
               new_value: Mapping[str, Any] | None = None, old_value: str | None = None,
               reason: str | None = None, user: str | None = None) -> None:
        """An audit row, chained to the one before it and signed with the key of the account
        that wrote it (the one logged in; the room's rows by whoever is logged in at the
        workstation); always inside the change's own transaction.

        A row with no logged-in account (a failed login, an upgrade, a restore) is unsigned:
        verify allows that only for the actions in `core.keys.UNSIGNED_ALLOWED`. The hash
        covers the previous row's signature and this row's signer; the signature is over
        the hash (core.audit_chain)."""
        who = user or self.user
        signer = None
        if self._signing is not None and who in (self._signing[0], ROOM):
            signer = self._signing[0]
        row = {
            "at": to_stored(self.clock.now()),
            "user": who,
            "workstation": self.workstation,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "old_value": old_value,
            "new_value": None if new_value is None else rows.canonical_json(new_value),
            "reason": reason,
            "signer": signer,
            "hash_rule": SIGNED_RULE,
        }
        last = self._db.execute(
            "SELECT id, hash, signature FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        previous, previous_signature = (last[1], last[2]) if last else (GENESIS, None)
        row_id = (last[0] + 1) if last else 1
        digest = row_hash(previous, {**row, "id": row_id}, previous_signature)
        signature = None if self._signing is None or signer is None else sign(
            self._signing[1], digest)
        written = self._insert("audit", {"id": row_id, **row, "prev_hash": previous,
                                         "hash": digest, "signature": signature})
        assert written == row_id

    def _record(self, table: str, values: Mapping[str, Any], *, action: str | None = None,
                reason: str | None = None, old_value: str | None = None,
                user: str | None = None) -> int:
        """Insert a row of an append-only table with the audit row that records it whole,
        so that `verify` can tell the row was never changed behind the app's back."""
        row_id = self._insert(table, values)
        self._audit(action or f"{table}.create", table, row_id,
                    new_value=audited_values(table, values), old_value=old_value,
                    reason=reason, user=user)
        return row_id

    def _charted(self, table: str, values: dict[str, Any], *, reason: str | None = None) -> int:
        """Insert a charted row stamped with who and when, with its audit row."""
        now = to_stored(self.clock.now())
        values = {**values, "entered_at": now, "entered_by": self.user}
        return self._record(table, values, reason=reason)

    def record_counts(self) -> RecordCounts:
        """How many accounts and patients the file holds (numbers only, no patient data:
        asked before anyone logs in, e.g. by the demo, which fills only an empty file)."""
        accounts = self._db.execute("SELECT count(*) FROM users").fetchone()[0]
        real, demo = self._db.execute(
            "SELECT count(*) FILTER (WHERE is_demo = 0), count(*) FILTER (WHERE is_demo = 1) "
            "FROM patients").fetchone()
        return RecordCounts(accounts, real, demo)

    def _is_signed(self, session_id: int) -> bool:
        return self._db.execute("SELECT 1 FROM signatures WHERE session_id = ? AND kind = "
                                "'signature'", [session_id]).fetchone() is not None

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self._db.execute(sql, list(params))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def audit_trail(self, *, since: datetime | None = None, until: datetime | None = None,
                    user: str | None = None, action: str | None = None,
                    session_id: int | None = None, patient_id: int | None = None,
                    limit: int = 10_000) -> list[dict[str, Any]]:
        """The audit trail for an administrator, filtered by date range, user, action (a
        prefix: "vitals" finds vitals.create), session or patient; the newest first."""
        self._require(Permission.VIEW_AUDIT)
        clauses: list[str] = []
        params: list[Any] = []
        if since is not None:
            clauses.append("a.at >= ?")
            params.append(to_stored(since))
        if until is not None:
            clauses.append("a.at < ?")
            params.append(to_stored(until))
        if user:
            clauses.append("a.user = ?")
            params.append(user)
        if action:
            clauses.append("a.action LIKE ? ESCAPE '\\'")
            params.append(action.replace("%", "\\%").replace("_", "\\_") + "%")
        if session_id is not None:
            clauses.append("json_extract(a.new_value, '$.session_id') = ? "
                           "OR (a.entity = 'sessions' AND a.entity_id = ?)")
            params += [session_id, session_id]
        if patient_id is not None:
            clauses.append("(json_extract(a.new_value, '$.patient_id') = ? "
                           "OR (a.entity = 'patients' AND a.entity_id = ?) "
                           "OR json_extract(a.new_value, '$.session_id') IN "
                           "(SELECT id FROM sessions WHERE patient_id = ?))")
            params += [patient_id, patient_id, patient_id]
        where = f"WHERE {' AND '.join(f'({c})' for c in clauses)}" if clauses else ""
        return self._rows(f"SELECT a.* FROM audit a {where} ORDER BY a.id DESC LIMIT ?",
                          [*params, limit])

    def integrity_check(self) -> list[str]:
        return [row[0] for row in self._db.execute("PRAGMA integrity_check")]

    def pragmas(self) -> dict[str, object]:
        return pragmas(self._db)
