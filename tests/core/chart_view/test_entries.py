"""The chart's entries as its readers see them: a presence checklist's entries gathered into
the assessments they were charted in (in time order, struck items left out, a wholly struck
assessment marked in error), and every amendment with what it corrects, in the order made."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ketamonitor.core.amendments import ENTERED_IN_ERROR, STATUS, Amendment
from ketamonitor.core.chart_view.entries import Assessment, corrections
from ketamonitor.core.chart_view.entries import assessments as gathered
from ketamonitor.core.records import ChecklistEntry
from tests.core.builders import ChartBuilder

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _struck(id_: int, minutes: int = 0) -> Amendment:
    return Amendment(id_, "checklist_entries", 1, STATUS, "valid", ENTERED_IN_ERROR,
                     "wrong patient", AT + timedelta(minutes=30 + minutes), "nurse.bo")


def _entry(id_: int, minutes: int, label: str, value: str, *amendments: Amendment,
           by: str = "nurse.ana") -> ChecklistEntry:
    at = AT + timedelta(minutes=minutes)
    return ChecklistEntry(id_, 1, "dissociation", label.lower(), label, value, at, at, by,
                          amendments=amendments)


def test_entries_charted_together_are_one_assessment_in_time_order():
    found = gathered([
        _entry(3, 20, "Floating", "present", by="nurse.bo"),
        _entry(1, 5, "Floating", "present"),
        _entry(2, 5, "Unreal", "absent"),
        _entry(4, 5, "Numb", "present", _struck(1)),
    ])
    assert found == (
        Assessment(AT + timedelta(minutes=5), ("Floating",), "nurse.ana", False),
        Assessment(AT + timedelta(minutes=20), ("Floating",), "nurse.bo", False),
    )


def test_an_assessment_is_in_error_only_when_every_entry_was_struck():
    (partly,) = gathered([_entry(1, 5, "Floating", "present", _struck(1)),
                          _entry(2, 5, "Unreal", "absent")])
    (wholly,) = gathered([_entry(1, 5, "Floating", "present", _struck(1)),
                          _entry(2, 5, "Unreal", "absent", _struck(2))])
    assert (partly.in_error, wholly.in_error) == (False, True)
    assert wholly.present == ()
    assert gathered([]) == ()


def test_every_amendment_is_named_by_what_it_corrects_in_the_order_made():
    chart = ChartBuilder().build()
    later, earlier = _struck(7, minutes=10), _struck(3)
    chart = replace(chart, checklist_entries=(
        _entry(1, 5, "Floating", "present", later), _entry(2, 6, "Unreal", "present", earlier)))
    found = corrections(chart)
    assert [(c.subject, c.observed_at, c.amendment.id) for c in found] == [
        ("Unreal", AT + timedelta(minutes=6), 3), ("Floating", AT + timedelta(minutes=5), 7)]
