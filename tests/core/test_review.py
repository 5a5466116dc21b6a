"""What a chart offers the person looking at it, and the words of the review."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ketamonitor.core.accounts import Account, Role
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.review import (
    chart_access,
    mismatch_warning,
    queue_title,
    shown_hash,
    signed_line,
    time_ago,
)
from ketamonitor.core.signature import MEANING, Signature, SignatureKind, content_hash
from ketamonitor.core.timeline import PhaseChange, Timeline
from tests.core.builders import ChartBuilder, minutes, with_reading

SIGNED_AT = datetime(2026, 11, 23, 14, 2, tzinfo=UTC)


def person(*roles: Role) -> Account:
    return Account(1, "someone", "Dr Ada Obi", frozenset(roles), False, SIGNED_AT)


def finished_chart() -> SessionChart:
    chart = with_reading(ChartBuilder().phase(Phase.OBSERVATION).build(), 20, 130, 80)
    stopped = PhaseChange(Action.END_SESSION_EARLY, Phase.STOPPED_EARLY, minutes(60), "declined")
    return replace(chart, timeline=Timeline(chart.timeline.began_at,
                                            (*chart.timeline.changes, stopped)))


def signature_of(chart: SessionChart) -> Signature:
    return Signature(1, chart.session.id, SignatureKind.SIGNATURE, "dr.obi", "Dr Ada Obi",
                     MEANING, content_hash(chart), SIGNED_AT)


def test_a_finished_unsigned_chart_is_read_only_but_for_late_entries_and_a_physician_signs():
    chart = finished_chart()
    physician = chart_access(person(Role.PHYSICIAN), chart, [])
    assert not physician.can_chart and physician.can_late_entry and physician.can_amend
    assert physician.can_sign and not physician.can_add_addendum
    assert physician.read_only_reason is not None
    assert physician.read_only_reason.startswith("Stopped early at Mon 23 Nov 2026 ")
    assert "Late entry…" in physician.read_only_reason
    nurse = chart_access(person(Role.NURSE), chart, [])
    assert not nurse.can_chart and nurse.can_late_entry and not nurse.can_sign


def test_a_running_chart_is_open_to_chart_and_offers_no_late_entry():
    chart = ChartBuilder().phase(Phase.INFUSING).build()
    access = chart_access(person(Role.NURSE), chart, [])
    assert access.can_chart and not access.can_late_entry and access.read_only_reason is None


def test_a_running_chart_cannot_be_signed():
    chart = ChartBuilder().phase(Phase.INFUSING).build()
    assert not chart_access(person(Role.PHYSICIAN), chart, []).can_sign


def test_a_signed_chart_is_read_only_for_everyone_and_says_who_signed():
    chart = finished_chart()
    signature = signature_of(chart)
    for role in Role:
        access = chart_access(person(role), chart, [signature])
        assert not (access.can_chart or access.can_amend or access.can_acknowledge
                    or access.can_sign or access.can_late_entry)
        assert access.read_only_reason == (
            "Signed by Dr Ada Obi on 2026-11-23 14:02 UTC — reviewed and approved. The chart "
            "can no longer change.")
        assert access.can_add_addendum is (role is Role.PHYSICIAN)
        assert access.broken == ()
    assert signed_line(signature) == access.read_only_reason


def test_an_administrator_may_read_but_not_chart():
    access = chart_access(person(Role.ADMINISTRATOR), finished_chart(), [])
    assert not (access.can_chart or access.can_amend or access.can_sign)
    assert access.read_only_reason is not None
    assert "may not chart" in access.read_only_reason
    assert "read-only" in chart_access(None, finished_chart(), []).read_only_reason


def test_a_chart_that_changed_after_its_signature_is_named():
    chart = finished_chart()
    signature = signature_of(chart)
    changed = with_reading(chart, 30, 150, 90)
    access = chart_access(person(Role.NURSE), changed, [signature])
    assert access.broken == (signature,)
    assert "no longer matches the signature of Dr Ada Obi on 2026-11-23 14:02 UTC" in (
        mismatch_warning(access.broken))
    assert mismatch_warning(()) == ""


def test_the_queue_title_and_how_long_ago():
    assert queue_title(0) == "Nothing to sign."
    assert queue_title(1) == "1 chart to sign"
    assert queue_title(7) == "7 charts to sign, oldest first"
    now = SIGNED_AT
    assert time_ago(now, now) == "just now"
    assert time_ago(now - timedelta(minutes=42), now) == "42 min ago"
    assert time_ago(now - timedelta(hours=30), now) == "30 h ago"
    assert time_ago(now - timedelta(days=9, hours=5), now) == "9 days ago"


def test_the_hash_shown_is_its_first_sixteen_hex_digits():
    signature = signature_of(finished_chart())
    digest = signature.content_hash.removeprefix("sha256:")
    assert shown_hash(signature) == f"sha256 {digest[:16]}…"
