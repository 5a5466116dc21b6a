"""Who may do what: the one table, read as the clinic reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.permissions import (
    PERMISSIONS,
    NotLoggedIn,
    Permission,
    PermissionDenied,
    allowed,
    require,
)

N, P, A = Role.NURSE, Role.PHYSICIAN, Role.ADMINISTRATOR

#: The clinic's rule written out a second time, by hand: nurses chart, physicians review,
#: sign and may chart, administrators manage but neither chart nor sign. A change to the
#: table in the code must be made here too, on purpose.
EXPECTED = {
    Permission.READ_RECORD: {N, P, A},
    Permission.REGISTER_PATIENT: {N, P},
    Permission.START_SESSION: {N, P},
    Permission.CHART: {N, P},
    Permission.AMEND: {N, P},
    Permission.ACKNOWLEDGE_ALERT: {N, P},
    Permission.RECORD_ALERTS: {N, P, A},
    Permission.BOOK_APPOINTMENT: {N, P, A},
    Permission.REVIEW: {P},
    Permission.SIGN: {P},
    Permission.ADD_ADDENDUM: {P},
    Permission.EXPORT: {P, A},
    Permission.MANAGE_ACCOUNTS: {A},
    Permission.MANAGE_PROTOCOLS: {A},
    Permission.MANAGE_SETTINGS: {A},
    Permission.VIEW_AUDIT: {A},
    Permission.BACKUP: {A},
    Permission.FILE_REMS: {A},
    # protocol drafts (issue 15): an administrator drafts, a physician countersigns
    Permission.SEE_PROTOCOL_DRAFTS: {P, A},
    Permission.COUNTERSIGN_PROTOCOL: {P},
    Permission.ASSESS_RISK: {P},  # PHQ-9 item 9: a physician's risk assessment
    Permission.MANAGE_MONITORS: {A},  # the monitor feed: which monitor charts for which chair
}


def account(*roles: Role, disabled: bool = False) -> Account:
    return Account(7, "pat.kim", "Pat Kim", frozenset(roles), disabled,
                   datetime(2026, 11, 23, tzinfo=UTC))


def test_the_table_names_every_permission_and_only_those_the_clinic_expects():
    assert set(PERMISSIONS) == set(Permission)
    assert {p: set(roles) for p, roles in PERMISSIONS.items()} == EXPECTED


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_a_single_role_may_do_exactly_what_the_table_says(role, permission):
    who = account(role)
    may = role in EXPECTED[permission]
    assert allowed(who, permission) is may
    if may:
        assert require(who, permission) is who
    else:
        with pytest.raises(PermissionDenied) as denied:
            require(who, permission)
        assert denied.value.permission is permission
        assert str(denied.value).startswith(f"pat.kim ({role.value}) may not ")


@pytest.mark.parametrize("permission", list(Permission))
def test_two_roles_may_do_what_either_may(permission):
    who = account(N, A)
    assert allowed(who, permission) is bool({N, A} & EXPECTED[permission])


@pytest.mark.parametrize("permission", list(Permission))
def test_nobody_logged_in_may_do_nothing(permission):
    assert not allowed(None, permission)
    with pytest.raises(NotLoggedIn, match="log in first"):
        require(None, permission)


@pytest.mark.parametrize("permission", list(Permission))
def test_a_disabled_account_may_do_nothing_whatever_its_roles(permission):
    who = account(N, P, A, disabled=True)
    assert not allowed(who, permission)
    with pytest.raises(PermissionDenied):
        require(who, permission)


def test_an_account_without_a_role_is_told_so():
    with pytest.raises(PermissionDenied, match=r"pat\.kim \(no role\) may not sign charts"):
        require(account(), Permission.SIGN)
