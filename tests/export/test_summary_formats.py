"""The summary's format told by the file's name, as the save dialog offers them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketamonitor.export.summary_formats import file_filters, summary_format_of


@pytest.mark.parametrize(("name", "fmt"), [
    ("summary.pdf", "pdf"),
    ("SUMMARY.PDF", "pdf"),
    ("summary.fhir.json", "fhir"),
    ("summary.FHIR.JSON", "fhir"),
    ("summary.json", "json"),
    ("fhir.json", "json"),  # only ".fhir.json" as an ending asks for FHIR
    ("summary.csv", "csv"),
    ("summary.txt", None),
    ("summary", None),
    ("summary.pdf.bak", None),
])
def test_the_format_is_the_files_ending(name, fmt):
    assert summary_format_of(Path("/tmp/out") / name) == fmt


def test_the_dialog_offers_each_format_once_in_order():
    assert file_filters() == ("PDF document (*.pdf);;FHIR R4 bundle (*.fhir.json);;"
                              "JSON (*.json);;CSV, one row per vitals set (*.csv)")
