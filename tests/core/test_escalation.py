"""The escalation of a high or critical alert: what is refused, at and around each limit;
which alerts a physician still has to see; the one wording of page and summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.alerts import AlertRecord, Priority
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.escalation import (
    MAX_CHARACTERS,
    Escalation,
    alerts_for_physician,
    check_escalation,
    escalation_from_form,
    escalation_text,
    physician_choices,
    seen_text,
)

RAISED = datetime(2026, 12, 5, 13, 0, 40, tzinfo=UTC)
NOW = RAISED + timedelta(minutes=20)
ZONE = ZoneInfo("Europe/Berlin")  # 14:00:40 local when raised
CALLED = Escalation(done=("Infusion paused",), physician_called=True, physician="Dr Ana Ruiz",
                    called_at=RAISED + timedelta(minutes=5))


def reasons(escalation: Escalation) -> dict[str, str]:
    try:
        check_escalation(escalation, raised_at=RAISED, now=NOW)
    except ValidationError as refused:
        return refused.reasons
    return {}


@pytest.mark.parametrize(("escalation", "refused"), [
    (Escalation(done=("BP rechecked",)), set()),
    (Escalation(note="Sat the patient up"), set()),
    (Escalation(), {"done"}),                                       # nothing done, no text
    (Escalation(done=("  ",), note=" \n "), {"done"}),              # only white space
    (Escalation(done=("x" * MAX_CHARACTERS,)), set()),                 # each action: at,
    (Escalation(done=("x" * (MAX_CHARACTERS + 1),)), {"done"}),     # just over
    (Escalation(note="x" * MAX_CHARACTERS), set()),
    (Escalation(note="x" * (MAX_CHARACTERS + 1)), {"note"}),
    (Escalation(done=("a",), ordered="x" * MAX_CHARACTERS), set()),
    (Escalation(done=("a",), ordered="x" * (MAX_CHARACTERS + 1)), {"ordered"}),
    (CALLED, set()),
    (Escalation(done=("a",), physician_called=True, called_at=NOW), {"physician"}),
    (Escalation(done=("a",), physician_called=True, physician=" ", called_at=NOW),
     {"physician"}),
    (Escalation(done=("a",), physician_called=True, physician="Dr R"), {"called_at"}),
    (Escalation(done=("a",), physician_called=True, physician="x" * (MAX_CHARACTERS + 1),
                called_at=NOW), {"physician"}),
    (Escalation(done=("a",), physician="Dr R"), {"physician_called"}),  # named, not called
    (Escalation(done=("a",), called_at=NOW), {"physician_called"}),
    (Escalation(done=(), physician_called=True, physician="Dr R"), {"done", "called_at"}),
])
def test_what_an_escalation_needs(escalation, refused):
    assert set(reasons(escalation)) == refused


@pytest.mark.parametrize(("called_at", "refused"), [
    (NOW, False),                                        # at now
    (NOW + timedelta(seconds=1), True),                  # just after now: in the future
    (NOW - timedelta(seconds=1), False),
    (RAISED.replace(second=0), False),                   # the minute it was raised (HH:MM)
    (RAISED.replace(second=0) - timedelta(seconds=1), True),  # just before it
    (RAISED + timedelta(seconds=1), False),
])
def test_the_call_time_lies_between_the_alert_and_now(called_at, refused):
    escalation = Escalation(done=("a",), physician_called=True, physician="Dr R",
                            called_at=called_at)
    assert ("called_at" in reasons(escalation)) is refused


def test_texts_are_tidied_and_actions_kept_once():
    kept = check_escalation(Escalation(done=(" BP  rechecked ", "BP rechecked", ""),
                                       note="  sat up\n", ordered="  "),
                            raised_at=RAISED, now=NOW)
    assert (kept.done, kept.note, kept.ordered) == (("BP rechecked",), "sat up", None)


@pytest.mark.parametrize(("typed", "expected"), [
    ("", NOW),                                            # empty: now
    ("14:05", datetime(2026, 12, 5, 13, 5, tzinfo=UTC)),  # the room's clock, in UTC
    ("1405", datetime(2026, 12, 5, 13, 5, tzinfo=UTC)),
])
def test_the_call_time_is_typed_as_in_the_vitals_form(typed, expected):
    escalation = escalation_from_form(
        done=["Infusion paused"], note="", physician_called=True, physician="Dr R",
        called_at=typed, ordered="No new orders", raised_at=RAISED, now=NOW, zone=ZONE)
    assert escalation.called_at == expected
    assert escalation.ordered == "No new orders"


@pytest.mark.parametrize(("typed", "field"), [
    ("25:00", "called_at"), ("soon", "called_at"),
    ("13:59", "called_at"),  # before the alert (14:00 local)
    ("14:21", "called_at"),  # after now (14:20 local): in the future
])
def test_a_typed_call_time_that_cannot_be_is_refused_beside_its_field(typed, field):
    with pytest.raises(ValidationError) as refused:
        escalation_from_form(done=[], note="", physician_called=True, physician="",
                             called_at=typed, ordered="", raised_at=RAISED, now=NOW,
                             zone=ZONE)
    assert set(refused.value.reasons) == {"done", "physician", field}


def test_no_call_keeps_neither_name_nor_time():
    escalation = escalation_from_form(
        done=["BP rechecked"], note="", physician_called=False, physician="Dr R",
        called_at="14:05", ordered="", raised_at=RAISED, now=NOW, zone=ZONE)
    assert (escalation.physician, escalation.called_at) == (None, None)


def test_the_prescriber_is_offered_first_then_each_physician_once():
    assert physician_choices("Dr Ana Ruiz", ["Dr Lee", "Dr Ana Ruiz", " "]) == [
        "Dr Ana Ruiz", "Dr Lee"]
    assert physician_choices(None, ["Dr Lee"]) == ["Dr Lee"]


def alert(alert_id: int, priority: Priority, *, seen: str | None = None,
          minutes: int = 0) -> AlertRecord:
    return AlertRecord(alert_id, 1, f"k{alert_id}", "bp_above_stop_line", priority, "BP high",
                       RAISED + timedelta(minutes=minutes), seen_by_physician=seen)


def test_a_physician_is_shown_each_high_and_critical_alert_no_physician_has_seen():
    records = [alert(1, Priority.LOW), alert(2, Priority.MEDIUM),
               alert(3, Priority.CRITICAL, minutes=9), alert(4, Priority.HIGH, minutes=3),
               alert(5, Priority.HIGH, seen="dr.ruiz")]
    assert [a.id for a in alerts_for_physician(records)] == [4, 3]  # oldest first
    assert alerts_for_physician([records[4]]) == []


def test_one_wording_of_the_escalation():
    record = alert(1, Priority.HIGH)
    assert escalation_text(record, lambda moment: "") == ""
    called = AlertRecord(**{**record.__dict__, "escalation": check_escalation(
        Escalation(done=("Infusion paused", "BP rechecked"), note="sat up",
                   physician_called=True, physician="Dr Ana Ruiz",
                   called_at=RAISED + timedelta(minutes=4), ordered="Clonidine 0.1 mg PO"),
        raised_at=RAISED, now=NOW), "seen_by_physician": "dr.ruiz"})
    text = escalation_text(called, lambda moment: moment.astimezone(ZONE).strftime("%H:%M"))
    assert text == ("Done: Infusion paused; BP rechecked; sat up. Physician: Dr Ana Ruiz at "
                    "14:04. Ordered: Clonidine 0.1 mg PO. Seen by physician: dr.ruiz.")
    not_called = AlertRecord(**{**record.__dict__,
                                "escalation": Escalation(done=("Oxygen given",))})
    assert escalation_text(not_called, str) == "Done: Oxygen given. Physician: not called."


def test_who_has_seen_an_alert_is_said_for_those_a_physician_must_see():
    assert [seen_text(alert(1, Priority.LOW)), seen_text(alert(2, Priority.HIGH)),
            seen_text(alert(3, Priority.CRITICAL, seen="dr.ruiz"))] == ["", "not yet",
                                                                         "dr.ruiz"]
