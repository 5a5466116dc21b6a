"""A physician's signature: printed name, time, meaning, and the hash of the exact chart
content signed, so that any later change to that content shows."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import Any

from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.audit_chain import canonical, sha256_text
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.records import VitalsEntry
from ketamonitor.core.times import to_stored

MEANING = "reviewed and approved"
ADDENDUM_MEANING = "addendum, reviewed and approved"
ADDENDUM_MAX_CHARACTERS = 4000


class SignatureKind(StrEnum):
    SIGNATURE = "signature"
    ADDENDUM = "addendum"


@dataclass(frozen=True)
class Signature:
    id: int
    session_id: int
    kind: SignatureKind
    signer: str
    printed_name: str
    meaning: str
    content_hash: str
    signed_at: datetime
    text: str | None = None
    #: Whether the signer's own key signed this content hash (store.signatures checks it on
    #: reading; a signature made before keys has none to check): a content hash recomputed
    #: after a change to the chart has no valid key signature.
    key_verified: bool = True

    def manifestation(self) -> str:
        """How the signature reads on screen and on every printout."""
        what = "Addendum signed" if self.kind is SignatureKind.ADDENDUM else "Signed"
        return (f"{what} by {self.printed_name} ({self.signer}) on "
                f"{self.signed_at:%Y-%m-%d %H:%M} UTC — {self.meaning}")


def _plain(value: Any) -> Any:
    """Values as JSON can hold them, the same way every time."""
    if isinstance(value, datetime):
        return to_stored(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (frozenset, set)):
        return sorted(_plain(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name))
                for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(_plain(key)): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def chart_content(chart: SessionChart, alerts: Sequence[AlertRecord] = ()) -> dict[str, Any]:
    """Everything charted for the session, with every correction, and its alerts with what
    was done about them: all the review view shows, as signed."""
    session = chart.session
    content = {
        "session": {
            **{name: _plain(getattr(session, name)) for name in
               ("id", "patient_id", "chair", "nurse", "weight_kg", "dose", "began_at",
                "created_by", "prescriber")},
            "protocol": sha256_text(session.protocol.source_text),
        },
        "patient": _plain(chart.patient),
        "vitals": [_plain_vitals(entry) for entry in chart.vitals],
        "checklist_entries": _plain(chart.checklist_entries),
        "scale_scores": _plain(chart.scale_scores),
        "events": _plain(chart.events),
        "administrations": _plain(chart.administrations),
        "alerts": [_signed_alert(alert) for alert in sorted(alerts, key=lambda a: a.id)],
    }
    if chart.medications:  # only where given: a chart signed before reads as it did
        content["medications"] = _plain(chart.medications)
    if chart.overrides:  # likewise: a physician's overrides, only where given
        content["overrides"] = _plain(chart.overrides)
    if chart.reading_marks:  # likewise: the nurse's verdicts on a monitor's readings
        content["monitor_marks"] = _signed_marks(chart)
    return content


def _signed_marks(chart: SessionChart) -> list[Any]:
    """Each verdict with the reading it was given on: what was accepted is signed as its
    vitals set too, and an artifact with the values it set aside. The readings never
    validated are not signed: they are the monitor's, not charted care."""
    readings = {reading.id: reading for reading in chart.monitor_readings}
    return [{"mark": _plain(mark), "reading": _plain(readings.get(mark.reading_id))}
            for mark in chart.reading_marks]


def _plain_vitals(entry: VitalsEntry) -> Any:
    """A set as signed; the late-entry reason only where there is one, so that the content
    of a chart signed before late entries existed reads (and hashes) as it did."""
    plain = _plain(entry)
    if entry.late_reason is None:
        del plain["late_reason"]
    return plain


def _signed_alert(alert: AlertRecord) -> Any:
    """An alert as signed: raised, and what was done about it. When it cleared is left out:
    the room records that on its own clock, and it may land just after a signature; so is
    which physician has seen it (the signature itself records that). An alert without an
    escalation reads (and hashes) as it did before escalations existed."""
    plain = _plain(alert)
    plain.pop("cleared_at", None)
    plain.pop("seen_by_physician", None)
    if alert.escalation is None:
        plain.pop("escalation", None)
    return plain


def content_hash(chart: SessionChart, addendum: str | None = None,
                 alerts: Sequence[AlertRecord] = ()) -> str:
    """The hash a signature records: of the chart's content (and an addendum's own text)."""
    content = chart_content(chart, alerts)
    if addendum is not None:
        content = {"chart": content, "addendum": addendum}
    return "sha256:" + hashlib.sha256(canonical(content).encode()).hexdigest()


def addendum_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError({"addendum": "write the addendum first"})
    if len(cleaned) > ADDENDUM_MAX_CHARACTERS:
        raise ValidationError({"addendum": f"at most {ADDENDUM_MAX_CHARACTERS} characters"})
    return cleaned


def matches(signature: Signature, chart: SessionChart,
            alerts: Sequence[AlertRecord] = ()) -> bool:
    """Whether the chart still holds the content this signature signed, and the signer's
    key signed that content hash."""
    return signature.key_verified and signature.content_hash == content_hash(
        chart, signature.text, alerts)
