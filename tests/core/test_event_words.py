"""Every kind of event is worded, in the words of each route: never shown as its code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ketamonitor.core.amendments import Amendment
from ketamonitor.core.chart_view.entries import corrections
from ketamonitor.core.phases import Action
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import Event, EventKind
from ketamonitor.core.wording import EVENT_KINDS, event_label, event_words
from tests.core.builders import ChartBuilder, minutes


@pytest.mark.parametrize("route", list(Route))
@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_every_event_kind_has_words_on_every_route(kind, route):
    label = event_label(kind, route)
    assert label and label != kind and "_" not in label
    assert label[0].isupper()


def test_the_kinds_are_every_action_and_every_other_event():
    assert set(EVENT_KINDS) == {*(a.value for a in Action), EventKind.NOTE,
                                EventKind.INTERVENTION, EventKind.READY_WITHOUT_MINIMUM}


@pytest.mark.parametrize(("route", "start", "end"), [
    (Route.IV, "Start infusion", "Infusion complete"),
    (Route.INTRANASAL, "First device given", "Dosing complete"),
    (Route.IM, "Injection given", "Injection complete"),
])
def test_a_phase_change_says_the_routes_words(route, start, end):
    assert event_label(Action.START_INFUSION, route) == start
    assert event_label(Action.END_INFUSION, route) == end


def test_an_event_with_its_text_and_a_kind_from_a_newer_record():
    assert (event_words(EventKind.READY_WITHOUT_MINIMUM, "08:30", Route.INTRANASAL)
            == "Would have been ready to leave without the 2-hour minimum: 08:30")
    assert event_words("called_taxi", None, Route.IV) == "Called taxi"


def test_a_correction_to_an_event_names_it_in_the_routes_words():
    chart = ChartBuilder("intranasal-esketamine").build()
    moved = Amendment(1, "event", 7, "occurred_at", "x", "y", "typed the wrong time",
                      minutes(30), "ana")
    given = Event(7, 1, Action.START_INFUSION, minutes(10), minutes(10), "ana",
                  amendments=(moved,))
    (found,) = corrections(replace(chart, events=(given,)))
    assert found.subject == "First device given"
