"""A physician's override of the holds before the start or the gaps before discharge.

The physician may come to the nurse's workstation: the override names which physician and
asks for *their* password (checked like a signature's: a wrong one is counted towards their
lock and audited, and nothing else is written). The row keeps the holds or gaps listed at
that moment, so the gate lets the action go ahead for exactly those.
"""

from __future__ import annotations

import json

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.gates import override_items
from ketamonitor.core.holds import check_override
from ketamonitor.core.lockout import LoginEvent
from ketamonitor.core.permissions import Permission
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import Override
from ketamonitor.core.times import to_stored
from ketamonitor.store.parts import StoreCore
from ketamonitor.store.signatures import PasswordNotConfirmed

OVERRIDES = "overrides"

#: The phase each override is given in: the start before the dose, discharge when ready.
_GIVEN_IN = {Action.START_INFUSION: Phase.PRE_INFUSION,
             Action.DISCHARGE: Phase.READY_FOR_DISCHARGE}


class OverrideWrites(StoreCore):
    """`override`, `override_items` and `physicians`: what the override dialog needs."""

    def physicians(self) -> list[tuple[str, str]]:
        """The physicians who may override, as (username, printed name): active accounts
        with the physician role, for the dialog's choice."""
        self._require(Permission.CHART)
        names = [row[0] for row in self._db.execute("SELECT username FROM users ORDER BY id")]
        found = [self._account(name) for name in names]
        return [(a.username, a.display_name) for a in found
                if a is not None and not a.disabled and Role.PHYSICIAN in a.roles]

    def overridden(self, session_ids: list[int]) -> dict[int, tuple[Action, ...]]:
        """For each session given, the actions a physician overrode (none left out), for
        the review queue to show beside each chart."""
        self._require(Permission.READ_RECORD)
        found: dict[int, tuple[Action, ...]] = dict.fromkeys(session_ids, ())
        marks = ", ".join("?" for _ in session_ids)
        for session_id, action in self._db.execute(
                f"SELECT session_id, action FROM overrides WHERE session_id IN ({marks}) "
                "ORDER BY id", session_ids):
            found[session_id] += (Action(action),)
        return found

    def override_items(self, session_id: int, action: Action) -> tuple[str, ...]:
        """The holds (before the start) or gaps (before discharge) an override of `action`
        would cover now, in the gate's words."""
        chart = self.chart(session_id)
        return override_items(chart, action, self.library,
                              self.clock.now())

    def override(self, session_id: int, action: Action, reason: str, physician: str,
                 password: str) -> Override:
        """A physician's override of `action`'s holds or gaps as they are now, after the
        physician's password. Refused (nothing written) when nothing holds the action, the
        session is in another phase, there is no reason, or `physician` is not an active
        physician; a wrong password writes only its audit rows and counts towards the
        physician's lock (LoginRefused while they must wait or are locked)."""
        self._session_charting(session_id)
        items = self._current_items(session_id, action)
        reasons: dict[str, str] = {}  # every reason at once, for the dialog's fields
        try:
            why = check_override(action, items, reason)
        except ValidationError as refused:
            reasons |= refused.reasons
        try:
            account = self._physician(physician)
        except ValidationError as refused:
            reasons |= refused.reasons
        if reasons:
            raise ValidationError(reasons)
        self._confirm_physician(account, password, session_id, action)
        # the row is the physician's: signed with their key, which their password opens
        with self._signed_by(account.username, self._confirmed_key(account, password)), \
                self._transaction():
            items = self._current_items(session_id, action)  # as they are at this moment
            check_override(action, items, why)
            now = to_stored(self.clock.now())
            self._record(OVERRIDES, {
                "session_id": session_id, "action": action.value,
                "items": json.dumps(list(items), ensure_ascii=False, separators=(",", ":")),
                "reason": why, "physician": account.username,
                "physician_name": account.display_name, "overridden_at": now,
                "entered_at": now, "entered_by": self.user,
            }, reason=why, user=account.username)
        return self.chart(session_id).overrides[-1]

    def _current_items(self, session_id: int, action: Action) -> tuple[str, ...]:
        chart = self.chart(session_id)
        phase = _GIVEN_IN.get(action)
        if phase is not None and chart.phase is not phase:
            raise ValidationError({"action": f"“{action.label}” is overridden only while the "
                                             f"session is {phase.label.lower()}"})
        return override_items(chart, action, self.library,
                              self.clock.now())

    def _physician(self, username: str) -> Account:
        account = self._account(" ".join(username.split()).lower())
        if account is None or account.disabled or Role.PHYSICIAN not in account.roles:
            raise ValidationError({"physician": "choose a physician with an active account"})
        return account

    def _confirm_physician(self, account: Account, password: str, session_id: int,
                           action: Action) -> None:
        """The physician's own password: refused before it is checked while they must wait
        or are locked; a wrong one counted like a failed login, with the refusal audited
        (the wait, the lock and the count are `_password_matches`'s)."""
        if self._password_matches(account, password, LoginEvent.SIGNATURE_PASSWORD_WRONG):
            return
        with self._transaction():
            self._audit(f"{OVERRIDES}.refused", "sessions", session_id,
                        new_value={"session_id": session_id, "action": action.value,
                                   "physician": account.username},
                        reason="the physician's password did not match")
        raise PasswordNotConfirmed(f"the password of {account.display_name} did not match: "
                                   "nothing was overridden")
