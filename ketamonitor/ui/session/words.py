"""The session page's words for what it shows: the dose given in the header, an event, an
alert's acknowledgement (no rule: the wording of what core found). Who has seen an alert is
worded in core (escalation.seen_text), as the exports say it too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.dose import NOT_STARTED, dose_given


def unbroken(text: str) -> str:
    """Rich text that keeps one line: no-break spaces, a word joiner after each slash."""
    return escape(text).replace(" ", "\u00a0").replace("/", "/\u2060")


def given_words(chart: SessionChart) -> str:
    """The dose given beside the plan, once dosing has ended or a device is given (the
    header is drawn at each entry, not each tick: a running infusion's figure would lag)."""
    given = dose_given(chart)
    if given.how == NOT_STARTED or (chart.timeline.infusion_ended_at is None
                                    and not chart.administrations):
        return ""
    return f" · <b>{unbroken(f'given {given.mg:g} mg')}</b>"


def given_tip(chart: SessionChart) -> str:
    """How the dose given was found, for the header's tooltip (the line has no room)."""
    if not given_words(chart):
        return ""
    words = dose_given(chart).describe()
    return words[:1].upper() + words[1:]


def acknowledged_text(alert: AlertRecord, shown: Callable[[datetime], str]) -> str:
    """When and by whom; what was done has a column of its own (with the escalation)."""
    if alert.acknowledged_at is None:
        return "waiting" if alert.needs_attention else ""
    return f"{shown(alert.acknowledged_at)} {alert.acknowledged_by}"
