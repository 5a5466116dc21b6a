"""What a session's chart offers the person looking at it: whether it can still be charted
and corrected, and why not; whether it can be signed or given an addendum; and which
signatures no longer match the content they signed.

The store refuses every one of these itself; this only lets the page say so beforehand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from ketamonitor.core.accounts import Account
from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart

# the chart's entries in words live with the chart view; the page still finds them here
from ketamonitor.core.chart_view.entries import Assessment as Assessment
from ketamonitor.core.chart_view.entries import Correction as Correction
from ketamonitor.core.chart_view.entries import assessments as assessments
from ketamonitor.core.chart_view.entries import corrections as corrections
from ketamonitor.core.checklists import Answer
from ketamonitor.core.permissions import Permission, allowed
from ketamonitor.core.signature import Signature, SignatureKind, matches
from ketamonitor.core.times import format_local

PRESENT = Answer.PRESENT.value
#: Characters of a content hash shown on screen (after "sha256:").
SHOWN_HASH_LENGTH = 16


@dataclass(frozen=True)
class ChartAccess:
    """What the page may offer, with the one line that says why it is read-only."""

    can_chart: bool
    #: Sets observed during the session may still be charted, as late entries.
    can_late_entry: bool
    can_amend: bool
    can_acknowledge: bool
    can_sign: bool
    can_add_addendum: bool
    read_only_reason: str | None
    signatures: tuple[Signature, ...]
    #: Signatures whose recorded hash no longer matches the chart as it now reads.
    broken: tuple[Signature, ...]

    @property
    def signature(self) -> Signature | None:
        """The chart's signature (addenda follow it), if it is signed."""
        return next((s for s in self.signatures if s.kind is SignatureKind.SIGNATURE), None)

    @property
    def is_signed(self) -> bool:
        return self.signature is not None


def chart_access(account: Account | None, chart: SessionChart,
                 signatures: Sequence[Signature],
                 alerts: Sequence[AlertRecord] = (), *, zone: tzinfo = UTC) -> ChartAccess:
    """A finished chart (discharged or stopped early) is read-only like a signed one: only
    a late entry, with its own date, time and reason, adds to it until it is signed."""
    signed = tuple(signatures)
    signature = next((s for s in signed if s.kind is SignatureKind.SIGNATURE), None)
    open_chart = signature is None
    may_chart = allowed(account, Permission.CHART)
    finished = chart.phase.is_finished
    if signature is not None:
        reason: str | None = signed_line(signature)
    elif not may_chart:
        reason = _role_line(account)
    elif finished:
        reason = finished_line(chart, zone)
    else:
        reason = None
    return ChartAccess(
        can_chart=open_chart and may_chart and not finished,
        can_late_entry=open_chart and may_chart and finished,
        can_amend=open_chart and allowed(account, Permission.AMEND),
        can_acknowledge=open_chart and allowed(account, Permission.ACKNOWLEDGE_ALERT),
        can_sign=(open_chart and chart.phase.is_finished
                  and allowed(account, Permission.SIGN)),
        can_add_addendum=not open_chart and allowed(account, Permission.ADD_ADDENDUM),
        read_only_reason=reason,
        signatures=signed,
        broken=tuple(s for s in signed if not matches(s, chart, alerts)),
    )


def _role_line(account: Account | None) -> str:
    if account is None:
        return "Nobody is logged in: the chart is shown read-only."
    roles = account.roles_label.lower() or "no role"
    return (f"Logged in as {account.display_name} ({roles}), who may not chart: the chart "
            "is shown read-only.")


def finished_line(chart: SessionChart, zone: tzinfo) -> str:
    """The line a finished, unsigned chart shows in place of its entry forms: nothing typed
    on it now can read as charted during the session."""
    ended = chart.timeline.finished_at or chart.timeline.phase_since
    return (f"{chart.phase.label} at {format_local(ended, zone)}: the chart is read-only. "
            "A set of vitals taken during the session and not charted goes in with “Late "
            "entry…” (the date and time it was taken, and why it is late).")


def signed_line(signature: Signature) -> str:
    """The line a signed chart shows in place of its entry forms."""
    return (f"Signed by {signature.printed_name} on {signature.signed_at:%Y-%m-%d %H:%M} UTC "
            f"— {signature.meaning}. The chart can no longer change.")


def shown_hash(signature: Signature) -> str:
    """The start of the content hash, enough to compare with a printout by eye."""
    digest = signature.content_hash.removeprefix("sha256:")
    return f"sha256 {digest[:SHOWN_HASH_LENGTH]}…"


def mismatch_warning(broken: Sequence[Signature]) -> str:
    """One warning for every signature whose content the chart no longer holds."""
    if not broken:
        return ""
    named = " and ".join(
        f"the {'addendum' if s.kind is SignatureKind.ADDENDUM else 'signature'} of "
        f"{s.printed_name} on {s.signed_at:%Y-%m-%d %H:%M} UTC" for s in broken)
    return (f"The chart has changed since it was signed: it no longer matches {named}. "
            "The record may have been altered outside ketamonitor: tell the clinic's "
            "administrator.")


def queue_title(count: int) -> str:
    if count == 0:
        return "Nothing to sign."
    if count == 1:
        return "1 chart to sign"
    return f"{count} charts to sign, oldest first"


def time_ago(moment: datetime, now: datetime) -> str:
    """How long ago, in the largest whole unit that reads naturally."""
    span = max(now - moment, timedelta(0))
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h ago"
    return f"{hours // 24} days ago"
