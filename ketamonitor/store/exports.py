"""Records leaving the app: who may export, and the audit row of every export (who, what,
range, format, and the SHA-256 of the file written)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ketamonitor.core.accounts import Account
from ketamonitor.core.permissions import Permission
from ketamonitor.store.parts import StoreCore

EXPORTS = "exports"  # the audit entity of exports (no table: the audit row is the record)


class Exports(StoreCore):
    """The check before an export and the audit row after it."""

    def may_export(self) -> Account:
        """Refuse (PermissionDenied, NotLoggedIn) before anything is read or written: a
        nurse's account exports nothing, through any path."""
        return self._require(Permission.EXPORT)

    def record_export(self, kind: str, details: Mapping[str, Any], file_sha256: str) -> None:
        """The export's audit row, written once the file is complete under its final name:
        `kind` (e.g. "summary", "session_log", "audit_log"), what was exported (session id,
        date range, format, de-identified or not), and the file's hash."""
        self.may_export()
        with self._transaction():
            self._audit(f"exports.{kind}", EXPORTS, None,
                        new_value={**details, "sha256": file_sha256})
