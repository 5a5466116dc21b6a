"""A password an administrator gave lets its person in once, to choose their own."""

from __future__ import annotations

import pytest

from ketamonitor.core.accounts import Role
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import parse_patient
from ketamonitor.core.permissions import NotLoggedIn
from tests.people import ADMIN, NURSE, PASSWORD, TEMPORARY, audit_of, login_as

OWN = "my-own-long-secret"


def register(store, clock, mrn: str = "MRN-2001"):
    return store.register_patient(parse_patient(
        {"mrn": mrn, "family_name": "Lin", "given_name": "Bo", "birth_date": "1990-01-02",
         "weight_kg": "70"}, today=clock.now().date()))


def add_nurse_bo(store) -> None:
    login_as(store, ADMIN)
    store.add_account("nurse.bo", "Bo Lin RN", frozenset({Role.NURSE}), TEMPORARY)
    store.logout()


def test_a_given_password_logs_in_but_charts_nothing_until_the_person_chooses_their_own(
        store, clock):
    add_nurse_bo(store)
    account = store.login("nurse.bo", TEMPORARY)
    assert account.must_choose_password
    with pytest.raises(NotLoggedIn, match="must first choose their own password"):
        register(store, clock)
    with pytest.raises(ValidationError, match="not the one you were given"):
        store.set_password("nurse.bo", TEMPORARY)
    with pytest.raises(ValidationError, match="at least 12"):
        store.set_password("nurse.bo", "short")
    store.set_password("nurse.bo", OWN)
    assert not store.account.must_choose_password
    assert register(store, clock).details.family_name == "Lin"
    store.logout()
    assert not store.login("nurse.bo", OWN).must_choose_password
    changes = [row for row in audit_of(store) if row["action"] == "accounts.password_hash"]
    assert [row["user"] for row in changes[-2:]] == [ADMIN, "nurse.bo"]


def test_an_administrators_reset_is_given_again_and_their_own_change_is_not(store):
    login_as(store, ADMIN)
    store.set_password(NURSE, "reset-by-the-admin")
    store.set_password(ADMIN, "the-admins-new-one")
    store.logout()
    assert store.login(NURSE, "reset-by-the-admin").must_choose_password
    store.logout()
    assert not store.login(ADMIN, "the-admins-new-one").must_choose_password


def test_the_first_administrator_and_the_people_who_chose_theirs_are_not_asked(store):
    for username in (ADMIN, NURSE):
        login_as(store, username)
        assert not store.account.must_choose_password
    login_as(store, ADMIN)
    given = {a.username: a.must_choose_password for a in store.accounts()}
    assert given == {ADMIN: False, NURSE: False, "dr.obi": False}
    assert PASSWORD != TEMPORARY
