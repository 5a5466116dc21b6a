"""The anchor log's rules (core.anchor): which heads are in force, what a chain must hold to
match them, and reading a log or a head given as printed. Writing the log and verify's use of
it are tried in tests/store/test_anchor.py."""

from __future__ import annotations

import json

import pytest

from ketamonitor.core.anchor import (
    RESTORE,
    Anchor,
    AnchoredHead,
    anchor_problems,
    in_force,
    parse_given_head,
    parse_log,
    root_problems,
)

H = [f"{n:064x}" for n in range(10)]


def test_a_chain_shorter_than_an_anchored_head_is_truncated():
    anchor = Anchor("log", (AnchoredHead(3, H[3], "t"),))
    (problem,) = anchor_problems(anchor, {1: H[1], 2: H[2]})
    assert "truncated or rolled back" in problem and "audit row 3" in problem


def test_an_anchored_head_with_another_hash_is_a_recomputed_chain():
    anchor = Anchor("log", (AnchoredHead(2, H[2]),))
    (problem,) = anchor_problems(anchor, {1: H[1], 2: H[5], 3: H[3]})
    assert "recomputed" in problem and "audit row 2" in problem


def test_a_chain_holding_every_head_and_more_is_sound():
    anchor = Anchor("log", (AnchoredHead(1, H[1]), AnchoredHead(2, H[2])))
    assert anchor_problems(anchor, {1: H[1], 2: H[2], 3: H[3]}) == []


def test_a_restore_ends_what_the_heads_before_it_pin():
    logged = (AnchoredHead(5, H[5]), AnchoredHead(9, H[9]), AnchoredHead(4, H[4],
                                                                         event=RESTORE))
    assert in_force(logged) == [logged[2]]
    assert anchor_problems(Anchor("log", logged), {1: H[1], 4: H[4]}) == []
    assert anchor_problems(Anchor("log", logged), {1: H[1], 4: H[6]})  # not what was restored


def test_a_torn_last_line_is_no_head_but_a_changed_line_is_reported():
    text = json.dumps({"id": 1, "hash": H[1]}) + "\n" + '{"id": 2, "ha'
    assert parse_log(text, "log") == Anchor("log", (AnchoredHead(1, H[1]),))
    changed = parse_log('{"id": 1, "hash": "x"}\n' + json.dumps({"id": 2, "hash": H[2]}) + "\n",
                        "log")
    assert [head.id for head in changed.heads] == [2]
    assert "line 1: unreadable" in changed.problems[0]


def test_a_head_given_as_printed():
    assert parse_given_head(f"812:{H[3].upper()}") == AnchoredHead(812, H[3], event="given")
    for wrong in ("812", f"x:{H[3]}", "812:abc"):
        with pytest.raises(ValueError):
            parse_given_head(wrong)


def test_a_head_keeps_the_root_it_was_anchored_with():
    head = AnchoredHead(3, H[3], "t", root="SHA256:aaaa")
    assert parse_log(head.line(), "log").heads == (head,)


def test_another_root_than_the_anchored_one_is_a_file_rewritten_whole():
    anchor = Anchor("log", (AnchoredHead(1, H[1], root="SHA256:aaaa"),))
    assert root_problems(anchor, "SHA256:aaaa") == []
    (problem,) = root_problems(anchor, "SHA256:bbbb")
    assert "root key is SHA256:bbbb" in problem and "SHA256:aaaa" in problem
    assert "rewritten whole" in problem


def test_a_head_anchored_before_keys_or_before_a_restore_pins_no_root():
    before_keys = Anchor("log", (AnchoredHead(1, H[1]),))
    assert root_problems(before_keys, "SHA256:bbbb") == []
    restored = Anchor("log", (AnchoredHead(1, H[1], root="SHA256:aaaa"),
                              AnchoredHead(1, H[1], event=RESTORE, root="SHA256:bbbb")))
    assert root_problems(restored, "SHA256:bbbb") == []
