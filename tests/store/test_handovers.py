"""A session handed over to another nurse through the store: an event and its audit row,
the new nurse named everywhere after; refused, writing nothing, to anyone but another active
nurse, and for a finished session."""

from __future__ import annotations

import pytest

from tests.people import NURSE, audit_of
from tests.store.steps import finished, row_counts, running


def test_a_handover_is_recorded_and_names_the_new_nurse_everywhere(store, charting, db_path):
    from ketamonitor.core.accounts import Role
    from ketamonitor.store.verify import verify_database
    from tests.people import ADMIN, TEMPORARY, choose_own_password, login_as

    login_as(store, ADMIN)
    store.add_account("nurse.bo", "Bo Lin", frozenset({Role.NURSE}), TEMPORARY)
    choose_own_password(store, "nurse.bo")
    login_as(store, NURSE)
    session_id = charting.session(nurse=NURSE)
    assert [a.username for a in store.handover_choices(session_id)] == ["nurse.bo"]
    before = row_counts(db_path)
    store.hand_over(session_id, "nurse.bo")
    assert row_counts(db_path) == {**before, "events": before["events"] + 1,
                                   "audit": before["audit"] + 1}
    last = audit_of(store)[-1]
    assert (last["action"], last["user"]) == ("sessions.handover", NURSE)
    assert last["reason"] == "handed over from nurse.ana to nurse.bo"
    assert store.chart(session_id).session.nurse == "nurse.bo"
    assert store.listing(session_id).nurse == "nurse.bo"
    assert [a.username for a in store.handover_choices(session_id)] == [NURSE]
    assert verify_database(db_path) == []


@pytest.mark.parametrize("to, why", [
    ("nurse.nobody", "there is no account 'nurse.nobody'"),
    ("dr.obi", "dr.obi is not an active nurse's account"),
])
def test_a_handover_goes_only_to_another_active_nurse(store, charting, db_path, to, why):
    from ketamonitor.core.errors import ValidationError

    session_id, _ = running(charting)
    before = row_counts(db_path)
    with pytest.raises(ValidationError, match=why):
        store.hand_over(session_id, to)
    assert row_counts(db_path) == before


def test_a_finished_session_is_not_handed_over(store, charting):
    from ketamonitor.core.errors import ValidationError

    session_id = finished(charting)
    with pytest.raises(ValidationError, match="the session is finished"):
        store.hand_over(session_id, "nurse.ana")
