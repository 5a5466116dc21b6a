"""The old home of the Accounts dialog, kept so `from ketamonitor.ui.accounts_dialog import
AccountsDialog` (the main window's) still works: the dialog now lives in the
`ketamonitor.ui.accounts` package, one module a job."""

from ketamonitor.ui.accounts.dialog import AccountsDialog

__all__ = ["AccountsDialog"]
