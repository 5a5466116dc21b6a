"""A session's summary as FHIR (R4, checked against R4B): a transaction bundle an EHR takes
in by default, or a collection or a document (bundle). Each part of the chart has its module;
docs/fhir.md maps each thing charted to its resource and codes."""

from ketamonitor.export.fhir.bundle import (
    BUNDLE_TYPES,
    COLLECTION,
    DOCUMENT,
    TRANSACTION,
    bundle_type_of,
    fhir_bundle,
    fhir_bundle_bytes,
)
from ketamonitor.export.fhir.codes import ClinicSystems
from ketamonitor.export.fhir.context import FhirContext
from ketamonitor.export.fhir.summary_file import clinic_systems, export_fhir_summary, fhir_context

__all__ = ["BUNDLE_TYPES", "COLLECTION", "DOCUMENT", "TRANSACTION", "ClinicSystems",
           "FhirContext", "bundle_type_of", "clinic_systems", "export_fhir_summary",
           "fhir_bundle", "fhir_bundle_bytes", "fhir_context"]
