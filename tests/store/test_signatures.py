"""A physician's review: the queue of finished charts, the signature with the password asked
again, the signed chart that never changes, and signed addenda."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

import pytest

from ketamonitor.core.corrections import entered_in_error
from ketamonitor.core.entries import checklist_answer, note_draft
from ketamonitor.core.errors import ChartSigned, ValidationError
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action
from ketamonitor.core.signature import (
    ADDENDUM_MEANING,
    MEANING,
    Signature,
    SignatureKind,
    content_hash,
    matches,
)
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.accounts import LoginRefused
from ketamonitor.store.store import PasswordNotConfirmed, Store
from tests.charting import EARLY_END, Charting
from tests.people import NURSE, PASSWORD, PHYSICIAN, audit_of, login_as
from tests.store.steps import RECHECKED, finished, raise_alert, row_counts, running, tamper

ADDENDUM = "Patient phoned the next morning: slept well, no nausea."


def signed(store: Store, charting: Charting) -> int:
    """A finished chart with an unacknowledged alert, signed by the physician."""
    session_id, _ = running(charting)
    raise_alert(store, session_id)
    charting.clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient declined")
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    return session_id


# -- the queue -------------------------------------------------------------------------------


def test_the_review_queue_holds_finished_unsigned_charts_oldest_first(store, charting, clock):
    first = charting.session(patient=charting.patient("MRN-1"))
    clock.advance(minutes=10)
    second = finished(charting)
    clock.advance(minutes=10)
    still_running, _ = running(charting)
    clock.advance(minutes=10)
    store.change_phase(first, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient unwell")  # ends last
    with pytest.raises(PermissionDenied):
        store.review_queue()
    login_as(store, PHYSICIAN)
    assert [s.session_id for s in store.review_queue()] == [first, second]
    store.sign(first, PASSWORD)
    assert [s.session_id for s in store.review_queue()] == [second]
    assert still_running not in [s.session_id for s in store.review_queue()]


def test_an_unfinished_chart_cannot_be_signed_nor_a_chart_signed_twice(store, charting):
    session_id, _ = running(charting)
    login_as(store, PHYSICIAN)
    with pytest.raises(ValidationError, match="not finished"):
        store.sign(session_id, PASSWORD)
    login_as(store, NURSE)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient unwell")
    login_as(store, PHYSICIAN)
    store.sign(session_id, PASSWORD)
    with pytest.raises(ValidationError, match="already signed"):
        store.sign(session_id, PASSWORD)
    assert len(store.signatures(session_id)) == 1


# -- the signature ---------------------------------------------------------------------------


def test_a_wrong_password_signs_nothing_and_is_counted_as_a_failed_login(store, charting,
                                                                          db_path):
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    before = row_counts(db_path)
    with pytest.raises(PasswordNotConfirmed, match="nothing was signed"):
        store.sign(session_id, "not-my-password")
    assert row_counts(db_path) == {**before, "audit": before["audit"] + 1}
    last = audit_of(store)[-1]
    assert (last["action"], last["user"]) == ("signature.password_wrong", PHYSICIAN)
    assert store.signatures(session_id) == []
    assert [s.session_id for s in store.review_queue()] == [session_id]


def test_the_signature_records_who_when_what_it_means_and_the_hash_of_the_content(
        store, charting, clock):
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    clock.advance(minutes=42)
    signature = store.sign(session_id, PASSWORD)
    chart = store.chart(session_id)
    assert signature.kind is SignatureKind.SIGNATURE
    assert (signature.signer, signature.printed_name) == (PHYSICIAN, "Dr Ada Obi")
    assert signature.meaning == MEANING == "reviewed and approved"
    assert signature.signed_at == clock.now() and signature.signed_at.tzinfo == UTC
    assert signature.content_hash == content_hash(chart, alerts=store.alerts([session_id])[
        session_id])
    assert signature.content_hash.startswith("sha256:") and len(signature.content_hash) == 71
    assert signature.text is None
    assert still_matches(store, signature)
    assert signature.manifestation() == (
        f"Signed by Dr Ada Obi (dr.obi) on {clock.now():%Y-%m-%d %H:%M} UTC — "
        "reviewed and approved")
    assert store.signatures(session_id) == [signature]
    last = audit_of(store)[-1]
    assert (last["action"], last["user"], last["entity"]) == (
        "signatures.signature", PHYSICIAN, "signatures")
    assert signature.content_hash in last["new_value"]


def test_the_hash_covers_what_was_charted(store, charting):
    one, two = finished(charting), finished(charting)
    assert content_hash(store.chart(one)) != content_hash(store.chart(two))
    assert content_hash(store.chart(one)) == content_hash(store.chart(one))


def test_repeated_wrong_passwords_at_signing_lock_the_account_like_logins(store, charting,
                                                                          clock):
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    for wait in (1, 2, 4, 8, 16):
        with pytest.raises(PasswordNotConfirmed):
            store.sign(session_id, "a-guess-at-it")
        clock.advance(seconds=wait)
    assert audit_of(store)[-1]["action"] == "accounts.locked"
    with pytest.raises(LoginRefused, match="locked"):
        store.sign(session_id, PASSWORD)  # no more guesses, even the right one, for now
    assert store.signatures(session_id) == []


def test_a_wrong_password_at_signing_makes_the_next_try_wait(store, charting, clock):
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    with pytest.raises(PasswordNotConfirmed):
        store.sign(session_id, "a-guess-at-it")
    with pytest.raises(LoginRefused, match="Wait 1 s"):
        store.sign(session_id, PASSWORD)
    clock.advance(seconds=1)
    assert store.sign(session_id, PASSWORD).signer == PHYSICIAN


# -- a signed chart never changes --------------------------------------------------------------


def _changes(store: Store, charting: Charting, session_id: int,
             alert_id: int) -> list[Callable[[], object]]:
    clock = charting.clock
    vitals_id = store.chart(session_id).vitals[0].id
    checklist = store.library.checklist("pre_session")
    item = checklist.items_for(store.chart(session_id).protocol.route)[0]
    return [
        lambda: store.record_vitals(session_id, Vitals(clock.now(), systolic=120, diastolic=80)),
        lambda: store.record_note(session_id, note_draft("late note", clock.now())),
        lambda: store.record_checklist_answer(session_id, checklist_answer(
            checklist, item.key, "yes", clock.now())),
        lambda: store.record_assessment(session_id, [checklist_answer(
            checklist, item.key, "yes", clock.now())]),
        lambda: charting.aldrete(session_id),
        lambda: store.record_device(session_id, "LOT-1"),
        lambda: store.record_ready_without_minimum(session_id, clock.now()),
        lambda: store.change_phase(session_id, Action.DISCHARGE),
        lambda: store.amend(session_id, (entered_in_error("vitals", vitals_id, "wrong"),)),
        lambda: store.acknowledge_alert(alert_id, "physician called", RECHECKED),
    ]


@pytest.mark.parametrize("who", [NURSE, PHYSICIAN])
def test_a_signed_chart_refuses_every_entry_correction_and_acknowledgement(store, charting,
                                                                          db_path, who):
    session_id = signed(store, charting)
    (alert,) = store.alerts([session_id])[session_id]
    login_as(store, who)
    charting.clock.advance(minutes=1)
    before = row_counts(db_path)
    for change in _changes(store, charting, session_id, alert.id):
        with pytest.raises(ChartSigned):
            change()
    assert row_counts(db_path) == before
    assert still_matches(store, store.signatures(session_id)[0])


def test_a_signed_chart_refuses_a_correction_filed_under_no_session_or_another(store, charting,
                                                                             db_path):
    session_id = signed(store, charting)
    vitals_id = store.chart(session_id).vitals[0].id
    login_as(store, NURSE)
    other, _ = running(charting)
    before = row_counts(db_path)
    for filed_under in (None, other):
        with pytest.raises(ValidationError, match="not an entry of this session's chart"):
            store.amend(filed_under, (entered_in_error("vitals", vitals_id, "crafted"),))
    assert row_counts(db_path) == before


# -- addenda ---------------------------------------------------------------------------------


def test_an_addendum_needs_a_signed_chart(store, charting):
    session_id = finished(charting)
    login_as(store, PHYSICIAN)
    with pytest.raises(ValidationError, match="sign the chart first"):
        store.add_addendum(session_id, ADDENDUM, PASSWORD)


def test_an_addendum_is_signed_with_its_own_hash_and_the_chart_still_matches(store, charting,
                                                                             clock):
    session_id = signed(store, charting)
    clock.advance(minutes=90)
    addendum = store.add_addendum(session_id, f"  {ADDENDUM}  ", PASSWORD)
    signature, listed = store.signatures(session_id)
    assert listed == addendum
    chart = store.chart(session_id)
    assert addendum.kind is SignatureKind.ADDENDUM
    assert addendum.text == ADDENDUM
    assert addendum.meaning == ADDENDUM_MEANING
    assert (addendum.signer, addendum.printed_name) == (PHYSICIAN, "Dr Ada Obi")
    assert addendum.signed_at == clock.now()
    alerts = store.alerts([session_id])[session_id]
    assert addendum.content_hash == content_hash(chart, ADDENDUM, alerts) != (
        signature.content_hash)
    assert still_matches(store, addendum) and still_matches(store, signature)
    assert addendum.manifestation().startswith("Addendum signed by Dr Ada Obi")
    assert audit_of(store)[-1]["action"] == "signatures.addendum"


def test_an_addendum_needs_the_password_text_and_a_physician(store, charting, db_path):
    session_id = signed(store, charting)
    before = row_counts(db_path)
    with pytest.raises(PasswordNotConfirmed):
        store.add_addendum(session_id, ADDENDUM, "not-my-password")
    assert row_counts(db_path)["signatures"] == before["signatures"]
    with pytest.raises(ValidationError, match="write the addendum"):
        store.add_addendum(session_id, "   ", PASSWORD)
    with pytest.raises(ValidationError, match="at most 4000"):
        store.add_addendum(session_id, "x" * 4001, PASSWORD)
    login_as(store, NURSE)
    with pytest.raises(PermissionDenied):
        store.add_addendum(session_id, ADDENDUM, PASSWORD)
    assert len(store.signatures(session_id)) == 1


# -- content changed behind the app's back ---------------------------------------------------


@pytest.mark.parametrize(("statements", "unguard"), [
    (["UPDATE vitals SET systolic = 104"], ("vitals_no_update",)),
    (["DELETE FROM events WHERE kind = 'note'", "DELETE FROM vitals"],
     ("vitals_no_delete", "events_no_delete")),
    ([("INSERT INTO amendments (session_id, entity, entity_id, field, old_value, new_value, "
      "reason, amended_at, amended_by) SELECT session_id, 'vitals', id, 'systolic', '124', "
      "'150', 'x', entered_at, entered_by FROM vitals")], ()),
    (["UPDATE patients SET weight_kg = 95"], ("patients_no_update",)),
], ids=["vitals-changed", "vitals-deleted", "amendment-slipped-in", "patient-changed"])
def test_a_signature_no_longer_matches_content_changed_behind_the_apps_back(
        store, charting, db_path, statements, unguard):
    session_id = signed(store, charting)
    signature = store.signatures(session_id)[0]
    assert still_matches(store, signature)
    tamper(db_path, *statements, unguard=unguard)
    assert not still_matches(store, signature)


def still_matches(store: Store, signature: Signature) -> bool:
    """The chart and its alerts, as the review view reads them, against a signature."""
    session_id = signature.session_id
    return matches(signature, store.chart(session_id), store.alerts([session_id])[session_id])


def test_an_acknowledgement_changed_behind_the_apps_back_no_longer_matches(
        store, charting, db_path):
    session_id, _ = running(charting)
    store.acknowledge_alert(raise_alert(store, session_id), "Physician informed", RECHECKED)
    charting.clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient declined")
    login_as(store, PHYSICIAN)
    signature = store.sign(session_id, PASSWORD)
    assert still_matches(store, signature)
    tamper(db_path, "UPDATE alert_events SET action = 'nothing done' "
                    "WHERE kind = 'acknowledged'", unguard=("alert_events_no_update",))
    assert not still_matches(store, signature)
