"""The accounts table: every account ever made (disabled ones stay, greyed), with
its status worked out by core (`AccountState`)."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from ketamonitor.core.lockout import AccountState
from ketamonitor.ui import theme
from ketamonitor.ui.models import Column, RowsModel


class AccountsModel(RowsModel[AccountState]):
    """Every account ever made (disabled ones stay, greyed), with its status."""

    STATUS = 3

    def __init__(self, zone: tzinfo, parent: QObject | None = None) -> None:
        super().__init__([
            Column("Username", lambda r: r.account.username),
            Column("Printed name", lambda r: r.account.display_name),
            Column("Roles", lambda r: r.account.roles_label),
            Column("Status", lambda r: r.status(zone)),
            Column("Created", lambda r: f"{r.account.created_at.astimezone(zone):%Y-%m-%d}"),
        ], parent)

    def usernames(self) -> list[str]:
        return [self.row_value(r).account.username for r in range(self.rowCount())]

    def extra_data(self, row: AccountState, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.account.disabled:
                return QBrush(QColor(theme.MUTED))
            if row.is_locked and column == self.STATUS:
                return QBrush(QColor(theme.CAUTION))
        if role == Qt.ItemDataRole.BackgroundRole and row.is_locked and column == self.STATUS:
            return QBrush(QColor(theme.CAUTION_BG))
        return None
