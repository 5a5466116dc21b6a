"""Accounts: created, changed and disabled (never deleted), and logins, throttled and
locked after repeated failures; every step audited."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext, suppress
from datetime import datetime

from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ketamonitor.core.accounts import (
    Account,
    Role,
    check_display_name,
    check_password,
    check_roles,
    check_username,
    password_is_temporary,
)
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.core.lockout import LoginEvent, LoginState, login_state
from ketamonitor.core.permissions import Permission
from ketamonitor.core.text import not_text
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.store.keys import KeyCannotBeOpened, KeyPair, new_key_pair, seal, unseal
from ketamonitor.store.parts import StoreCore
from ketamonitor.store.verify_keys import root_fingerprint

ACCOUNTS = "accounts"  # the audit entity of logins and locks (not a table: no row is written)
_FIELDS = ("display_name", "roles", "password_hash", "disabled")
_LOGIN_EVENTS = tuple(event.value for event in LoginEvent)
#: The audit action of a key pair issued (creation, an administrator's reset, the first
#: login after keys began) or resealed (an own password change).
KEY_ISSUED = "accounts.key"
#: What a person is told when the password opens the account but not its key: the password
#: hash was replaced outside the app (the key is sealed under the real password).
KEY_REFUSED = ("This account's key cannot be opened with this password: the account was "
               "changed outside the app. Nothing can be charted, signed or exported as it; "
               "ask the administrator to reset its password.")


class LoginRefused(RuleError):
    """A login that did not happen; the message is safe to show (it never says whether the
    username exists)."""


class Accounts(StoreCore):
    """People: their accounts, their logins, and the one place their passwords are checked."""

    # -- reading -------------------------------------------------------------------------

    def has_accounts(self) -> bool:
        return self._db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def _account(self, username: str) -> Account | None:
        if not_text(username):
            return None  # bytes that are not UTF-8 name no account (and cannot be bound)
        found = self._db.execute("SELECT id, username, created_at FROM users WHERE username = ?",
                                 [username]).fetchone()
        if found is None:
            return None
        user_id, name, created = found
        state, set_by = {}, {}
        for field, value, changed_by in self._db.execute(
                "SELECT field, value, changed_by FROM user_changes WHERE user_id = ? "
                "ORDER BY id", [user_id]):
            state[field], set_by[field] = value, changed_by
        roles = frozenset(Role(r) for r in state.get("roles", "").split(",") if r)
        return Account(user_id, name, state.get("display_name", name), roles,
                       state.get("disabled") == "yes", from_stored(created),
                       password_is_temporary(name, set_by.get("password_hash", name)))

    def _account_as_recorded(self, account_id: int) -> Account | None:
        found = self._db.execute("SELECT username FROM users WHERE id = ?",
                                 [account_id]).fetchone()
        return None if found is None else self._account(found[0])

    def _password_hash(self, user_id: int) -> str | None:
        found = self._db.execute(
            "SELECT value FROM user_changes WHERE user_id = ? AND field = 'password_hash' "
            "ORDER BY id DESC LIMIT 1", [user_id]).fetchone()
        return found[0] if found else None

    def staff_names(self, usernames: Iterable[str]) -> dict[str, str]:
        """The display name of each of these usernames that is an account (those who charted
        a record are named in what leaves it, e.g. FHIR's Practitioners); anyone who may
        read the record may read them."""
        self._require(Permission.READ_RECORD)
        found = {}
        for username in sorted(set(usernames)):
            account = self._account(username)
            if account is not None:
                found[username] = account.display_name
        return found

    def accounts(self) -> list[Account]:
        self._require(Permission.MANAGE_ACCOUNTS)
        names = [row[0] for row in self._db.execute("SELECT username FROM users ORDER BY id")]
        return [account for name in names if (account := self._account(name)) is not None]

    def login_state(self, username: str) -> LoginState:
        """Failures since the last good login, when the next try is allowed, any lock (the
        events are the audit rows of this username, or of its account when an administrator
        unlocked it)."""
        found = self._db.execute("SELECT id FROM users WHERE username = ?",
                                 [username]).fetchone()
        user_id = found[0] if found else -1
        events = [(LoginEvent(action), from_stored(at)) for action, at in self._db.execute(
            f"SELECT action, at FROM audit WHERE action IN "
            f"({', '.join('?' for _ in _LOGIN_EVENTS)}) AND (user = ? OR "
            f"(entity = '{ACCOUNTS}' AND entity_id = ?)) ORDER BY id",
            [*_LOGIN_EVENTS, username, user_id])]
        return login_state(events)

    def locked_accounts(self) -> list[tuple[str, datetime]]:
        """Accounts locked now by failed logins, with when the lock runs out."""
        self._require(Permission.MANAGE_ACCOUNTS)
        now = self.clock.now()
        locked = []
        for account in self.accounts():
            until = self.login_state(account.username).locked_until
            if until is not None and until > now:
                locked.append((account.username, until))
        return locked

    # -- changing ------------------------------------------------------------------------

    def create_first_administrator(self, username: str, display_name: str,
                                   password: str) -> Account:
        """The first start of an empty database: its first administrator, who then adds
        everyone else. Refused once any account exists."""
        if self.has_accounts():
            raise ValidationError({"username": "this database already has accounts: log in"})
        name = check_username(username)
        return self._create(name, display_name, frozenset({Role.ADMINISTRATOR}), password,
                            created_by=name)

    def add_account(self, username: str, display_name: str, roles: frozenset[Role],
                    password: str) -> Account:
        self._require(Permission.MANAGE_ACCOUNTS)
        name = check_username(username)
        if self._account(name) is not None:
            raise ValidationError({"username": "already taken (a username is never reused, "
                                               "even after an account is disabled)"})
        return self._create(name, display_name, check_roles(roles), password,
                            created_by=self.user)

    def _create(self, username: str, display_name: str, roles: frozenset[Role],
                password: str, *, created_by: str) -> Account:
        shown = check_display_name(display_name)
        secret = self._hasher.hash(check_password(password))
        pair, private = new_key_pair(password, self._hasher)
        now = to_stored(self.clock.now())
        first = created_by == username  # the first administrator: the clinic's root key
        # the first administrator's creation is signed by their own new key (the root)
        signing = self._signed_by(username, private) if first else nullcontext()
        with signing, self._transaction():
            user_id = self._record("users", {"username": username, "created_at": now,
                                             "created_by": created_by},
                                   action="accounts.create", user=created_by)
            for field, value in (("display_name", shown),
                                 ("roles", ",".join(sorted(r.value for r in roles))),
                                 ("password_hash", secret)):  # active until disabled
                self._change(user_id, field, value, created_by)
            self._issue_key(user_id, pair, created_by,
                            "the clinic's root key (its first administrator)" if first
                            else "a new account's key")
        account = self._account(username)
        assert account is not None
        return account

    def root_key_fingerprint(self) -> str | None:
        """The fingerprint of the clinic's root key (store.verify_keys.root_fingerprint);
        None before any. Not secret: shown when the clinic is set up, for the administrator
        to keep apart from the file."""
        return root_fingerprint(self._db.conn)

    def _key_pair(self, user_id: int) -> KeyPair | None:
        """The account's key pair as last issued or resealed, or None (an account from
        before keys, until its next login)."""
        found = self._db.execute(
            "SELECT public_key, sealed_key FROM account_keys WHERE user_id = ? "
            "ORDER BY id DESC LIMIT 1", [user_id]).fetchone()
        return None if found is None else KeyPair(found[0], found[1])

    def _issue_key(self, user_id: int, pair: KeyPair, by: str, reason: str) -> None:
        """A key pair issued or resealed: its public key in the audit row (signed by `by`),
        its sealed private key only by its sha256 there (store.rows.audited_values)."""
        self._record("account_keys", {"user_id": user_id, "public_key": pair.public_key,
                                      "sealed_key": pair.sealed_key,
                                      "issued_at": to_stored(self.clock.now()),
                                      "issued_by": by},
                     action=KEY_ISSUED, reason=reason, user=by)

    def _change(self, user_id: int, field: str, value: str, by: str,
                reason: str | None = None) -> None:
        assert field in _FIELDS
        self._record("user_changes", {"user_id": user_id, "field": field, "value": value,
                                      "changed_at": to_stored(self.clock.now()),
                                      "changed_by": by},
                     action=f"accounts.{field}", reason=reason, user=by)

    def _existing(self, username: str) -> Account:
        account = self._account(username.strip().lower())
        if account is None:
            raise ValidationError({"username": "no such account"})
        return account

    def set_roles(self, username: str, roles: frozenset[Role]) -> Account:
        self._require(Permission.MANAGE_ACCOUNTS)
        account = self._existing(username)
        wanted = check_roles(roles)
        if account.id == self.account_id and Role.ADMINISTRATOR not in wanted:
            raise ValidationError({"roles": "you cannot take your own administrator role"})
        with self._transaction():
            self._change(account.id, "roles", ",".join(sorted(r.value for r in wanted)),
                         self.user)
        return self._existing(username)

    def disable_account(self, username: str, reason: str) -> Account:
        """Disable, never delete: the name stays on every row it charted."""
        self._require(Permission.MANAGE_ACCOUNTS)
        account = self._existing(username)
        why = " ".join(reason.split())
        if not why:
            raise ValidationError({"reason": "say why the account is disabled"})
        if account.id == self.account_id:
            raise ValidationError({"username": "you cannot disable your own account"})
        with self._transaction():
            self._change(account.id, "disabled", "yes", self.user, reason=why)
        return self._existing(username)

    def enable_account(self, username: str, reason: str) -> Account:
        """Let a disabled account log in again (disabled by mistake, or the person is back),
        with the reason the audit trail keeps; its password is as it was."""
        self._require(Permission.MANAGE_ACCOUNTS)
        account = self._existing(username)
        why = " ".join(reason.split())
        if not why:
            raise ValidationError({"reason": "say why the account is enabled again"})
        if not account.disabled:
            raise ValidationError({"username": f"{account.username} is not disabled"})
        with self._transaction():
            self._change(account.id, "disabled", "no", self.user, reason=why)
        return self._existing(username)

    def set_password(self, username: str, password: str) -> None:
        """An administrator sets anyone's password (temporary: the person chooses their own
        at their next login); anyone changes their own."""
        # Who may, before whether the account exists: a refusal must not tell a nurse (or
        # someone not logged in) which usernames there are.
        own = self.account is not None and username.strip().lower() == self.account.username
        if not own:
            self._require(Permission.MANAGE_ACCOUNTS)
        account = self._existing(username)
        check_password(password)
        if own and account.must_choose_password and self._password_matches(
                account, password, failure=None):
            raise ValidationError({"password": "choose a password of your own, not the one "
                                               "you were given"})
        secret = self._hasher.hash(password)
        held = self._signing
        if own and held is not None and held[0] == account.username:
            # the same key, sealed under the new password
            pair, why = seal(held[1], password, self._hasher), "resealed: own password changed"
        else:  # an administrator's reset: the old key is sealed under a password no one has
            pair, why = new_key_pair(password, self._hasher)[0], (
                "a new key pair: the password was reset by an administrator")
        with self._transaction():
            self._change(account.id, "password_hash", secret, self.user)
            self._issue_key(account.id, pair, self.user, why)
        if own:
            self.account = self._existing(username)  # their own now: free to chart

    def unlock_account(self, username: str) -> None:
        self._require(Permission.MANAGE_ACCOUNTS)
        account = self._existing(username)
        with self._transaction():
            self._audit(LoginEvent.UNLOCKED.value, ACCOUNTS, account.id,
                        reason=f"{account.username} unlocked")

    # -- logging in ----------------------------------------------------------------------

    @property
    def account_id(self) -> int | None:
        return None if self.account is None else self.account.id

    def login(self, username: str, password: str) -> Account:
        """Log in as a named account; a refusal writes its audit row and nothing else."""
        typed = " ".join(username.split()).lower()
        if not typed or not password:
            raise LoginRefused("type your username and password")
        account = self._account(typed[:64])
        name = self._login_name(typed, account)
        state = self.login_state(name)
        refusal = state.refusal(self.clock.now())
        if refusal:
            # an attempt while throttled or locked: seen, not counted
            with self._transaction(check_account=False):
                self._audit("login.refused", ACCOUNTS, None if account is None else account.id,
                            user=name, reason=refusal)
            raise LoginRefused(refusal[0].upper() + refusal[1:])  # not capitalize(): UTC
        if account is None or account.disabled:
            self._failed(name, account)
            raise LoginRefused("Wrong username or password")
        if not self._password_matches(account, password):  # the failure audited in there
            raise LoginRefused("Wrong username or password")
        private, new_pair = self._open_key(account, password)
        self._signing = (account.username, private)
        with self._transaction(check_account=False):
            if new_pair is not None:
                self._issue_key(account.id, new_pair, account.username,
                                "first key of an account from before keys: trusted on first "
                                "use")
            self._audit(LoginEvent.SUCCEEDED.value, ACCOUNTS, account.id, user=account.username)
        self.account = account
        self.screen_locked = False
        self._used_since_write.clear()  # another person's permissions are not re-asked
        return account

    def _open_key(self, account: Account,
                  password: str) -> tuple[Ed25519PrivateKey, KeyPair | None]:
        """The account's private key opened with its password, and a new key pair when it
        had none (an account from before keys: trusted on first use). A password that
        matches the hash but does not open the key means the hash was replaced outside the
        app: the login is refused (and audited), so nothing is signed as that person."""
        pair = self._key_pair(account.id)
        if pair is None:
            new_pair, private = new_key_pair(password, self._hasher)
            return private, new_pair
        try:
            return unseal(pair, password), None
        except KeyCannotBeOpened:
            with self._transaction(check_account=False):
                self._audit("login.refused", ACCOUNTS, account.id, user=account.username,
                            reason="the password matched but did not open the account's "
                                   "key: the account was changed outside the app")
            raise LoginRefused(KEY_REFUSED) from None

    def _confirmed_key(self, account: Account, password: str) -> Ed25519PrivateKey:
        """The private key of someone who confirmed with their password at another person's
        login (a physician's override), to sign what they confirmed; an account from before
        keys takes its first key here (trusted on first use), as at a login."""
        private, new_pair = self._open_key(account, password)
        if new_pair is not None:
            with self._signed_by(account.username, private), self._transaction():
                self._issue_key(account.id, new_pair, account.username,
                                "first key of an account from before keys: trusted on first "
                                "use")
        return private

    def lock_screen(self, reason: str = "idle") -> None:
        """Lock the workstation (idle, or the person charting stepped away or is switching
        user): audited; the room goes on, charting waits for a login."""
        if self.account is None or self.screen_locked:
            return
        with self._transaction(check_account=False):
            self._audit("screen.locked", ACCOUNTS, self.account.id, reason=reason)
        self.screen_locked = True
        # the private key is dropped: only the room's rows go on (unsigned, allowed), and
        # the next login opens it again with the password
        self._signing = None

    def _password_matches(self, account: Account, password: str,
                          failure: LoginEvent | None = LoginEvent.FAILED) -> bool:
        """Whether `password` is the account's: the one place a password is checked, so
        that no caller (a login, a signature, an override, or code calling this straight)
        is a way round the wait, the audit trail or the lock.

        While the account must wait or is locked, the attempt is audited (`login.refused`)
        and refused (LoginRefused) before the password is checked; a wrong one is audited
        as `failure` (a failed login, a wrong password at signing) and counted towards the
        lock. The look at the account's state, the check and its audit row are one write
        transaction (IMMEDIATE: the file's write lock), so that tries arriving together from
        several workstations are taken one after another: each leaves its row, and none
        slips in within the wait another's failure set. `failure=None` only where a
        mismatch is no failure (a new password compared with the one an administrator
        gave)."""
        refusal = None
        with self._transaction(check_account=False):
            refusal = self.login_state(account.username).refusal(self.clock.now())
            if refusal:
                self._audit("login.refused", ACCOUNTS, account.id, user=account.username,
                            reason=refusal)
                matches = False
            else:
                secret = self._password_hash(account.id)
                try:
                    # as bytes: a password that is not UTF-8 (an environment variable's
                    # bytes) is a wrong one, never a UnicodeEncodeError
                    matches = secret is not None and self._hasher.verify(
                        secret, password[:1024].encode("utf-8", "surrogatepass"))
                except (VerificationError, InvalidHashError):
                    matches = False
                if not matches and failure is not None:
                    self._failed(account.username, account, failure)
        if refusal:
            raise LoginRefused(refusal[0].upper() + refusal[1:])  # not capitalize(): UTC
        return matches

    @staticmethod
    def _login_name(typed: str, account: Account | None) -> str:
        """The name a login attempt is audited (and throttled) under: the username, or for a
        name that is no account only its length, since people type their password into the
        username field and the audit trail must never hold any of it, in clear or hashed
        (a few hex digits of an unsalted hash are bits of the password)."""
        if account is not None:
            return account.username
        return f"unknown: {len(typed)} characters"

    def _failed(self, username: str, account: Account | None,
                event: LoginEvent = LoginEvent.FAILED) -> None:
        """One failed login (or wrong password at signing, `event`), and the lock if it is
        the fifth in a row; an unknown username costs the same time as a known one, so
        timing tells nothing."""
        if account is None:
            with suppress(VerificationError, InvalidHashError):
                self._hasher.verify(self._decoy(), "not the password")
        with self._transaction(check_account=False):
            self._audit(event.value, ACCOUNTS,
                        None if account is None else account.id, user=username)
            if self.login_state(username).locks_now:
                self._audit(LoginEvent.LOCKED.value, ACCOUNTS,
                            None if account is None else account.id, user=username,
                            reason="5 failed logins in a row")

    def _decoy(self) -> str:
        if not hasattr(self, "_decoy_hash"):
            self._decoy_hash = self._hasher.hash("decoy-password-for-timing")
        return self._decoy_hash

    def confirm_password(self, password: str) -> bool:
        """The password asked again before a signature: checked against the account logged
        in, and a wrong one counted like a failed login; while the account must wait or is
        locked, refused (LoginRefused) before it is checked, as a login would be, so that
        the signature prompt is no way round the lock (see `_password_matches`)."""
        account = self.account
        if account is None:
            return False
        return self._password_matches(account, password, LoginEvent.SIGNATURE_PASSWORD_WRONG)

    def logout(self) -> None:
        if self.account is not None:
            with self._transaction(check_account=False):
                self._audit("logout", ACCOUNTS, self.account.id)
        self.account = None
        self._signing = None  # the private key is held only while someone is logged in
        self.screen_locked = False
