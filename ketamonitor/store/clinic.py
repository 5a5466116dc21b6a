"""The clinic's protocols (shipped, its own files, versions saved in the app) and its
settings. A version saved in the app is an administrator's draft until a physician
countersigns it: only then does a new session use it."""

from __future__ import annotations

import dataclasses
from typing import Any

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import Library, Origin, ProtocolDraft, ProtocolVersion
from ketamonitor.core.permissions import Permission
from ketamonitor.core.protocol import Protocol, ProtocolError, parse_protocol
from ketamonitor.core.protocol_text import protocol_changes, with_version
from ketamonitor.core.settings import SETTINGS, check_setting
from ketamonitor.core.times import to_stored
from ketamonitor.store import rows
from ketamonitor.store.parts import StoreCore
from ketamonitor.store.signatures import PasswordNotConfirmed

#: Every clinic protocol version saved in the app with where it stands (core VersionState):
#: in force once countersigned (or saved before drafts existed), declined, the draft that
#: awaits a decision (the latest version of its id, undecided), or set aside by a later one.
_VERSIONS = """
    SELECT p.*, d.decided_by AS decided_by, d.reason AS decision_reason,
        CASE WHEN p.id <= (SELECT protocols_before FROM protocol_drafts_began)
                  OR d.decision = 'countersigned' THEN 'countersigned'
             WHEN d.decision = 'declined' THEN 'declined'
             WHEN p.version = (SELECT max(version) FROM protocols q
                               WHERE q.protocol_id = p.protocol_id) THEN 'draft'
             ELSE 'set_aside' END AS state
    FROM protocols p LEFT JOIN protocol_decisions d ON d.protocol_row = p.id"""


