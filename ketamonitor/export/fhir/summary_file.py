"""The FHIR summary written to a file: the clinic's identifier systems read from its
settings, the bundle of the type asked for, written whole or not at all with its audit row
(the same way out as every summary: export.summary)."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from ketamonitor.core.chart_view import SessionSummary
from ketamonitor.core.settings import FHIR_CODE_SYSTEM, FHIR_MRN_SYSTEM
from ketamonitor.export.fhir.bundle import TRANSACTION
from ketamonitor.export.fhir.codes import ClinicSystems
from ketamonitor.export.fhir.context import FhirContext
from ketamonitor.export.fhir.people import usernames
from ketamonitor.store.interface import StoreApi


def clinic_systems(store: StoreApi) -> ClinicSystems:
    """The clinic's identifier systems as its settings say."""
    return ClinicSystems(store.setting(FHIR_MRN_SYSTEM.key), store.setting(FHIR_CODE_SYSTEM.key))


def fhir_context(store: StoreApi, summary: SessionSummary, kind: str) -> FhirContext:
    """What a bundle of `kind` needs beside the summary, read from the store with it."""
    return FhirContext(kind, clinic_systems(store), store.staff_names(usernames(summary)))


def export_fhir_summary(store: StoreApi, session_id: int, out: Path, *,
                        bundle_type: str = TRANSACTION, zone: tzinfo | None = None) -> Path:
    """Write the session's summary to `out` as a FHIR bundle of `bundle_type` and audit it:
    export_summary's way out (its refusals, UnknownRecord and ExportFailed; ValueError for
    an unknown bundle type, before anything is read or written)."""
    from ketamonitor.export.summary import export_summary

    return export_summary(store, session_id, "fhir", out, zone=zone, bundle_type=bundle_type)
