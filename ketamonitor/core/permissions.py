"""What each role may do: one table, enforced by the store for every path into the record
(window, command line, or a script calling the store), not by hiding buttons.

Nurses register patients and chart sessions; physicians review, add addenda and sign, and
may chart; administrators manage accounts, protocols and exports but do not chart or sign.
"""

from __future__ import annotations

from enum import StrEnum

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.errors import RuleError


class Permission(StrEnum):
    READ_RECORD = "read_record"
    REGISTER_PATIENT = "register_patient"
    START_SESSION = "start_session"
    CHART = "chart"                      # vitals, checklists, scales, notes, devices, phases
    AMEND = "amend"
    ACKNOWLEDGE_ALERT = "acknowledge_alert"
    RECORD_ALERTS = "record_alerts"      # the room raising and clearing alerts as time runs
    BOOK_APPOINTMENT = "book_appointment"
    REVIEW = "review"
    SIGN = "sign"
    ADD_ADDENDUM = "add_addendum"
    EXPORT = "export"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_PROTOCOLS = "manage_protocols"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"
    BACKUP = "backup"
    FILE_REMS = "file_rems"              # the REMS forms still to file, and marking them filed
    # -- protocol drafts (issue 15): an administrator's change waits for a physician ------
    SEE_PROTOCOL_DRAFTS = "see_protocol_drafts"    # the drafts and their changes
    COUNTERSIGN_PROTOCOL = "countersign_protocol"  # put a draft in force, or decline it
    # -- PHQ-9 item 9 (issue 17): a physician's risk assessment --------------------------
    ASSESS_RISK = "assess_risk"
    # -- the bedside monitors' feed (issue 21) -------------------------------------------
    MANAGE_MONITORS = "manage_monitors"  # which monitor or bed charts for which chair


_N, _P, _A = Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR

#: (action, roles): the whole of who may do what.
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.READ_RECORD: frozenset({_N, _P, _A}),
    Permission.REGISTER_PATIENT: frozenset({_N, _P}),
    Permission.START_SESSION: frozenset({_N, _P}),
    Permission.CHART: frozenset({_N, _P}),
    Permission.AMEND: frozenset({_N, _P}),
    Permission.ACKNOWLEDGE_ALERT: frozenset({_N, _P}),
    Permission.RECORD_ALERTS: frozenset({_N, _P, _A}),
    Permission.BOOK_APPOINTMENT: frozenset({_N, _P, _A}),
    Permission.REVIEW: frozenset({_P}),
    Permission.SIGN: frozenset({_P}),
    Permission.ADD_ADDENDUM: frozenset({_P}),
    Permission.EXPORT: frozenset({_P, _A}),
    Permission.MANAGE_ACCOUNTS: frozenset({_A}),
    Permission.MANAGE_PROTOCOLS: frozenset({_A}),
    Permission.MANAGE_SETTINGS: frozenset({_A}),
    Permission.VIEW_AUDIT: frozenset({_A}),
    Permission.BACKUP: frozenset({_A}),
    Permission.FILE_REMS: frozenset({_A}),
}

# -- protocol drafts (issue 15): an administrator drafts, a physician countersigns --------
PERMISSIONS.update({
    Permission.SEE_PROTOCOL_DRAFTS: frozenset({_P, _A}),
    Permission.COUNTERSIGN_PROTOCOL: frozenset({_P}),
})

# -- PHQ-9 item 9 (issue 17): only a physician assesses the risk -----------------------------
PERMISSIONS[Permission.ASSESS_RISK] = frozenset({_P})

# -- the bedside monitors' feed (issue 21): an administrator maps monitors to chairs ----------
PERMISSIONS[Permission.MANAGE_MONITORS] = frozenset({_A})

#: What goes on behind a locked screen: the room is read and its alerts are recorded, so
#: timers run and alarms show through the lock; nothing else until someone logs in.
WHILE_LOCKED = frozenset({Permission.READ_RECORD, Permission.RECORD_ALERTS})

_WORDS = {
    Permission.READ_RECORD: "read the record",
    Permission.REGISTER_PATIENT: "register patients",
    Permission.START_SESSION: "start sessions",
    Permission.CHART: "chart",
    Permission.AMEND: "correct charted values",
    Permission.ACKNOWLEDGE_ALERT: "acknowledge alerts",
    Permission.RECORD_ALERTS: "record alerts",
    Permission.BOOK_APPOINTMENT: "book appointments",
    Permission.REVIEW: "review charts",
    Permission.SIGN: "sign charts",
    Permission.ADD_ADDENDUM: "add addenda",
    Permission.EXPORT: "export records",
    Permission.MANAGE_ACCOUNTS: "manage accounts",
    Permission.MANAGE_PROTOCOLS: "change protocols",
    Permission.MANAGE_SETTINGS: "change the clinic's settings",
    Permission.VIEW_AUDIT: "see the audit trail",
    Permission.BACKUP: "make or restore backups",
    Permission.FILE_REMS: "file REMS forms",
}

# -- protocol drafts (issue 15) ------------------------------------------------------------
_WORDS.update({
    Permission.SEE_PROTOCOL_DRAFTS: "see protocol drafts",
    Permission.COUNTERSIGN_PROTOCOL: "countersign protocol changes",
})
_WORDS[Permission.ASSESS_RISK] = "record a risk assessment"
_WORDS[Permission.MANAGE_MONITORS] = "map monitors to chairs"


#: The audit trail's entity for refused attempts (`<permission>.refused`).
REFUSALS = "permissions"


def refused_action(permission: Permission) -> str:
    """The audit action of a refused attempt: what was attempted, and that it was refused
    (a nurse's export is `export.refused`)."""
    return f"{permission.value}.refused"


class NotLoggedIn(RuleError):
    """Nothing in the record is read or changed without a named account."""


class PermissionDenied(RuleError):
    def __init__(self, account: Account, permission: Permission) -> None:
        self.permission = permission
        roles = account.roles_label.lower() or "no role"
        super().__init__(f"{account.username} ({roles}) may not {_WORDS[permission]}")


def allowed(account: Account | None, permission: Permission) -> bool:
    return (account is not None and not account.disabled
            and bool(account.roles & PERMISSIONS[permission]))


def require(account: Account | None, permission: Permission) -> Account:
    if account is None:
        raise NotLoggedIn("log in first: nothing is read or charted without a named account")
    if not allowed(account, permission):
        raise PermissionDenied(account, permission)
    return account


def refusal_words(error: RuleError, account: Account | None, doing: str) -> str:
    """Why the person logged in cannot use an administrator's screen, in words: who can, and
    who they are ("Only administrators can manage accounts. You are logged in as ..."). The
    roles named come from PERMISSIONS, so the sentence never drifts from the rule; any other
    refusal is its own message, with a capital."""
    if isinstance(error, PermissionDenied) and account is not None:
        may = [f"{role.value}s" for role in Role if role in PERMISSIONS[error.permission]]
        who = " and ".join(may) or "no one"
        roles = account.roles_label.lower() or "no role"
        return (f"Only {who} can {doing}. You are logged in as {account.username} ({roles}): "
                f"ask an administrator.")
    text = str(error)
    return text[:1].upper() + text[1:]
