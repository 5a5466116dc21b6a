"""The formats a session summary is written in, told apart by the file's name."""

from __future__ import annotations

from pathlib import Path

#: (format, what a person calls it, file-name ending), in the order they are offered.
SUMMARY_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("pdf", "PDF document", ".pdf"),
    ("fhir", "FHIR R4 bundle", ".fhir.json"),
    ("json", "JSON", ".json"),
    ("csv", "CSV, one row per vitals set", ".csv"),
)


def summary_format_of(path: Path) -> str | None:
    """The format a file name asks for ("x.fhir.json" is FHIR, "x.json" plain JSON)."""
    name = path.name.lower()
    return next((fmt for fmt, _, ending in SUMMARY_FORMATS if name.endswith(ending)), None)


def file_filters() -> str:
    """For a save dialog: one filter per format."""
    return ";;".join(f"{label} (*{ending})" for _, label, ending in SUMMARY_FORMATS)
