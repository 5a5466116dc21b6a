"""The REMS forms still to file: every finished esketamine session with a dose given, until an
administrator marks its form submitted (once, with the submission's reference), with the
days left of its 7-calendar-day window, overdue ones first."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.entries import checklist_answer, scale_answer
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action
from ketamonitor.store.store import Store
from tests.charting import EARLY_END, Charting
from tests.people import ADMIN, FAST_HASHER, NURSE, PHYSICIAN, add_people, audit_of, login_as
from tests.store.steps import finished

ESKETAMINE = "intranasal-esketamine"
DAY = 24 * 60


def dosed(charting: Charting, mrn: str) -> int:
    """An esketamine session with its first device given."""
    session_id = charting.session(ESKETAMINE, patient=charting.patient(mrn), devices="2")
    charting.ready_to_start(session_id)
    charting.clock.advance(minutes=2)
    charting.store.record_device(session_id, "LOT-1")
    return session_id


def stopped_after_dose(charting: Charting, mrn: str) -> int:
    session_id = dosed(charting, mrn)
    charting.clock.advance(minutes=10)
    charting.store.change_phase(session_id, Action.END_SESSION_EARLY,
                                early_end=EARLY_END, reason="nausea, patient asked to stop")
    return session_id


def discharged(charting: Charting, mrn: str) -> int:
    """An esketamine session from the first device to discharge, the way the room charts it."""
    store, clock = charting.store, charting.clock
    session_id = dosed(charting, mrn)
    clock.advance(minutes=5)
    store.record_device(session_id, "LOT-1")
    clock.advance(minutes=120)
    scale = store.library.scale("moaas")
    store.record_scale_score(session_id, scale_answer(scale, {"moaas": 5}, clock.now()))
    checklist = store.library.checklist("dissociation")
    store.record_assessment(session_id, [checklist_answer(checklist, item.key, "absent",
                                                          clock.now())
                                         for item in checklist.items])
    charting.vitals(session_id, systolic="126", diastolic="80", respiratory_rate="14",
                    spo2="97", heart_rate="72")
    store.change_phase(session_id, Action.COMPLETE_OBSERVATION)
    charting.answer_all(session_id, "discharge")
    charting.aldrete(session_id)
    store.change_phase(session_id, Action.DISCHARGE)
    return session_id


def pending(store: Store) -> list[tuple[int, int, str]]:
    return [(p.session_id, p.days_left, p.label) for p in store.rems_pending()]


def test_a_discharged_esketamine_session_waits_for_its_form_with_seven_days_left(
        store, charting, clock):
    session_id = discharged(charting, "MRN-1")
    login_as(store, ADMIN)
    [form] = store.rems_pending()
    assert (form.session_id, form.patient_name, form.mrn) == (session_id, "RIVERA, Ana",
                                                              "MRN-1")
    assert (form.treatment_date, form.due_by) == (date(2026, 11, 23), date(2026, 11, 30))
    assert (form.days_left, form.label, form.overdue) == (7, "7 days left", False)
    assert form.first_dose_at == store.chart(session_id).timeline.dose_started_at


def test_the_days_count_down_overdue_ones_first_then_the_fewest_days_left(store, charting,
                                                                           clock):
    first = stopped_after_dose(charting, "MRN-1")     # Monday 23rd
    clock.advance(minutes=3 * DAY)
    third = stopped_after_dose(charting, "MRN-3")     # Thursday 26th
    clock.advance(minutes=-2 * DAY)
    second = stopped_after_dose(charting, "MRN-2")    # Tuesday 24th
    clock.advance(minutes=2 * DAY)
    login_as(store, ADMIN)
    assert pending(store) == [(first, 4, "4 days left"), (second, 5, "5 days left"),
                              (third, 7, "7 days left")]
    clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))  # day 7 of the first
    assert pending(store) == [(first, 0, "due today"), (second, 1, "1 day left"),
                              (third, 3, "3 days left")]
    clock.advance(minutes=2)  # 1 December
    assert pending(store) == [(first, -1, "1 day overdue"), (second, 0, "due today"),
                              (third, 2, "2 days left")]
    clock.advance(minutes=3 * DAY)
    assert [(p.session_id, p.overdue) for p in store.rems_pending()] == [
        (first, True), (second, True), (third, True)]
    assert pending(store)[0][1:] == (-4, "4 days overdue")


def test_only_finished_dosed_esketamine_sessions_need_a_form(store, charting, clock):
    needs = stopped_after_dose(charting, "MRN-1")
    dosed(charting, "MRN-RUNNING")  # still in the chair
    finished(charting, charting.patient("MRN-IV"))  # IV ketamine: no REMS
    undosed = charting.session(ESKETAMINE, patient=charting.patient("MRN-DECLINED"))
    charting.ready_to_start(undosed)
    store.change_phase(undosed, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="declined the treatment")
    login_as(store, ADMIN)
    assert [p.session_id for p in store.rems_pending()] == [needs]


def test_marking_the_form_submitted_takes_it_off_the_list_once_and_audited(store, charting,
                                                                            clock):
    session_id = stopped_after_dose(charting, "MRN-1")
    other = stopped_after_dose(charting, "MRN-2")
    clock.advance(minutes=2 * DAY)
    login_as(store, ADMIN)
    submission = store.mark_rems_submitted(session_id, "  REMS-  2026-114  ",
                                           confirm_incomplete=True)
    assert (submission.session_id, submission.reference, submission.submitted_by) == (
        session_id, "REMS- 2026-114", ADMIN)
    assert submission.submitted_at == clock.now()
    assert store.rems_submission(session_id) == submission
    assert store.rems_submission(other) is None
    assert [p.session_id for p in store.rems_pending()] == [other]
    [audit] = audit_of(store, "rems_forms")
    assert (audit["action"], audit["entity_id"], audit["user"]) == (
        "rems_forms.submitted", session_id, ADMIN)
    written = json.loads(audit["new_value"])
    assert written == {
        "session_id": session_id, "reference": "REMS- 2026-114",
        "treatment_date": "2026-11-23", "due_by": "2026-11-30", "days_left": 5,
        "confirmed_incomplete": True, "gaps": written["gaps"]}
    assert written["gaps"] and written["gaps"] == list(submission.gaps)
    with pytest.raises(ValidationError, match=r"already marked submitted by admin "
                                              r"\(reference REMS- 2026-114\)"):
        store.mark_rems_submitted(session_id, "REMS-2026-115", confirm_incomplete=True)
    assert len(audit_of(store, "rems_forms")) == 1
    assert session_id in [row["entity_id"] for row in store.audit_trail(session_id=session_id)
                          if row["action"] == "rems_forms.submitted"]


def test_a_session_that_needs_no_form_cannot_be_marked(store, charting, clock):
    running = dosed(charting, "MRN-RUNNING")
    iv = finished(charting, charting.patient("MRN-IV"))
    undosed = charting.session(ESKETAMINE, patient=charting.patient("MRN-DECLINED"))
    charting.ready_to_start(undosed)
    store.change_phase(undosed, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="declined the treatment")
    ready = stopped_after_dose(charting, "MRN-1")
    login_as(store, ADMIN)
    audit_rows = len(audit_of(store))
    cases = [
        (9999, "session", "there is no session 9999"),
        (iv, "session", "not an esketamine (intranasal) session"),
        (running, "session", "is not finished"),
        (undosed, "session", "no dose was given"),
    ]
    for session_id, field, words in cases:
        with pytest.raises(ValidationError) as refused:
            store.mark_rems_submitted(session_id, "REMS-1")
        assert words in refused.value.reasons[field]
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            store.mark_rems_submitted(ready, empty)
        assert "confirmation number" in refused.value.reasons["reference"]
    with pytest.raises(ValidationError, match="at most 100"):
        store.mark_rems_submitted(ready, "R" * 101)
    assert len(audit_of(store)) == audit_rows  # a refusal writes nothing


def test_a_mark_made_by_mistake_is_withdrawn_with_its_reason_and_the_form_is_due_again(
        store, charting, clock):
    wrong = stopped_after_dose(charting, "MRN-1")
    right = stopped_after_dose(charting, "MRN-2")
    login_as(store, ADMIN)
    # the row above the one meant
    store.mark_rems_submitted(wrong, "REMS-2026-114", confirm_incomplete=True)
    assert [p.session_id for p in store.rems_pending()] == [right]
    assert [(m.session_id, s.mrn) for m, s in store.rems_submitted()] == [(wrong, "MRN-1")]
    clock.advance(minutes=5)
    store.withdraw_rems_submission(wrong, "  marked on the wrong patient ")
    assert store.rems_submission(wrong) is None
    assert store.rems_submitted() == []
    assert [p.session_id for p in store.rems_pending()] == [wrong, right]
    marked = store.mark_rems_submitted(right, "REMS-2026-114", confirm_incomplete=True)
    assert store.rems_submission(right) == marked
    assert [p.session_id for p in store.rems_pending()] == [wrong]
    # filed later, for real
    again = store.mark_rems_submitted(wrong, "REMS-2026-120", confirm_incomplete=True)
    assert store.rems_submission(wrong) == again and store.rems_pending() == []
    trail = [(row["action"], row["entity_id"], row["old_value"], row["reason"])
             for row in audit_of(store, "rems_forms")]
    assert trail == [
        ("rems_forms.submitted", wrong, None, None),
        ("rems_forms.withdrawn", wrong, "REMS-2026-114", "marked on the wrong patient"),
        ("rems_forms.submitted", right, None, None),
        ("rems_forms.submitted", wrong, None, None)]


def test_a_withdrawal_needs_a_standing_mark_and_a_reason(store, charting):
    session_id = stopped_after_dose(charting, "MRN-1")
    login_as(store, ADMIN)
    with pytest.raises(ValidationError, match="is not marked submitted"):
        store.withdraw_rems_submission(session_id, "wrong patient")
    store.mark_rems_submitted(session_id, "REMS-1", confirm_incomplete=True)
    for empty in ("", "   "):
        with pytest.raises(ValidationError, match="say why the mark is withdrawn"):
            store.withdraw_rems_submission(session_id, empty)
    store.withdraw_rems_submission(session_id, "wrong patient")
    with pytest.raises(ValidationError, match="is not marked submitted"):
        store.withdraw_rems_submission(session_id, "twice")
    assert len(audit_of(store, "rems_forms")) == 2


@pytest.mark.parametrize("who", [NURSE, PHYSICIAN])
def test_only_an_administrator_files_rems_forms(store, charting, who):
    session_id = stopped_after_dose(charting, "MRN-1")
    marked = stopped_after_dose(charting, "MRN-2")
    login_as(store, ADMIN)
    store.mark_rems_submitted(marked, "REMS-2", confirm_incomplete=True)
    login_as(store, who)
    with pytest.raises(PermissionDenied, match="file REMS forms"):
        store.rems_pending()
    with pytest.raises(PermissionDenied, match="file REMS forms"):
        store.mark_rems_submitted(session_id, "REMS-1")
    with pytest.raises(PermissionDenied, match="file REMS forms"):
        store.withdraw_rems_submission(marked, "wrong patient")
    with pytest.raises(PermissionDenied, match="file REMS forms"):
        store.rems_submitted()
    assert len(audit_of(store, "rems_forms")) == 1


def test_the_window_counts_local_calendar_days(tmp_path):
    """22:00 in New York is already the next day in UTC: the day of the treatment is the
    room's, and so is the day the form falls due."""
    clock = FakeClock(datetime(2026, 11, 24, 2, 48, tzinfo=UTC), ZoneInfo("America/New_York"))
    with Store.open(tmp_path / "ny.db", clock, hasher=FAST_HASHER, create=True) as store:
        add_people(store)
        charting = Charting(store, clock)
        stopped_after_dose(charting, "MRN-NY")  # first device at 21:50 local, 23 November
        login_as(store, ADMIN)
        [form] = store.rems_pending()  # 22:00 local: the 24th in UTC, still the 23rd here
        assert (form.treatment_date, form.due_by, form.days_left) == (
            date(2026, 11, 23), date(2026, 11, 30), 7)
        clock.advance(minutes=2 * 60)  # past midnight in New York
        assert store.rems_pending()[0].days_left == 6
        clock.set(datetime(2026, 12, 1, 4, 59, tzinfo=UTC))  # 23:59 on the 30th, local
        assert store.rems_pending()[0].label == "due today"
        clock.advance(minutes=1)
        assert store.rems_pending()[0].label == "1 day overdue"
        assert timedelta(0) < clock.now() - form.first_dose_at < timedelta(days=8)


