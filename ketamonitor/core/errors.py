"""Refusals the rules give, each carrying the words a nurse needs to put things right."""

from __future__ import annotations

from collections.abc import Mapping


class RuleError(Exception):
    """Base of every refusal by a clinic rule; never a bug."""


class ValidationError(RuleError):
    """Input that cannot be charted, with a reason per field for the form to show."""

    def __init__(self, reasons: Mapping[str, str]) -> None:
        self.reasons = dict(reasons)
        super().__init__("; ".join(f"{field}: {why}" for field, why in self.reasons.items()))


class PhaseChangeRefused(RuleError):
    """A phase change the session's state does not allow, and what is missing for it."""

    def __init__(self, summary: str, missing: tuple[str, ...] = ()) -> None:
        self.summary = summary
        self.missing = missing
        super().__init__(summary if not missing else f"{summary}: " + "; ".join(missing))


class ChartSigned(RuleError):
    """A signed chart never changes: no entry, correction or acknowledgement after it."""
