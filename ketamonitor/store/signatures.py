"""A physician's review: the queue of charts to sign, the signature with the password asked
again, and signed addenda. A signed chart never changes."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.core.escalation import alerts_for_physician
from ketamonitor.core.keys import chart_signature_message
from ketamonitor.core.permissions import Permission
from ketamonitor.core.records import SessionListing
from ketamonitor.core.risk import risk_gaps
from ketamonitor.core.signature import (
    ADDENDUM_MEANING,
    MEANING,
    Signature,
    SignatureKind,
    addendum_text,
    content_hash,
)
from ketamonitor.core.times import from_stored, to_stored
from ketamonitor.store.keys import sign, signature_valid
from ketamonitor.store.parts import StoreCore


class PasswordNotConfirmed(RuleError):
    """The password asked before a signature did not match: nothing was signed."""


class Signatures(StoreCore):
    """Signatures and addenda, each with the hash of the exact content signed."""

    def signatures(self, session_id: int) -> list[Signature]:
        self._require(Permission.READ_RECORD)
        return [Signature(
            id=row["id"], session_id=row["session_id"], kind=SignatureKind(row["kind"]),
            signer=row["signer"], printed_name=row["printed_name"], meaning=row["meaning"],
            content_hash=row["content_hash"], signed_at=from_stored(row["signed_at"]),
            text=row["text"], key_verified=self._key_signed(row),
        ) for row in self._rows("SELECT * FROM signatures WHERE session_id = ? ORDER BY id",
                                [session_id])]

    def _key_signed(self, row: dict[str, Any]) -> bool:
        """Whether the signer's key signed this row's content hash (True for a signature
        made before keys, which has none): checked on every key the signer was issued."""
        if row["key_signature"] is None:
            return True
        message = chart_signature_message(row["session_id"], row["kind"], row["signer"],
                                          row["content_hash"], row["signed_at"])
        return any(signature_valid(key, message, row["key_signature"]) for (key,) in
                   self._db.execute("SELECT DISTINCT public_key FROM account_keys a JOIN "
                                    "users u ON u.id = a.user_id WHERE u.username = ?",
                                    [row["signer"]]))

    def review_queue(self) -> list[SessionListing]:
        """Finished sessions not yet signed, the oldest first."""
        self._require(Permission.REVIEW)
        return [listing for listing in self._listings(
            "WHERE NOT EXISTS (SELECT 1 FROM signatures g WHERE g.session_id = s.id AND "
            "g.kind = 'signature') ORDER BY s.began_at", [])
            if listing.phase.is_finished]

    def sign(self, session_id: int, password: str,
             seen_alerts: Collection[int] | None = None) -> Signature:
        """Sign a finished chart as reviewed and approved, after the password again.

        Signing is seeing the chart's high and critical alerts that no physician has seen
        yet: each gets a row saying the signer saw it, in the signature's transaction.
        `seen_alerts` names the alerts the signer was shown; when given, an unseen alert
        outside it (acknowledged or raised since) refuses the signature, to be shown first."""
        self._require(Permission.SIGN)
        chart = self.chart(session_id)
        if not chart.phase.is_finished:
            raise ValidationError({"signature": "the session is not finished yet"})
        if self._is_signed(session_id):
            raise ValidationError({"signature": "this chart is already signed; add an "
                                                "addendum instead"})
        if gaps := risk_gaps(chart, before="signing"):
            raise ValidationError({"risk_assessment": gaps[0]})
        alerts = self._alerts_of(session_id)
        unseen = alerts_for_physician(alerts)
        if seen_alerts is not None and not {a.id for a in unseen} <= set(seen_alerts):
            raise ValidationError({"alerts": "an alert not yet seen by a physician was not "
                                             "listed: open the signing again to see it"})

        def seen(signature_id: int) -> None:
            self._record_seen_at_signing(session_id, signature_id,
                                         unseen)

        return self._signed(session_id, SignatureKind.SIGNATURE, MEANING,
                            content_hash(chart, alerts=alerts), None, password, then=seen)

    def add_addendum(self, session_id: int, text: str, password: str) -> Signature:
        """An addendum to a signed chart, itself signed (the chart stays as it was)."""
        self._require(Permission.ADD_ADDENDUM)
        if not self._is_signed(session_id):
            raise ValidationError({"addendum": "sign the chart first; an addendum follows a "
                                               "signature"})
        words = addendum_text(text)
        return self._signed(session_id, SignatureKind.ADDENDUM, ADDENDUM_MEANING,
                            content_hash(self.chart(session_id), words,
                                         self._alerts_of(session_id)), words, password)

    def _chart_key_signature(self, values: dict[str, Any]) -> str | None:
        """The signer's own key over the content hash (None only if no key is held: an
        account given to the store by hand, never one logged in)."""
        if self._signing is None or self._signing[0] != values["signer"]:
            return None
        return sign(self._signing[1], chart_signature_message(
            values["session_id"], values["kind"], values["signer"], values["content_hash"],
            values["signed_at"]))

    def _alerts_of(self, session_id: int) -> list[AlertRecord]:
        return self.alerts([session_id])[session_id]

    def _signed(self, session_id: int, kind: SignatureKind, meaning: str, digest: str,
                text: str | None, password: str,
                then: Callable[[int], None] | None = None) -> Signature:
        account = self._require(Permission.SIGN if kind is SignatureKind.SIGNATURE
                                else Permission.ADD_ADDENDUM)
        if not self.confirm_password(password):
            raise PasswordNotConfirmed("the password did not match: nothing was signed")
        values = {"session_id": session_id, "kind": kind.value, "text": text,
                  "signer": account.username, "printed_name": account.display_name,
                  "meaning": meaning, "content_hash": digest,
                  "signed_at": to_stored(self.clock.now())}
        values["key_signature"] = self._chart_key_signature(values)
        with self._transaction():
            signature_id = self._record("signatures", values, action=f"signatures.{kind.value}")
            if then is not None:
                then(signature_id)
        return self.signatures(session_id)[-1]
