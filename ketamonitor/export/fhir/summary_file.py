"""The FHIR summary written to a file: the clinic's identifier systems read from its
settings, the bundle of the type asked for, written whole or not at all with its audit row
(the same way out as every summary: export.summary)."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from ketamonitor.core.settings import FHIR_CODE_SYSTEM, FHIR_MRN_SYSTEM
from ketamonitor.export.fhir.bundle import TRANSACTION, bundle_type_of, fhir_bundle_bytes
from ketamonitor.export.fhir.codes import ClinicSystems
from ketamonitor.export.fhir.people import usernames
from ketamonitor.store.interface import StoreApi


def clinic_systems(store: StoreApi) -> ClinicSystems:
    """The clinic's identifier systems as its settings say."""
    return ClinicSystems(store.setting(FHIR_MRN_SYSTEM.key), store.setting(FHIR_CODE_SYSTEM.key))


def export_fhir_summary(store: StoreApi, session_id: int, out: Path, *,
                        bundle_type: str = TRANSACTION, zone: tzinfo | None = None) -> Path:
    """Write the session's summary to `out` as a FHIR bundle of `bundle_type` and audit it
    (refusals, UnknownRecord and ExportFailed as export_summary's; ValueError for an unknown
    bundle type, before anything is read or written)."""
    from ketamonitor.export.summary import build_summary, write_recorded

    store.may_export()
    kind = bundle_type_of(bundle_type)
    out = Path(out)
    summary = build_summary(store, session_id, zone)
    names = store.staff_names(usernames(summary))
    data = fhir_bundle_bytes(summary, clinic_systems(store), kind, names)
    write_recorded(store, out, data, "summary",
                   {"session_id": session_id, "format": "fhir", "bundle": kind})
    return out