def test_an_incomplete_form_is_marked_only_with_an_explicit_confirmation_kept_in_the_trail(
        store, charting, clock):
    """The store re-checks what the list asks: a script is a way in too."""
    session_id = stopped_after_dose(charting, "MRN-1")
    login_as(store, ADMIN)
    form = store.rems_form_of(session_id)
    assert form is not None and "Missing: BP before the end of monitoring" in form.gaps
    with pytest.raises(ValidationError, match=r"is not complete \(Missing: .*BP before the end "
                                              r"of monitoring.*explicit confirmation"):
        store.mark_rems_submitted(session_id, "REMS-1")
    assert audit_of(store, "rems_forms") == []
    assert store.rems_submission(session_id) is None
    marked = store.mark_rems_submitted(session_id, "REMS-1", confirm_incomplete=True)
    assert marked.incomplete and marked.gaps == form.gaps
    assert marked.words(UTC).startswith(
        "Submitted incomplete on 2026-11-23 07:42 by admin, reference REMS-1; Missing: ")
    [audit] = audit_of(store, "rems_forms")
    written = json.loads(audit["new_value"])
    assert (written["confirmed_incomplete"], written["gaps"]) == (True, list(form.gaps))


def test_a_complete_form_the_chart_agrees_with_needs_no_confirmation(store, charting, clock):
    from tests.export.test_rems_form import charted_form

    session_id = charted_form(store, charting)
    login_as(store, ADMIN)
    assert store.rems_form_of(session_id).gaps == ()
    marked = store.mark_rems_submitted(session_id, "REMS-2")
    assert not marked.incomplete
    assert marked.words(UTC) == "Submitted on 2026-11-23 09:33 by admin, reference REMS-2"
    assert "gaps" not in json.loads(audit_of(store, "rems_forms")[0]["new_value"])


def test_a_form_the_chart_contradicts_needs_the_confirmation_too(store, charting, clock):
    from tests.export.test_rems_form import charted_form

    session_id = charted_form(store, charting, answers={"sedation_occurred": "no",
                                                        "dissociation_occurred": "no"})
    login_as(store, ADMIN)
    with pytest.raises(ValidationError, match="Contradiction: Dissociation occurred"):
        store.mark_rems_submitted(session_id, "REMS-3")
    marked = store.mark_rems_submitted(session_id, "REMS-3", confirm_incomplete=True)
    assert [gap.split(":")[0] for gap in marked.gaps] == ["Contradiction"]
