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
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from ketamonitor.core.chart_view import SessionSummary, chart_summary
from ketamonitor.export.fhir.context import FhirContext
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
                   page_size: str = "A4", zone: tzinfo | None = None,
                   bundle_type: str = "transaction") -> Path:
    """Write the session's summary to `out` as `fmt` (pdf, json, csv or fhir) and record
    the export in the audit trail with the file's SHA-256.

    Refuses (PermissionDenied, NotLoggedIn) before anything is read; UnknownRecord for a
    session not in the record; ValueError for an unknown format, page size or FHIR bundle
    type (`bundle_type`, read only for fhir). The file is
    written whole or not at all: ExportFailed (naming the file and what to do) when it
    cannot be, with nothing left under `out` and nothing written to the record. Times are
    shown in `zone` (the room's, unless given). A PDF needs a QApplication, as any Qt
    painting does (one is made if there is none)."""
    read = read_summary(store, session_id, fmt, page_size=page_size, zone=zone,
                        bundle_type=bundle_type)
    return write_summary(store, read, render_summary(read), out)


@dataclass(frozen=True)
class SummaryRead:
    """A summary read from the record, with the format and page size it is to be written
    in. The window reads it where the database connection lives (the GUI thread) and may
    render it elsewhere: see `render_summary`."""

    session_id: int
    fmt: str
    page_size: str
    summary: SessionSummary
    #: For fhir only: the bundle's type, the clinic's systems and the staff's names.
    fhir: FhirContext | None = None


#: The formats rendered only on the GUI thread: the PDF draws its chart with pyqtgraph's
#: layout widget, and a widget lives only there. The others are plain Python.
GUI_THREAD_FORMATS = frozenset({"pdf"})


def read_summary(store: StoreApi, session_id: int, fmt: str, *, page_size: str = "A4",
                 zone: tzinfo | None = None, bundle_type: str = "transaction") -> SummaryRead:
    """The first half of `export_summary`: its refusals, checks and the reads (a FHIR
    bundle's context too: the store lives on this thread, the rendering may not)."""
    from ketamonitor.export.fhir import bundle_type_of, fhir_context

    store.may_export()
    fmt = _format(fmt)
    size = page_size_of(page_size)
    kind = bundle_type_of(bundle_type) if fmt == "fhir" else None
    summary = build_summary(store, session_id, zone)
    fhir = None if kind is None else fhir_context(store, summary, kind)
    return SummaryRead(session_id, fmt, size, summary, fhir)


def render_summary(read: SummaryRead) -> bytes:
    """The file's bytes; reads no store, so a format not in GUI_THREAD_FORMATS may be
    rendered on a worker thread."""
    if read.fhir is not None:
        from ketamonitor.export.fhir import fhir_bundle_bytes
        fhir = read.fhir
        return fhir_bundle_bytes(read.summary, fhir.systems, fhir.kind, fhir.names)
    return _render(read.summary, read.fmt, read.page_size)


def write_summary(store: StoreApi, read: SummaryRead, data: bytes, out: Path) -> Path:
    """The second half of `export_summary`: `data` written to `out` whole or not at all,
    with its audit row (on the thread the store lives on)."""
    out = Path(out)
    write_recorded(store, out, data, "summary", {
        "session_id": read.session_id, "format": read.fmt,
        **({"page_size": read.page_size} if read.fmt == "pdf" else {}),
        **({"bundle": read.fhir.kind} if read.fhir is not None else {})})
    log.info("summary of session %s written to %s (%s)", read.session_id, out, read.fmt)
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
    from ketamonitor.export.summary_data import summary_csv, summary_json
    return summary_json(summary) if fmt == "json" else summary_csv(summary)
