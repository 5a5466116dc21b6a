"""A session's summary: everything a physician files about one visit, read from the store
once into the chart view (core.chart_view, where its rows and words live); and
`export_summary`, the one way a summary leaves the app (the
command line and the window both call it).

The summary is drawn by the PDF (pdf/summary), written as JSON and CSV (summary_data) and as
a FHIR R4 bundle (fhir): each reads this value only, so the four say the same thing. Times
are aware UTC datetimes here; each format says how it shows them (docs/summary-format.md).
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path

from ketamonitor.core.chart_view import SessionSummary, chart_summary
from ketamonitor.export.files import atomic_write
from ketamonitor.export.summary_formats import SUMMARY_FORMATS
from ketamonitor.store.interface import StoreApi

log = logging.getLogger(__name__)

#: The formats a summary is written in, as the command line and the window offer them, and
#: the file name ending of each (one list: export/summary_formats.py).
FORMATS = tuple(fmt for fmt, _, _ in SUMMARY_FORMATS)
EXTENSIONS = {fmt: ending for fmt, _, ending in SUMMARY_FORMATS}
PAGE_SIZES = ("A4", "Letter")


def build_summary(store: StoreApi, session_id: int, zone: tzinfo | None = None) -> SessionSummary:
    """Read the session's whole record once (UnknownRecord for an id not in it) and build
    its chart view."""
    chart = store.chart(session_id)
    account = store.account
    assert account is not None  # may_export was asked first
    return chart_summary(
        chart,
        alerts=tuple(store.alerts([session_id])[session_id]),
        signatures=store.signatures(session_id),
        course=[listing.session_id for listing in store.patient_sessions(chart.patient.id)],
        audit_head=store.audit_head(),
        generated_by=account.username,
        generated_by_name=account.display_name,
        now=store.clock.now(),
        clinic_name=store.setting("clinic_name"),
        zone=zone or store.clock.local_zone,
        library=store.library,
    )


# -- the one way out -----------------------------------------------------------------------

def summary_file_name(session_id: int, fmt: str) -> str:
    """A file name to offer: "session-12-summary.pdf" (no patient data in it)."""
    return f"session-{session_id}-summary{EXTENSIONS[_format(fmt)]}"


def export_summary(store: StoreApi, session_id: int, fmt: str, out: Path, *,
                   page_size: str = "A4", zone: tzinfo | None = None) -> Path:
    """Write the session's summary to `out` as `fmt` (pdf, json, csv or fhir) and record
    the export in the audit trail with the file's SHA-256.

    Refuses (PermissionDenied, NotLoggedIn) before anything is read; UnknownRecord for a
    session not in the record; ValueError for an unknown format or page size. The file is
    written whole or not at all: ExportFailed (naming the file and what to do) when it
    cannot be, with nothing left under `out` and nothing written to the record. Times are
    shown in `zone` (the room's, unless given). A PDF needs a QApplication, as any Qt
    painting does (one is made if there is none)."""
    store.may_export()
    fmt = _format(fmt)
    if fmt == "fhir":  # a transaction bundle on the clinic's identifier systems: export/fhir
        from ketamonitor.export.fhir import export_fhir_summary
        return export_fhir_summary(store, session_id, out, zone=zone)
    size = page_size_of(page_size)
    out = Path(out)
    summary = build_summary(store, session_id, zone)
    data = _render(summary, fmt, size)
    write_recorded(store, out, data, "summary", {
        "session_id": session_id, "format": fmt,
        **({"page_size": size} if fmt == "pdf" else {})})
    log.info("summary of session %s written to %s (%s)", session_id, out, fmt)
    return out


def write_recorded(store: StoreApi, out: Path, data: bytes, kind: str,
                   details: Mapping[str, object]) -> None:
    """Write `out` whole or not at all (ExportFailed), then its audit row `exports.<kind>`
    with `details` and the file's SHA-256; if the row cannot be written, the file is taken
    back: nothing leaves without its audit row."""
    digest = atomic_write(out, data)
    try:
        store.record_export(kind, details, digest)
    except BaseException:
        with contextlib.suppress(OSError):
            out.unlink(missing_ok=True)
        raise


def _format(fmt: str) -> str:
    cleaned = fmt.strip().lower()
    if cleaned not in FORMATS:
        raise ValueError(f"unknown summary format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return cleaned


def page_size_of(page_size: str) -> str:
    """"A4" or "Letter", however typed; ValueError for another."""
    for size in PAGE_SIZES:
        if page_size.strip().lower() == size.lower():
            return size
    raise ValueError(f"unknown page size {page_size!r}: choose {' or '.join(PAGE_SIZES)}")


def _render(summary: SessionSummary, fmt: str, page_size: str) -> bytes:
    # the formats read this module's values: imported here, where they are needed
    if fmt == "pdf":
        from ketamonitor.export.pdf.summary import summary_pdf
        return summary_pdf(summary, page_size)
    if fmt == "fhir":
        from ketamonitor.export.fhir import fhir_bundle_bytes
        return fhir_bundle_bytes(summary)
    from ketamonitor.export.summary_data import summary_csv, summary_json
    return summary_json(summary) if fmt == "json" else summary_csv(summary)
