"""Clinic ▸ Accounts…: the dialog shell (`dialog`), the accounts table (`table`) and one
module for each form (add, roles, password, disable, enable) on the base they share
(`form`). The rules they show (who may manage accounts, when a lock ends) are core's."""

from ketamonitor.ui.accounts.dialog import AccountsDialog

__all__ = ["AccountsDialog"]
