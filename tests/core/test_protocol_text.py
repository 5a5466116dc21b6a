"""Saving the protocol form, as core works it out for the dialog: the file written (the
typed numbers in the base's text, under its id or a clinic copy's, with the clinic header),
the scales in the order their forms appear, and a problem said with the fields' labels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketamonitor.core.protocol import ProtocolError, parse_protocol
from ketamonitor.core.protocol_text import problem_in_words, protocol_save, scales_in_order

IV = "iv-racemic-ketamine"
AT = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)


def test_a_save_writes_the_typed_numbers_under_the_id_given_with_who_and_from_what(library):
    base = library.protocol(IV)
    save = protocol_save(base, {"dose.default_mg_per_kg": "0,6", "name": "  Clinic   IV "},
                         "clinic-iv-racemic-ketamine", "admin.ann", AT)
    assert save.based_on == f"{IV} version {base.version}"
    assert save.text.startswith("# Clinic protocol, saved in ketamonitor by admin.ann on "
                                "2026-11-23 09:05 UTC.\n")
    assert f"# Based on {save.based_on};" in save.text
    saved = parse_protocol(save.text)
    assert saved.id == "clinic-iv-racemic-ketamine"
    assert saved.name == "Clinic IV"
    assert saved.dosing.default_mg_per_kg == 0.6
    # the rest as the base had it
    assert saved.thresholds == base.thresholds
    assert saved.route is base.route


@pytest.mark.parametrize(("typed", "key", "problem"), [
    ({"dose.default_mg_per_kg": "half"}, "dose.default_mg_per_kg", "must be a number"),
    ({"dose.default_mg_per_kg": ""}, "dose.default_mg_per_kg", "is required"),
    ({"dose.infusion_minutes": "inf"}, "dose.infusion_minutes", "must be a finite number"),
])
def test_a_number_that_is_not_one_is_refused_naming_its_key(library, typed, key, problem):
    with pytest.raises(ProtocolError) as refused:
        protocol_save(library.protocol(IV), typed, IV, "admin.ann", AT)
    assert (refused.value.key, refused.value.problem) == (key, problem)


@pytest.mark.parametrize(("shown", "ticked", "ordered"), [
    (["madrs", "cade"], ["cade", "madrs"], ["madrs", "cade"]),  # the protocol's order kept
    (["madrs", "cade"], ["bprs", "cade"], ["cade", "bprs"]),  # a new one after them
    (["madrs", "cade"], [], []),
    ([], ["cade", "bprs"], ["cade", "bprs"]),  # all new: as ticked
])
def test_the_scales_keep_the_order_their_forms_appear(shown, ticked, ordered):
    assert scales_in_order(shown, ticked) == ordered


@pytest.mark.parametrize(("problem", "words"), [
    ("must be a number", "must be a number"),
    ("must be below thresholds.heart_rate_above (120)",
     "must be below “Heart rate above” (120)"),
])
def test_a_problem_names_the_fields_by_their_labels(problem, words):
    assert problem_in_words(problem) == words
