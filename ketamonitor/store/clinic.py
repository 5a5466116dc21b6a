"""The clinic's protocols (shipped, its own files, versions saved in the app) and its
settings."""

from __future__ import annotations

import dataclasses

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import Library, Origin, ProtocolVersion
from ketamonitor.core.permissions import Permission
from ketamonitor.core.protocol import Protocol, ProtocolError, parse_protocol
from ketamonitor.core.protocol_text import with_version
from ketamonitor.core.settings import SETTINGS, check_setting
from ketamonitor.core.times import to_stored
from ketamonitor.store import rows
from ketamonitor.store.base import StoreBase


class ClinicSetup(StoreBase):

    @property
    def library(self) -> Library:
        """The protocols, checklists and scales in use: the shipped and clinic files, and the
        latest version of each clinic protocol saved in the app (rebuilt after a save). A
        session keeps the text of the version it started with, whatever is saved later."""
        return self._library

    def _with_clinic_protocols(self) -> Library:
        latest = self._rows(
            "SELECT * FROM protocols p WHERE version = (SELECT max(version) FROM protocols "
            "WHERE protocol_id = p.protocol_id) ORDER BY protocol_id")
        return self._base_library.with_clinic_protocols(
            rows.protocol_version(row) for row in latest)

    def protocol_versions(self, protocol_id: str) -> list[ProtocolVersion]:
        """Every version of a clinic protocol saved in the app, oldest first (none for a
        shipped protocol or a clinic file)."""
        return [rows.protocol_version(row) for row in self._rows(
            "SELECT * FROM protocols WHERE protocol_id = ? ORDER BY version", [protocol_id])]

    def save_clinic_protocol(self, text: str, *, based_on: str | None,
                             reason: str) -> Protocol:
        """Save the next version of a clinic protocol from its TOML text, with its audit row.

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
            if previous and _same_numbers(parse_protocol(previous[1], as_recorded=True),
                                          protocol):
                raise ValidationError({"protocol": f"nothing changed from version "
                                                   f"{previous[0]}"})
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
        self._library = self._with_clinic_protocols()
        return protocol

    def setting(self, key: str, default: str | None = None) -> str:
        """A clinic setting's latest value; else `default`, else its declared default."""
        found = self._db.execute("SELECT value FROM settings WHERE key = ? "
                                 "ORDER BY id DESC LIMIT 1", [key]).fetchone()
        if found is not None:
            return found[0]
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


def _same_numbers(before: Protocol, after: Protocol) -> bool:
    """Two versions that differ only in their text (comments, version)."""
    return dataclasses.replace(before, version=0, source_text="") == dataclasses.replace(
        after, version=0, source_text="")
