"""The rules of who did what: one open session per patient, and to whom a session may be
handed over."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.handover import check_handover, handover_choices
from ketamonitor.core.phases import Phase
from ketamonitor.core.records import SessionListing
from ketamonitor.core.setup import PatientAlreadySeated, check_no_open_session

AT = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


def _listing(session_id: int, chair: str, phase: Phase) -> SessionListing:
    return SessionListing(session_id, 1, "RIVERA, Ana", "MRN-1", chair, "IV", AT, phase, AT)


def _account(username: str, *roles: Role, disabled: bool = False) -> Account:
    return Account(1, username, username.title(), frozenset(roles), disabled, AT)


def test_a_patient_with_a_session_open_is_refused_a_second_naming_its_chair():
    with pytest.raises(PatientAlreadySeated, match="open session in chair 3") as refused:
        check_no_open_session([_listing(1, "1", Phase.DISCHARGED),
                               _listing(2, "3", Phase.OBSERVATION)])
    assert refused.value.open_session.session_id == 2
    assert refused.value.title == "Already in a chair"
    check_no_open_session([_listing(1, "1", Phase.DISCHARGED),
                           _listing(2, "3", Phase.STOPPED_EARLY)])  # all finished: fine
    check_no_open_session([])


def test_a_session_goes_only_to_another_active_nurse():
    bo = _account("nurse.bo", Role.NURSE)
    accounts = [bo, _account("nurse.ana", Role.NURSE), _account("dr.obi", Role.PHYSICIAN),
                _account("nurse.cy", Role.NURSE, disabled=True)]
    assert handover_choices(accounts, "nurse.ana") == [bo]
    assert check_handover(bo, "nurse.bo", "nurse.ana", Phase.INFUSING) is bo
    for to, phase, why in [(None, Phase.INFUSING, "there is no account"),
                           (accounts[1], Phase.INFUSING, "already this session's nurse"),
                           (accounts[2], Phase.INFUSING, "not an active nurse's account"),
                           (accounts[3], Phase.INFUSING, "not an active nurse's account"),
                           (bo, Phase.DISCHARGED, "the session is finished")]:
        with pytest.raises(ValidationError, match=why):
            check_handover(to, "x", "nurse.ana", phase)
