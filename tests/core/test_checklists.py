"""Checklists and scales read from their TOML: items for a route, the answer that holds a
start, a scale's shared or own options, its total and its named bands at their edges, and a
definition that cannot be read refused naming what is wrong."""

from __future__ import annotations

import pytest

from ketamonitor.core.checklists import (
    Answer,
    Checklist,
    ChecklistKind,
    Scale,
    parse_checklist,
)
from ketamonitor.core.protocol import ProtocolError, Route

CHECKLIST = """
id = "pre"
version = 2
title = "Before the session"
kind = "yes_no"
severities = ["mild", "severe"]

[[items]]
key = "consent"
label = "Consent signed"
expected = "yes"

[[items]]
key = "escort"
label = "Escort present"
routes = ["iv", "im"]
hold = "no"

[[interventions]]
key = "fluids"
label = "Oral fluids"
"""

SCALE = """
id = "mood"
version = 1
title = "Mood"
kind = "scale"
question = "Over the last two weeks"

[[bands]]
at_least = 5
label = "mild"

[[bands]]
at_least = 0
label = "none"

[[bands]]
at_least = 10
label = "severe"

[[items]]
key = "low"
label = "Feeling low"

[[items]]
key = "sleep"
label = "Sleep"
options = [{score = 0, label = "fine"}, {score = 7, label = "none at all"}]

[[options]]
score = 0
label = "Not at all"

[[options]]
score = 3
label = "Nearly every day"
"""


def test_a_checklist_is_read_with_its_items_routes_and_holds():
    checklist = parse_checklist(CHECKLIST)
    assert isinstance(checklist, Checklist)
    assert (checklist.id, checklist.version, checklist.kind) == ("pre", 2, ChecklistKind.YES_NO)
    assert checklist.item("consent").expected is Answer.YES
    assert checklist.item("escort").hold is Answer.NO
    assert checklist.item("consent").hold is None
    assert checklist.severities == ("mild", "severe")
    assert checklist.intervention_label("fluids") == "Oral fluids"


@pytest.mark.parametrize(("route", "keys"), [
    (Route.IV, ["consent", "escort"]),
    (Route.IM, ["consent", "escort"]),
    (Route.INTRANASAL, ["consent"]),  # an item without routes applies to every route
])
def test_the_items_for_a_route(route, keys):
    assert [item.key for item in parse_checklist(CHECKLIST).items_for(route)] == keys


def test_an_item_or_intervention_not_in_the_checklist_is_a_key_error():
    checklist = parse_checklist(CHECKLIST)
    with pytest.raises(KeyError):
        checklist.item("nothing")
    with pytest.raises(KeyError):
        checklist.intervention_label("nothing")


def test_a_scales_items_take_the_shared_options_unless_they_have_their_own():
    scale = parse_checklist(SCALE)
    assert isinstance(scale, Scale)
    low, sleep = scale.items
    assert [o.score for o in low.options] == [0, 3]
    assert [o.label for o in sleep.options] == ["fine", "none at all"]
    assert scale.max_total == 10
    assert scale.question == "Over the last two weeks"


@pytest.mark.parametrize(("total", "band"), [
    (0, "none"), (4, "none"), (5, "mild"), (9, "mild"), (10, "severe"), (-1, None),
])
def test_a_total_falls_in_the_highest_band_it_reaches_whatever_their_order(total, band):
    assert parse_checklist(SCALE).band(total) == band


def test_a_scale_without_bands_names_none():
    assert parse_checklist(SCALE.split("[[bands]]")[0] + SCALE.split('label = "severe"')[1]
                           ).band(10) is None


@pytest.mark.parametrize(("text", "words"), [
    ("id = ", "not valid TOML"),
    (CHECKLIST.replace('title = "Before the session"\n', ""), "checklist pre: bad or missing"),
    (CHECKLIST.replace('kind = "yes_no"', 'kind = "maybe"'), "checklist pre: bad or missing"),
    (CHECKLIST.replace('routes = ["iv", "im"]', 'routes = ["oral"]'), "bad or missing"),
    (SCALE.replace("[[options]]", "[[unused]]"), "checklist mood: bad or missing"),
])
def test_a_definition_that_cannot_be_read_is_refused_naming_it(text, words):
    with pytest.raises(ProtocolError, match=words):
        parse_checklist(text)
