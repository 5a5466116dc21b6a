"""Summaries and logs out of the store (PDF, JSON, CSV, FHIR): no widgets."""
