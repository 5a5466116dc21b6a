"""What a FHIR bundle needs beyond the session's summary, read from the store where the
summary is read: the window renders the bundle on a worker thread, where no store is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ketamonitor.export.fhir.codes import ClinicSystems


@dataclass(frozen=True)
class FhirContext:
    kind: str
    systems: ClinicSystems
    #: Display names by username, for the Practitioners.
    names: Mapping[str, str] = field(default_factory=dict)