class ClinicSetup(StoreCore):

    def _with_clinic_protocols(self) -> Library:
        in_force: dict[str, ProtocolVersion] = {}
        for row in self._rows(f"SELECT * FROM ({_VERSIONS}) WHERE state = 'countersigned' "
                              "ORDER BY protocol_id, version"):
            in_force[row["protocol_id"]] = rows.protocol_version(row)
        return self._base_library.with_clinic_protocols(in_force.values())

    def protocol_versions(self, protocol_id: str) -> list[ProtocolVersion]:
        """Every version of a clinic protocol saved in the app, oldest first, each with its
        state (none for a shipped protocol or a clinic file)."""
        return [rows.protocol_version(row) for row in self._rows(
            f"SELECT * FROM ({_VERSIONS}) WHERE protocol_id = ? ORDER BY version",
            [protocol_id])]

    def save_clinic_protocol(self, text: str, *, based_on: str | None,
                             reason: str) -> Protocol:
        """Save the next version of a clinic protocol from its TOML text, with its audit row:
        a draft, used by no session until a physician countersigns it
        (`countersign_protocol`); a later draft of the same protocol sets it aside.

        The text is checked by the core rules (a ProtocolError names the key at fault) and
        its checklists and scales must be in the library; its `version` is set to the next
        number for its id. A shipped protocol or a clinic file is never overwritten: a clinic
        copy takes its own id. Sessions already started keep the version they began with."""
        self._require(Permission.MANAGE_PROTOCOLS)
        why = " ".join(reason.split())
        if not why:
            raise ValidationError({"reason": "say why the protocol changes"})
        draft = parse_protocol(text)
        library = self.library
        origin = library.origin(draft.id)
        if draft.id in library.protocols and origin is not Origin.CLINIC:
            raise ProtocolError.at("id", f"{draft.id} is a {origin.label.lower()} protocol's "
                                         "id: save the clinic's copy under its own id")
        for other in library.protocols.values():
            if other.id != draft.id and other.name.casefold() == draft.name.casefold():
                raise ProtocolError.at("name", f"is already the name of {other.id}")
        with self._transaction():
            previous = self._db.execute(
                "SELECT version, toml FROM protocols WHERE protocol_id = ? "
                "ORDER BY version DESC LIMIT 1", [draft.id]).fetchone()
            version = previous[0] + 1 if previous else 1
            protocol = parse_protocol(with_version(text, version))
            if protocol.version != version:
                raise ProtocolError.at("version", "must be written as a line `version = N` "
                                                  "before the first table")
            self._base_library.check_protocol(protocol)
            self._refuse_no_change(protocol)
            values = {
                "protocol_id": protocol.id,
                "version": protocol.version,
                "name": protocol.name,
                "toml": protocol.source_text,
                "based_on": based_on,
                "created_at": to_stored(self.clock.now()),
                "created_by": self.user,
            }
            self._record("protocols", values, old_value=previous[1] if previous else None,
                         reason=why)
        return protocol

    def _refuse_no_change(self, protocol: Protocol) -> None:
        """A draft must differ from the version in force and from the draft it sets aside."""
        in_force = self.library.protocols.get(protocol.id)
        if (self.library.origin(protocol.id) is Origin.CLINIC and in_force is not None
                and _same_numbers(in_force, protocol)):
            raise ValidationError({"protocol": f"nothing changed from version "
                                               f"{in_force.version}, the one in force"})
        pending = self._pending_row(protocol.id)
        if pending is not None and _same_numbers(
                parse_protocol(pending["toml"], as_recorded=True), protocol):
            raise ValidationError({"protocol": f"nothing changed from version "
                                               f"{pending['version']}, the draft"})

    # -- drafts and their countersignature -----------------------------------------------

    def protocol_drafts(self) -> list[ProtocolDraft]:
        """The drafts awaiting a physician's countersignature, each with what it changes."""
        self._require(Permission.SEE_PROTOCOL_DRAFTS)
        return [self._draft(row) for row in self._rows(
            f"SELECT * FROM ({_VERSIONS}) WHERE state = 'draft' ORDER BY protocol_id")]

    def countersign_protocol(self, protocol_id: str, version: int, password: str) -> Protocol:
        """Put a draft in force for the sessions started from now on: a physician other than
        its author, after their password again (checked like a signature's; a wrong one is
        refused, counted like a failed login and audited, and nothing changes)."""
        account = self._require(Permission.COUNTERSIGN_PROTOCOL)
        row = self._decidable(protocol_id, version, account.username)
        if not self.confirm_password(password):
            with self._transaction():
                self._audit("protocols.countersign_refused", "protocols", row["id"],
                            reason="the password did not match")
            raise PasswordNotConfirmed("the password did not match: the draft is not in "
                                       "force")
        with self._transaction():
            row = self._decidable(protocol_id, version, account.username)  # still a draft
            self._record("protocol_decisions", {
                "protocol_row": row["id"], "decision": "countersigned", "reason": None,
                "decided_at": to_stored(self.clock.now()), "decided_by": account.username,
            }, action="protocols.countersigned")
        self._library = self._with_clinic_protocols()
        return parse_protocol(row["toml"], as_recorded=True)

    def decline_protocol_draft(self, protocol_id: str, version: int, reason: str) -> None:
        """Discard a draft with a reason: it never comes into force; the version in force
        stays so, and the administrator may save a new draft."""
        account = self._require(Permission.COUNTERSIGN_PROTOCOL)
        why = " ".join(reason.split())
        if not why:
            raise ValidationError({"reason": "say why the draft is declined"})
        with self._transaction():
            row = self._decidable(protocol_id, version, account.username)
            self._record("protocol_decisions", {
                "protocol_row": row["id"], "decision": "declined", "reason": why,
                "decided_at": to_stored(self.clock.now()), "decided_by": account.username,
            }, action="protocols.declined", reason=why)

    def _check_in_force(self, protocol: Protocol) -> None:
        """A session starts only under a protocol in force: never a draft's text handed in
        by a script, nor a version since replaced."""
        in_force = self.library.protocols.get(protocol.id)
        if in_force is None or in_force.source_text != protocol.source_text:
            raise ValidationError({"protocol": f"{protocol.id} version {protocol.version} "
                                               "is not in force: choose the protocol again"})

    def _pending_row(self, protocol_id: str) -> dict[str, Any] | None:
        found = self._rows(f"SELECT * FROM ({_VERSIONS}) WHERE protocol_id = ? AND "
                           "state = 'draft'", [protocol_id])
        return found[0] if found else None

    def _decidable(self, protocol_id: str, version: int, deciding: str) -> dict[str, Any]:
        """The draft's row, if it still awaits a decision and `deciding` did not write it."""
        row = self._pending_row(protocol_id)
        if row is None or row["version"] != version:
            raise ValidationError({"draft": f"{protocol_id} version {version} is not a draft "
                                            "awaiting countersignature"})
        if row["created_by"] == deciding:
            raise ValidationError({"draft": "you saved this draft: another physician "
                                            "countersigns or declines it"})
        return row

    def _draft(self, row: dict[str, Any]) -> ProtocolDraft:
        version = rows.protocol_version(row)
        protocol = parse_protocol(version.text, as_recorded=True)
        library = self.library
        in_force = (library.protocols.get(version.protocol_id)
                    if library.origin(version.protocol_id) is Origin.CLINIC else None)
        compared = in_force or _based_on(library, version.based_on)
        reason = self._db.execute(
            "SELECT reason FROM audit WHERE entity = 'protocols' AND entity_id = ? "
            "AND action = 'protocols.create' ORDER BY id LIMIT 1", [row["id"]]).fetchone()
        return ProtocolDraft(
            version=version, protocol=protocol, compared_with=compared,
            in_force=in_force is not None,
            changes=protocol_changes(compared, protocol) if compared else (),
            reason=reason[0] if reason and reason[0] else "")

    def setting(self, key: str, default: str | None = None) -> str:
        """A clinic setting's latest value; else `default`, else its declared default."""
        found = self._db.execute("SELECT value FROM settings WHERE key = ? "
                                 "ORDER BY id DESC LIMIT 1", [key]).fetchone()
        if found is not None:
            value: str = found[0]
            return value
        return default if default is not None else SETTINGS[key].default

    def set_setting(self, key: str, value: str) -> bool:
        """Change a clinic setting, with its audit row; False (and nothing written) when the
        value is already in force."""
        self._require(Permission.MANAGE_SETTINGS)
        cleaned = check_setting(key, value)
        with self._transaction():
            found = self._db.execute("SELECT value FROM settings WHERE key = ? "
                                     "ORDER BY id DESC LIMIT 1", [key]).fetchone()
            current = found[0] if found else SETTINGS[key].default
            if cleaned == current:
                return False
            values = {"key": key, "value": cleaned, "set_at": to_stored(self.clock.now()),
                      "set_by": self.user}
            self._record("settings", values, action="settings.set",
                         old_value=found[0] if found else None)
        return True


def _based_on(library: Library, reference: str | None) -> Protocol | None:
    """The protocol a version names as its base ("iv-racemic-ketamine version 1"), if the
    library holds that very version."""
    protocol_id, _, number = (reference or "").rpartition(" version ")
    found = library.protocols.get(protocol_id)
    return found if found is not None and str(found.version) == number else None


def _same_numbers(before: Protocol, after: Protocol) -> bool:
    """Two versions that differ only in their text (comments, version)."""
    return dataclasses.replace(before, version=0, source_text="") == dataclasses.replace(
        after, version=0, source_text="")
