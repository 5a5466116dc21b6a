"""To whom a session may be handed over: an enabled nurse's account that is not the session's
nurse already, offered by display name. (The refusals of `check_handover` are tried in
core/test_roles.py with the rule of one open session per patient.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.handover import handover_choices, may_take_over

AT = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def _account(username: str, name: str, *roles: Role, disabled: bool = False) -> Account:
    return Account(1, username, name, frozenset(roles), disabled, AT)


@pytest.mark.parametrize(("account", "may"), [
    (_account("nurse.bo", "Bo", Role.NURSE), True),
    (_account("nurse.bo", "Bo", Role.NURSE, Role.PHYSICIAN), True),
    (_account("nurse.bo", "Bo", Role.NURSE, Role.ADMINISTRATOR), True),
    (_account("nurse.bo", "Bo", Role.NURSE, disabled=True), False),
    (_account("dr.obi", "Obi", Role.PHYSICIAN), False),
    (_account("admin", "Admin", Role.ADMINISTRATOR), False),
    (_account("nurse.ana", "Ana", Role.NURSE), False),  # already the session's nurse
])
def test_only_another_enabled_nurse_may_take_over(account, may):
    assert may_take_over(account, "nurse.ana") is may


def test_the_choices_are_ordered_by_display_name_whatever_its_case():
    cy = _account("nurse.cy", "Cy Moreau", Role.NURSE)
    bo = _account("nurse.bo", "bo Lind", Role.NURSE)
    al = _account("nurse.al", "Al Hart", Role.NURSE)
    twin = _account("nurse.al2", "Al Hart", Role.NURSE)
    choices = handover_choices([cy, twin, bo, al, _account("dr.obi", "Ann Obi", Role.PHYSICIAN)],
                               "nurse.zz")
    assert choices == [al, twin, bo, cy]
